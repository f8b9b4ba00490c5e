package dev.latchkey.session;

import dev.latchkey.core.Principal;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.core.spi.SessionTouch;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A session's time policy: how long it lives idle and at most, how often a check may write its
 * renewal, and how long it stays known once dead. Every touch of a session is made here, and every
 * end of a session is computed by {@link SessionTouch}'s one rule, a new session's too.
 *
 * @param idleTimeout the time from the last renewal to the session's end, positive
 * @param absoluteTimeout the time from login to the session's end, at least {@code idleTimeout}
 * @param renewalInterval the least time between two renewal writes, below {@code idleTimeout}
 * @param expiredNotice how long after its end a session is still reported as expired
 */
record SessionTimeouts(
    Duration idleTimeout,
    Duration absoluteTimeout,
    Duration renewalInterval,
    Duration expiredNotice) {

  /** The default idle timeout. */
  static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);

  /** The default absolute timeout. */
  static final Duration DEFAULT_ABSOLUTE_TIMEOUT = Duration.ofHours(12);

  /** The default expired notice. */
  static final Duration DEFAULT_EXPIRED_NOTICE = Duration.ofMinutes(15);

  // A touch with this interval never renews: management reads must not slide a session.
  private static final Duration NEVER = Duration.ofSeconds(Long.MAX_VALUE);

  // The longest default renewal interval: a session idle for a minute more than it was is no risk.
  private static final Duration MAX_DEFAULT_RENEWAL = Duration.ofMinutes(1);

  /**
   * Checks each duration and their mix.
   *
   * @throws NullPointerException when a duration is null
   * @throws IllegalArgumentException when a timeout is not positive, or the renewal interval or the
   *     expired notice is negative
   * @throws IllegalStateException when the idle timeout exceeds the absolute timeout, or the
   *     renewal interval is not less than the idle timeout
   */
  SessionTimeouts {
    requirePositive(idleTimeout, "idleTimeout");
    requirePositive(absoluteTimeout, "absoluteTimeout");
    requireNonNegative(renewalInterval, "renewalInterval");
    requireNonNegative(expiredNotice, "expiredNotice");
    if (idleTimeout.compareTo(absoluteTimeout) > 0) {
      throw new IllegalStateException(
          "idleTimeout ("
              + idleTimeout
              + ") cannot exceed absoluteTimeout ("
              + absoluteTimeout
              + "): raise absoluteTimeout or lower idleTimeout");
    }
    if (renewalInterval.compareTo(idleTimeout) >= 0) {
      throw new IllegalStateException(
          "renewalInterval ("
              + renewalInterval
              + ") must be less than idleTimeout ("
              + idleTimeout
              + "), or an active session would time out between renewals");
    }
  }

  /**
   * {@return the policy with these durations}, the renewal interval defaulting to {@link
   * #defaultRenewalInterval} of the idle timeout
   *
   * @param renewalInterval the renewal interval; null for the default
   * @throws IllegalArgumentException or IllegalStateException as the canonical constructor
   */
  static SessionTimeouts of(
      Duration idleTimeout,
      Duration absoluteTimeout,
      Duration renewalInterval,
      Duration expiredNotice) {
    Duration renewal =
        renewalInterval != null
            ? renewalInterval
            : defaultRenewalInterval(requirePositive(idleTimeout, "idleTimeout"));
    return new SessionTimeouts(idleTimeout, absoluteTimeout, renewal, expiredNotice);
  }

  /**
   * {@return a tenth of {@code idleTimeout}, capped at one minute}: often enough that an active
   * session never comes close to its idle end, rarely enough that a busy client costs a write a
   * minute at most
   */
  static Duration defaultRenewalInterval(Duration idleTimeout) {
    Duration tenth = idleTimeout.dividedBy(10);
    return tenth.compareTo(MAX_DEFAULT_RENEWAL) < 0 ? tenth : MAX_DEFAULT_RENEWAL;
  }

  /** {@return the touch of a cookie check at {@code now}: it renews at most once an interval} */
  SessionTouch check(Instant now) {
    return new SessionTouch(now, idleTimeout, renewalInterval, expiredNotice);
  }

  /** {@return the touch of a management read at {@code now}: it never renews} */
  SessionTouch read(Instant now) {
    return new SessionTouch(now, idleTimeout, NEVER, expiredNotice);
  }

  /**
   * {@return a session that starts at {@code now}}: it ends at the idle or the absolute timeout,
   * whichever is first, and stays known for the expired notice after that.
   *
   * @param id the session's hashed id
   * @param principal who the session is of
   * @param now the login's time
   * @param attributes the application's attributes
   */
  SessionRecord start(
      HashedId id, Principal principal, Instant now, Map<String, String> attributes) {
    Instant absoluteEnd = now.plus(absoluteTimeout);
    // Provisionally live until the absolute end; a renewing touch at its creation then sets its
    // ends by the same rule as every later renewal, so the two cannot disagree.
    SessionRecord provisional =
        new SessionRecord(
            id, principal, now, now, absoluteEnd, absoluteEnd, absoluteEnd, attributes);
    return new SessionTouch(now, idleTimeout, Duration.ZERO, expiredNotice).apply(provisional);
  }

  /**
   * {@return {@code d}} when positive.
   *
   * @throws NullPointerException when {@code d} is null
   * @throws IllegalArgumentException when {@code d} is zero or negative, naming {@code name}
   */
  static Duration requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
    return d;
  }

  /**
   * {@return {@code d}} when not negative.
   *
   * @throws NullPointerException when {@code d} is null
   * @throws IllegalArgumentException when {@code d} is negative, naming {@code name}
   */
  static Duration requireNonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " cannot be negative: " + d);
    }
    return d;
  }
}

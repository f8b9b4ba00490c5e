package dev.latchkey.core.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A sliding renewal that a {@link SessionStore} applies while it reads a session, so that a read
 * and its renewal cost one round trip.
 *
 * <p>The rule every store applies, written once in {@link #apply}: a record that is live at {@code
 * now} and was last renewed at least {@code minInterval} ago gets {@code lastSeenAt = now}, {@code
 * expiresAt = min(now + idleTimeout, absoluteExpiresAt)} and {@code retainUntil = expiresAt +
 * expiredNotice}; any other record is returned unchanged and not written.
 *
 * @param now the reader's current time
 * @param idleTimeout how long a session lives without renewal
 * @param minInterval the least time between two renewal writes of one session
 * @param expiredNotice how long a dead session stays known (see {@link SessionRecord#retainUntil})
 */
public record SessionTouch(
    Instant now, Duration idleTimeout, Duration minInterval, Duration expiredNotice) {

  /**
   * Checks the durations.
   *
   * @param now the reader's current time
   * @param idleTimeout how long a session lives without renewal, not negative
   * @param minInterval the least time between two renewal writes of one session, not negative
   * @param expiredNotice how long a dead session stays known, not negative
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a duration is negative
   */
  public SessionTouch {
    Objects.requireNonNull(now, "now");
    requireNonNegative(idleTimeout, "idleTimeout");
    requireNonNegative(minInterval, "minInterval");
    requireNonNegative(expiredNotice, "expiredNotice");
  }

  /**
   * {@return whether {@link #apply} would change {@code record}}: a store writes only then.
   *
   * @param record the session as stored
   */
  public boolean renews(SessionRecord record) {
    return record.isLiveAt(now) && atLeastApart(record.lastSeenAt(), now, minInterval);
  }

  /**
   * {@return the record after this touch}; the same instance when nothing changes.
   *
   * @param record the session as stored
   */
  public SessionRecord apply(SessionRecord record) {
    if (!renews(record)) {
      return record;
    }
    Instant idleEnd = now.plus(idleTimeout);
    Instant expiresAt =
        idleEnd.isBefore(record.absoluteExpiresAt()) ? idleEnd : record.absoluteExpiresAt();
    return new SessionRecord(
        record.id(),
        record.principal(),
        record.createdAt(),
        now,
        expiresAt,
        record.absoluteExpiresAt(),
        expiresAt.plus(expiredNotice),
        record.attributes());
  }

  /**
   * {@code Duration.between(from, to).compareTo(d) >= 0}, without the Duration: a store asks this
   * on every cookie check.
   */
  static boolean atLeastApart(Instant from, Instant to, Duration d) {
    // Epoch seconds of two Instants differ by less than 2^56: no overflow.
    long seconds = to.getEpochSecond() - from.getEpochSecond();
    int nanos = to.getNano() - from.getNano();
    if (nanos < 0) {
      seconds--;
      nanos += 1_000_000_000;
    }
    return seconds != d.getSeconds() ? seconds > d.getSeconds() : nanos >= d.getNano();
  }

  private static void requireNonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " cannot be negative: " + d);
    }
  }
}

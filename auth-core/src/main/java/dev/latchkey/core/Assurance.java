package dev.latchkey.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How strongly, and when, the holder of a session proved who they are: the level reached and the
 * time of the last authentication that reached it. A step-up rule compares both ("a second factor",
 * "a password typed within the last five minutes"); the session id changes whenever the level
 * rises, so an id seen at a lower level never gains the higher one.
 *
 * @param level the strength of the authentication behind the session
 * @param authenticatedAt when the user last proved a factor for this session (a session restored
 *     from a remember-me cookie keeps the time of the login that set the cookie)
 */
public record Assurance(Level level, Instant authenticatedAt) {

  /** The strength of an authentication, weakest first; compare with {@link #atLeast}. */
  public enum Level {
    /**
     * The password was right, but the account has a second factor that is still to come: the
     * session reaches nothing but the second-factor step.
     */
    PENDING_SECOND_FACTOR,
    /**
     * Restored from a long-lived remember-me cookie with no factor typed now: good for ordinary
     * pages, never for a sensitive operation.
     */
    REMEMBERED,
    /** One factor, typically the password. */
    SINGLE_FACTOR,
    /** Two factors (password and TOTP or a recovery code), or a phishing-resistant passkey. */
    MULTI_FACTOR;

    /**
     * {@return whether this level is {@code other} or stronger}
     *
     * @param other the level required
     * @throws NullPointerException when {@code other} is null
     */
    public boolean atLeast(Level other) {
      return compareTo(Objects.requireNonNull(other, "other")) >= 0;
    }
  }

  /**
   * Checks the parts.
   *
   * @param level the strength of the authentication
   * @param authenticatedAt when the user last proved a factor
   * @throws NullPointerException when an argument is null
   */
  public Assurance {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(authenticatedAt, "authenticatedAt");
  }

  /**
   * {@return whether this assurance is {@code required} or stronger and its authentication is no
   * older than {@code maxAge} at {@code now}}
   *
   * @param required the weakest level accepted
   * @param maxAge the oldest authentication accepted; {@code null} for no age limit
   * @param now the time to judge at
   * @throws NullPointerException when {@code required} or {@code now} is null
   * @throws IllegalArgumentException when {@code maxAge} is negative
   */
  public boolean satisfies(Level required, Duration maxAge, Instant now) {
    Objects.requireNonNull(now, "now");
    if (!level.atLeast(required)) {
      return false;
    }
    if (maxAge == null) {
      return true;
    }
    if (maxAge.isNegative()) {
      throw new IllegalArgumentException("maxAge cannot be negative: " + maxAge);
    }
    return !authenticatedAt.plus(maxAge).isBefore(now);
  }
}

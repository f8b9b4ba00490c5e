package dev.latchkey.account;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a one-time token is for, and the rules it lives by: its name (bound into the token's stored
 * hash, so a token issued for one purpose never verifies for another), its lifetime, how many may
 * be outstanding at once per subject, and whether it is a link token or a numeric code.
 *
 * <p>With {@code maxOutstanding} 1, each new token ends every earlier one of its subject and
 * purpose; with more, a new token ends only the oldest once the subject holds that many.
 *
 * @param name lower-case letters, digits and {@code _}, 1 to 32 characters
 * @param lifetime how long a token works after it is issued, 1 second to 30 days
 * @param maxOutstanding the most live tokens one subject holds for this purpose, 1 to 20
 * @param kind a link token (256 bits, sent in a URL) or a numeric code (typed, bound to a pending
 *     login)
 */
public record Purpose(String name, Duration lifetime, int maxOutstanding, Kind kind) {
  private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,32}");

  /** Password reset: a link, 30 minutes, at most 3 outstanding. */
  public static final Purpose PASSWORD_RESET =
      new Purpose("password_reset", Duration.ofMinutes(30), 3, Kind.LINK);

  /** Email address verification: a link, 24 hours, at most 3 outstanding. */
  public static final Purpose EMAIL_VERIFICATION =
      new Purpose("email_verification", Duration.ofHours(24), 3, Kind.LINK);

  /** Magic-link login: a link, 15 minutes, at most 3 outstanding. */
  public static final Purpose MAGIC_LINK =
      new Purpose("magic_link", Duration.ofMinutes(15), 3, Kind.LINK);

  /** An email code for a pending login: a code, 10 minutes, each new code ends the earlier. */
  public static final Purpose EMAIL_CODE =
      new Purpose("email_code", Duration.ofMinutes(10), 1, Kind.CODE);

  /** The form a one-time secret takes. */
  public enum Kind {
    /** 256 random bits, base64url: clicked in a link, looked up by its hash. */
    LINK,
    /** A short numeric code, typed by the user, bound to a pending login and to few attempts. */
    CODE
  }

  /**
   * Checks the purpose.
   *
   * @param name lower-case letters, digits and {@code _}, 1 to 32 characters
   * @param lifetime 1 second to 30 days
   * @param maxOutstanding 1 to 20
   * @param kind link or code
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a value is out of its range
   */
  public Purpose {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(lifetime, "lifetime");
    Objects.requireNonNull(kind, "kind");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a purpose name is 1 to 32 of a-z, 0-9 and _: " + name.length() + " characters given");
    }
    if (lifetime.compareTo(Duration.ofSeconds(1)) < 0
        || lifetime.compareTo(Duration.ofDays(30)) > 0) {
      throw new IllegalArgumentException("lifetime must be 1 second to 30 days: " + lifetime);
    }
    if (maxOutstanding < 1 || maxOutstanding > 20) {
      throw new IllegalArgumentException("maxOutstanding must be 1 to 20: " + maxOutstanding);
    }
  }

  /**
   * {@return this purpose with another lifetime}
   *
   * @param newLifetime 1 second to 30 days
   */
  public Purpose withLifetime(Duration newLifetime) {
    return new Purpose(name, newLifetime, maxOutstanding, kind);
  }

  /**
   * {@return this purpose with another bound on outstanding tokens} 1 makes each new token end
   * every earlier one.
   *
   * @param newMaxOutstanding 1 to 20
   */
  public Purpose withMaxOutstanding(int newMaxOutstanding) {
    return new Purpose(name, lifetime, newMaxOutstanding, kind);
  }
}

package dev.latchkey.password;

import java.util.Optional;

/**
 * The application's user table, as {@link PasswordAccounts} writes to it. Implementations must be
 * safe for concurrent use and may throw {@link dev.latchkey.core.StoreUnavailableException} (or any
 * runtime exception) when the table cannot be reached, which the service answers as {@link
 * AccountOutcome.Status#UNAVAILABLE}.
 */
public interface AccountRegistry {
  /**
   * Creates an account, atomically: only when the login name is not taken.
   *
   * @param loginName the login name as given (the registry decides how names compare)
   * @param passwordHash the hash to store
   * @return false when the login name is taken
   */
  boolean create(String loginName, String passwordHash);

  /**
   * Replaces the password hash of {@code subject}.
   *
   * @param subject whose password it is
   * @param passwordHash the new hash
   * @return false when there is no such account (any more)
   */
  boolean setPasswordHash(String subject, String passwordHash);

  /**
   * {@return the login name of {@code subject}}, which a password change verifies the current
   * password under; by default the subject itself, for tables where the two are one
   *
   * @param subject the principal's subject
   */
  default Optional<String> loginNameOf(String subject) {
    return Optional.of(subject);
  }
}

package dev.latchkey.account;

import dev.latchkey.core.StoreUnavailableException;

/**
 * Where {@link PasswordReset} writes a new password hash: the application implements it on its own
 * user table ({@code InMemoryUserDirectory::updatePasswordHash} fits where subject and login name
 * are one). Implementations must be safe for concurrent use.
 */
@FunctionalInterface
public interface PasswordWriter {
  /**
   * Replaces the stored password hash of {@code subject}.
   *
   * @param subject whose password it is
   * @param passwordHash the new hash, in the configured {@code PasswordHasher}'s format
   * @return false when there is no such account (any more)
   * @throws StoreUnavailableException when the user table cannot be reached
   */
  boolean setPasswordHash(String subject, String passwordHash);
}

package dev.latchkey.core;

import java.util.Objects;

/**
 * A user as the password strategy needs it: the name they log in with, who they are once
 * authenticated, and their stored password hash. {@code toString()} never shows the hash.
 *
 * @param loginName what the user types to log in, compared exactly as given
 * @param principal who the user is once authenticated
 * @param passwordHash the stored hash, in the format of the configured {@link PasswordHasher}
 */
public record UserAccount(String loginName, Principal principal, String passwordHash) {
  /**
   * Creates the account.
   *
   * @param loginName what the user types to log in
   * @param principal who the user is once authenticated
   * @param passwordHash the stored hash
   * @throws NullPointerException if an argument is null
   */
  public UserAccount {
    Objects.requireNonNull(loginName, "loginName");
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(passwordHash, "passwordHash");
  }

  /**
   * A copy with another password hash (after a rehash or a password change).
   *
   * @param newHash the new stored hash, in the format of the configured {@link PasswordHasher}
   * @return an account with the same login name and principal and {@code newHash}
   * @throws NullPointerException if {@code newHash} is null
   */
  public UserAccount withPasswordHash(String newHash) {
    return new UserAccount(loginName, principal, newHash);
  }

  @Override
  public String toString() {
    return "UserAccount[loginName="
        + loginName
        + ", principal="
        + principal
        + ", passwordHash=<redacted>]";
  }
}

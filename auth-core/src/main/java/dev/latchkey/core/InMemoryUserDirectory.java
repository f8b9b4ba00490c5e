package dev.latchkey.core;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link UserDirectory} held in a map, for tests, demos and small fixed user sets. Login names
 * are compared exactly (case-sensitively). Safe for concurrent use.
 *
 * <p>Wire rehash-on-login to it with {@code .onRehash((account, hash) ->
 * directory.updatePasswordHash(account.loginName(), hash))}.
 */
public final class InMemoryUserDirectory implements UserDirectory {
  private final ConcurrentHashMap<String, UserAccount> accounts = new ConcurrentHashMap<>();

  private InMemoryUserDirectory() {}

  /** {@return a new, empty directory} */
  public static InMemoryUserDirectory create() {
    return new InMemoryUserDirectory();
  }

  /**
   * Adds an account.
   *
   * @param account the account; its login name must be new to this directory
   * @return this directory
   * @throws NullPointerException if {@code account} is null
   * @throws IllegalArgumentException if an account with that login name exists
   */
  public InMemoryUserDirectory add(UserAccount account) {
    Objects.requireNonNull(account, "account");
    if (accounts.putIfAbsent(account.loginName(), account) != null) {
      throw new IllegalArgumentException("login name already taken: " + account.loginName());
    }
    return this;
  }

  /**
   * Replaces the password hash of an account.
   *
   * @param loginName the account's login name, compared exactly
   * @param newHash the new stored hash, in the format of the configured {@link PasswordHasher}
   * @return false when there is no account with that login name
   * @throws NullPointerException if an argument is null
   */
  public boolean updatePasswordHash(String loginName, String newHash) {
    Objects.requireNonNull(loginName, "loginName");
    Objects.requireNonNull(newHash, "newHash");
    return accounts.computeIfPresent(
            loginName, (name, account) -> account.withPasswordHash(newHash))
        != null;
  }

  /**
   * Removes an account.
   *
   * @param loginName the account's login name, compared exactly
   * @return whether it was there
   * @throws NullPointerException if {@code loginName} is null
   */
  public boolean remove(String loginName) {
    return accounts.remove(Objects.requireNonNull(loginName, "loginName")) != null;
  }

  @Override
  public Optional<UserAccount> findByLoginName(String loginName) {
    return loginName == null ? Optional.empty() : Optional.ofNullable(accounts.get(loginName));
  }

  @Override
  public String toString() {
    return "InMemoryUserDirectory[accounts=" + accounts.size() + "]";
  }
}

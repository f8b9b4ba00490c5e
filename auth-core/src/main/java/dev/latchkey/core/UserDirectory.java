package dev.latchkey.core;

import java.util.Optional;

/**
 * Where the password strategy finds users: the application implements it on its own user table, or
 * uses {@link InMemoryUserDirectory}.
 *
 * <p>Implementations must be safe for concurrent use.
 */
public interface UserDirectory {

  /**
   * The account whose login name is {@code loginName}, compared as the application defines (the
   * in-memory directory compares exactly); empty when there is none.
   *
   * @param loginName the login name as typed; attacker-controlled
   * @return the account, or empty when none has that login name
   * @throws StoreUnavailableException when the backing store cannot be reached; the password
   *     strategy then answers {@link AuthResult.Reason#UNAVAILABLE}
   */
  Optional<UserAccount> findByLoginName(String loginName);
}

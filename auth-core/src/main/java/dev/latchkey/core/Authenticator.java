package dev.latchkey.core;

/**
 * One authentication strategy: checks one type of {@link Credentials}.
 *
 * <p>{@link #authenticate} answers every rejection as an {@link AuthResult.Failure} and never
 * throws for bad input; a store it cannot reach is {@link AuthResult.Reason#UNAVAILABLE}.
 * Implementations must be safe for concurrent use.
 *
 * @param <C> the credentials type this strategy checks
 */
public interface Authenticator<C extends Credentials> {

  /** {@return the credentials type this strategy checks}; the chain dispatches on it. */
  Class<C> credentialType();

  /**
   * Checks the credentials.
   *
   * @param credentials the credentials to check; attacker-controlled
   * @return the principal on success, otherwise the {@link AuthResult.Failure} saying why; never
   *     {@code null}
   */
  AuthResult authenticate(C credentials);
}

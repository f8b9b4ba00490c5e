package dev.latchkey.core;

import java.util.Optional;

/**
 * Looks up a subject's principal as it is now, so that a change of roles or attributes, or a
 * disabled account, takes effect without waiting for a session or refresh token to end. Give one to
 * {@code SessionManager} (asked on every session check) or {@code RefreshTokens} (asked on every
 * refresh); without one they keep the principal of the login.
 *
 * <p>It is called on the request path: back it with a cache of your user table when a lookup is
 * slower than the request can afford. Implementations must be safe for concurrent use.
 */
@FunctionalInterface
public interface PrincipalResolver {

  /**
   * {@return the subject's current principal, whose {@link Principal#subject()} must equal {@code
   * subject}; empty when the subject may no longer sign in (deleted or disabled), which ends its
   * session or token family}
   *
   * @param subject the {@link Principal#subject()} recorded at login
   * @throws StoreUnavailableException when the user store cannot be reached; the caller then
   *     answers {@link AuthResult.Reason#UNAVAILABLE} and ends nothing
   */
  Optional<Principal> resolve(String subject);
}

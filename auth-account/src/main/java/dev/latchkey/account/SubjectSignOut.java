package dev.latchkey.account;

import dev.latchkey.core.StoreUnavailableException;

/**
 * Ends every session and every token of a subject: what {@link PasswordReset} calls after a new
 * password is written, so that whoever held the old password holds nothing. Typically {@code
 * subject -> { sessionManager.logoutEverywhere(subject); refreshTokens.logoutEverywhere(subject);
 * }}. Implementations must be safe for concurrent use.
 */
@FunctionalInterface
public interface SubjectSignOut {
  /**
   * Ends every session and token of {@code subject}.
   *
   * @param subject whose sessions and tokens to end
   * @throws StoreUnavailableException when a store cannot be reached
   */
  void signOutEverywhere(String subject);
}

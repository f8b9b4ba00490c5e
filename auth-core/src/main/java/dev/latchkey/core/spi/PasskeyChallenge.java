package dev.latchkey.core.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A ceremony in progress, as a {@link PasskeyStore} keeps it between the options the server sent
 * and the browser's answer: what it was for, for whom, and until when. The store keys it by the
 * SHA-256 of the challenge, never the challenge itself.
 *
 * @param ceremony what the challenge was issued for
 * @param subject the subject it was issued to: the registering user, the named user of a login with
 *     an allow-list, or the user of a pending session; empty for a username-less login
 * @param userHandle the user handle a registration gives the authenticator (base64url); empty for a
 *     login
 * @param binding what else the answer must match, opaque to the store (the web layer puts the hash
 *     of the session it was issued to); empty when nothing
 * @param expiresAt when it stops being accepted
 */
public record PasskeyChallenge(
    Ceremony ceremony,
    Optional<String> subject,
    Optional<String> userHandle,
    Optional<String> binding,
    Instant expiresAt) {

  /** What a challenge was issued for: an answer for another ceremony is refused. */
  public enum Ceremony {
    /** Registering a new passkey for a logged-in user. */
    REGISTRATION,
    /** Logging in with a passkey, or giving one as the second factor of a pending session. */
    AUTHENTICATION
  }

  /**
   * Checks the parts.
   *
   * @param ceremony the component of that name
   * @param subject the component of that name
   * @param userHandle the component of that name
   * @param binding the component of that name
   * @param expiresAt the component of that name
   * @throws NullPointerException when a part is null
   */
  public PasskeyChallenge {
    Objects.requireNonNull(ceremony, "ceremony");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(userHandle, "userHandle");
    Objects.requireNonNull(binding, "binding");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}

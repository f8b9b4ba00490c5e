package dev.latchkey.core.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A sign-in with an OpenID provider that has been started and not yet finished, as a {@link
 * PendingLoginStore} holds it: what the callback needs to finish it and to tell a forged or swapped
 * callback from the real one. The raw {@code state} is never stored, only its hash ({@code id});
 * the browser-binding cookie is stored as its SHA-256 too. {@code toString()} shows neither the
 * nonce, the PKCE verifier nor the binding's hash.
 *
 * @param id the hashed {@code state}, in the shard its store chose for {@code client}
 * @param client whom the login's bound counts it against (the client address, as the caller sees
 *     it); never a secret
 * @param nonce the {@code nonce} sent in the authorization request, which the ID token must carry
 * @param codeVerifier the PKCE code verifier whose S256 challenge was sent
 * @param redirectUri the redirect URI sent, which the token request must repeat
 * @param browserHash base64url SHA-256 of the browser-binding cookie's value
 * @param createdAt when the login started, by the starting service's clock
 * @param expiresAt when the callback stops being accepted, after {@code createdAt}
 */
public record PendingLogin(
    HashedId id,
    String client,
    String nonce,
    String codeVerifier,
    String redirectUri,
    String browserHash,
    Instant createdAt,
    Instant expiresAt) {

  /**
   * Checks the record.
   *
   * @param id the hashed state
   * @param client the client it is bounded by
   * @param nonce the nonce, not empty
   * @param codeVerifier the PKCE verifier, not empty
   * @param redirectUri the redirect URI, not empty
   * @param browserHash the hash of the browser-binding cookie, not empty
   * @param createdAt when it started
   * @param expiresAt when it expires, after {@code createdAt}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a string is empty or the times are out of order
   */
  public PendingLogin {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(client, "client");
    requireText(nonce, "nonce");
    requireText(codeVerifier, "codeVerifier");
    requireText(redirectUri, "redirectUri");
    requireText(browserHash, "browserHash");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (!expiresAt.isAfter(createdAt)) {
      throw new IllegalArgumentException(
          "expiresAt must be after createdAt: " + expiresAt + " <= " + createdAt);
    }
  }

  private static void requireText(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + " cannot be empty");
    }
  }

  /**
   * {@return whether its callback is still accepted at {@code now}}
   *
   * @param now the time to judge by
   */
  public boolean liveAt(Instant now) {
    return now.isBefore(expiresAt);
  }

  @Override
  public String toString() {
    return "PendingLogin[client="
        + client
        + ", redirectUri="
        + redirectUri
        + ", createdAt="
        + createdAt
        + ", expiresAt="
        + expiresAt
        + "]";
  }
}

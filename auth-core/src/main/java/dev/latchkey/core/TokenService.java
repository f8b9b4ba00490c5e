package dev.latchkey.core;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Issues and verifies signed access tokens, and revokes them before they expire. Implemented on
 * JWTs by {@code auth-token}.
 *
 * <p>{@link #verify} answers every rejection as a value and never throws. {@link #revoke} and
 * {@link #revokeAll} throw {@link StoreUnavailableException} when the revocation list cannot be
 * written. Implementations must be safe for concurrent use.
 */
public interface TokenService {

  /**
   * An access token and when it expires. {@code toString()} never shows the token.
   *
   * @param value the encoded token, to send as {@code Authorization: Bearer <value>}
   * @param expiresAt its {@code exp}
   */
  record IssuedToken(String value, Instant expiresAt) {
    public IssuedToken {
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() {
      return "IssuedToken[value=<redacted>, expiresAt=" + expiresAt + "]";
    }
  }

  /**
   * Issues an access token for {@code principal} with {@code extraClaims} added (registered claims
   * cannot be overridden this way).
   */
  IssuedToken issue(Principal principal, Map<String, Object> extraClaims);

  /** Verifies a token: signature, algorithm, claims, expiry and revocation. Never throws. */
  AuthResult verify(String token);

  /**
   * Revokes one token for the rest of its lifetime.
   *
   * @return false when the token is not one this service would accept (nothing to revoke)
   */
  boolean revoke(String token);

  /** Refuses every token of {@code subject} issued before now ("log out everywhere"). */
  void revokeAll(String subject);
}

package dev.latchkey.core;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Issues and verifies signed access tokens, and revokes them before they expire. Implemented on
 * JWTs by {@code auth-token}.
 *
 * <p>{@link #verify} answers every rejection as a value and never throws. {@link #revoke}, {@link
 * #revokeFamily} and {@link #revokeAll} throw {@link StoreUnavailableException} when the revocation
 * list cannot be written. Implementations must be safe for concurrent use.
 */
public interface TokenService {

  /**
   * An access token and when it expires. {@code toString()} never shows the token.
   *
   * @param value the encoded token, to send as {@code Authorization: Bearer <value>}
   * @param expiresAt its {@code exp}
   */
  record IssuedToken(String value, Instant expiresAt) {
    /**
     * Pairs a token with its expiry.
     *
     * @param value the encoded token
     * @param expiresAt its {@code exp}
     * @throws NullPointerException if an argument is null
     */
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
   * The refresh family an access token names, with the token's subject.
   *
   * @param subject the token's {@code sub}
   * @param familyId the token's {@code sid}: the refresh family it was issued from
   */
  record TokenFamily(String subject, String familyId) {
    /**
     * Names a family.
     *
     * @param subject the token's {@code sub}
     * @param familyId the token's {@code sid}
     * @throws NullPointerException if an argument is null
     */
    public TokenFamily {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(familyId, "familyId");
    }
  }

  /**
   * Issues an access token for {@code principal} with {@code extraClaims} added (registered claims
   * cannot be overridden this way).
   *
   * @param principal who the token is for; its subject, roles and attributes become claims
   * @param extraClaims further claims, by name; may be empty
   * @return the signed token and its expiry
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if an extra claim names a registered claim or cannot be
   *     encoded, or the token would be too long
   */
  IssuedToken issue(Principal principal, Map<String, Object> extraClaims);

  /**
   * Issues an access token that names the refresh family {@code familyId} (its {@code sid}), so
   * that {@link #revokeFamily} refuses it.
   *
   * @param principal who the token is for; its subject, roles and attributes become claims
   * @param familyId the refresh family the token belongs to, not empty
   * @param extraClaims further claims, by name; may be empty
   * @return the signed token and its expiry
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException as {@link #issue(Principal, Map)} does, and for an empty
   *     {@code familyId}
   */
  IssuedToken issue(Principal principal, String familyId, Map<String, Object> extraClaims);

  /**
   * Verifies a token: signature, algorithm, claims, expiry and revocation. Never throws.
   *
   * @param token the encoded token as received; attacker-controlled
   * @return the token's principal on success, otherwise the {@link AuthResult.Failure} saying why
   *     ({@link AuthResult.Reason#UNAVAILABLE} when the revocation list cannot answer)
   */
  AuthResult verify(String token);

  /**
   * Revokes one token for the rest of its lifetime.
   *
   * @param token the encoded token
   * @return false when the token is not one this service would accept (nothing to revoke)
   * @throws StoreUnavailableException when the revocation list cannot be written
   */
  boolean revoke(String token);

  /**
   * Refuses every token naming the family {@code familyId} of {@code subject}, for as long as any
   * could be accepted.
   *
   * @param subject the family's subject
   * @param familyId the family, as named by the tokens' {@code sid}
   * @param issuedUntil by the caller's clock, the latest time a token of the family can still be
   *     minted (the caller stops minting for the family by then); the entry is kept until a token
   *     minted then, on a node whose clock is ahead within the configured skew, has expired
   * @throws NullPointerException if an argument is null
   * @throws StoreUnavailableException when the revocation list cannot be written
   */
  void revokeFamily(String subject, String familyId, Instant issuedUntil);

  /**
   * The family a token names, when this service accepts the token (every check of {@link #verify},
   * revocation included) and it names one.
   *
   * @param token the encoded token as received
   * @return the token's subject and family, or empty when the token is not accepted or names no
   *     family
   * @throws StoreUnavailableException when the revocation list cannot answer
   */
  Optional<TokenFamily> familyOf(String token);

  /**
   * Refuses every token of {@code subject} minted before the call returns, on any node whose clock
   * is within the configured skew ("log out everywhere").
   *
   * @param subject whose tokens to refuse
   * @throws NullPointerException if {@code subject} is null
   * @throws StoreUnavailableException when the revocation list cannot be written
   */
  void revokeAll(String subject);
}

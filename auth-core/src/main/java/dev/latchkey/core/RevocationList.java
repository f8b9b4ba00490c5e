package dev.latchkey.core;

import java.time.Instant;

/**
 * Revoked tokens that are still unexpired: single tokens by ({@code iss}, {@code jti}), and whole
 * subjects by a not-before ("every token of this subject issued before T is refused"). In memory
 * ({@code auth-token}) or in Redis ({@code auth-redis}).
 *
 * <p>Every entry is given the time after which it no longer matters (the revoked token's {@code
 * exp}, or the latest {@code exp} any token issued before the not-before could have), and the list
 * forgets it then by itself: an entry lives exactly as long as the token could have, so the list
 * never grows past the live tokens.
 *
 * <p>Every method throws {@link StoreUnavailableException} when a remote backend cannot be reached
 * and the answer cannot be given from a copy known to be current. Implementations must be safe for
 * concurrent use; a revocation made through one instance must be seen by every instance sharing the
 * backend (a remote implementation documents how soon).
 */
public interface RevocationList {

  /**
   * Revokes one token until {@code expiresAt}. The subject places the entry beside the subject's
   * other keys in a clustered store.
   */
  void revokeToken(String issuer, String tokenId, String subject, Instant expiresAt);

  /**
   * Refuses every token of {@code subject} issued before {@code issuedBefore}, until {@code
   * retainUntil}. A later not-before replaces an earlier one; an earlier one never replaces a later.
   */
  void revokeSubject(String subject, Instant issuedBefore, Instant retainUntil);

  /**
   * Whether the token is revoked, singly or through its subject's not-before: one question, so a
   * remote store answers it in one round trip.
   */
  boolean isRevoked(String issuer, String tokenId, String subject, Instant issuedAt);
}

package dev.latchkey.core.spi;

import dev.latchkey.core.StoreUnavailableException;
import java.time.Instant;
import java.util.Optional;

/**
 * Revoked tokens that are still unexpired: single tokens by ({@code iss}, {@code jti}), refresh
 * families by their id (every access token naming the family), and whole subjects by a not-before
 * ("every token of this subject issued before T is refused"). In memory ({@code auth-token}) or in
 * Redis ({@code auth-redis}).
 *
 * <p>Every entry is given the time after which it no longer matters (the revoked token's {@code
 * exp}, or the latest {@code exp} any token it refuses could have), and the list forgets it then by
 * itself: an entry lives exactly as long as the token could have, so the list never grows past the
 * live tokens.
 *
 * <p><b>Bounded per subject, never refused for others.</b> An implementation keeps at most a
 * configured number of single-token and family entries per subject (and may bound its total). A
 * revocation beyond a bound is never refused and never evicts another entry: it is folded into the
 * subject's not-before instead, raised to the revocation's {@code issuedBefore} bound. That refuses
 * the revoked token or family and, as collateral, every other token of that one subject issued
 * before it (fail closed for the subject that filled its share, never for anyone else).
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
   *
   * @param issuer the token's {@code iss}
   * @param tokenId the token's {@code jti}
   * @param subject the token's {@code sub}
   * @param issuedAt the token's {@code iat}, or any later time: folded into the subject's
   *     not-before (see the class comment), the entry refuses the subject's tokens issued at or
   *     before it
   * @param expiresAt the token's {@code exp}: when the entry is forgotten
   */
  void revokeToken(
      String issuer, String tokenId, String subject, Instant issuedAt, Instant expiresAt);

  /**
   * {@link #revokeToken(String, String, String, Instant, Instant)} for a token whose issue time the
   * caller does not know: it counts as issued at {@code expiresAt}, the latest it can have been.
   *
   * @param issuer the token's {@code iss}
   * @param tokenId the token's {@code jti}
   * @param subject the token's {@code sub}
   * @param expiresAt the token's {@code exp}: when the entry is forgotten
   */
  default void revokeToken(String issuer, String tokenId, String subject, Instant expiresAt) {
    revokeToken(issuer, tokenId, subject, expiresAt, expiresAt);
  }

  /**
   * Refuses every token of {@code subject} that names the refresh family {@code familyId}, until
   * {@code retainUntil}.
   *
   * @param subject the family's subject
   * @param familyId the family, as named by the tokens' {@code sid}
   * @param issuedBefore a bound on the {@code iat} of every token of the family, past and still to
   *     be minted: used only when the entry is folded into the subject's not-before
   * @param retainUntil when the entry is forgotten: the latest {@code exp} a token of the family
   *     can have
   */
  void revokeFamily(String subject, String familyId, Instant issuedBefore, Instant retainUntil);

  /**
   * Refuses every token of {@code subject} issued before {@code issuedBefore}, until {@code
   * retainUntil}. A later not-before replaces an earlier one; an earlier one never replaces a
   * later.
   *
   * @param subject whose tokens to refuse
   * @param issuedBefore the not-before: tokens issued before it are refused
   * @param retainUntil when the entry is forgotten: the latest {@code exp} a refused token can have
   */
  void revokeSubject(String subject, Instant issuedBefore, Instant retainUntil);

  /**
   * {@return whether the token is revoked}, singly, through its family or through its subject's
   * not-before: one question, so a remote store answers it in one round trip.
   *
   * @param issuer the token's {@code iss}
   * @param tokenId the token's {@code jti}
   * @param subject the token's {@code sub}
   * @param familyId the refresh family the token names, or null when it names none
   * @param issuedAt the token's {@code iat}, compared with the subject's not-before
   */
  boolean isRevoked(
      String issuer, String tokenId, String subject, String familyId, Instant issuedAt);

  /**
   * {@return whether the token is revoked}: {@link #isRevoked(String, String, String, String,
   * Instant)} for a token naming no family.
   *
   * @param issuer the token's {@code iss}
   * @param tokenId the token's {@code jti}
   * @param subject the token's {@code sub}
   * @param issuedAt the token's {@code iat}, compared with the subject's not-before
   */
  default boolean isRevoked(String issuer, String tokenId, String subject, Instant issuedAt) {
    return isRevoked(issuer, tokenId, subject, null, issuedAt);
  }

  /**
   * The subject's current not-before, while it is retained: a token of the subject issued before it
   * is refused. An issuer that mints a token at or after it gives a user logging straight back in a
   * working token even when the not-before lies ahead of the issuer's clock.
   *
   * <p>Read from the authoritative copy, not from a replica that may lag: once a {@link
   * #revokeSubject} has returned, every instance sharing the backend answers it, so a token minted
   * after "log out everywhere" returned is never refused by it.
   *
   * @param subject whose not-before to read
   * @return the not-before, or empty when the subject has none
   */
  Optional<Instant> notBefore(String subject);
}

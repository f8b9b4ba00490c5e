/**
 * Latchkey's tokens: JWT access tokens on Nimbus JOSE+JWT, and rotating refresh tokens.
 *
 * <p>{@link dev.latchkey.token.JwtTokenService} issues and verifies access tokens (RFC 9068
 * profile) signed with a {@link dev.latchkey.token.KeyRing} of {@link
 * dev.latchkey.token.SigningKey}s (HS, RS, PS and ES 256/384/512, EdDSA), refuses every classic JWT
 * attack as a value, answers what a valid token carries as an {@link
 * dev.latchkey.token.AccessToken} (principal, scopes, extra claims), rotates its key ring in place,
 * and revokes single tokens or a subject's tokens through a {@link
 * dev.latchkey.core.spi.RevocationList} ({@link
 * dev.latchkey.token.JwtTokenService#inMemoryRevocationList in memory} here, a Redis one in {@code
 * auth-redis}). {@link dev.latchkey.token.RefreshTokens} adds login with a refresh token, rotation
 * and reuse detection over a {@link dev.latchkey.core.spi.RefreshTokenStore} ({@link
 * dev.latchkey.token.RefreshTokens#inMemoryStore in memory} here), with the roles of each refresh
 * from a {@link dev.latchkey.core.PrincipalResolver} when one is given. {@link
 * dev.latchkey.token.IssuerVerifier} verifies access tokens of other {@linkplain
 * dev.latchkey.token.TrustedIssuer trusted issuers} with keys fetched from their JWK Sets, cached,
 * refreshed and kept through an outage for a bounded grace. Nimbus types never appear in this
 * package's public signatures.
 */
package dev.latchkey.token;

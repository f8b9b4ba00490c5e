/**
 * Latchkey's tokens: JWT access tokens and rotating refresh tokens ({@code JwtTokenService}, {@code
 * RefreshTokens}) and the in-memory revocation and refresh-token stores.
 *
 * <p>Reading this module reads {@code dev.latchkey.core} too: its types appear in this module's
 * signatures. Nimbus JOSE+JWT, Tink (which Nimbus signs Ed25519 with, and which this module
 * requires so that EdDSA works on the module path without {@code --add-modules}) and Caffeine are
 * implementation details: none of their types is part of the API. The JDK HTTP client fetches the
 * key sets of trusted issuers.
 */
@SuppressWarnings("requires-automatic")
module dev.latchkey.token {
  requires transitive dev.latchkey.core;
  requires com.nimbusds.jose.jwt;
  requires com.google.crypto.tink;
  requires com.github.benmanes.caffeine;
  requires java.net.http;

  exports dev.latchkey.token;
}

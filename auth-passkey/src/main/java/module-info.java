/**
 * Latchkey's passkeys ({@code dev.latchkey.passkey}): WebAuthn registration and login on
 * webauthn4j, with the in-memory store. Its store SPI is in {@code dev.latchkey.core.spi}, so
 * {@code auth-redis} implements it without webauthn4j; no webauthn4j type appears in this module's
 * API.
 */
module dev.latchkey.passkey {
  requires transitive dev.latchkey.core;
  requires com.webauthn4j.core;

  exports dev.latchkey.passkey;
}

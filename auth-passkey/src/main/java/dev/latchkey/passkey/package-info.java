/**
 * Passkeys (WebAuthn) for Latchkey: {@link dev.latchkey.passkey.Passkeys} runs the registration and
 * authentication ceremonies on webauthn4j, keeps passkeys and ceremonies in progress in a {@link
 * dev.latchkey.core.spi.PasskeyStore} ({@link dev.latchkey.passkey.InMemoryPasskeyStore} here, a
 * Redis one in {@code auth-redis}), and answers every outcome as a {@link
 * dev.latchkey.passkey.PasskeyResult}.
 */
package dev.latchkey.passkey;

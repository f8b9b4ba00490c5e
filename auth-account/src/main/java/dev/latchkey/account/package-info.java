/**
 * Account flows beside the login: one-time tokens, a TOTP second factor with recovery codes, and
 * API keys. Each is a final service built once by a builder over a store from {@code
 * dev.latchkey.core.spi}; every refusal is an {@link dev.latchkey.core.AuthResult.Failure}, and
 * every secret is kept only as a hash.
 */
package dev.latchkey.account;

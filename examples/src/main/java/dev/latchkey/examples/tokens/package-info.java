/** Tokens: issuing and verifying JWTs, revocation, refresh, and signing key rotation. */
package dev.latchkey.examples.tokens;

/**
 * Password hashing and password policy.
 *
 * <p>{@link dev.latchkey.password.PasswordHashers} is a {@link dev.latchkey.core.PasswordHasher}
 * that writes new hashes with one {@link dev.latchkey.password.HashAlgorithm} (Argon2id by default)
 * and verifies every format it knows (Argon2, scrypt, PBKDF2-HMAC-SHA256, bCrypt), so that a
 * directory migrated from another system keeps working and each account moves to the current
 * algorithm, parameters and {@link dev.latchkey.password.Pepper} at its next login through {@link
 * dev.latchkey.core.PasswordAuthenticator.Builder#onRehash}. {@link
 * dev.latchkey.password.PasswordPolicy} decides whether a new password may be set and says why not
 * in {@link dev.latchkey.password.Rejection}s.
 */
package dev.latchkey.password;

package dev.latchkey.core;

/**
 * Hashes and verifies passwords. The built-in one is {@link BcryptPasswordHasher}.
 *
 * <p>Passwords arrive as {@code char[]}, which the hasher never keeps. Implementations must be safe
 * for concurrent use.
 */
public interface PasswordHasher {

  /** A new salted hash of {@code password}, in the hasher's storage format. */
  String hash(char[] password);

  /**
   * Whether {@code password} matches {@code storedHash}. A hash this hasher cannot read answers
   * false; it never throws for one.
   */
  boolean verify(char[] password, String storedHash);

  /** Whether {@code storedHash} should be replaced by {@link #hash} on the next successful login. */
  boolean needsRehash(String storedHash);
}

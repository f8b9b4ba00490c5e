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
   * false; it never throws for one. Implementations should do the same work for every stored hash
   * (one of older parameters, a disabled or unreadable one) as for a hash {@link #hash} makes now,
   * so that the time a login takes does not tell one kind of account from another or from an
   * unknown user.
   */
  boolean verify(char[] password, String storedHash);

  /** Whether {@code storedHash} should be replaced by {@link #hash} on the next successful login. */
  boolean needsRehash(String storedHash);
}

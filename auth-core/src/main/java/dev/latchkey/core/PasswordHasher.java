package dev.latchkey.core;

/**
 * Hashes and verifies passwords. The built-in one is bCrypt: {@link #bcrypt(int)}.
 *
 * <p>Passwords arrive as {@code char[]}, which the hasher never keeps. Implementations must be safe
 * for concurrent use.
 */
public interface PasswordHasher {

  /**
   * A bCrypt hasher at {@code cost} (the base-2 logarithm of the rounds; 10 or more in production,
   * 4 in tests). Passwords longer than bCrypt's 72 bytes (UTF-8) are refused by {@link #hash} and
   * never verify, rather than being silently truncated.
   *
   * @throws IllegalArgumentException if {@code cost} is outside 4..30
   */
  static PasswordHasher bcrypt(int cost) {
    return BcryptPasswordHasher.withCost(cost);
  }

  /** A bCrypt hasher at the default cost, 12. */
  static PasswordHasher bcrypt() {
    return BcryptPasswordHasher.create();
  }

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

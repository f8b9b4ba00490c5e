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
   * @param cost the base-2 logarithm of the number of rounds, 4..30
   * @return a bCrypt hasher at {@code cost}
   * @throws IllegalArgumentException if {@code cost} is outside 4..30
   */
  static PasswordHasher bcrypt(int cost) {
    return BcryptPasswordHasher.withCost(cost);
  }

  /** {@return a bCrypt hasher at the default cost, 12} */
  static PasswordHasher bcrypt() {
    return BcryptPasswordHasher.create();
  }

  /**
   * {@return a new salted hash of {@code password}, in the hasher's storage format}
   *
   * @param password the password; read, never kept or changed
   * @throws NullPointerException if {@code password} is null
   * @throws IllegalArgumentException if the hasher cannot hash this password faithfully (for
   *     bCrypt, over 72 bytes in UTF-8)
   */
  String hash(char[] password);

  /**
   * Whether {@code password} matches {@code storedHash}. A hash this hasher cannot read answers
   * false; it never throws for one. Implementations should do the same work for every stored hash
   * (one of older parameters, a disabled or unreadable one) as for a hash {@link #hash} makes now,
   * so that the time a login takes does not tell one kind of account from another or from an
   * unknown user.
   *
   * @param password the password presented; read, never kept or changed
   * @param storedHash the hash stored for the account
   * @return whether the password matches; false for a hash this hasher cannot read
   */
  boolean verify(char[] password, String storedHash);

  /**
   * {@return whether {@code storedHash} should be replaced by {@link #hash} on the next successful
   * login}, e.g. because it was made with weaker parameters than the hasher uses
   *
   * @param storedHash the hash stored for the account
   */
  boolean needsRehash(String storedHash);
}

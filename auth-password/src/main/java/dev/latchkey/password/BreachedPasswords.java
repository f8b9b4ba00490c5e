package dev.latchkey.password;

/**
 * A corpus of passwords known from breaches, asked by {@link PasswordPolicy} about each new
 * password. {@link PwnedPasswords} asks the Pwned Passwords range API or reads a range file.
 * Implementations must be safe for concurrent use and must not throw: a corpus that cannot answer
 * says {@link Exposure#UNKNOWN}.
 */
@FunctionalInterface
public interface BreachedPasswords {
  /** The answer about one password. */
  enum Exposure {
    /** The password is in the corpus. */
    BREACHED,
    /** The password is not in the corpus. */
    NOT_FOUND,
    /** The corpus could not be asked (down, slow, malformed answer). */
    UNKNOWN
  }

  /**
   * Looks {@code password} up.
   *
   * @param password the password (already NFKC); read, never kept or changed
   * @return the answer, never null
   */
  Exposure check(char[] password);
}

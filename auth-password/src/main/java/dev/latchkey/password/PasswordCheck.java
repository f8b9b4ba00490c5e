package dev.latchkey.password;

/**
 * The outcome of {@link PasswordHashers#check}: a match, or why not. Only {@link #MATCH} lets a
 * login through; the other answers cost the same work (see {@link PasswordHashers}) and a login
 * should answer them all alike, as a wrong password.
 */
public enum PasswordCheck {
  /** The password matches the stored hash. */
  MATCH,
  /** The password does not match the stored hash. */
  MISMATCH,
  /**
   * The stored hash is none of the supported formats, or malformed, or out of the bounds a stored
   * hash may ask for (a disabled account's marker such as {@code "!"} lands here).
   */
  UNREADABLE_HASH,
  /** The stored hash names a pepper id this verifier does not hold. */
  UNKNOWN_PEPPER,
  /**
   * The password is over the verifier's length bound in UTF-8 bytes (before or after NFKC), or is
   * not valid UTF-16 (an unpaired surrogate).
   */
  UNUSABLE_PASSWORD
}

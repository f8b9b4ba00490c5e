package dev.latchkey.password;

import java.util.Locale;

/** Why {@link PasswordPolicy} refused a new password; a UI can show each. */
public enum Rejection {
  /** Fewer code points (after NFKC) than the policy's minimum. */
  TOO_SHORT,
  /** More code points than the policy's maximum, or more UTF-8 bytes than the hasher takes. */
  TOO_LONG,
  /** On the blocklist of common passwords (compared after NFKC, ignoring case). */
  COMMON,
  /** Contains the user name (ignoring case, after NFKC). */
  CONTAINS_USERNAME,
  /** Contains a context word: the service's name or another word the application configured. */
  CONTAINS_CONTEXT,
  /** Found in the breached-password corpus. */
  BREACHED,
  /** Not valid text (an unpaired surrogate), so it cannot be hashed faithfully. */
  INVALID_CHARACTERS,
  /** The breached-password check could not answer and the policy fails closed. */
  UNAVAILABLE;

  /** {@return the lower-case name a JSON answer carries, e.g. {@code too_short}} */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}

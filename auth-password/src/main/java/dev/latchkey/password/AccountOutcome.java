package dev.latchkey.password;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link PasswordAccounts#register} or {@link PasswordAccounts#change} did.
 *
 * @param status the outcome
 * @param rejections why the new password was refused, when {@link Status#REJECTED}; else empty
 * @param retryAt when {@link Status#LOCKED}, when to try again
 */
public record AccountOutcome(Status status, List<Rejection> rejections, Optional<Instant> retryAt) {
  /** The kinds of outcome. */
  public enum Status {
    /** The account was created. */
    CREATED,
    /** The password was changed, and every session and token of the subject ended. */
    CHANGED,
    /** The new password broke the policy; see {@link #rejections()}. */
    REJECTED,
    /** The login name is taken. */
    EXISTS,
    /** The current password was wrong (or the account is gone). */
    INVALID_CREDENTIALS,
    /** The login name is empty, too long or holds control characters. */
    MALFORMED,
    /** Too many attempts from this client (or for this name); see {@link #retryAt()}. */
    LOCKED,
    /** A store could not be reached; nothing was changed that could not be checked. */
    UNAVAILABLE
  }

  /**
   * Copies the list.
   *
   * @param status the outcome
   * @param rejections why the password was refused
   * @param retryAt when to retry a locked attempt
   * @throws NullPointerException if an argument is null
   */
  public AccountOutcome {
    Objects.requireNonNull(status, "status");
    rejections = List.copyOf(rejections);
    Objects.requireNonNull(retryAt, "retryAt");
  }

  static AccountOutcome of(Status status) {
    return new AccountOutcome(status, List.of(), Optional.empty());
  }
}

package dev.latchkey.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of an authentication: a {@link Success} with the principal, or a {@link Failure}
 * with a {@link Reason}. Strategies answer with this value on every path and never throw for a
 * rejected client, so callers branch on it, not on a {@code catch}:
 *
 * <pre>{@code
 * if (result instanceof AuthResult.Failure failure) {
 *   return failure.reason() == Reason.UNAVAILABLE ? 503 : 401;
 * }
 * Principal principal = ((AuthResult.Success) result).principal();
 * }</pre>
 */
public sealed interface AuthResult permits AuthResult.Success, AuthResult.Failure {

  /** Why an authentication failed. */
  enum Reason {
    /** Unknown user, wrong password, unknown session, bad signature. */
    INVALID_CREDENTIALS,
    /** The credentials were valid once and have expired (session timeout, token {@code exp}). */
    EXPIRED,
    /** The credentials were revoked (logout, "log out everywhere", refresh-token reuse). */
    REVOKED,
    /** The input cannot be parsed: bad encoding, bad JSON, oversized, wrong shape. */
    MALFORMED,
    /** Too many failed attempts; {@link Failure#retryAt()} says when to try again. */
    LOCKED,
    /** No strategy is registered for this credentials type, or the input uses a refused feature. */
    UNSUPPORTED,
    /**
     * A store could not be reached, so nothing was checked: answer 503, not 401. The library
     * fails closed and never authenticates what it could not check.
     */
    UNAVAILABLE
  }

  /** Whether this is a {@link Success}. */
  boolean succeeded();

  /** The authenticated principal. */
  record Success(Principal principal) implements AuthResult {
    public Success {
      Objects.requireNonNull(principal, "principal");
    }

    @Override
    public boolean succeeded() {
      return true;
    }
  }

  /**
   * A rejection.
   *
   * @param reason the category, for the caller's status code
   * @param detail a short text safe to log and to show: it never holds a secret or raw input
   * @param retryAt when a {@link Reason#LOCKED} client may try again; empty otherwise
   */
  record Failure(Reason reason, String detail, Optional<Instant> retryAt) implements AuthResult {
    public Failure {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(retryAt, "retryAt");
    }

    @Override
    public boolean succeeded() {
      return false;
    }
  }

  static AuthResult success(Principal principal) {
    return new Success(principal);
  }

  static Failure failure(Reason reason, String detail) {
    return new Failure(reason, detail, Optional.empty());
  }

  static Failure locked(Instant retryAt, String detail) {
    return new Failure(Reason.LOCKED, detail, Optional.of(retryAt));
  }
}

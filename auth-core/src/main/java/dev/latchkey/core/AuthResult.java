package dev.latchkey.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The outcome of an authentication: a {@link Success} with the principal, or a {@link Failure} with
 * a {@link Reason}. Strategies answer with this value on every path and never throw for a rejected
 * client, so callers branch on it, not on a {@code catch}, and need no cast:
 *
 * <pre>{@code
 * int status = result.fold(principal -> 200, failure -> failure.reason().httpStatus());
 * Optional<Principal> who = result.principal();
 * }</pre>
 *
 * <p>Every refusal anywhere in Latchkey (a session check, a refresh, a login over the session cap)
 * is a {@link Failure}, so one mapping to HTTP serves every route.
 */
public sealed interface AuthResult permits AuthResult.Success, AuthResult.Failure {

  /** Why an authentication failed, with the HTTP status a server answers for it. */
  enum Reason {
    /** Unknown user, wrong password, unknown session, bad signature. Answers 401. */
    INVALID_CREDENTIALS(401),
    /**
     * The credentials were valid once and have expired (session timeout, token {@code exp}).
     * Answers 401.
     */
    EXPIRED(401),
    /**
     * The credentials were revoked (logout, "log out everywhere", refresh-token reuse). Answers
     * 401.
     */
    REVOKED(401),
    /** The input cannot be parsed: bad encoding, bad JSON, oversized, wrong shape. Answers 401. */
    MALFORMED(401),
    /**
     * Too many attempts or too many live sessions; {@link Failure#retryAt()} says when to try
     * again, when that is known. Answers 429.
     */
    LOCKED(429),
    /**
     * No strategy is registered for this credentials type, or the input uses a refused feature.
     * Answers 401.
     */
    UNSUPPORTED(401),
    /**
     * A store could not be reached, so nothing was checked: answer 503, not 401. The library fails
     * closed and never authenticates what it could not check.
     */
    UNAVAILABLE(503),
    /**
     * The first factor was right, but the account has a second factor still to be given: the
     * session or login reaches nothing but the second-factor step. Answers 401.
     */
    SECOND_FACTOR_REQUIRED(401),
    /**
     * The client is authenticated, but not strongly or recently enough for this operation: it must
     * give a second factor or its password again (RFC 9470 calls this insufficient user
     * authentication). Answers 401.
     */
    STEP_UP_REQUIRED(401);

    private final int httpStatus;

    Reason(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    /**
     * {@return the HTTP status a server answers for this reason} It is 401 for a credential it
     * refused, 429 for {@link #LOCKED} (send {@code Retry-After} from {@link Failure#retryAt()}),
     * 503 for {@link #UNAVAILABLE}.
     */
    public int httpStatus() {
      return httpStatus;
    }
  }

  /** {@return whether this is a {@link Success}} */
  boolean succeeded();

  /** {@return the authenticated principal; empty for a {@link Failure}} */
  Optional<Principal> principal();

  /** {@return this refusal; empty for a {@link Success}} */
  Optional<Failure> failure();

  /**
   * Applies {@code onSuccess} to the principal or {@code onFailure} to the refusal, and answers
   * what it returns.
   *
   * @param <T> the type both functions answer
   * @param onSuccess applied to the principal of a {@link Success}
   * @param onFailure applied to a {@link Failure}
   * @return what the applied function returned
   */
  <T> T fold(
      Function<? super Principal, ? extends T> onSuccess,
      Function<? super Failure, ? extends T> onFailure);

  /** A success: holds the authenticated principal. */
  final class Success implements AuthResult {
    private final Principal principal;

    /**
     * A success for {@code principal}.
     *
     * @param principal the authenticated principal
     * @throws NullPointerException when {@code principal} is null
     */
    public Success(Principal principal) {
      this.principal = Objects.requireNonNull(principal, "principal");
    }

    @Override
    public boolean succeeded() {
      return true;
    }

    /** The authenticated principal, always present. */
    @Override
    public Optional<Principal> principal() {
      return Optional.of(principal);
    }

    @Override
    public Optional<Failure> failure() {
      return Optional.empty();
    }

    @Override
    public <T> T fold(
        Function<? super Principal, ? extends T> onSuccess,
        Function<? super Failure, ? extends T> onFailure) {
      return onSuccess.apply(principal);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Success other && principal.equals(other.principal);
    }

    @Override
    public int hashCode() {
      return principal.hashCode();
    }

    @Override
    public String toString() {
      return "Success[principal=" + principal + "]";
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
    /**
     * A rejection with the given parts.
     *
     * @param reason the category, for the caller's status code
     * @param detail a short text safe to log and to show: it never holds a secret or raw input
     * @param retryAt when a {@link Reason#LOCKED} client may try again; empty otherwise
     * @throws NullPointerException when any argument is null
     */
    public Failure {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(retryAt, "retryAt");
    }

    @Override
    public boolean succeeded() {
      return false;
    }

    @Override
    public Optional<Principal> principal() {
      return Optional.empty();
    }

    /** This failure, always present. */
    @Override
    public Optional<Failure> failure() {
      return Optional.of(this);
    }

    @Override
    public <T> T fold(
        Function<? super Principal, ? extends T> onSuccess,
        Function<? super Failure, ? extends T> onFailure) {
      return onFailure.apply(this);
    }

    /** {@return the HTTP status for this refusal: {@code reason().httpStatus()}} */
    public int httpStatus() {
      return reason.httpStatus();
    }
  }

  /**
   * {@return a success for {@code principal}}
   *
   * @param principal the authenticated principal
   * @throws NullPointerException when {@code principal} is null
   */
  static AuthResult success(Principal principal) {
    return new Success(principal);
  }

  /**
   * {@return a refusal for {@code reason}, with no retry time}
   *
   * @param reason the category, for the caller's status code
   * @param detail a short text safe to log and to show; never a secret or raw input
   * @throws NullPointerException when {@code reason} or {@code detail} is null
   */
  static Failure failure(Reason reason, String detail) {
    return new Failure(reason, detail, Optional.empty());
  }

  /**
   * {@return a {@link Reason#LOCKED} refusal that ends at {@code retryAt}}
   *
   * @param retryAt when the client may try again
   * @param detail a short text safe to log and to show; never a secret or raw input
   * @throws NullPointerException when {@code retryAt} or {@code detail} is null
   */
  static Failure locked(Instant retryAt, String detail) {
    return new Failure(Reason.LOCKED, detail, Optional.of(retryAt));
  }
}

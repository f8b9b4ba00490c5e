package dev.latchkey.passkey;

import dev.latchkey.core.AuthResult;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The outcome of a passkey operation: {@link Accepted} with its value, or {@link Refused} with a
 * {@link Problem}. Every refusal of a client's input is a value here, never an exception; a store
 * that cannot be reached is {@link Problem#UNAVAILABLE} (nothing was accepted).
 *
 * <pre>{@code
 * int status = result.fold(value -> 200, refused -> refused.problem().httpStatus());
 * }</pre>
 *
 * @param <T> what an accepted operation gives
 */
public sealed interface PasskeyResult<T> permits PasskeyResult.Accepted, PasskeyResult.Refused {

  /** Why a passkey operation was refused, with the HTTP status a server answers for it. */
  enum Problem {
    /** The answer cannot be read: bad JSON, base64url, CBOR or client data. Answers 400. */
    MALFORMED(400, AuthResult.Reason.MALFORMED),
    /**
     * The challenge is unknown, already used, expired, or was issued for another ceremony, user or
     * session. Answers 401.
     */
    CHALLENGE_REJECTED(401, AuthResult.Reason.EXPIRED),
    /**
     * The answer does not verify: wrong origin or RP ID, bad signature, user not present, a refused
     * algorithm or user handle. Answers 401.
     */
    VERIFICATION_FAILED(401, AuthResult.Reason.INVALID_CREDENTIALS),
    /** User verification is required and the authenticator did not verify the user. Answers 401. */
    USER_NOT_VERIFIED(401, AuthResult.Reason.INVALID_CREDENTIALS),
    /** No such passkey is registered (or its user may no longer sign in). Answers 401. */
    UNKNOWN_CREDENTIAL(401, AuthResult.Reason.INVALID_CREDENTIALS),
    /** The passkey belongs to another user than the one the ceremony is for. Answers 401. */
    WRONG_USER(401, AuthResult.Reason.INVALID_CREDENTIALS),
    /**
     * The signature counter did not increase: the authenticator may have been cloned, or another
     * assertion with the same counter won. Reported as an event. Answers 401.
     */
    POSSIBLE_CLONE(401, AuthResult.Reason.REVOKED),
    /** The credential is registered already. Answers 409. */
    ALREADY_REGISTERED(409, AuthResult.Reason.UNSUPPORTED),
    /** The user holds as many passkeys as allowed. Answers 409. */
    LIMIT_REACHED(409, AuthResult.Reason.LOCKED),
    /** Too many ceremonies are in progress to start one more. Answers 429. */
    BUSY(429, AuthResult.Reason.LOCKED),
    /** A store could not be reached, so nothing was checked or changed. Answers 503. */
    UNAVAILABLE(503, AuthResult.Reason.UNAVAILABLE);

    private final int httpStatus;
    private final AuthResult.Reason reason;

    Problem(int httpStatus, AuthResult.Reason reason) {
      this.httpStatus = httpStatus;
      this.reason = reason;
    }

    /** {@return the HTTP status a server answers for this problem} */
    public int httpStatus() {
      return httpStatus;
    }

    /** {@return the nearest {@link AuthResult.Reason}, for events and metrics} */
    public AuthResult.Reason reason() {
      return reason;
    }
  }

  /** {@return the value; empty when refused} */
  Optional<T> accepted();

  /** {@return the refusal; empty when accepted} */
  Optional<Refused<T>> refused();

  /**
   * Applies {@code onAccepted} to the value or {@code onRefused} to the refusal.
   *
   * @param <R> what both functions answer
   * @param onAccepted applied to an accepted value
   * @param onRefused applied to a refusal
   * @return what the applied function returned
   */
  <R> R fold(
      Function<? super T, ? extends R> onAccepted, Function<Refused<T>, ? extends R> onRefused);

  /**
   * An accepted operation.
   *
   * @param <T> the value's type
   * @param value what it gives
   */
  record Accepted<T>(T value) implements PasskeyResult<T> {
    /**
     * Checks the value.
     *
     * @param value what it gives
     * @throws NullPointerException when {@code value} is null
     */
    public Accepted {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public Optional<T> accepted() {
      return Optional.of(value);
    }

    @Override
    public Optional<Refused<T>> refused() {
      return Optional.empty();
    }

    @Override
    public <R> R fold(
        Function<? super T, ? extends R> onAccepted, Function<Refused<T>, ? extends R> onRefused) {
      return onAccepted.apply(value);
    }
  }

  /**
   * A refused operation.
   *
   * @param <T> the value's type, had it been accepted
   * @param problem why
   * @param detail a short text safe to log and show; never input, a key or a challenge
   */
  record Refused<T>(Problem problem, String detail) implements PasskeyResult<T> {
    /**
     * Checks the parts.
     *
     * @param problem why
     * @param detail a short text safe to log and show
     * @throws NullPointerException when a part is null
     */
    public Refused {
      Objects.requireNonNull(problem, "problem");
      Objects.requireNonNull(detail, "detail");
    }

    @Override
    public Optional<T> accepted() {
      return Optional.empty();
    }

    @Override
    public Optional<Refused<T>> refused() {
      return Optional.of(this);
    }

    @Override
    public <R> R fold(
        Function<? super T, ? extends R> onAccepted, Function<Refused<T>, ? extends R> onRefused) {
      return onRefused.apply(this);
    }

    /** {@return this refusal as an {@link AuthResult.Failure}} */
    public AuthResult.Failure toFailure() {
      return new AuthResult.Failure(problem.reason(), detail, Optional.empty());
    }
  }
}

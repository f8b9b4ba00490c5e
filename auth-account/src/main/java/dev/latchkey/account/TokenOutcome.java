package dev.latchkey.account;

import dev.latchkey.core.AuthResult;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The answer of a one-time token operation: the token's subject, purpose and expiry, or the {@link
 * AuthResult.Failure} that refused it ({@link AuthResult.Reason#INVALID_CREDENTIALS} for an
 * unknown, used, ended or wrong token, {@link AuthResult.Reason#EXPIRED}, {@link
 * AuthResult.Reason#LOCKED} with its retry time, {@link AuthResult.Reason#MALFORMED} for input that
 * cannot be a token or a password, {@link AuthResult.Reason#UNAVAILABLE} when a store is down).
 * Never carries a secret.
 */
public sealed interface TokenOutcome permits TokenOutcome.Valid, TokenOutcome.Refused {

  /** {@return the token's details when the operation succeeded, else empty} */
  Optional<Valid> valid();

  /** {@return the refusal when the operation failed, else empty} */
  Optional<AuthResult.Failure> failure();

  /** {@return whether the operation succeeded} */
  default boolean succeeded() {
    return valid().isPresent();
  }

  /**
   * {@return {@code onValid} of the details, or {@code onFailure} of the refusal}
   *
   * @param <T> the result type
   * @param onValid what to make of a success
   * @param onFailure what to make of a refusal
   */
  default <T> T fold(
      Function<? super Valid, ? extends T> onValid,
      Function<? super AuthResult.Failure, ? extends T> onFailure) {
    Optional<Valid> v = valid();
    return v.isPresent() ? onValid.apply(v.get()) : onFailure.apply(failure().orElseThrow());
  }

  /**
   * {@return a refusal}
   *
   * @param failure why
   */
  static TokenOutcome refused(AuthResult.Failure failure) {
    return new Refused(failure);
  }

  /**
   * A token that was issued, or that verified.
   *
   * @param subject whom it is for
   * @param purpose its purpose's name
   * @param expiresAt when it stops working
   */
  record Valid(String subject, String purpose, Instant expiresAt) implements TokenOutcome {
    /**
     * Checks the parts.
     *
     * @param subject whom it is for
     * @param purpose its purpose's name
     * @param expiresAt when it stops working
     * @throws NullPointerException if an argument is null
     */
    public Valid {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(purpose, "purpose");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public Optional<Valid> valid() {
      return Optional.of(this);
    }

    @Override
    public Optional<AuthResult.Failure> failure() {
      return Optional.empty();
    }
  }

  /**
   * A refused operation.
   *
   * @param refusal why, with its reason and retry time
   */
  record Refused(AuthResult.Failure refusal) implements TokenOutcome {
    /**
     * Checks the part.
     *
     * @param refusal why
     * @throws NullPointerException if {@code refusal} is null
     */
    public Refused {
      Objects.requireNonNull(refusal, "refusal");
    }

    @Override
    public Optional<Valid> valid() {
      return Optional.empty();
    }

    @Override
    public Optional<AuthResult.Failure> failure() {
      return Optional.of(refusal);
    }
  }
}

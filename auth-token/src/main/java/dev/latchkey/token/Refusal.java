package dev.latchkey.token;

import dev.latchkey.core.AuthResult;

/**
 * An internal, stackless signal that a token is refused, caught at the service boundary and turned
 * into an {@link AuthResult.Failure}. Never escapes the package. The detail is a fixed text: it
 * never quotes the token.
 */
final class Refusal extends Exception {
  private static final long serialVersionUID = 1L;

  final transient AuthResult.Reason reason;
  private final transient AuthResult.Failure failure; // null: made from reason and detail

  Refusal(AuthResult.Reason reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
    this.failure = null;
  }

  private Refusal(AuthResult.Failure failure) {
    super(failure.detail(), null, false, false);
    this.reason = failure.reason();
    this.failure = failure;
  }

  static Refusal malformed(String detail) {
    return new Refusal(AuthResult.Reason.MALFORMED, detail);
  }

  static Refusal invalid(String detail) {
    return new Refusal(AuthResult.Reason.INVALID_CREDENTIALS, detail);
  }

  /** A refusal that answers exactly {@code failure}, e.g. the fail-closed rule's. */
  static Refusal of(AuthResult.Failure failure) {
    return new Refusal(failure);
  }

  AuthResult.Failure toFailure() {
    return failure != null ? failure : AuthResult.failure(reason, getMessage());
  }
}

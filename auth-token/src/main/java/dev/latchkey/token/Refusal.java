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

  Refusal(AuthResult.Reason reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }

  static Refusal malformed(String detail) {
    return new Refusal(AuthResult.Reason.MALFORMED, detail);
  }

  static Refusal invalid(String detail) {
    return new Refusal(AuthResult.Reason.INVALID_CREDENTIALS, detail);
  }

  AuthResult.Failure toFailure() {
    return AuthResult.failure(reason, getMessage());
  }
}

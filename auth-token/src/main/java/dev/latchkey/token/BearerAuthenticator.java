package dev.latchkey.token;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthListener;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Authenticator;
import dev.latchkey.core.BearerToken;
import java.time.Clock;
import java.util.function.Function;

/**
 * The bearer strategy: an {@code Authorization: Bearer} token checked by {@link
 * JwtTokenService#verify} or {@link IssuerVerifier#verify}, with a {@code "bearer"} event for each
 * outcome. Thread-safe.
 */
final class BearerAuthenticator implements Authenticator<BearerToken> {
  static final String METHOD = "bearer";

  private final Function<String, AuthResult> verify;
  private final Object verifier; // what toString names
  // Null without a listener: a verify then builds no event (a clock read and two objects).
  private final AuthListener listener;
  private final Clock clock;

  BearerAuthenticator(
      Function<String, AuthResult> verify, Object verifier, AuthListener listener, Clock clock) {
    this.verify = verify;
    this.verifier = verifier;
    this.listener = listener;
    this.clock = clock;
  }

  @Override
  public Class<BearerToken> credentialType() {
    return BearerToken.class;
  }

  @Override
  public AuthResult authenticate(BearerToken credentials) {
    if (credentials == null) {
      return AuthResult.failure(AuthResult.Reason.MALFORMED, "no bearer token");
    }
    AuthResult result = verify.apply(credentials.value());
    if (listener != null) {
      listener.onEvent(
          result.fold(
              p -> new AuthEvent.Succeeded(clock.instant(), p.subject(), METHOD),
              f -> new AuthEvent.Failed(clock.instant(), null, METHOD, f.reason())));
    }
    return result;
  }

  @Override
  public String toString() {
    return "BearerAuthenticator[" + verifier + "]";
  }
}

package dev.latchkey.examples.demo;

import com.sun.net.httpserver.HttpExchange;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.BearerHeader;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.RefreshTokens;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The token routes: {@code POST /token-login} answers an access and a refresh token, {@code GET
 * /token-profile} reads the bearer token, {@code POST /token-refresh} rotates the refresh token,
 * {@code POST /token-logout} ends the bearer's refresh family and revokes the bearer.
 */
final class TokenRoutes {
  private static final String REALM = "latchkey-demo";

  private final DemoWiring wiring;
  private final JwtTokenService tokens;
  private final RefreshTokens refresh;

  TokenRoutes(DemoWiring wiring) {
    this.wiring = wiring;
    this.tokens = wiring.tokens;
    this.refresh = wiring.refresh;
  }

  Response login(HttpExchange ex) {
    LoginRequest login = LoginRequest.read(ex);
    if (login.refusal() != null) {
      return login.refusal();
    }
    return login
        .authenticate(wiring.passwords, ex)
        .fold(
            principal -> tokenPair(refresh.login(principal)),
            failure -> LoginRequest.passwordFailure(failure, wiring.clock));
  }

  Response profile(HttpExchange ex) {
    return bearer(ex).fold(LoginRequest::profile, failure -> bearerFailure(ex, failure));
  }

  Response refresh(HttpExchange ex) {
    JsonBodies.JsonBody body = JsonBodies.jsonBody(ex);
    if (body.refusal() != null) {
      return body.refusal();
    }
    Optional<String> token = Json.string(body.object(), "refresh_token");
    if (token.isEmpty()) {
      return Response.error(400, "refresh_token is required");
    }
    RefreshTokens.Result result = refresh.refresh(token.get());
    if (result.succeeded()) {
      return tokenPair(result.tokens().orElseThrow());
    }
    AuthResult.Failure refused = result.failure().orElseThrow();
    if (refused.reason() == AuthResult.Reason.LOCKED) {
      // The family's rotation limit: nothing changed, the same refresh token works later.
      long seconds =
          refused
              .retryAt()
              .map(
                  at ->
                      Math.max(
                          1,
                          (Duration.between(wiring.clock.instant(), at).toMillis() + 999) / 1000))
              .orElse(1L);
      return Response.error(429, "too many refreshes")
          .header("Retry-After", Long.toString(seconds));
    }
    return refused.reason() == AuthResult.Reason.UNAVAILABLE
        ? Response.unavailable()
        : Response.error(401, "invalid refresh token");
  }

  Response logout(HttpExchange ex) {
    Optional<BearerValue> header = bearerValue(ex);
    Optional<AuthResult.Failure> refused = bearer(ex).failure();
    if (refused.isPresent()) {
      return bearerFailure(ex, refused.get());
    }
    JsonBodies.JsonBody body = JsonBodies.optionalJsonBody(ex);
    if (body.refusal() != null) {
      return body.refusal();
    }
    Json.string(body.object(), "refresh_token").ifPresent(refresh::logout);
    // A success means the header held a bearer token. The bearer alone ends the refresh family it
    // came from, and with it every access token of that family.
    String bearer = header.orElseThrow().value();
    refresh.logoutByAccessToken(bearer);
    tokens.revoke(bearer);
    return Response.json(200, Map.of("status", "logged out"));
  }

  /** The verification of the request's bearer token; empty when the request carries none. */
  Optional<AuthResult> verifyBearer(HttpExchange ex) {
    return bearerValue(ex).map(header -> tokens.verify(header.value()));
  }

  /** Ends every refresh family of {@code subject} and refuses its access tokens. */
  void logoutEverywhere(String subject) {
    // Ends every refresh family first and refuses the access tokens (revokeAll) even when a part
    // fails, then reports the failure.
    refresh.logoutEverywhere(subject);
  }

  private Response tokenPair(RefreshTokens.TokenPair pair) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", pair.accessToken());
    body.put("refresh_token", pair.refreshToken());
    body.put("token_type", "Bearer");
    body.put("expires_in", pair.expiresIn(wiring.clock));
    return Response.json(200, body).header("Cache-Control", "no-store");
  }

  private record BearerValue(String value) {
    @Override
    public String toString() {
      return "BearerValue[<redacted>]";
    }
  }

  private static Optional<BearerValue> bearerValue(HttpExchange ex) {
    String header = ex.getRequestHeaders().getFirst("Authorization");
    if (header == null) {
      return Optional.empty();
    }
    return BearerHeader.parse(header).token().map(t -> new BearerValue(t.value()));
  }

  private AuthResult bearer(HttpExchange ex) {
    String header = ex.getRequestHeaders().getFirst("Authorization");
    return BearerHeader.parse(header)
        .fold(tokens.authenticator()::authenticate, failure -> failure);
  }

  /**
   * 503 when the store could not say, else 401 with a challenge (RFC 6750 §3.1): an error code only
   * when the request presented a bearer token; a request without one (no header, another scheme)
   * was not wrong, it just did not authenticate.
   */
  static Response bearerFailure(HttpExchange ex, AuthResult.Failure failure) {
    if (failure.reason() == AuthResult.Reason.UNAVAILABLE) {
      return Response.unavailable();
    }
    String header = ex.getRequestHeaders().getFirst("Authorization");
    boolean presented = BearerHeader.parse(header).presented();
    String challenge = "Bearer realm=\"" + REALM + "\"";
    return presented
        ? Response.error(401, "invalid token")
            .header("WWW-Authenticate", challenge + ", error=\"invalid_token\"")
        : Response.error(401, "no bearer token").header("WWW-Authenticate", challenge);
  }
}

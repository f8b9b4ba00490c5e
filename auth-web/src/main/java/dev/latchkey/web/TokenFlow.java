package dev.latchkey.web;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.BearerHeader;
import dev.latchkey.core.Principal;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.RefreshTokens;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The token half of the web layer: the bearer token (RFC 6750) and its challenges, and the token
 * pair's login, refresh and logout. Loaded only when the application configured tokens, so {@code
 * auth-token} need not be present otherwise.
 */
final class TokenFlow {
  private final JwtTokenService tokens;
  private final RefreshTokens refresh;
  private final Answers answers;
  private final Clock clock;
  private final String challenge;

  TokenFlow(
      JwtTokenService tokens, RefreshTokens refresh, Answers answers, Clock clock, String realm) {
    this.tokens = tokens;
    this.refresh = refresh;
    this.answers = answers;
    this.clock = clock;
    this.challenge = "Bearer realm=\"" + realm + "\"";
  }

  boolean refreshes() {
    return refresh != null;
  }

  /** Whether the request's {@code Authorization} is a bearer token, well formed or not. */
  static boolean presented(WebRequest request) {
    return BearerHeader.parse(request.header("Authorization").orElse(null)).presented();
  }

  /** The bearer's decision, or {@code null} when the request presents no bearer token. */
  AccessDecision check(WebRequest request) {
    BearerHeader header = BearerHeader.parse(request.header("Authorization").orElse(null));
    if (!header.presented()) {
      return null;
    }
    AuthResult result = header.fold(tokens.authenticator()::authenticate, failure -> failure);
    return result.fold(
        principal -> AccessDecision.allowed(principal, AccessDecision.Via.BEARER),
        failure -> AccessDecision.refused(refusal(failure)));
  }

  /** 503 when the store could not say, else 401 {@code invalid_token} (RFC 6750 §3.1). */
  WebResponse refusal(AuthResult.Failure failure) {
    if (failure.reason() == AuthResult.Reason.UNAVAILABLE) {
      return answers.unavailable();
    }
    return Answers.error(401, "invalid token")
        .withHeader("WWW-Authenticate", challenge + ", error=\"invalid_token\"");
  }

  /**
   * 401 for a request without credentials: a bare challenge, no error code, since the request was
   * not wrong, it only did not authenticate (RFC 6750 §3.1).
   */
  WebResponse noToken(String message) {
    return Answers.error(401, message).withHeader("WWW-Authenticate", challenge);
  }

  WebResponse login(Principal principal) {
    return tokenPair(requireRefresh().login(principal));
  }

  WebResponse refresh(JsonBody body) {
    Optional<String> token = body.string("refresh_token");
    if (token.isEmpty()) {
      return Answers.error(400, "refresh_token is required");
    }
    RefreshTokens.Result result = requireRefresh().refresh(token.get());
    return result.fold(
        this::tokenPair,
        refused ->
            switch (refused.reason()) {
              // The family's rotation limit: nothing changed, the same token works later.
              case LOCKED -> answers.locked(refused, "too many refreshes");
              case UNAVAILABLE -> answers.unavailable();
              default -> Answers.error(401, "invalid refresh token");
            });
  }

  /**
   * Ends the bearer's refresh family (and with it every access token of the family), the body's
   * refresh token when given, and the bearer itself.
   */
  WebResponse logout(WebRequest request, JsonBody body) {
    String bearer = bearerValue(request);
    if (refresh != null) {
      body.string("refresh_token").ifPresent(refresh::logout);
      refresh.logoutByAccessToken(bearer);
    }
    tokens.revoke(bearer);
    return WebResponse.json(200, Map.of("status", "logged out"));
  }

  /** Refuses every token of {@code subject}: its refresh families and its access tokens. */
  void logoutEverywhere(String subject) {
    if (refresh != null) {
      refresh.logoutEverywhere(subject);
    } else {
      tokens.revokeAll(subject);
    }
  }

  private static String bearerValue(WebRequest request) {
    return BearerHeader.parse(request.header("Authorization").orElse(null))
        .token()
        .orElseThrow()
        .value();
  }

  private RefreshTokens requireRefresh() {
    if (refresh == null) {
      throw new IllegalStateException(
          "token login and refresh need WebAuth.Builder.tokens(service, refreshTokens)");
    }
    return refresh;
  }

  private WebResponse tokenPair(RefreshTokens.TokenPair pair) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", pair.accessToken());
    body.put("refresh_token", pair.refreshToken());
    body.put("token_type", "Bearer");
    body.put("expires_in", pair.expiresIn(clock));
    return WebResponse.json(200, body);
  }
}

package dev.latchkey.web;

import dev.latchkey.account.PasswordReset;
import dev.latchkey.account.TokenOutcome;
import dev.latchkey.core.AuthResult;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The password-reset routes: request a link, look its token up without using it, confirm with a new
 * password. Public routes (whoever forgot a password has no session). Loaded only when the
 * application configured a reset, so {@code auth-account} need not be present otherwise.
 */
final class PasswordResetFlow {
  /** Longer than any token; a longer query is refused before it is decoded. */
  private static final int MAX_QUERY = 512;

  private final PasswordReset reset;
  private final Answers answers;

  PasswordResetFlow(PasswordReset reset, Answers answers) {
    this.reset = reset;
    this.answers = answers;
  }

  /**
   * {@code POST {"username"}}: 202 whether or not the account exists (the service does the same
   * work either way); 429 while the name or the address is throttled.
   */
  WebResponse request(WebRequest request, JsonBody body) {
    Optional<String> username = body.string("username");
    if (username.isEmpty()) {
      return Answers.error(400, "username is a required string");
    }
    Optional<AuthResult.Failure> refused = reset.request(username.get(), request.clientAddress());
    if (refused.isEmpty()) {
      return WebResponse.json(
          202, Map.of("status", "if the account exists, a reset link is on its way"));
    }
    return refusal(refused.get());
  }

  /** {@code GET ?token=}: 200 {@code {"valid", "expires_at"}} for a live token; never uses it. */
  WebResponse peek(WebRequest request) {
    String token = tokenParameter(request).orElse(null);
    TokenOutcome outcome = reset.check(token);
    return outcome.fold(
        valid -> {
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("valid", true);
          out.put("expires_at", valid.expiresAt().getEpochSecond());
          return noStore(WebResponse.json(200, out));
        },
        this::refusal);
  }

  /** {@code POST {"token", "new_password"}}: 200 once; the same token again is 400. */
  WebResponse confirm(JsonBody body) {
    Optional<String> token = body.string("token");
    Optional<String> password = body.string("new_password");
    if (token.isEmpty() || password.isEmpty()) {
      return Answers.error(400, "token and new_password are required strings");
    }
    char[] chars = password.get().toCharArray();
    TokenOutcome outcome;
    try {
      outcome = reset.confirm(token.get(), chars);
    } finally {
      Arrays.fill(chars, '\0');
    }
    return outcome.fold(
        valid -> noStore(WebResponse.json(200, Map.of("status", "password reset"))), this::refusal);
  }

  private WebResponse refusal(AuthResult.Failure failure) {
    return switch (failure.reason()) {
      case LOCKED -> answers.locked(failure, "too many requests");
      case UNAVAILABLE -> answers.unavailable();
      // The service's details for a refused password name the rule, never the input.
      case MALFORMED -> malformed(failure.detail());
      default -> Answers.error(400, "invalid or expired token");
    };
  }

  /**
   * 400 for a refused new password: {@code {"error": "password_rejected", "reasons": [...]}} when
   * the reset's rule refused it (the shape {@code POST /register} answers), else {@code {"error":
   * detail}}.
   */
  private static WebResponse malformed(String detail) {
    String prefix = PasswordReset.REJECTED + ": ";
    if (!detail.startsWith(prefix)) {
      return Answers.error(400, detail);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", PasswordReset.REJECTED);
    body.put("reasons", List.of(detail.substring(prefix.length()).split(" ")));
    return WebResponse.json(400, body);
  }

  /** A page that holds or answers a token is neither cached nor sent on as a referrer. */
  private static WebResponse noStore(WebResponse response) {
    return response
        .withHeader("Cache-Control", "no-store")
        .withHeader("Referrer-Policy", "no-referrer");
  }

  /** The one {@code token} parameter of the query, decoded; empty when absent or repeated. */
  static Optional<String> tokenParameter(WebRequest request) {
    Optional<String> query = request.query();
    if (query.isEmpty() || query.get().length() > MAX_QUERY) {
      return Optional.empty();
    }
    String found = null;
    for (String pair : query.get().split("&", -1)) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      if ("token".equals(name)) {
        if (found != null) {
          return Optional.empty();
        }
        try {
          found = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.ofNullable(found);
  }

  @Override
  public String toString() {
    return "PasswordResetFlow[" + reset + "]";
  }
}

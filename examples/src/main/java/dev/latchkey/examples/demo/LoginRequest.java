package dev.latchkey.examples.demo;

import com.sun.net.httpserver.HttpExchange;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.PasswordAuthenticator;
import dev.latchkey.core.PasswordCredentials;
import dev.latchkey.core.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A login body, {@code {"username": ..., "password": ...}}, parsed, or the answer that refuses it;
 * and the answers both login routes share.
 */
final class LoginRequest {
  private final String username;
  private final char[] password;
  private final Response refusal;

  private LoginRequest(String username, char[] password, Response refusal) {
    this.username = username;
    this.password = password;
    this.refusal = refusal;
  }

  /** The request's login body: 415 or 400 when it is not a JSON object with both strings. */
  static LoginRequest read(HttpExchange ex) {
    JsonBodies.JsonBody body = JsonBodies.jsonBody(ex);
    if (body.refusal() != null) {
      return new LoginRequest(null, null, body.refusal());
    }
    Optional<String> username = Json.string(body.object(), "username");
    Optional<String> password = Json.string(body.object(), "password");
    if (username.isEmpty() || password.isEmpty()) {
      return new LoginRequest(
          null, null, Response.error(400, "username and password are required strings"));
    }
    return new LoginRequest(username.get(), password.get().toCharArray(), null);
  }

  /** The answer refusing a malformed body, or {@code null} when the body is a login. */
  Response refusal() {
    return refusal;
  }

  /** Checks the password, then wipes its characters whatever the outcome. */
  AuthResult authenticate(PasswordAuthenticator passwords, HttpExchange ex) {
    PasswordCredentials credentials = PasswordCredentials.of(username, password, clientAddress(ex));
    try {
      return passwords.authenticate(credentials);
    } finally {
      credentials.wipe();
    }
  }

  static String clientAddress(HttpExchange ex) {
    return ex.getRemoteAddress().getAddress().getHostAddress();
  }

  /** 429 with {@code Retry-After} for a locked name, 503, 400 or 401 otherwise. */
  static Response passwordFailure(AuthResult.Failure failure, Clock clock) {
    return switch (failure.reason()) {
      case LOCKED -> {
        Instant now = clock.instant();
        Instant retryAt = failure.retryAt().orElse(now);
        long seconds = Math.max(1, (Duration.between(now, retryAt).toMillis() + 999) / 1000);
        yield Response.error(429, "too many failed attempts")
            .header("Retry-After", Long.toString(seconds));
      }
      case UNAVAILABLE -> Response.unavailable();
      case MALFORMED -> Response.error(400, "malformed credentials");
      default -> Response.error(401, "invalid credentials");
    };
  }

  /** {@code {"username": ..., "roles": [...]}}, the roles sorted. */
  static Response profile(Principal principal) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("username", principal.subject());
    body.put("roles", new TreeSet<>(principal.roles()));
    return Response.json(200, body);
  }
}

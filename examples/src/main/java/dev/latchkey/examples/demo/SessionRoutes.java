package dev.latchkey.examples.demo;

import com.sun.net.httpserver.HttpExchange;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Cookies;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.session.LoginOutcome;
import dev.latchkey.session.SessionManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The session routes: {@code POST /session-login} sets the session cookie and answers the CSRF
 * token, {@code GET /session-profile} reads the session, {@code POST /session-logout} ends it
 * (CSRF-protected).
 */
final class SessionRoutes {
  private final DemoWiring wiring;
  private final SessionManager sessions;

  SessionRoutes(DemoWiring wiring) {
    this.wiring = wiring;
    this.sessions = wiring.sessions;
  }

  Response login(HttpExchange ex) {
    LoginRequest login = LoginRequest.read(ex);
    if (login.refusal() != null) {
      return login.refusal();
    }
    AuthResult result = login.authenticate(wiring.passwords, ex);
    if (result.failure().isPresent()) {
      return LoginRequest.passwordFailure(result.failure().get(), wiring.clock);
    }
    Principal principal = result.principal().orElseThrow();
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("client_address", LoginRequest.clientAddress(ex));
    String agent = ex.getRequestHeaders().getFirst("User-Agent");
    if (agent != null) {
      attributes.put("user_agent", agent.length() > 256 ? agent.substring(0, 256) : agent);
    }
    LoginOutcome outcome = sessions.login(principal, attributes);
    return outcome.fold(created -> created(principal, created), SessionRoutes::loginRefused);
  }

  private Response created(Principal principal, LoginOutcome.NewSession created) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("username", principal.subject());
    // The session was created just now: it is live, so it has a CSRF token.
    body.put("csrf_token", sessions.csrfToken(created.id()).orElseThrow());
    return Response.json(200, body)
        .header("Set-Cookie", wiring.sessionCookie(created.id()).toHeaderValue());
  }

  private static Response loginRefused(AuthResult.Failure failure) {
    return failure.reason() == AuthResult.Reason.UNAVAILABLE
        ? Response.unavailable()
        : Response.error(409, "too many sessions");
  }

  Response profile(HttpExchange ex) {
    Optional<String> sid = sessionId(ex);
    if (sid.isEmpty()) {
      return Response.error(401, "not logged in");
    }
    return sessions
        .check(new SessionCookie(sid.get()))
        .fold(active -> LoginRequest.profile(active.principal()), SessionRoutes::failure);
  }

  Response logout(HttpExchange ex) {
    Gate gate = csrfProtected(ex);
    if (gate.refusal() != null) {
      return gate.refusal();
    }
    sessions.logout(gate.sid());
    return Response.json(200, Map.of("status", "logged out")).header("Set-Cookie", deletion());
  }

  /** The {@code Set-Cookie} value that removes the session cookie from the browser. */
  String deletion() {
    return wiring.sessionCookie("").deletion().toHeaderValue();
  }

  /**
   * A live session whose request carries its CSRF token, or the answer to refuse it with.
   *
   * @param sid the session's id, {@code null} when refused
   * @param principal the session's principal, {@code null} when refused
   * @param refusal the answer, {@code null} when the session passed
   */
  record Gate(String sid, Principal principal, Response refusal) {
    static Gate refused(Response refusal) {
      return new Gate(null, null, refusal);
    }

    @Override
    public String toString() {
      return "Gate[" + (refusal == null ? "passed" : "refused " + refusal.status) + "]";
    }
  }

  /** For state-changing session routes: 401 without a live session, 403 without its CSRF token. */
  Gate csrfProtected(HttpExchange ex) {
    Optional<String> sid = sessionId(ex);
    if (sid.isEmpty()) {
      return Gate.refused(Response.error(401, "not logged in"));
    }
    AuthResult check = sessions.authenticate(new SessionCookie(sid.get()));
    if (check.failure().isPresent()) {
      return Gate.refused(failure(check.failure().get()));
    }
    // checkCsrf throws StoreUnavailableException on an outage, which the server answers 503.
    if (!sessions.checkCsrf(sid.get(), ex.getRequestHeaders().getFirst("X-CSRF-Token"))) {
      return Gate.refused(Response.error(403, "missing or invalid CSRF token"));
    }
    return new Gate(sid.get(), check.principal().orElseThrow(), null);
  }

  /** The session cookie under this server's name only: a plain "sid" is no secure session. */
  private Optional<String> sessionId(HttpExchange ex) {
    List<String> headers = ex.getRequestHeaders().get("Cookie");
    if (headers == null) {
      return Optional.empty();
    }
    for (String header : headers) {
      Optional<String> value = Cookies.read(header, wiring.sessionCookieName);
      if (value.isPresent()) {
        return value;
      }
    }
    return Optional.empty();
  }

  private static Response failure(AuthResult.Failure failure) {
    return failure.reason() == AuthResult.Reason.UNAVAILABLE
        ? Response.unavailable()
        : Response.error(401, "not logged in");
  }
}

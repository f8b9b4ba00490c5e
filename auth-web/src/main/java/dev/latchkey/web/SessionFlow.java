package dev.latchkey.web;

import dev.latchkey.core.Assurance;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Cookies;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.SetCookie;
import dev.latchkey.session.LoginOutcome;
import dev.latchkey.session.SessionCheck;
import dev.latchkey.session.SessionManager;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The session half of the web layer: the cookie (read under its configured name only, written with
 * the configured attributes), the check, the CSRF token on state-changing methods, login and
 * logout. Loaded only when the application configured sessions, so {@code auth-session} need not be
 * present otherwise.
 */
final class SessionFlow {
  static final int MAX_USER_AGENT = 256;

  private final SessionManager sessions;
  private final Answers answers;
  private final String cookieName;
  private final boolean secure;
  private final SetCookie.SameSite sameSite;
  private final String csrfHeader;
  private final String deletion;

  SessionFlow(
      SessionManager sessions,
      Answers answers,
      String cookieName,
      boolean secure,
      SetCookie.SameSite sameSite,
      String csrfHeader) {
    this.sessions = sessions;
    this.answers = answers;
    this.cookieName = cookieName;
    this.secure = secure;
    this.sameSite = sameSite;
    this.csrfHeader = csrfHeader;
    // Validates the settings once: SetCookie refuses a __Host- cookie without Secure, and so on.
    this.deletion = cookie("").deletion().toHeaderValue();
  }

  String cookieName() {
    return cookieName;
  }

  SetCookie cookie(String value) {
    return SetCookie.builder(cookieName, value)
        .httpOnly(true)
        .secure(secure)
        .sameSite(sameSite)
        .path("/")
        .build();
  }

  /** The session id under this layer's cookie name, from any {@code Cookie} header. */
  Optional<String> sessionId(WebRequest request) {
    for (String header : request.headers("Cookie")) {
      Optional<String> value = Cookies.read(header, cookieName);
      if (value.isPresent()) {
        return value;
      }
    }
    return Optional.empty();
  }

  /**
   * The session's decision, or {@code null} when the request presents no session cookie. A cookie
   * naming no live session is answered 401 with the cookie cleared; a state-changing method needs
   * the session's CSRF token as well.
   */
  AccessDecision check(WebRequest request, boolean stateChanging) {
    return check(request, stateChanging, sessions::check);
  }

  /**
   * {@link #check}, letting through a session that waits for its second factor as well: for the
   * second-factor step only.
   */
  AccessDecision checkPending(WebRequest request, boolean stateChanging) {
    return check(request, stateChanging, sessions::checkPending);
  }

  /**
   * {@link #check}, refusing a session weaker than {@code required} or authenticated longer ago
   * than {@code maxAge} with 401 {@code step_up_required} (the cookie stays: the client steps up
   * with it).
   */
  AccessDecision requireAssurance(
      WebRequest request, boolean stateChanging, Assurance.Level required, Duration maxAge) {
    return check(request, stateChanging, c -> sessions.requireAssurance(c, required, maxAge));
  }

  private AccessDecision check(
      WebRequest request, boolean stateChanging, Function<SessionCookie, SessionCheck> checker) {
    Optional<String> sid = sessionId(request);
    if (sid.isEmpty()) {
      return null;
    }
    SessionCheck check = checker.apply(new SessionCookie(sid.get()));
    Optional<AuthResult.Failure> failure = check.failure();
    if (failure.isPresent()) {
      return AccessDecision.refused(refusal(failure.get()));
    }
    // checkCsrf throws StoreUnavailableException on an outage: WebAuth answers it 503.
    if (stateChanging && !sessions.checkCsrf(sid.get(), request.header(csrfHeader).orElse(null))) {
      return AccessDecision.refused(Answers.csrf());
    }
    return AccessDecision.allowed(check.principal().orElseThrow(), AccessDecision.Via.SESSION);
  }

  private WebResponse refusal(AuthResult.Failure failure) {
    return switch (failure.reason()) {
      case UNAVAILABLE -> answers.unavailable();
      // The session is live and stays: the client finishes its login or steps up with it.
      case SECOND_FACTOR_REQUIRED -> mfaRequired();
      case STEP_UP_REQUIRED -> Answers.error(401, "step_up_required");
      default -> notLoggedIn().withHeader("Set-Cookie", deletion);
    };
  }

  static WebResponse mfaRequired() {
    return Answers.error(401, "mfa_required");
  }

  static WebResponse notLoggedIn() {
    return Answers.error(401, "not logged in");
  }

  /** A new session for {@code principal}: its cookie, and its CSRF token in the body. */
  WebResponse login(WebRequest request, Principal principal) {
    return login(request, principal, Assurance.Level.SINGLE_FACTOR);
  }

  /**
   * A new session for {@code principal} at {@code level}: its cookie, and its CSRF token in the
   * body; a session waiting for its second factor says so with {@code "mfa_required": true}.
   */
  WebResponse login(WebRequest request, Principal principal, Assurance.Level level) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("client_address", request.clientAddress());
    request
        .header("User-Agent")
        .ifPresent(
            agent ->
                attributes.put(
                    "user_agent",
                    agent.length() > MAX_USER_AGENT ? agent.substring(0, MAX_USER_AGENT) : agent));
    LoginOutcome outcome = sessions.login(principal, attributes, level);
    return outcome.fold(
        created -> {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("username", principal.subject());
          if (level == Assurance.Level.PENDING_SECOND_FACTOR) {
            body.put("mfa_required", true);
          }
          // The session was created just now: it is live, so it has a CSRF token.
          body.put("csrf_token", sessions.csrfToken(created.id()).orElseThrow());
          return WebResponse.json(200, body)
              .withHeader("Set-Cookie", cookie(created.id()).toHeaderValue());
        },
        failure ->
            failure.reason() == AuthResult.Reason.UNAVAILABLE
                ? answers.unavailable()
                : Answers.error(409, "too many sessions"));
  }

  /**
   * Ends the request's session; it needs a live session and its CSRF token. A session waiting for
   * its second factor may end too: abandoning a login grants nothing.
   */
  WebResponse logout(WebRequest request) {
    AccessDecision gate = checkPending(request, true);
    if (gate == null) {
      return notLoggedIn();
    }
    if (!gate.allowed()) {
      return gate.refusal().orElseThrow();
    }
    sessions.logout(sessionId(request).orElseThrow());
    return WebResponse.json(200, Map.of("status", "logged out")).withHeader("Set-Cookie", deletion);
  }

  /**
   * Moves the request's session to a new id (it needs a live session and its CSRF token): the new
   * cookie, and the new id's CSRF token in the body. The old id is refused from then on.
   */
  WebResponse rotate(WebRequest request) {
    AccessDecision gate = check(request, true);
    if (gate == null) {
      return notLoggedIn();
    }
    if (!gate.allowed()) {
      return gate.refusal().orElseThrow();
    }
    Optional<String> moved = sessions.rotate(sessionId(request).orElseThrow());
    if (moved.isEmpty()) {
      // Ended between the check and the move (a logout on another node): nothing to rotate.
      return notLoggedIn().withHeader("Set-Cookie", deletion);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("csrf_token", sessions.csrfToken(moved.get()).orElseThrow());
    return WebResponse.json(200, body)
        .withHeader("Set-Cookie", cookie(moved.get()).toHeaderValue());
  }

  /**
   * Records a factor just proven for the request's session ({@link
   * SessionManager#recordAuthentication}): the new cookie, and the new id's CSRF token in the body;
   * 401 with the cookie cleared when the session ended or waited too long for its second factor.
   */
  WebResponse raise(WebRequest request, Assurance.Level level) {
    Optional<String> moved = sessions.recordAuthentication(sessionId(request).orElseThrow(), level);
    if (moved.isEmpty()) {
      return notLoggedIn().withHeader("Set-Cookie", deletion);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "authenticated");
    body.put("csrf_token", sessions.csrfToken(moved.get()).orElseThrow());
    return WebResponse.json(200, body)
        .withHeader("Set-Cookie", cookie(moved.get()).toHeaderValue());
  }

  /** Ends every session of {@code subject}; answers how many. */
  int logoutEverywhere(String subject) {
    return sessions.logoutEverywhere(subject);
  }

  String deletion() {
    return deletion;
  }

  Optional<String> csrfToken(WebRequest request) {
    return sessionId(request).flatMap(sessions::csrfToken);
  }
}

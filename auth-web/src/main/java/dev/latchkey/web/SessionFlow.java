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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The session half of the web layer: the cookie (read under its configured name only, written with
 * the configured attributes), the check, the CSRF token on state-changing methods, login and
 * logout; with {@link RememberMe}, the remember-me cookie: set at a login that asks for it, a
 * session restored from it on a safe request without a live session, and ended at logout. Loaded
 * only when the application configured sessions, so {@code auth-session} need not be present
 * otherwise.
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
  private final RememberMe remember; // null: no remember-me

  /**
   * The attribute by which a login waiting for its second factor remembers that it asked for a
   * remember-me cookie.
   */
  static final String REMEMBER_AFTER_FACTOR = "remember_me_requested";

  SessionFlow(
      SessionManager sessions,
      RememberMe remember,
      Answers answers,
      String cookieName,
      boolean secure,
      SetCookie.SameSite sameSite,
      String csrfHeader) {
    this.sessions = sessions;
    this.remember = remember;
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
    return cookie(request, cookieName);
  }

  /** The remember-me cookie's value, when remember-me is configured. */
  private Optional<String> rememberCookie(WebRequest request) {
    return remember == null ? Optional.empty() : cookie(request, remember.cookieName());
  }

  private static Optional<String> cookie(WebRequest request, String name) {
    for (String header : request.headers("Cookie")) {
      Optional<String> value = Cookies.read(header, name);
      if (value.isPresent()) {
        return value;
      }
    }
    return Optional.empty();
  }

  /**
   * The session's decision, or {@code null} when the request presents no session cookie. A cookie
   * naming no live session is answered 401 with the cookie cleared; a state-changing method needs
   * the session's CSRF token as well. With remember-me, a safe request without a live session but
   * with a remember-me cookie gets a restored session instead (see {@link #restore}).
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
    // A state-changing request is never carried by the remember-me cookie alone: it needs a live
    // session's CSRF token, which only the restore (on a safe request) hands out.
    Optional<String> remembered = stateChanging ? Optional.empty() : rememberCookie(request);
    if (sid.isEmpty()) {
      return remembered.isPresent() ? restore(request, remembered.get(), false) : null;
    }
    SessionCheck check = checker.apply(new SessionCookie(sid.get()));
    Optional<AuthResult.Failure> failure = check.failure();
    if (failure.isPresent()) {
      if (remembered.isPresent() && failure.get().reason() != AuthResult.Reason.UNAVAILABLE) {
        return restore(request, remembered.get(), true);
      }
      return AccessDecision.refused(refusal(failure.get()));
    }
    // checkCsrf throws StoreUnavailableException on an outage: WebAuth answers it 503.
    if (stateChanging && !sessions.checkCsrf(sid.get(), request.header(csrfHeader).orElse(null))) {
      return AccessDecision.refused(Answers.csrf());
    }
    SessionCheck.Active active = check.active().orElseThrow();
    return AccessDecision.bySession(active.principal(), active.session().assurance(), List.of());
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

  /**
   * A new session from the remember-me cookie: allowed, with the new session cookie, the rotated
   * remember-me cookie and the new session's CSRF token as headers for the route's answer. A
   * refused cookie is cleared (and the dead session cookie with it).
   */
  private AccessDecision restore(WebRequest request, String rememberCookie, boolean deadSession) {
    RememberMe.Outcome outcome = remember.restore(rememberCookie, attributes(request));
    Optional<RememberMe.Restored> restored = outcome.restored();
    if (restored.isEmpty()) {
      AuthResult.Failure failure = outcome.failure().orElseThrow();
      WebResponse refusal =
          switch (failure.reason()) {
            case UNAVAILABLE -> answers.unavailable();
            case LOCKED -> answers.locked(failure, "too many restores");
            default -> notLoggedIn().withHeader("Set-Cookie", remember.deletion());
          };
      return AccessDecision.refused(
          deadSession && failure.reason() != AuthResult.Reason.UNAVAILABLE
              ? refusal.withHeader("Set-Cookie", deletion)
              : refusal);
    }
    RememberMe.Restored session = restored.get();
    List<WebResponse.Header> headers = new ArrayList<>(3);
    headers.add(new WebResponse.Header("Set-Cookie", cookie(session.sessionId()).toHeaderValue()));
    headers.add(new WebResponse.Header("Set-Cookie", remember.setCookie(session.next())));
    // csrfToken throws StoreUnavailableException on an outage: WebAuth answers it 503.
    sessions
        .csrfToken(session.sessionId())
        .ifPresent(token -> headers.add(new WebResponse.Header(csrfHeader, token)));
    return AccessDecision.bySession(session.principal(), session.assurance(), headers);
  }

  static WebResponse notLoggedIn() {
    return Answers.error(401, "not logged in");
  }

  /** A new session for {@code principal}: its cookie, and its CSRF token in the body. */
  WebResponse login(WebRequest request, Principal principal) {
    return login(request, principal, Assurance.Level.SINGLE_FACTOR, false);
  }

  private static Map<String, String> attributes(WebRequest request) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("client_address", request.clientAddress());
    request
        .header("User-Agent")
        .ifPresent(
            agent ->
                attributes.put(
                    "user_agent",
                    agent.length() > MAX_USER_AGENT ? agent.substring(0, MAX_USER_AGENT) : agent));
    return attributes;
  }

  /**
   * A new session for {@code principal} at {@code level}: its cookie, and its CSRF token in the
   * body; a session waiting for its second factor says so with {@code "mfa_required": true}. With
   * {@code rememberMe} (and remember-me configured), a remember-me cookie too; for a session
   * waiting for its second factor only once the factor is given ({@link #raise}): that login has
   * proven only the password, and a cookie that restores sessions must not skip the factor.
   */
  WebResponse login(
      WebRequest request, Principal principal, Assurance.Level level, boolean rememberMe) {
    Map<String, String> attributes = attributes(request);
    boolean pending = level == Assurance.Level.PENDING_SECOND_FACTOR;
    if (pending && rememberMe && remember != null) {
      attributes.put(REMEMBER_AFTER_FACTOR, "true");
    }
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
          WebResponse response =
              WebResponse.json(200, body)
                  .withHeader("Set-Cookie", cookie(created.id()).toHeaderValue());
          if (!rememberMe || remember == null || pending) {
            return response;
          }
          return remembered(response, created.id(), principal);
        },
        failure ->
            failure.reason() == AuthResult.Reason.UNAVAILABLE
                ? answers.unavailable()
                : Answers.error(409, "too many sessions"));
  }

  /**
   * A new session for {@code principal} at {@code level}, answered as a redirect to {@code
   * location} (a login that ends at another site's redirect, where no script reads a body): its
   * cookie, and its CSRF token in the CSRF header.
   */
  WebResponse loginRedirect(
      WebRequest request, Principal principal, Assurance.Level level, String location) {
    LoginOutcome outcome = sessions.login(principal, attributes(request), level);
    return outcome.fold(
        created ->
            new WebResponse(302, List.of(), "")
                .withHeader("Location", location)
                .withHeader("Set-Cookie", cookie(created.id()).toHeaderValue())
                // The session was created just now: it is live, so it has a CSRF token.
                .withHeader(csrfHeader, sessions.csrfToken(created.id()).orElseThrow()),
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
    WebResponse response =
        WebResponse.json(200, Map.of("status", "logged out")).withHeader("Set-Cookie", deletion);
    return forgetRemembered(request, response);
  }

  /**
   * With remember-me, ends the request's remember-me family (and the sessions it restored) and
   * clears its cookie on {@code response}.
   */
  WebResponse forgetRemembered(WebRequest request, WebResponse response) {
    if (remember == null) {
      return response;
    }
    rememberCookie(request).ifPresent(remember::forget);
    return response.withHeader("Set-Cookie", remember.deletion());
  }

  /** With remember-me, {@code response} clearing the remember-me cookie. */
  WebResponse clearRemembered(WebResponse response) {
    return remember == null ? response : response.withHeader("Set-Cookie", remember.deletion());
  }

  /** With remember-me, ends every remember-me family of {@code subject}. */
  void forgetEverywhere(String subject) {
    if (remember != null) {
      remember.forgetEverywhere(subject);
    }
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
    WebResponse response =
        WebResponse.json(200, body).withHeader("Set-Cookie", cookie(moved.get()).toHeaderValue());
    if (remember == null || sessions.attribute(moved.get(), REMEMBER_AFTER_FACTOR).isEmpty()) {
      return response;
    }
    // The login asked to be remembered; now that the factor is given, it may be.
    sessions.setAttribute(moved.get(), REMEMBER_AFTER_FACTOR, null);
    Optional<Principal> principal = sessions.check(new SessionCookie(moved.get())).principal();
    return principal.isEmpty() ? response : remembered(response, moved.get(), principal.get());
  }

  /**
   * {@code response} with a remember-me cookie for {@code principal} added. Asked to be remembered
   * and could not be: no half login, the session ends and the whole answer is 503.
   */
  private WebResponse remembered(WebResponse response, String sessionId, Principal principal) {
    RememberMe.Issued issued;
    try {
      issued = remember.remember(principal);
    } catch (RuntimeException e) {
      sessions.logout(sessionId);
      throw e;
    }
    return response.withHeader("Set-Cookie", remember.setCookie(issued));
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

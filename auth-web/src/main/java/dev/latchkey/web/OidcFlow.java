package dev.latchkey.web;

import dev.latchkey.core.Assurance;
import dev.latchkey.core.Cookies;
import dev.latchkey.core.SetCookie;
import dev.latchkey.oidc.OidcLogin;
import dev.latchkey.oidc.OidcOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The sign-in with an OpenID provider: {@code GET} the login route sends the browser to the
 * provider with a short-lived browser-binding cookie; {@code GET} the callback route finishes the
 * login ({@link OidcLogin#complete}) and starts a session, as a password login does. Loaded only
 * when the application configured an {@link OidcLogin}, so {@code auth-oidc} need not be present
 * otherwise.
 */
final class OidcFlow {
  /** The binding cookie's name, without the prefix; {@code __Host-} when the cookie is secure. */
  static final String BINDING_COOKIE = "latchkey-oidc";

  private final OidcLogin oidc;
  private final SessionFlow sessions;
  private final MfaFlow mfa; // null: no second factors
  private final Answers answers;
  private final String cookieName;
  private final boolean secure;
  private final String afterLogin;

  OidcFlow(
      OidcLogin oidc,
      SessionFlow sessions,
      MfaFlow mfa,
      Answers answers,
      boolean secure,
      boolean hostPrefix,
      String afterLogin) {
    this.oidc = oidc;
    this.sessions = sessions;
    this.mfa = mfa;
    this.answers = answers;
    this.secure = secure;
    this.cookieName = secure && hostPrefix ? "__Host-" + BINDING_COOKIE : BINDING_COOKIE;
    this.afterLogin = afterLogin;
  }

  /**
   * Lax, not Strict: the callback is a top-level navigation from the provider's site, on which a
   * Strict cookie would not be sent. HttpOnly: no script of the page ever needs it.
   */
  private SetCookie binding(String value, Duration maxAge) {
    return SetCookie.builder(cookieName, value)
        .httpOnly(true)
        .secure(secure)
        .sameSite(SetCookie.SameSite.LAX)
        .path("/")
        .maxAge(maxAge)
        .build();
  }

  /** {@code GET} the login route: 302 to the provider with the binding cookie, or a refusal. */
  WebResponse login(WebRequest request) {
    String client = request.clientAddress() == null ? "" : request.clientAddress();
    OidcOutcome outcome = oidc.begin(client);
    Optional<OidcOutcome.Redirect> redirect = outcome.redirect();
    if (redirect.isEmpty()) {
      return refusal(outcome.refusal().orElseThrow());
    }
    OidcOutcome.Redirect to = redirect.get();
    return noStore(
        new WebResponse(302, List.of(), "")
            .withHeader("Location", to.location().toString())
            .withHeader(
                "Set-Cookie", binding(to.browserBinding(), oidc.loginTimeout()).toHeaderValue()));
  }

  /**
   * {@code GET} the callback route: on success a new session (its cookie, its CSRF token in the
   * CSRF header) and 302 to the page after login; else the refusal. The binding cookie is cleared
   * either way: its login is used up.
   */
  WebResponse callback(WebRequest request) {
    String query = request.query().orElse(null);
    OidcOutcome outcome = oidc.complete(query, bindingCookie(request).orElse(null));
    WebResponse answer;
    Optional<OidcOutcome.SignedIn> in = outcome.signedIn();
    if (in.isPresent()) {
      Assurance.Level level = in.get().level();
      // A provider login is the first factor only: an account with a second factor of its own
      // still gives it, unless the provider vouched for a second factor already.
      if (level != Assurance.Level.MULTI_FACTOR
          && mfa != null
          && mfa.required(in.get().principal())) {
        level = Assurance.Level.PENDING_SECOND_FACTOR;
      }
      answer = sessions.loginRedirect(request, in.get().principal(), level, afterLogin);
    } else {
      answer = refusal(outcome.refusal().orElseThrow());
    }
    return noStore(
        answer.withHeader(
            "Set-Cookie", binding("", oidc.loginTimeout()).deletion().toHeaderValue()));
  }

  private WebResponse refusal(OidcOutcome.Refused refused) {
    OidcOutcome.Problem problem = refused.problem();
    return problem == OidcOutcome.Problem.UNAVAILABLE
        ? answers.unavailable()
        : Answers.error(problem.httpStatus(), problem.error());
  }

  private Optional<String> bindingCookie(WebRequest request) {
    for (String header : request.headers("Cookie")) {
      Optional<String> value = Cookies.read(header, cookieName);
      if (value.isPresent()) {
        return value;
      }
    }
    return Optional.empty();
  }

  /** A redirect that carries state, a code or a cookie is neither cached nor sent as referrer. */
  private static WebResponse noStore(WebResponse response) {
    return response
        .withHeader("Cache-Control", "no-store")
        .withHeader("Referrer-Policy", "no-referrer");
  }

  @Override
  public String toString() {
    return "OidcFlow[" + oidc + "]";
  }
}

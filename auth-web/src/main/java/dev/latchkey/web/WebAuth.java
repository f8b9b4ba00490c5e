package dev.latchkey.web;

import dev.latchkey.account.ApiKeys;
import dev.latchkey.account.PasswordReset;
import dev.latchkey.account.SecondFactors;
import dev.latchkey.core.Assurance;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Authenticator;
import dev.latchkey.core.BearerHeader;
import dev.latchkey.core.BearerToken;
import dev.latchkey.core.ClientInfo;
import dev.latchkey.core.PasswordCredentials;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SetCookie;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.oidc.OidcLogin;
import dev.latchkey.passkey.Passkeys;
import dev.latchkey.password.PasswordAccounts;
import dev.latchkey.session.SessionManager;
import dev.latchkey.token.IssuerVerifier;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.RefreshTokens;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;

// Past 450 lines for a reason: the Builder is public API as WebAuth.Builder, so it and its
// setters' contracts live in this file, and each route's contract is its Javadoc here. The work is
// done in parts of their own: Origins (the cross-site gate), PublicPaths, SessionFlow, TokenFlow,
// PasswordResetFlow, PasswordAccountFlow, MfaFlow, ApiKeyFlow, IssuerFlow, OidcFlow, PasskeyFlow,
// RememberMe, JsonBody and JsonText (request bodies) and Answers (every refusal).

/**
 * Latchkey at the HTTP boundary: one place that turns a request into a decision, and the
 * authentication routes built on it. An adapter (a Servlet filter, a JDK {@code HttpServer}
 * handler) calls {@link #handle} for the authentication routes and {@link #authenticate} for every
 * other route; an application writes its own routes, not its authentication plumbing.
 *
 * <pre>{@code
 * WebAuth web = WebAuth.builder()
 *     .passwords(passwordAuthenticator)
 *     .sessions(sessionManager)
 *     .publicPaths("/", "/health")
 *     .build();
 * Optional<WebResponse> own = web.handle(request);       // POST /session-login, ...
 * AccessDecision decision = web.authenticate(request);    // every other route
 * }</pre>
 *
 * <p>What a request meets, in order:
 *
 * <ol>
 *   <li><b>The origin gate.</b> A state-changing method ({@code POST}, {@code PUT}, {@code
 *       DELETE}... anything but {@code GET}, {@code HEAD}, {@code OPTIONS}, {@code TRACE}) from
 *       another site is refused 403 before anything else runs, login included (login CSRF). See
 *       {@link Builder#allowedOrigins}.
 *   <li><b>Public paths</b> ({@link Builder#publicPaths}) pass without a credential.
 *   <li><b>A bearer token</b> in {@code Authorization}, when tokens are configured: verified;
 *       refused 401 with {@code WWW-Authenticate: Bearer realm="...", error="invalid_token"}.
 *   <li><b>The session cookie</b>, when sessions are configured: checked; a dead one is refused 401
 *       and cleared ({@code Set-Cookie}); a state-changing method must carry the session's CSRF
 *       token in {@link Builder#csrfHeader} (403 otherwise).
 *   <li><b>The remember-me cookie</b>, when {@link Builder#rememberMe} is configured: a safe
 *       request ({@code GET}, {@code HEAD}...) with no live session but a remember-me cookie gets a
 *       new session at level {@code REMEMBERED}; the decision is allowed and carries, in {@link
 *       AccessDecision#headers()}, the new session cookie, the rotated remember-me cookie and the
 *       new session's CSRF token, which the adapter adds to the route's answer. A state-changing
 *       request is never let through by the remember-me cookie alone. A refused cookie is cleared.
 *   <li>No credential: 401, with a bare {@code Bearer} challenge when tokens are configured.
 * </ol>
 *
 * <p>A store that cannot be reached is 503 with {@code Retry-After}, never a pass (fail closed); a
 * throttled login or refresh is 429 with {@code Retry-After}. Every refusal is a JSON body {@code
 * {"error": "..."}} that never echoes the request.
 *
 * <p>{@code auth-session}, {@code auth-token} and {@code auth-account} are optional dependencies:
 * configure what the application uses and bring that module. Built once by {@link #builder()};
 * immutable and safe for concurrent use.
 */
public final class WebAuth {
  /** The authentication routes {@link #handle} answers, each at a configurable path. */
  public enum Endpoint {
    /**
     * {@code POST {"username", "password"}}, optionally {@code "remember_me": true}: a session
     * cookie and its CSRF token (and a remember-me cookie when asked and configured).
     */
    SESSION_LOGIN("/session-login"),
    /**
     * {@code POST} with the session's CSRF token: ends the session (and the remember-me family) and
     * clears its cookies.
     */
    SESSION_LOGOUT("/session-logout"),
    /** {@code POST {"username", "password"}}: an access and a refresh token. */
    TOKEN_LOGIN("/token-login"),
    /** {@code POST {"refresh_token"}}: the next token pair; a reused token ends its family. */
    TOKEN_REFRESH("/token-refresh"),
    /** {@code POST} with the bearer (and optionally {@code {"refresh_token"}}): ends the family. */
    TOKEN_LOGOUT("/token-logout"),
    /** {@code POST} by bearer or by CSRF-protected session: ends every session and token. */
    LOGOUT_EVERYWHERE("/logout-everywhere"),
    /**
     * {@code POST {"username", "password"}} with the session's CSRF token: the session user's
     * password typed again for a step-up; the session moves to a new id, authenticated now.
     */
    REAUTHENTICATE("/reauthenticate"),
    /**
     * The session user's API keys: {@code GET} lists them (no secret), {@code POST {"name",
     * "scopes", "expires_in"}} with the CSRF token creates one. See {@link Builder#apiKeys}.
     */
    API_KEYS("/api-keys"),
    /**
     * {@code DELETE <path><id>} with the session's CSRF token: revokes one of the session user's
     * API keys. Mounted as a prefix ending in {@code /}; the key's id follows it.
     */
    API_KEY("/api-keys/"),
    /** {@code POST {"username"}}: 202, and a reset link when the account exists. Public. */
    PASSWORD_RESET_REQUEST("/password-reset/request"),
    /** {@code GET ?token=}: whether a reset token is live, without using it. Public. */
    PASSWORD_RESET("/password-reset"),
    /** {@code POST {"token", "new_password"}}: resets the password once. Public. */
    PASSWORD_RESET_CONFIRM("/password-reset/confirm"),
    /** {@code POST} by CSRF-protected session: a new TOTP secret and its {@code otpauth} URI. */
    MFA_TOTP_ENROLL("/mfa/totp/enroll"),
    /** {@code POST {"code"}} by CSRF-protected session: activates TOTP, answers recovery codes. */
    MFA_TOTP_ACTIVATE("/mfa/totp/activate"),
    /**
     * {@code POST {"code"}} by CSRF-protected session, pending or not: the second factor; the
     * session moves to a new id at multi-factor assurance.
     */
    MFA_VERIFY("/mfa/verify"),
    /**
     * {@code GET}: 302 to the OpenID provider's authorization endpoint, with a short-lived
     * browser-binding cookie. Public. See {@link Builder#oidc}.
     */
    OIDC_LOGIN("/oidc/login"),
    /**
     * {@code GET ?state=&code=}: the provider's redirect back; a session cookie and 302 to {@code
     * /}. Public. See {@link Builder#oidc}.
     */
    OIDC_CALLBACK("/oidc/callback"),
    /**
     * {@code POST} by CSRF-protected session (optionally {@code {"username", "display_name"}}):
     * WebAuthn {@code PublicKeyCredentialCreationOptionsJSON} for a new passkey of the session
     * user.
     */
    PASSKEY_REGISTER_OPTIONS("/passkeys/register/options"),
    /**
     * {@code POST} the {@code PublicKeyCredential.toJSON()} of a new credential (optionally with a
     * top-level {@code "name"}) by CSRF-protected session: 201 with the stored passkey.
     */
    PASSKEY_REGISTER("/passkeys/register"),
    /**
     * {@code POST}, optionally {@code {"username"}}: WebAuthn {@code
     * PublicKeyCredentialRequestOptionsJSON}; with a user name its passkeys are the allow-list,
     * without one the ceremony is username-less (discoverable credentials). Public.
     */
    PASSKEY_LOGIN_OPTIONS("/passkeys/login/options"),
    /**
     * {@code POST} the {@code PublicKeyCredential.toJSON()} of an assertion: a session cookie at
     * multi-factor assurance and its CSRF token, as {@link #SESSION_LOGIN} answers. Public.
     */
    PASSKEY_LOGIN("/passkeys/login"),
    /**
     * {@code POST} by CSRF-protected session, pending or not: request options for the session
     * user's passkeys, bound to this session, for the second-factor step.
     */
    PASSKEY_VERIFY_OPTIONS("/passkeys/verify/options"),
    /**
     * {@code POST} an assertion by CSRF-protected session, pending or not: one of the session
     * user's passkeys as the second factor; the session moves to a new id at multi-factor
     * assurance.
     */
    PASSKEY_VERIFY("/passkeys/verify"),
    /** {@code GET} by session: the session user's passkeys, without key material. */
    PASSKEYS("/passkeys"),
    /**
     * {@code PATCH <path><id> {"name"}} renames, {@code DELETE <path><id>} removes one of the
     * session user's passkeys, with the session's CSRF token. Mounted as a prefix ending in {@code
     * /}; the credential id (base64url) follows it.
     */
    PASSKEY("/passkeys/"),
    /**
     * {@code POST {"username", "password"}}: 201 for a new account; 400 {@code {"error":
     * "password_rejected", "reasons": [...]}} for a password the policy refuses; 409 when the name
     * is taken; 429 while the client is throttled. Public. See {@link Builder#passwordAccounts}.
     */
    REGISTER("/register"),
    /**
     * {@code POST {"current_password", "new_password"}} with the session's CSRF token: changes the
     * session user's password, ends every other session and token of the user, and moves this
     * session to a new id.
     */
    PASSWORD_CHANGE("/password-change");

    private final String defaultPath;

    Endpoint(String defaultPath) {
      this.defaultPath = defaultPath;
    }

    /** {@return the path it is mounted at unless configured otherwise} */
    public String defaultPath() {
      return defaultPath;
    }
  }

  private final Authenticator<PasswordCredentials> passwords;
  private final SessionFlow sessions;
  private final TokenFlow tokens;
  private final ApiKeyFlow apiKeys;
  private final IssuerFlow issuers;
  private final String apiKeyPrefix;
  private final PasswordResetFlow resets;
  private final MfaFlow mfa;
  private final OidcFlow oidc;
  private final PasskeyFlow passkeys;
  private final String passkeyPrefix;
  private final boolean passkeySecondFactor;
  private final PasswordAccountFlow accounts;
  private final Origins origins;
  private final PublicPaths publicPaths;
  private final Answers answers;
  private final Map<String, Endpoint> endpoints;
  private final int maxBodyBytes;
  private final String realm;

  private WebAuth(Builder b) {
    this.passwords = b.passwords;
    this.answers = new Answers(b.clock, b.unavailableRetry);
    this.sessions =
        b.sessionManager == null
            ? null
            : new SessionFlow(
                b.sessionManager,
                b.rememberMe,
                answers,
                b.cookieName(),
                b.secure,
                b.sameSite,
                b.csrfHeader);
    this.tokens =
        b.tokenService == null
            ? null
            : new TokenFlow(b.tokenService, b.refreshTokens, answers, b.clock, b.realm);
    this.apiKeys = b.apiKeys == null ? null : new ApiKeyFlow(b.apiKeys, answers, b.realm);
    this.issuers =
        b.trustedIssuers == null ? null : new IssuerFlow(b.trustedIssuers, answers, b.realm);
    this.resets = b.passwordReset == null ? null : new PasswordResetFlow(b.passwordReset, answers);
    this.accounts =
        b.passwordAccounts == null
            ? null
            : new PasswordAccountFlow(b.passwordAccounts, answers, b.maxBodyBytes);
    this.origins = new Origins(b.allowedOrigins, b.allowMissingOriginHeaders);
    this.maxBodyBytes = b.maxBodyBytes;
    this.realm = b.realm;
    this.mfa =
        b.secondFactors == null
            ? null
            : new MfaFlow(b.secondFactors, sessions, answers, b.maxBodyBytes);
    this.oidc =
        b.oidcLogin == null || sessions == null
            ? null
            : new OidcFlow(b.oidcLogin, sessions, mfa, answers, b.secure, b.hostPrefix, "/");
    this.passkeys =
        b.passkeys == null || sessions == null
            ? null
            : new PasskeyFlow(b.passkeys, sessions, answers, b.maxBodyBytes);
    this.passkeySecondFactor = b.passkeySecondFactor;
    Map<String, Endpoint> mounted = new HashMap<>();
    for (Map.Entry<Endpoint, String> e : b.endpointPaths.entrySet()) {
      if (e.getValue() != null
          && e.getKey() != Endpoint.API_KEY
          && e.getKey() != Endpoint.PASSKEY
          && available(e.getKey())) {
        mounted.put(e.getValue(), e.getKey());
      }
    }
    this.endpoints = Map.copyOf(mounted);
    String keyPath = b.endpointPaths.get(Endpoint.API_KEY);
    this.apiKeyPrefix = keyPath != null && available(Endpoint.API_KEY) ? keyPath : null;
    String passkeyPath = b.endpointPaths.get(Endpoint.PASSKEY);
    this.passkeyPrefix = passkeyPath != null && available(Endpoint.PASSKEY) ? passkeyPath : null;
    Set<String> exact = new HashSet<>();
    List<String> prefixes = new ArrayList<>();
    for (String p : b.publicPaths) {
      if (p.endsWith("/*")) {
        prefixes.add(p.substring(0, p.length() - 1));
      } else {
        exact.add(p);
      }
    }
    // Logging in and refreshing are how a client gets a credential: they cannot require one.
    // Nor can resetting a forgotten password.
    for (Endpoint e :
        List.of(
            Endpoint.SESSION_LOGIN,
            Endpoint.TOKEN_LOGIN,
            Endpoint.TOKEN_REFRESH,
            Endpoint.PASSWORD_RESET_REQUEST,
            Endpoint.PASSWORD_RESET,
            Endpoint.PASSWORD_RESET_CONFIRM,
            Endpoint.OIDC_LOGIN,
            Endpoint.OIDC_CALLBACK,
            Endpoint.PASSKEY_LOGIN_OPTIONS,
            Endpoint.PASSKEY_LOGIN,
            Endpoint.REGISTER)) {
      String path = b.endpointPaths.get(e);
      if (path != null) {
        exact.add(path);
      }
    }
    this.publicPaths = new PublicPaths(exact, prefixes);
  }

  private boolean available(Endpoint e) {
    return switch (e) {
      case SESSION_LOGIN -> sessions != null && passwords != null;
      case SESSION_LOGOUT -> sessions != null;
      case TOKEN_LOGIN -> tokens != null && tokens.refreshes() && passwords != null;
      case TOKEN_REFRESH -> tokens != null && tokens.refreshes();
      case TOKEN_LOGOUT -> tokens != null;
      case LOGOUT_EVERYWHERE -> true;
      case REAUTHENTICATE -> sessions != null && passwords != null;
      case API_KEYS, API_KEY -> apiKeys != null && sessions != null;
      case PASSWORD_RESET_REQUEST, PASSWORD_RESET, PASSWORD_RESET_CONFIRM -> resets != null;
      case MFA_TOTP_ENROLL, MFA_TOTP_ACTIVATE, MFA_VERIFY -> mfa != null && sessions != null;
      case OIDC_LOGIN, OIDC_CALLBACK -> oidc != null;
      case PASSKEY_REGISTER_OPTIONS,
          PASSKEY_REGISTER,
          PASSKEY_LOGIN_OPTIONS,
          PASSKEY_LOGIN,
          PASSKEY_VERIFY_OPTIONS,
          PASSKEY_VERIFY,
          PASSKEYS,
          PASSKEY ->
          passkeys != null;
      case REGISTER -> accounts != null;
      case PASSWORD_CHANGE -> accounts != null && sessions != null;
    };
  }

  /** {@return a builder}: configure sessions, tokens or both, then {@link Builder#build()}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Answers the request when it targets one of the authentication routes ({@link Endpoint}): 405
   * with {@code Allow: POST} for another method than {@code POST} ({@code Allow: GET} for {@link
   * Endpoint#PASSWORD_RESET}, {@link Endpoint#OIDC_LOGIN} and {@link Endpoint#OIDC_CALLBACK}, which
   * answer {@code GET} only).
   *
   * @param request the request
   * @return the answer, or empty when the path is no authentication route
   */
  public Optional<WebResponse> handle(WebRequest request) {
    Endpoint endpoint = endpoints.get(request.path());
    String path = request.path();
    if (endpoint == null
        && apiKeyPrefix != null
        && path != null
        && path.length() > apiKeyPrefix.length()
        && path.startsWith(apiKeyPrefix)) {
      endpoint = Endpoint.API_KEY;
    }
    if (endpoint == null
        && passkeyPrefix != null
        && path != null
        && path.length() > passkeyPrefix.length()
        && path.startsWith(passkeyPrefix)) {
      endpoint = Endpoint.PASSKEY;
    }
    if (endpoint == null) {
      return Optional.empty();
    }
    if (!origins.allows(request)) {
      return Optional.of(Answers.crossSite());
    }
    String method = request.method();
    if (endpoint == Endpoint.API_KEYS) {
      return Optional.of(
          "GET".equals(method) || "POST".equals(method)
              ? apiKeysRoute(request)
              : Answers.notAllowed("GET, POST"));
    }
    if (endpoint == Endpoint.API_KEY) {
      return Optional.of(
          "DELETE".equals(method)
              ? apiKeyRevoke(request, path.substring(apiKeyPrefix.length()))
              : Answers.notAllowed("DELETE"));
    }
    if (endpoint == Endpoint.PASSKEYS) {
      return Optional.of("GET".equals(method) ? passkeyList(request) : Answers.notAllowed("GET"));
    }
    if (endpoint == Endpoint.PASSKEY) {
      String id = path.substring(passkeyPrefix.length());
      return Optional.of(
          "PATCH".equals(method) || "DELETE".equals(method)
              ? passkeyChange(request, id)
              : Answers.notAllowed("PATCH, DELETE"));
    }
    String allowed =
        switch (endpoint) {
          case PASSWORD_RESET, OIDC_LOGIN, OIDC_CALLBACK -> "GET";
          default -> "POST";
        };
    if (!allowed.equals(request.method())) {
      return Optional.of(Answers.notAllowed(allowed));
    }
    return Optional.of(
        switch (endpoint) {
          case SESSION_LOGIN -> sessionLogin(request);
          case SESSION_LOGOUT -> sessionLogout(request);
          case TOKEN_LOGIN -> tokenLogin(request);
          case TOKEN_REFRESH -> tokenRefresh(request);
          case TOKEN_LOGOUT -> tokenLogout(request);
          case LOGOUT_EVERYWHERE -> logoutEverywhere(request);
          case PASSWORD_RESET_REQUEST -> passwordResetRequest(request);
          case PASSWORD_RESET -> passwordResetPeek(request);
          case PASSWORD_RESET_CONFIRM -> passwordResetConfirm(request);
          case MFA_TOTP_ENROLL -> respond(request, () -> requireMfaSessions().enroll(request));
          case MFA_TOTP_ACTIVATE -> respond(request, () -> requireMfaSessions().activate(request));
          case MFA_VERIFY -> respond(request, () -> requireMfaSessions().verify(request));
          case REAUTHENTICATE -> reauthenticate(request);
          case OIDC_LOGIN -> respond(request, () -> oidc.login(request));
          case OIDC_CALLBACK -> respond(request, () -> oidc.callback(request));
          case PASSKEY_REGISTER_OPTIONS ->
              respond(request, () -> requirePasskeys().registerOptions(request));
          case PASSKEY_REGISTER -> respond(request, () -> requirePasskeys().register(request));
          case PASSKEY_LOGIN_OPTIONS ->
              respond(request, () -> requirePasskeys().loginOptions(request));
          case PASSKEY_LOGIN -> respond(request, () -> requirePasskeys().login(request));
          case PASSKEY_VERIFY_OPTIONS ->
              respond(request, () -> requirePasskeys().verifyOptions(request));
          case PASSKEY_VERIFY -> respond(request, () -> requirePasskeys().verify(request));
          case API_KEYS, API_KEY, PASSKEYS, PASSKEY ->
              throw new IllegalStateException("routed above");
          case REGISTER -> register(request);
          case PASSWORD_CHANGE -> passwordChange(request);
        });
  }

  /**
   * {@code GET} the session user's API keys, or {@code POST {"name", "scopes", "expires_in"}} (with
   * the session's CSRF token) to create one. {@code GET} answers 200 {@code {"keys": [{"id",
   * "name", "scopes", "created_at", "expires_at", "last_used_at"}]}} (ISO-8601 times, {@code
   * last_used_at} null when never used), never a secret. {@code POST} answers 201 {@code {"id",
   * "key"}}: the only time the key is shown. {@code name} is 1 to {@value ApiKeys#MAX_NAME_CHARS}
   * printable characters; {@code scopes} an optional array of at most {@value ApiKeys#MAX_SCOPES}
   * distinct strings of {@code A-Z a-z 0-9 . _ : -}; {@code expires_in} optional whole seconds from
   * one minute to the service's maximum lifetime; otherwise 400. 409 at the user's key cap, 401
   * without a live session, 403 without its CSRF token, 503 when a store is down.
   *
   * @param request the request
   * @return the answer
   * @throws IllegalStateException when API keys or sessions were not configured
   */
  public WebResponse apiKeysRoute(WebRequest request) {
    ApiKeyFlow flow = requireApiKeys();
    SessionFlow session = requireSessions();
    return respond(
        request,
        () -> {
          boolean create = "POST".equals(request.method());
          AccessDecision decision = session.check(request, create);
          if (decision == null) {
            return SessionFlow.notLoggedIn();
          }
          if (!decision.allowed()) {
            return decision.refusal().orElseThrow();
          }
          Principal owner = decision.principal().orElseThrow();
          if (!create) {
            return flow.list(owner);
          }
          JsonBody body = JsonBody.read(request, maxBodyBytes, false);
          return body.refusal() != null ? body.refusal() : flow.create(owner, body);
        });
  }

  /**
   * {@code DELETE} with the session's CSRF token: revokes the session user's API key {@code id}.
   * Answers 204; 404 for an id that is not one of the user's live keys, whether unknown, revoked or
   * another user's (the same answer for each, so no one learns another user's key ids); 401 without
   * a live session, 403 without its CSRF token, 503 when a store is down.
   *
   * @param request the request
   * @param id the key's id, as the path carried it
   * @return the answer
   * @throws IllegalStateException when API keys or sessions were not configured
   */
  public WebResponse apiKeyRevoke(WebRequest request, String id) {
    ApiKeyFlow flow = requireApiKeys();
    SessionFlow session = requireSessions();
    return respond(
        request,
        () -> {
          AccessDecision decision = session.check(request, true);
          if (decision == null) {
            return SessionFlow.notLoggedIn();
          }
          if (!decision.allowed()) {
            return decision.refusal().orElseThrow();
          }
          return flow.revoke(decision.principal().orElseThrow(), id);
        });
  }

  /**
   * {@code GET} the session user's passkeys: 200 {@code {"passkeys": [{"id", "name", "created_at",
   * "last_used_at", "transports", "backed_up"}]}} (ISO-8601 times, {@code last_used_at} null when
   * never used), never key material. 401 without a live session, 503 when a store is down.
   *
   * @param request the request
   * @return the answer
   * @throws IllegalStateException when passkeys or sessions were not configured
   */
  public WebResponse passkeyList(WebRequest request) {
    PasskeyFlow flow = requirePasskeys();
    return respond(
        request,
        () -> {
          AccessDecision decision = requireSessions().check(request, false);
          if (decision == null) {
            return SessionFlow.notLoggedIn();
          }
          return decision.allowed()
              ? flow.list(decision.principal().orElseThrow())
              : decision.refusal().orElseThrow();
        });
  }

  /**
   * {@code PATCH {"name"}} renames, {@code DELETE} removes the session user's passkey {@code id},
   * with the session's CSRF token: 200 {@code {"id", "name"}} / 204, 404 for an id that is not one
   * of the user's passkeys (whoever's it is), 400 for a bad name, 401 without a live session, 403
   * without its CSRF token, 503 when a store is down.
   *
   * @param request the request
   * @param id the credential id, base64url
   * @return the answer
   * @throws IllegalStateException when passkeys or sessions were not configured
   */
  public WebResponse passkeyChange(WebRequest request, String id) {
    PasskeyFlow flow = requirePasskeys();
    return respond(
        request,
        () -> {
          AccessDecision decision = requireSessions().check(request, true);
          if (decision == null) {
            return SessionFlow.notLoggedIn();
          }
          if (!decision.allowed()) {
            return decision.refusal().orElseThrow();
          }
          Principal owner = decision.principal().orElseThrow();
          if ("DELETE".equals(request.method())) {
            return flow.remove(owner, id);
          }
          JsonBody body = JsonBody.read(request, maxBodyBytes, false);
          return body.refusal() != null ? body.refusal() : flow.rename(owner, id, body);
        });
  }

  /**
   * Decides a request to an application route: the origin gate, public paths, then a bearer token
   * or the session cookie (see the class description).
   *
   * @param request the request
   * @return the decision; never throws for the request's content or a store's fault
   */
  public AccessDecision authenticate(WebRequest request) {
    if (!origins.allows(request)) {
      return AccessDecision.refused(Answers.crossSite());
    }
    if (publicPaths.matches(request.path())) {
      return AccessDecision.publicRoute();
    }
    return failClosed(
        request,
        () -> {
          if (tokens != null || apiKeys != null) {
            AccessDecision bearer = bearer(request);
            if (bearer != null) {
              return bearer;
            }
          }
          if (sessions != null) {
            AccessDecision session = sessions.check(request, !Origins.safe(request.method()));
            if (session != null) {
              return session;
            }
          }
          return AccessDecision.refused(
              tokens != null ? tokens.noToken("not logged in") : SessionFlow.notLoggedIn());
        });
  }

  /**
   * The bearer's decision, or {@code null} without a bearer: a value with the API keys' prefix goes
   * to the key strategy, any other to the JWT service (a JWT starts with {@code eyJ}, never with
   * {@code lk_}).
   */
  private AccessDecision bearer(WebRequest request) {
    if (apiKeys != null) {
      BearerHeader header = BearerHeader.parse(request.header("Authorization").orElse(null));
      Optional<BearerToken> token = header.token();
      if (token.isPresent() && apiKeys.recognizes(token.get().value())) {
        return apiKeys.check(token.get());
      }
      if (tokens == null) {
        return header.presented()
            ? AccessDecision.refused(
                Answers.error(401, "invalid token")
                    .withHeader(
                        "WWW-Authenticate",
                        "Bearer realm=\"" + realm + "\", error=\"invalid_token\""))
            : null;
      }
    }
    return tokens.check(request);
  }

  /**
   * The CSRF token of the request's live session, for a page that renders a form, or one that never
   * saw a login's answer because a redirect brought it back signed in (an OpenID sign-in ends in a
   * 302, whose headers a page's script cannot read). Hand it out only on a safe, same-origin
   * request, in a header or body that a page on another site cannot read (no CORS headers on that
   * answer), as the login routes do.
   *
   * @param request the request, with its session cookie
   * @return the token; empty without a live session (an ended, expired or missing one)
   * @throws IllegalStateException when no session manager was configured
   * @throws StoreUnavailableException when the session store cannot be reached
   */
  public Optional<String> csrfToken(WebRequest request) {
    return requireSessions().csrfToken(request);
  }

  /**
   * Decides a request to a route that accepts the session cookie only: the origin gate, then the
   * session (and its CSRF token on a state-changing method). Public paths are not consulted.
   *
   * @param request the request
   * @return the decision
   * @throws IllegalStateException when no session manager was configured
   */
  public AccessDecision authenticateSession(WebRequest request) {
    SessionFlow flow = requireSessions();
    if (!origins.allows(request)) {
      return AccessDecision.refused(Answers.crossSite());
    }
    return failClosed(
        request,
        () -> {
          AccessDecision session = flow.check(request, !Origins.safe(request.method()));
          return session != null ? session : AccessDecision.refused(SessionFlow.notLoggedIn());
        });
  }

  /**
   * Decides a request to a route that accepts a bearer token only: the origin gate, then the token.
   * A bearer with the API keys' prefix ({@link Builder#apiKeys}) is verified as an API key, any
   * other as a JWT. Public paths are not consulted.
   *
   * @param request the request
   * @return the decision
   * @throws IllegalStateException when neither a token service nor API keys were configured
   */
  public AccessDecision authenticateBearer(WebRequest request) {
    if (tokens == null && apiKeys == null) {
      throw new IllegalStateException(
          "no token service or API keys: use WebAuth.Builder.tokens(...) or apiKeys(...)");
    }
    if (!origins.allows(request)) {
      return AccessDecision.refused(Answers.crossSite());
    }
    return failClosed(
        request,
        () -> {
          AccessDecision bearer = bearer(request);
          return bearer != null ? bearer : AccessDecision.refused(noBearer());
        });
  }

  /**
   * Decides a request to a route that accepts a bearer token of this application or of a trusted
   * issuer ({@link Builder#trustedIssuers}): the origin gate, then the token. A token whose {@code
   * iss} names a trusted issuer is verified by that issuer's keys alone, and allowed {@linkplain
   * AccessDecision.Via#ISSUER via ISSUER}; any other bearer as by {@link #authenticateBearer}.
   * Other issuers' tokens are accepted only where this method is called: their subjects are another
   * issuer's, so the application's other routes never see them. Public paths are not consulted.
   *
   * @param request the request
   * @return the decision: 401 with {@code WWW-Authenticate} for a missing or refused token, 503
   *     when the issuer's keys or a store cannot be reached
   * @throws IllegalStateException when no trusted issuers were configured
   */
  public AccessDecision authenticateBearerOrTrustedIssuer(WebRequest request) {
    if (issuers == null) {
      throw new IllegalStateException(
          "no trusted issuers: use WebAuth.Builder.trustedIssuers(...)");
    }
    if (!origins.allows(request)) {
      return AccessDecision.refused(Answers.crossSite());
    }
    return failClosed(
        request,
        () -> {
          BearerHeader header = BearerHeader.parse(request.header("Authorization").orElse(null));
          Optional<BearerToken> token = header.token();
          if (token.isPresent() && issuers.claims(token.get())) {
            return issuers.check(token.get());
          }
          if (tokens == null && apiKeys == null) {
            return AccessDecision.refused(
                header.presented()
                    ? Answers.error(401, "invalid token")
                        .withHeader(
                            "WWW-Authenticate",
                            "Bearer realm=\"" + realm + "\", error=\"invalid_token\"")
                    : noBearer());
          }
          AccessDecision bearer = bearer(request);
          return bearer != null ? bearer : AccessDecision.refused(noBearer());
        });
  }

  private WebResponse noBearer() {
    return tokens != null
        ? tokens.noToken("no bearer token")
        : Answers.error(401, "no bearer token")
            .withHeader("WWW-Authenticate", "Bearer realm=\"" + realm + "\"");
  }

  /**
   * {@code POST {"username", "password"}}: checks the password and starts a session; answers {@code
   * {"username", "csrf_token"}} with the session cookie. With {@code "remember_me": true} (the JSON
   * literal) and {@link Builder#rememberMe} configured, also sets a remember-me cookie. 400 for a
   * malformed body, 401 for wrong credentials, 429 with {@code Retry-After} while the name is
   * throttled, 409 past the per-user session cap, 503 when a store is down (no session is left
   * behind when the remember-me cookie could not be issued).
   *
   * <p>When {@linkplain Builder#secondFactors second factors} are configured and the user has one,
   * the session is only pending: the answer adds {@code "mfa_required": true}, every route but
   * {@code POST /mfa/verify} refuses the session 401 {@code {"error": "mfa_required"}}, and that
   * route, given a right code with the session's CSRF token, moves the session to a new id at
   * multi-factor assurance.
   *
   * @param request the request
   * @return the answer
   * @throws IllegalStateException when sessions or passwords were not configured
   */
  public WebResponse sessionLogin(WebRequest request) {
    SessionFlow flow = requireSessions();
    return login(
        request,
        (principal, body) ->
            secondFactorRequired(principal)
                ? flow.login(
                    request,
                    principal,
                    Assurance.Level.PENDING_SECOND_FACTOR,
                    body.isTrue("remember_me"))
                : flow.login(
                    request, principal, Assurance.Level.SINGLE_FACTOR, body.isTrue("remember_me")));
  }

  /**
   * Whether a password login of {@code principal} waits for a second factor: a TOTP factor, or
   * (with {@link Builder#passkeySecondFactor}) a passkey.
   */
  private boolean secondFactorRequired(Principal principal) {
    return (mfa != null && mfa.required(principal))
        || (passkeySecondFactor && passkeys != null && passkeys.required(principal));
  }

  /**
   * {@code POST} with the session's CSRF token: ends the session and clears its cookie; 401 without
   * a live session, 403 without its CSRF token.
   *
   * @param request the request
   * @return the answer
   * @throws IllegalStateException when no session manager was configured
   */
  public WebResponse sessionLogout(WebRequest request) {
    SessionFlow flow = requireSessions();
    return respond(request, () -> flow.logout(request));
  }

  /**
   * Gives the request's session a new id, for an application route that changes the session's
   * privileges (a role granted, a second factor passed): an id seen before the change is worth
   * nothing after it. Needs a live session and its CSRF token, like any state-changing session
   * request. Answers 200 {@code {"csrf_token"}} (the new id's token) with the new cookie; send
   * both, or copy the {@code Set-Cookie} header into the route's own answer. 401 without a live
   * session, 403 without its CSRF token, 503 when the store is down.
   *
   * <p>The session cookie carries no {@code Max-Age} (it ends with the browser, while the server's
   * idle and absolute timeouts decide how long the session lives), so a check never needs to renew
   * it; rotation and logout are the only changes of the cookie.
   *
   * @param request the request
   * @return the answer
   * @throws IllegalStateException when no session manager was configured
   */
  public WebResponse rotateSession(WebRequest request) {
    SessionFlow flow = requireSessions();
    return respond(request, () -> flow.rotate(request));
  }

  /**
   * {@code POST {"username", "password"}}: checks the password and answers {@code {"access_token",
   * "refresh_token", "token_type", "expires_in"}}; refusals as for {@link #sessionLogin}.
   *
   * <p>A user with a {@linkplain Builder#secondFactors second factor} adds {@code "code"} (a TOTP
   * or recovery code): without it, a right password is answered 401 {@code {"error":
   * "mfa_required"}}; a wrong code is 401, 429 when the second factor is throttled. The tokens of
   * such a login carry the attribute {@code amr} = {@code mfa} (in the {@code attrs} claim).
   *
   * @param request the request
   * @return the answer
   * @throws IllegalStateException when refresh tokens or passwords were not configured
   */
  public WebResponse tokenLogin(WebRequest request) {
    TokenFlow flow = requireTokens();
    return login(
        request,
        (principal, body) -> {
          if (mfa == null || !mfa.required(principal)) {
            return flow.login(principal);
          }
          MfaFlow.Outcome second = mfa.tokenLogin(principal, body);
          return second.refusal() != null ? second.refusal() : flow.login(second.principal());
        });
  }

  /**
   * {@code POST {"refresh_token"}}: rotates the refresh token and answers the next pair; 401 for an
   * unknown, expired or reused token (reuse ends its family), 429 with {@code Retry-After} past the
   * family's rotation limit.
   *
   * @param request the request
   * @return the answer
   * @throws IllegalStateException when refresh tokens were not configured
   */
  public WebResponse tokenRefresh(WebRequest request) {
    TokenFlow flow = requireTokens();
    return respond(
        request,
        () -> {
          JsonBody body = JsonBody.read(request, maxBodyBytes, false);
          return body.refusal() != null ? body.refusal() : flow.refresh(body);
        });
  }

  /**
   * {@code POST} with the bearer token, and optionally {@code {"refresh_token"}}: ends the bearer's
   * refresh family and every access token of it, and revokes the bearer.
   *
   * @param request the request
   * @return the answer
   * @throws IllegalStateException when no token service was configured
   */
  public WebResponse tokenLogout(WebRequest request) {
    TokenFlow flow = requireTokens();
    return respond(
        request,
        () -> {
          AccessDecision bearer = flow.check(request);
          if (bearer == null) {
            return flow.noToken("no bearer token");
          }
          if (!bearer.allowed()) {
            return bearer.refusal().orElseThrow();
          }
          JsonBody body = JsonBody.read(request, maxBodyBytes, true);
          return body.refusal() != null ? body.refusal() : flow.logout(request, body);
        });
  }

  /**
   * {@code POST}, by bearer token or by session with its CSRF token: ends every session and every
   * token of the caller, and every remember-me family; answers {@code {"status", "sessions_ended"}}
   * and clears the session cookie (and the remember-me cookie).
   *
   * @param request the request
   * @return the answer
   */
  public WebResponse logoutEverywhere(WebRequest request) {
    return respond(
        request,
        () -> {
          AccessDecision decision = null;
          if (tokens != null) {
            decision = tokens.check(request);
          }
          if (decision == null && sessions != null) {
            decision = sessions.check(request, true);
          }
          if (decision == null) {
            return tokens != null ? tokens.noToken("not logged in") : SessionFlow.notLoggedIn();
          }
          if (!decision.allowed()) {
            return decision.refusal().orElseThrow();
          }
          int ended = logoutEverywhere(decision.principal().orElseThrow().subject());
          Map<String, Object> body = new java.util.LinkedHashMap<>();
          body.put("status", "logged out everywhere");
          body.put("sessions_ended", ended);
          WebResponse response = WebResponse.json(200, body);
          if (sessions == null) {
            return response;
          }
          if (decision.via().orElseThrow() == AccessDecision.Via.SESSION) {
            response = response.withHeader("Set-Cookie", sessions.deletion());
          }
          return sessions.clearRemembered(response);
        });
  }

  /**
   * {@code POST {"username"}}: asks for a password-reset link. 202 whether or not the account
   * exists, after the same work either way (only a real account's link is delivered); 400 for a
   * malformed body, 429 with {@code Retry-After} while the name or the client is throttled, 503
   * when a store is down. Needs no credential.
   *
   * @param request the request
   * @return the answer
   * @throws IllegalStateException when no password reset was configured
   */
  public WebResponse passwordResetRequest(WebRequest request) {
    PasswordResetFlow flow = requireResets();
    return respond(
        request,
        () -> {
          JsonBody body = JsonBody.read(request, maxBodyBytes, false);
          return body.refusal() != null ? body.refusal() : flow.request(request, body);
        });
  }

  /**
   * {@code GET ?token=...}: whether a reset token is live, without using it (mail scanners and link
   * previews fetch links): 200 {@code {"valid": true, "expires_at": <epoch seconds>}}, 400 {@code
   * {"error"}} for an unknown, used, expired or malformed token, 503 when the store is down. Needs
   * no credential; answered with {@code Cache-Control: no-store}.
   *
   * @param request the request
   * @return the answer
   * @throws IllegalStateException when no password reset was configured
   */
  public WebResponse passwordResetPeek(WebRequest request) {
    PasswordResetFlow flow = requireResets();
    return respond(request, () -> flow.peek(request));
  }

  /**
   * {@code POST {"token", "new_password"}}: resets the password, once: 200, after which every
   * session and token of the user is refused and the old password fails. 400 for a malformed body,
   * a refused new password, or a token that is unknown, used (a second confirm), or expired; 503
   * when a store is down. Needs no credential.
   *
   * @param request the request
   * @return the answer
   * @throws IllegalStateException when no password reset was configured
   */
  public WebResponse passwordResetConfirm(WebRequest request) {
    PasswordResetFlow flow = requireResets();
    return respond(
        request,
        () -> {
          JsonBody body = JsonBody.read(request, maxBodyBytes, false);
          return body.refusal() != null ? body.refusal() : flow.confirm(body);
        });
  }

  /**
   * Ends every session, every token and every remember-me family of {@code subject}, as the
   * logout-everywhere route does for the caller: for an administrator, or as a password reset's
   * sign-out.
   *
   * @param subject whose sessions and tokens to end
   * @return how many sessions it ended
   * @throws dev.latchkey.core.StoreUnavailableException when a store cannot be reached
   */
  public int logoutEverywhere(String subject) {
    Objects.requireNonNull(subject, "subject");
    int ended = 0;
    if (sessions != null) {
      // The families first: no restore may start a session after the sessions are ended.
      sessions.forgetEverywhere(subject);
      ended = sessions.logoutEverywhere(subject);
    }
    if (tokens != null) {
      tokens.logoutEverywhere(subject);
    }
    return ended;
  }

  /**
   * {@code POST {"username", "password"}} with the session's CSRF token: the password typed again
   * for a step-up ("re-enter your password to change your email", see {@link #requireAssurance}).
   * The password must be the session user's own; the session then moves to a new id, single factor
   * as of now, and the answer is {@code {"status", "csrf_token"}} with the new cookie. A password
   * never renews a second factor: a multi-factor session becomes single factor as of now, and one
   * waiting for its second factor is refused 401 {@code mfa_required} as everywhere. 401 for a
   * wrong password or another user's, 429 with {@code Retry-After} while the name or the client is
   * throttled, 403 without the CSRF token, 503 when a store is down.
   *
   * @param request the request
   * @return the answer
   * @throws IllegalStateException when sessions or passwords were not configured
   */
  public WebResponse reauthenticate(WebRequest request) {
    SessionFlow flow = requireSessions();
    return respond(
        request,
        () -> {
          AccessDecision gate = flow.check(request, true);
          if (gate == null) {
            return SessionFlow.notLoggedIn();
          }
          if (!gate.allowed()) {
            return gate.refusal().orElseThrow();
          }
          String subject = gate.principal().orElseThrow().subject();
          return login(
              request,
              (principal, body) ->
                  principal.subject().equals(subject)
                      ? flow.raise(request, Assurance.Level.SINGLE_FACTOR)
                      : Answers.error(401, "invalid credentials"));
        });
  }

  /**
   * {@code POST {"username", "password"}}: registers an account through {@link
   * Builder#passwordAccounts}. 201 {@code {"status": "created"}}; 400 {@code {"error":
   * "password_rejected", "reasons": ["too_short", ...]}} (the lower-case names of the policy's
   * rejections), 400 {@code invalid_username} for an empty, over-long or control-character name;
   * 409 {@code user_exists}; 429 with {@code Retry-After} while the client's registrations are
   * throttled; 503 when a store (or a fail-closed breached-password check) is down.
   *
   * @param request the request
   * @return the answer
   * @throws IllegalStateException when no password accounts were configured
   */
  public WebResponse register(WebRequest request) {
    PasswordAccountFlow flow = requireAccounts();
    return respond(request, () -> flow.register(request));
  }

  /**
   * {@code POST {"current_password", "new_password"}} with the session's CSRF token: changes the
   * session user's password. The current password is checked like a login (a wrong one is 401
   * {@code invalid_current_password} and counts in the login throttle; 429 while locked), the new
   * one against the policy (400 as for {@link #register}); then every session, token family and
   * remember-me family of the user ends, and this client gets a new session: 200 {@code
   * {"username", "csrf_token"}} with the new cookie. 401 without a live session, 403 without its
   * CSRF token, 503 when a store is down.
   *
   * @param request the request
   * @return the answer
   * @throws IllegalStateException when sessions or password accounts were not configured
   */
  public WebResponse passwordChange(WebRequest request) {
    PasswordAccountFlow flow = requireAccounts();
    SessionFlow session = requireSessions();
    return respond(
        request,
        () -> {
          AccessDecision gate = session.check(request, true);
          if (gate == null) {
            return SessionFlow.notLoggedIn();
          }
          if (!gate.allowed()) {
            return gate.refusal().orElseThrow();
          }
          return flow.change(request, gate.principal().orElseThrow(), session);
        });
  }

  /**
   * {@code POST} with the session's CSRF token: a new TOTP secret for the session's user, answered
   * {@code {"secret", "otpauth_uri"}} (base32, and the URI for a QR code); the factor counts only
   * once {@link #mfaActivate} saw a first code. 401 without a fully logged-in session, 403 without
   * its CSRF token, 409 when the user's second factor is active already, 503 when a store is down.
   *
   * @param request the request
   * @return the answer
   * @throws IllegalStateException when sessions or second factors were not configured
   */
  public WebResponse mfaEnroll(WebRequest request) {
    MfaFlow flow = requireMfaSessions();
    return respond(request, () -> flow.enroll(request));
  }

  /**
   * {@code POST {"code"}} with the session's CSRF token: activates the enrolled TOTP secret with a
   * first code from the app and answers {@code {"recovery_codes": [...]}}, the only time they are
   * shown. 401 for a wrong code, 429 with {@code Retry-After} after too many.
   *
   * @param request the request
   * @return the answer
   * @throws IllegalStateException when sessions or second factors were not configured
   */
  public WebResponse mfaActivate(WebRequest request) {
    MfaFlow flow = requireMfaSessions();
    return respond(request, () -> flow.activate(request));
  }

  /**
   * {@code POST {"code"}} with the session's CSRF token, the session pending its second factor or
   * not: checks the TOTP or recovery code, then moves the session to a new id at multi-factor
   * assurance, authenticated now, and answers {@code {"status", "csrf_token"}} (the new id's token)
   * with the new cookie. A code is good once. 401 for a wrong or used code, or a pending session
   * past its second-factor timeout (its cookie cleared), 429 with {@code Retry-After} after too
   * many wrong codes.
   *
   * @param request the request
   * @return the answer
   * @throws IllegalStateException when sessions or second factors were not configured
   */
  public WebResponse mfaVerify(WebRequest request) {
    MfaFlow flow = requireMfaSessions();
    return respond(request, () -> flow.verify(request));
  }

  /**
   * Decides a request to an application route that needs a strong or recent authentication: the
   * origin gate, then the session cookie (and its CSRF token on a state-changing method), refused
   * 401 {@code {"error": "step_up_required"}} when the session's assurance is below {@code
   * required} or older than {@code maxAge}. The cookie stays; the client steps up with {@code POST
   * /mfa/verify} and retries. Bearer tokens are not accepted here.
   *
   * @param request the request
   * @param required the weakest assurance the route accepts, e.g. {@link
   *     Assurance.Level#MULTI_FACTOR}
   * @param maxAge the oldest authentication it accepts; {@code null} for no age limit
   * @return the decision
   * @throws IllegalStateException when no session manager was configured
   * @throws NullPointerException when {@code required} is null
   * @throws IllegalArgumentException when {@code maxAge} is negative
   */
  public AccessDecision requireAssurance(
      WebRequest request, Assurance.Level required, Duration maxAge) {
    SessionFlow flow = requireSessions();
    Objects.requireNonNull(required, "required");
    if (maxAge != null && maxAge.isNegative()) {
      throw new IllegalArgumentException("maxAge cannot be negative: " + maxAge);
    }
    if (!origins.allows(request)) {
      return AccessDecision.refused(Answers.crossSite());
    }
    return failClosed(
        request,
        () -> {
          AccessDecision session =
              flow.requireAssurance(request, !Origins.safe(request.method()), required, maxAge);
          return session != null ? session : AccessDecision.refused(SessionFlow.notLoggedIn());
        });
  }

  /**
   * {@return whether {@code path} needs no credential}
   *
   * @param path a request path
   */
  public boolean isPublic(String path) {
    return publicPaths.matches(path);
  }

  private WebResponse login(
      WebRequest request, BiFunction<Principal, JsonBody, WebResponse> onSuccess) {
    if (passwords == null) {
      throw new IllegalStateException("login needs WebAuth.Builder.passwords(...)");
    }
    return respond(
        request,
        () -> {
          JsonBody body = JsonBody.read(request, maxBodyBytes, false);
          if (body.refusal() != null) {
            return body.refusal();
          }
          Optional<String> username = body.string("username");
          Optional<String> password = body.string("password");
          if (username.isEmpty() || password.isEmpty()) {
            return Answers.error(400, "username and password are required strings");
          }
          PasswordCredentials credentials =
              PasswordCredentials.of(
                  username.get(), password.get().toCharArray(), request.clientAddress());
          AuthResult result;
          try {
            result = passwords.authenticate(credentials);
          } finally {
            credentials.wipe();
          }
          return result.fold(
              principal -> onSuccess.apply(principal, body),
              failure ->
                  switch (failure.reason()) {
                    case LOCKED -> answers.locked(failure, "too many failed attempts");
                    case UNAVAILABLE -> answers.unavailable();
                    case MALFORMED -> Answers.error(400, "malformed credentials");
                    default -> Answers.error(401, "invalid credentials");
                  });
        });
  }

  /** The origin gate, then {@code work}; a store outage anywhere in it is 503. */
  private WebResponse respond(WebRequest request, Supplier<WebResponse> work) {
    if (!origins.allows(request)) {
      return Answers.crossSite();
    }
    try {
      return asClient(request, work);
    } catch (StoreUnavailableException e) {
      return answers.unavailable();
    }
  }

  private AccessDecision failClosed(WebRequest request, Supplier<AccessDecision> work) {
    try {
      return asClient(request, work);
    } catch (StoreUnavailableException e) {
      return AccessDecision.refused(answers.unavailable());
    }
  }

  /** Runs {@code work} with the request's client in scope, so every audit event names it. */
  private static <T> T asClient(WebRequest request, Supplier<T> work) {
    ClientInfo client = client(request);
    return client == null ? work.get() : ClientInfo.during(client, work);
  }

  /** The request's client, or null when the adapter gave no usable address. */
  private static ClientInfo client(WebRequest request) {
    String address = request.clientAddress();
    if (address == null || address.isEmpty() || address.length() > ClientInfo.MAX_ADDRESS_LENGTH) {
      return null;
    }
    try {
      return new ClientInfo(address, request.header("User-Agent").orElse(null));
    } catch (IllegalArgumentException e) {
      return null; // nothing printable left of it: the event goes without a client
    }
  }

  private SessionFlow requireSessions() {
    if (sessions == null) {
      throw new IllegalStateException("no session manager: use WebAuth.Builder.sessions(...)");
    }
    return sessions;
  }

  private ApiKeyFlow requireApiKeys() {
    if (apiKeys == null) {
      throw new IllegalStateException("no API keys: use WebAuth.Builder.apiKeys(...)");
    }
    return apiKeys;
  }

  private PasswordResetFlow requireResets() {
    if (resets == null) {
      throw new IllegalStateException("no password reset: use WebAuth.Builder.passwordReset(...)");
    }
    return resets;
  }

  private PasskeyFlow requirePasskeys() {
    if (passkeys == null) {
      throw new IllegalStateException(
          "passkeys need WebAuth.Builder.sessions(...) and passkeys(...)");
    }
    return passkeys;
  }

  private PasswordAccountFlow requireAccounts() {
    if (accounts == null) {
      throw new IllegalStateException(
          "no password accounts: use WebAuth.Builder.passwordAccounts(...)");
    }
    return accounts;
  }

  private MfaFlow requireMfaSessions() {
    if (mfa == null || sessions == null) {
      throw new IllegalStateException(
          "second factors need WebAuth.Builder.sessions(...) and secondFactors(...)");
    }
    return mfa;
  }

  private TokenFlow requireTokens() {
    if (tokens == null) {
      throw new IllegalStateException("no token service: use WebAuth.Builder.tokens(...)");
    }
    return tokens;
  }

  @Override
  public String toString() {
    return "WebAuth[sessions="
        + (sessions != null)
        + ", tokens="
        + (tokens != null)
        + ", endpoints="
        + endpoints.values()
        + "]";
  }

  /**
   * Configures a {@link WebAuth}. The defaults are the safe ones: the session cookie {@code
   * __Host-sid}, {@code Secure}, {@code HttpOnly}, {@code SameSite=Lax}, {@code Path=/}; only
   * same-origin state-changing requests; no public path but the login and refresh routes; the CSRF
   * token in {@code X-CSRF-Token}; request bodies up to 16 KiB. Not thread-safe; build once.
   */
  // The session and token modules are optional (requires static): an application that calls
  // sessions(...) or tokens(...) has the module, and one that does not need not.
  @SuppressWarnings("exports")
  public static final class Builder {
    private Authenticator<PasswordCredentials> passwords;
    private SessionManager sessionManager;
    private JwtTokenService tokenService;
    private RefreshTokens refreshTokens;
    private ApiKeys apiKeys;
    private IssuerVerifier trustedIssuers;
    private PasswordReset passwordReset;
    private OidcLogin oidcLogin;
    private PasswordAccounts passwordAccounts;
    private SecondFactors secondFactors;
    private Passkeys passkeys;
    private boolean passkeySecondFactor;
    private RememberMe rememberMe;
    private Clock clock = Clock.systemUTC();
    private String cookieName = "sid";
    private boolean secure = true;
    private boolean hostPrefix = true;
    private SetCookie.SameSite sameSite = SetCookie.SameSite.LAX;
    private String csrfHeader = "X-CSRF-Token";
    private String realm = "latchkey";
    private final Set<String> allowedOrigins = new LinkedHashSet<>();
    private boolean allowMissingOriginHeaders = true;
    private final Set<String> publicPaths = new LinkedHashSet<>();
    private final Map<Endpoint, String> endpointPaths = new EnumMap<>(Endpoint.class);
    private int maxBodyBytes = 16 * 1024;
    private Duration unavailableRetry = Duration.ofSeconds(2);

    private Builder() {
      for (Endpoint e : Endpoint.values()) {
        endpointPaths.put(e, e.defaultPath());
      }
    }

    /**
     * Checks passwords for the login routes ({@code PasswordAuthenticator} in {@code auth-core}).
     *
     * @param passwords the password strategy
     * @return this builder
     */
    public Builder passwords(Authenticator<PasswordCredentials> passwords) {
      this.passwords = Objects.requireNonNull(passwords, "passwords");
      return this;
    }

    /**
     * Authenticates by session cookie, and mounts the session login and logout routes.
     *
     * @param sessions the session manager
     * @return this builder
     */
    public Builder sessions(SessionManager sessions) {
      this.sessionManager = Objects.requireNonNull(sessions, "sessions");
      return this;
    }

    /**
     * Restores a session from a remember-me cookie on a safe request without a live session, sets
     * that cookie at a session login with {@code "remember_me": true}, and ends its family at
     * logout and logout-everywhere. Needs {@link #sessions}; give both the same session manager.
     *
     * @param rememberMe the remember-me service
     * @return this builder
     */
    public Builder rememberMe(RememberMe rememberMe) {
      this.rememberMe = Objects.requireNonNull(rememberMe, "rememberMe");
      return this;
    }

    /**
     * Authenticates by bearer token (access tokens only: no login or refresh route).
     *
     * @param tokens the token service
     * @return this builder
     */
    public Builder tokens(JwtTokenService tokens) {
      this.tokenService = Objects.requireNonNull(tokens, "tokens");
      return this;
    }

    /**
     * Authenticates by bearer token and mounts the token login, refresh and logout routes.
     *
     * @param tokens the token service that verifies access tokens
     * @param refreshTokens the refresh-token rotation issuing them
     * @return this builder
     */
    public Builder tokens(JwtTokenService tokens, RefreshTokens refreshTokens) {
      this.tokenService = Objects.requireNonNull(tokens, "tokens");
      this.refreshTokens = Objects.requireNonNull(refreshTokens, "refreshTokens");
      return this;
    }

    /**
     * Accepts API keys as bearer tokens ({@code Authorization: Bearer lk_...}, sent to the keys by
     * their prefix, every other bearer to the token service) and, with sessions, mounts the routes
     * where a logged-in user creates, lists and revokes keys ({@link Endpoint#API_KEYS}, {@link
     * Endpoint#API_KEY}). Needs {@code auth-account}.
     *
     * @param apiKeys the API key service
     * @return this builder
     */
    public Builder apiKeys(ApiKeys apiKeys) {
      this.apiKeys = Objects.requireNonNull(apiKeys, "apiKeys");
      return this;
    }

    /**
     * Accepts access tokens of other issuers ({@code auth-token}'s {@link IssuerVerifier}: an
     * identity provider's, checked against its published keys) on the routes that call {@link
     * WebAuth#authenticateBearerOrTrustedIssuer}, and nowhere else. No trusted issuer may share the
     * {@code iss} of the token service given to {@link #tokens}.
     *
     * @param issuers the verifier of the trusted issuers' tokens
     * @return this builder
     */
    public Builder trustedIssuers(IssuerVerifier issuers) {
      this.trustedIssuers = Objects.requireNonNull(issuers, "issuers");
      return this;
    }

    /**
     * Mounts the sign-in with an OpenID provider ({@link Endpoint#OIDC_LOGIN}, {@link
     * Endpoint#OIDC_CALLBACK}), public; it ends in a session, so it needs {@link #sessions}. The
     * login route sets a browser-binding cookie ({@code __Host-latchkey-oidc} with {@link
     * #secureCookies} and {@link #hostPrefix}, else {@code latchkey-oidc}; {@code SameSite=Lax},
     * living as long as the pending login) that the callback must present; the callback clears it.
     * A provider login is single factor (multi-factor when the {@link OidcLogin} trusts the
     * provider's {@code amr}); an account with a second factor of its own still gives it. The
     * callback's refusals: 400 {@code invalid_state}, {@code browser_mismatch} or {@code
     * malformed_callback}; 401 {@code provider_error}, {@code code_rejected} or {@code
     * invalid_id_token}; 403 {@code account_not_linked}; 503 when the provider or a store is down
     * or slow. Needs {@code auth-oidc}.
     *
     * @param login the configured sign-in, whose redirect URI is this layer's callback route
     * @return this builder
     */
    public Builder oidc(OidcLogin login) {
      this.oidcLogin = Objects.requireNonNull(login, "login");
      return this;
    }

    /**
     * Mounts registration ({@link Endpoint#REGISTER}, public) and password change ({@link
     * Endpoint#PASSWORD_CHANGE}, needs {@link #sessions}). Needs {@code auth-password}.
     *
     * @param accounts the registration and password-change service
     * @return this builder
     * @throws NullPointerException when {@code accounts} is null
     */
    public Builder passwordAccounts(PasswordAccounts accounts) {
      this.passwordAccounts = Objects.requireNonNull(accounts, "accounts");
      return this;
    }

    /**
     * Mounts the password-reset routes ({@link Endpoint#PASSWORD_RESET_REQUEST}, {@link
     * Endpoint#PASSWORD_RESET}, {@link Endpoint#PASSWORD_RESET_CONFIRM}), public, behind the origin
     * gate like every {@code POST}. Needs {@code auth-account}.
     *
     * @param reset the password reset, whose sign-out ends the user's sessions and tokens
     * @return this builder
     */
    public Builder passwordReset(PasswordReset reset) {
      this.passwordReset = Objects.requireNonNull(reset, "reset");
      return this;
    }

    /**
     * Asks users who have a second factor for it at login, and mounts the TOTP enrollment,
     * activation and verification routes ({@link Endpoint#MFA_TOTP_ENROLL}, {@link
     * Endpoint#MFA_TOTP_ACTIVATE}, {@link Endpoint#MFA_VERIFY}; they need {@link #sessions} as
     * well). A session login of such a user is pending until {@code POST /mfa/verify}; a token
     * login must carry {@code "code"}.
     *
     * @param secondFactors the second-factor service ({@code auth-account})
     * @return this builder
     */
    public Builder secondFactors(SecondFactors secondFactors) {
      this.secondFactors = Objects.requireNonNull(secondFactors, "secondFactors");
      return this;
    }

    /**
     * Mounts the passkey routes ({@link Endpoint#PASSKEY_REGISTER_OPTIONS}, {@link
     * Endpoint#PASSKEY_REGISTER}, {@link Endpoint#PASSKEY_LOGIN_OPTIONS}, {@link
     * Endpoint#PASSKEY_LOGIN}, {@link Endpoint#PASSKEY_VERIFY_OPTIONS}, {@link
     * Endpoint#PASSKEY_VERIFY}, {@link Endpoint#PASSKEYS}, {@link Endpoint#PASSKEY}); they need
     * {@link #sessions} as well. A passkey login starts a session at multi-factor assurance. The
     * {@code username} of the login options is taken as the subject whose passkeys are allowed.
     * Needs {@code auth-passkey}.
     *
     * @param passkeys the passkey service
     * @return this builder
     */
    public Builder passkeys(Passkeys passkeys) {
      this.passkeys = Objects.requireNonNull(passkeys, "passkeys");
      return this;
    }

    /**
     * Whether a password login of a user who holds a passkey waits for it: the session is pending,
     * as for a TOTP factor, until {@link Endpoint#PASSKEY_VERIFY} (or {@link Endpoint#MFA_VERIFY}
     * for a TOTP user). Off by default: a passkey then is a way to log in by itself.
     *
     * @param required whether a passkey holder's password login is pending
     * @return this builder
     */
    public Builder passkeySecondFactor(boolean required) {
      this.passkeySecondFactor = required;
      return this;
    }

    /**
     * The clock {@code Retry-After} is counted by; the services' own clock, for the same answer.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The session cookie's name, without prefix (default {@code sid}); with {@link #secureCookies}
     * and {@link #hostPrefix} it is sent as {@code __Host-<name>}.
     *
     * @param name an RFC 6265 token
     * @return this builder
     */
    public Builder cookieName(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty() || name.toLowerCase(Locale.ROOT).startsWith("__")) {
        throw new IllegalArgumentException(
            "give the cookie name without a __Host- or __Secure- prefix: hostPrefix adds it");
      }
      this.cookieName = name;
      return this;
    }

    /**
     * Whether the session cookie is {@code Secure} (default true). Only a site served over plain
     * HTTP (a demo on loopback) turns this off; the {@code __Host-} prefix then goes too.
     *
     * @param secure whether the cookie is sent over HTTPS only
     * @return this builder
     */
    public Builder secureCookies(boolean secure) {
      this.secure = secure;
      return this;
    }

    /**
     * Whether a secure session cookie takes the {@code __Host-} prefix (default true): a sibling
     * subdomain or a plain-HTTP page can then neither set nor overwrite it.
     *
     * @param hostPrefix whether to prefix
     * @return this builder
     */
    public Builder hostPrefix(boolean hostPrefix) {
      this.hostPrefix = hostPrefix;
      return this;
    }

    /**
     * The session cookie's {@code SameSite} (default {@code LAX}).
     *
     * @param sameSite the attribute
     * @return this builder
     */
    public Builder sameSite(SetCookie.SameSite sameSite) {
      this.sameSite = Objects.requireNonNull(sameSite, "sameSite");
      return this;
    }

    /**
     * The header a state-changing session request carries its CSRF token in (default {@code
     * X-CSRF-Token}).
     *
     * @param header a header name
     * @return this builder
     */
    public Builder csrfHeader(String header) {
      Objects.requireNonNull(header, "header");
      if (header.isEmpty() || !header.chars().allMatch(c -> c > ' ' && c < 0x7f && c != ':')) {
        throw new IllegalArgumentException("not a header name: " + header);
      }
      this.csrfHeader = header;
      return this;
    }

    /**
     * The realm of the {@code Bearer} challenge (default {@code latchkey}).
     *
     * @param realm printable ASCII without quotes or backslashes
     * @return this builder
     */
    public Builder realm(String realm) {
      Objects.requireNonNull(realm, "realm");
      if (!realm.chars().allMatch(c -> c >= ' ' && c < 0x7f && c != '"' && c != '\\')) {
        throw new IllegalArgumentException("the realm must be printable ASCII without \" or \\");
      }
      this.realm = realm;
      return this;
    }

    /**
     * Other origins whose pages may send state-changing requests ({@code https://app.example.com}).
     * Without any, only same-origin requests pass the origin gate (an {@code Origin} naming the
     * request's own {@code Host} counts, for browsers without {@code Sec-Fetch-Site}).
     *
     * @param origins serialized origins, {@code scheme://host[:port]}
     * @return this builder
     */
    public Builder allowedOrigins(String... origins) {
      for (String o : origins) {
        String normalized =
            Origins.normalize(Objects.requireNonNull(o, "origin"))
                .orElseThrow(() -> new IllegalArgumentException("not an http(s) origin: " + o));
        allowedOrigins.add(normalized);
      }
      return this;
    }

    /**
     * Whether a state-changing request with neither {@code Sec-Fetch-Site} nor {@code Origin}
     * passes the origin gate (default true). Every current browser sends one of them; clients that
     * send neither (curl, apps, servers) cannot be driven by another site, and a session request
     * still needs its CSRF token. Set false for a browser-only application.
     *
     * @param allow whether to let such requests through
     * @return this builder
     */
    public Builder allowMissingOriginHeaders(boolean allow) {
      this.allowMissingOriginHeaders = allow;
      return this;
    }

    /**
     * Paths that need no credential: exact ({@code /health}) or a prefix ending in {@code /*}
     * ({@code /static/*}). Requests to them still meet the origin gate.
     *
     * @param paths absolute, normalized paths
     * @return this builder
     */
    public Builder publicPaths(String... paths) {
      for (String p : paths) {
        publicPaths.add(PublicPaths.validate(Objects.requireNonNull(p, "path")));
      }
      return this;
    }

    /**
     * Mounts an authentication route at another path, or not at all ({@code null}).
     *
     * @param endpoint the route
     * @param path an absolute path, or {@code null} to leave it unmounted; for {@link
     *     Endpoint#API_KEY} a prefix ending in {@code /}
     * @return this builder
     */
    public Builder endpoint(Endpoint endpoint, String path) {
      Objects.requireNonNull(endpoint, "endpoint");
      if (path != null) {
        PublicPaths.validate(path);
        if (path.endsWith("/*")) {
          throw new IllegalArgumentException("an endpoint is one path, not a prefix: " + path);
        }
        boolean prefix = endpoint == Endpoint.API_KEY || endpoint == Endpoint.PASSKEY;
        if (prefix != path.endsWith("/")) {
          throw new IllegalArgumentException(
              "API_KEY and PASSKEY, and only they, are mounted at a prefix ending in /: " + path);
        }
      }
      endpointPaths.put(endpoint, path);
      return this;
    }

    /**
     * The largest request body the routes read (default 16 KiB); beyond it, 413.
     *
     * @param bytes 256 to 1 MiB
     * @return this builder
     */
    public Builder maxBodyBytes(int bytes) {
      if (bytes < 256 || bytes > 1024 * 1024) {
        throw new IllegalArgumentException("maxBodyBytes must be 256..1048576: " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /**
     * The {@code Retry-After} of a 503 while a store is down (default 2 s).
     *
     * @param retry at least one second
     * @return this builder
     */
    public Builder unavailableRetryAfter(Duration retry) {
      Objects.requireNonNull(retry, "retry");
      if (retry.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("unavailableRetryAfter must be at least 1 s: " + retry);
      }
      this.unavailableRetry = retry;
      return this;
    }

    private String cookieName() {
      return secure && hostPrefix ? "__Host-" + cookieName : cookieName;
    }

    /**
     * Builds the web layer.
     *
     * @return the web layer
     * @throws IllegalStateException when neither sessions, tokens nor API keys were configured,
     *     remember-me or OpenID sign-in without sessions, the OpenID redirect URI is not the
     *     callback route, or two routes or two cookies share a name
     * @throws IllegalArgumentException when the cookie settings contradict each other
     */
    public WebAuth build() {
      if (sessionManager == null
          && tokenService == null
          && apiKeys == null
          && trustedIssuers == null) {
        throw new IllegalStateException(
            "configure sessions(...), tokens(...), apiKeys(...) or trustedIssuers(...)");
      }
      if (trustedIssuers != null
          && tokenService != null
          && trustedIssuers.issuers().contains(tokenService.issuer())) {
        throw new IllegalStateException(
            "a trusted issuer shares this application's own iss: " + tokenService.issuer());
      }
      if (rememberMe != null && sessionManager == null) {
        throw new IllegalStateException(
            "rememberMe(...) restores sessions: configure sessions(...)");
      }
      if (rememberMe != null && rememberMe.cookieName().equals(cookieName())) {
        throw new IllegalStateException(
            "the session and remember-me cookies share the name " + cookieName());
      }
      if (oidcLogin != null && sessionManager == null) {
        throw new IllegalStateException("oidc(...) ends in a session: configure sessions(...)");
      }
      String callback = endpointPaths.get(Endpoint.OIDC_CALLBACK);
      if (oidcLogin != null
          && callback != null
          && !callback.equals(oidcLogin.redirectUri().getPath())) {
        throw new IllegalStateException(
            "the OpenID redirect URI's path must be the callback route's, " + callback);
      }
      Set<String> paths = new HashSet<>();
      for (String p : endpointPaths.values()) {
        if (p != null && !paths.add(p)) {
          throw new IllegalStateException("two authentication routes share the path " + p);
        }
      }
      return new WebAuth(this);
    }
  }
}

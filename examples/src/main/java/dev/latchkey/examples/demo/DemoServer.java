package dev.latchkey.examples.demo;

import dev.latchkey.account.ApiKeys;
import dev.latchkey.account.OneTimeTokens;
import dev.latchkey.account.PasswordReset;
import dev.latchkey.account.SecondFactors;
import dev.latchkey.core.Assurance;
import dev.latchkey.core.InMemoryUserDirectory;
import dev.latchkey.core.PasswordAuthenticator;
import dev.latchkey.core.PasswordHasher;
import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.UserAccount;
import dev.latchkey.oidc.OidcLogin;
import dev.latchkey.passkey.Passkeys;
import dev.latchkey.passkey.RelyingParty;
import dev.latchkey.password.AccountRegistry;
import dev.latchkey.password.HashAlgorithm;
import dev.latchkey.password.PasswordAccounts;
import dev.latchkey.password.PasswordHashers;
import dev.latchkey.password.PasswordPolicy;
import dev.latchkey.session.SessionManager;
import dev.latchkey.token.IssuerVerifier;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.RefreshTokens;
import dev.latchkey.token.SigningAlgorithm;
import dev.latchkey.token.SigningKey;
import dev.latchkey.token.TrustedIssuer;
import dev.latchkey.web.AccessDecision;
import dev.latchkey.web.RememberMe;
import dev.latchkey.web.WebAuth;
import dev.latchkey.web.WebRequest;
import dev.latchkey.web.WebResponse;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The demo: an HTTP server on the JDK's built-in {@code HttpServer} that shows session login and
 * token login side by side, with logout, refresh rotation, revocation, "remember me" and "log out
 * everywhere", on {@link WebAuth}. In-memory stores by default, Redis when {@code REDIS_URL} is
 * set; see the README.
 *
 * <p>Run: {@code mvn -B -q package -DskipTests && java -jar examples/target/latchkey-demo.jar}.
 */
public final class DemoServer implements AutoCloseable {
  /** How recent a second factor {@code /sensitive-profile} asks for. */
  static final Duration STEP_UP_AGE = Duration.ofMinutes(5);

  private final DemoStores stores;
  private final StoreWatch storeWatch;
  private final JsonHttpServer server;
  private final JwtTokenService tokens;
  private final WebAuth web;
  private final DemoOutbox outbox;
  private final boolean showOutbox;
  private final boolean trustsIssuers;
  private final OidcLogin oidc; // null: no OpenID provider configured

  private DemoServer(DemoSettings settings, DemoStores stores, byte[] secret) throws IOException {
    this.stores = stores;
    Clock clock = settings.clock();
    // The seeded users keep bCrypt hashes, as a directory migrated from an older system would;
    // they move to Argon2id at their first login. New hashes are Argon2id at OWASP's minimum
    // (m=19456 KiB, t=2, p=1), or at m=1024 KiB, t=1 when the seeded cost is the tests' 4.
    PasswordHasher legacy = PasswordHasher.bcrypt(settings.bcryptCost());
    InMemoryUserDirectory users = InMemoryUserDirectory.create();
    users.add(user(legacy, "admin", "password123", "admin", "user"));
    users.add(user(legacy, "alice", "wonderland", "user"));
    PasswordHashers hasher =
        PasswordHashers.builder()
            .algorithm(
                settings.bcryptCost() <= 4
                    ? new HashAlgorithm.Argon2id(1024, 1, 1)
                    : HashAlgorithm.argon2id())
            .build();
    this.tokens =
        JwtTokenService.builder(
                KeyRing.of(SigningKey.hmac("demo-hs256", secret, SigningAlgorithm.HS256)),
                "latchkey-demo",
                "latchkey-demo")
            .accessTokenLifetime(Duration.ofMinutes(15))
            .revocationList(stores.revocations())
            .clock(clock)
            .build();
    SessionManager sessions =
        SessionManager.builder(stores.sessions())
            .idleTimeout(Duration.ofMinutes(30))
            .absoluteTimeout(Duration.ofHours(8))
            // Separate keys for separate jobs: every node derives the same CSRF key from the
            // shared secret, yet a JWT key never signs a CSRF token.
            .csrfKey(derive(secret, "latchkey-demo csrf"))
            .clock(clock)
            .build();
    RefreshTokens refreshTokens =
        RefreshTokens.builder(tokens, stores.refreshTokens()).clock(clock).build();
    this.showOutbox = settings.demoOutbox();
    this.outbox = new DemoOutbox(showOutbox, () -> "http://127.0.0.1:" + port());
    OneTimeTokens oneTimeTokens =
        OneTimeTokens.builder(stores.oneTimeTokens(), outbox)
            .users(users)
            // Its keys are prefixed apart from the logins': one store, separate budgets.
            .throttle(stores.throttle())
            .clock(clock)
            .build();
    // One policy for every new password: registration, change and reset alike.
    PasswordPolicy policy = PasswordPolicy.builder().contextWords("latchkey").build();
    PasswordReset reset =
        PasswordReset.builder(
                oneTimeTokens,
                hasher,
                // The demo's login names are its subjects.
                users::updatePasswordHash,
                this::signOutEverywhere)
            .newPasswordRule((subject, pw) -> policy.check(pw, subject, false).codes())
            .build();
    PasswordAuthenticator passwords =
        PasswordAuthenticator.builder(users, hasher)
            .throttle(stores.throttle())
            .onRehash((account, hash) -> users.updatePasswordHash(account.loginName(), hash))
            .clock(clock)
            .build();
    WebAuth.Builder web =
        WebAuth.builder()
            .passwords(passwords)
            .sessions(sessions)
            .tokens(tokens, refreshTokens)
            .passwordReset(reset)
            .passwordAccounts(
                PasswordAccounts.builder(new DirectoryRegistry(users), hasher, policy, passwords)
                    .signOutEverywhere(this::signOutEverywhere)
                    .clock(clock)
                    .build())
            // A second factor for whoever enrolls one; its secrets sealed under a key of their own.
            .secondFactors(
                SecondFactors.builder(
                        stores.secondFactors(),
                        "Latchkey demo",
                        "demo-1",
                        derive(secret, "latchkey-demo totp"))
                    .throttle(stores.throttle())
                    .clock(clock)
                    .build())
            // "remember_me": true at session login sets a 30-day cookie that restores a session
            // (at the lower assurance REMEMBERED) once the session has ended.
            .rememberMe(
                RememberMe.builder(stores.rememberMe(), sessions)
                    .secureCookies(settings.cookieSecure())
                    .clock(clock)
                    .build())
            // Over plain HTTP the cookie is "sid"; with COOKIE_SECURE=true it is "__Host-sid",
            // which a sibling subdomain or a plain-HTTP page can neither set nor overwrite.
            .secureCookies(settings.cookieSecure())
            .apiKeys(ApiKeys.builder(stores.apiKeys()).appPrefix("demo").clock(clock).build())
            .realm("latchkey-demo")
            .clock(clock);
    // TRUSTED_ISSUERS: an identity provider's access tokens, on /api-profile only.
    List<TrustedIssuer> trusted = settings.trustedIssuers();
    this.trustsIssuers = !trusted.isEmpty();
    if (trustsIssuers) {
      web.trustedIssuers(
          IssuerVerifier.builder(
                  trusted.get(0), trusted.subList(1, trusted.size()).toArray(new TrustedIssuer[0]))
              .clock(clock)
              .build());
    }
    this.storeWatch = new StoreWatch(stores.name(), stores::reachable, Duration.ofSeconds(1));
    try {
      this.server = new JsonHttpServer(settings.port(), storeWatch::unavailable);
    } catch (IOException | RuntimeException e) {
      storeWatch.close();
      throw e;
    }
    try {
      this.oidc = settings.oidc() == null ? null : oidc(settings.oidc(), stores, clock, port());
    } catch (RuntimeException e) {
      server.close();
      storeWatch.close();
      throw e;
    }
    if (oidc != null) {
      web.oidc(oidc);
    }
    // Passkeys need the port the server got: the RP's origin is http://localhost:<port> unless
    // configured (PASSKEY_ORIGIN, PASSKEY_RP_ID).
    String passkeyOrigin =
        settings.passkeyOrigin() != null
            ? settings.passkeyOrigin()
            : "http://localhost:" + server.port();
    RelyingParty rp =
        settings.passkeyRpId() != null
            ? new RelyingParty(settings.passkeyRpId(), "Latchkey demo", Set.of(passkeyOrigin))
            : RelyingParty.forOrigin(passkeyOrigin, "Latchkey demo");
    web.passkeys(
        Passkeys.builder(stores.passkeys(), rp)
            .principals(subject -> users.findByLoginName(subject).map(UserAccount::principal))
            .clock(clock)
            .build());
    List<String> origins = new ArrayList<>(List.of(server.origins()));
    if (!origins.contains(passkeyOrigin)) {
      origins.add(passkeyOrigin);
    }
    this.web = web.allowedOrigins(origins.toArray(String[]::new)).build();
    server.serve(this::route);
  }

  /**
   * The sign-in with the configured OpenID provider; its callback is this server's {@code
   * /oidc/callback} unless {@code OIDC_REDIRECT_URI} says otherwise (behind a proxy).
   *
   * @throws IllegalArgumentException when a URL is malformed or plain HTTP off loopback
   */
  private static OidcLogin oidc(
      DemoSettings.Oidc settings, DemoStores stores, Clock clock, int port) {
    URI redirect;
    URI issuer;
    try {
      redirect =
          URI.create(
              settings.redirectUri() == null
                  ? "http://127.0.0.1:" + port + "/oidc/callback"
                  : settings.redirectUri());
      issuer = URI.create(settings.issuer());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("OIDC_ISSUER or OIDC_REDIRECT_URI is not a URL", e);
    }
    return OidcLogin.builder(
            issuer, settings.clientId(), settings.clientSecret(), redirect, stores.pendingLogins())
        .clock(clock)
        .build();
  }

  /** A reset password ends every session, token and remember-me cookie of the user. */
  private void signOutEverywhere(String subject) {
    web.logoutEverywhere(subject);
  }

  /**
   * Starts a server with {@code settings}.
   *
   * @throws IOException when the port cannot be had
   * @throws IllegalArgumentException when {@code JWT_SECRET} is too short or REDIS_URL malformed
   * @throws StoreUnavailableException when the Redis store cannot be reached
   */
  public static DemoServer start(DemoSettings settings) throws IOException {
    byte[] secret = settings.secret();
    return start(
        settings,
        settings.redisUrl() == null
            ? DemoStores.inMemory(settings.clock())
            : DemoStores.redis(settings.redisUrl(), settings.clock()),
        secret);
  }

  /** Starts a server on given stores (tests use it to put a failing store underneath). */
  static DemoServer start(DemoSettings settings, DemoStores stores, byte[] secret)
      throws IOException {
    try {
      return new DemoServer(settings, stores, secret);
    } catch (IOException | RuntimeException e) {
      stores.close();
      throw e;
    }
  }

  /**
   * Runs the demo from the environment. A start that fails prints one line on stderr saying what to
   * change, and exits 2 for a setting that cannot work ({@code PORT}, {@code JWT_SECRET}, a
   * malformed {@code REDIS_URL}) or 1 when the port or the store cannot be had.
   */
  public static void main(String[] args) {
    // One line per log record on stderr (JUL's default takes two), unless configured otherwise.
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty(
          "java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
    }
    DemoSettings settings;
    DemoServer demo;
    try {
      settings = DemoSettings.fromEnvironment(System.getenv());
      demo = start(settings);
    } catch (IllegalArgumentException e) {
      exit(2, e.getMessage());
      return;
    } catch (BindException e) {
      exit(1, e.getMessage() + " (set PORT to a free port)");
      return;
    } catch (IOException | StoreUnavailableException e) {
      exit(1, e.getMessage());
      return;
    } catch (RuntimeException e) {
      // The class only: a message from an unexpected place might hold a setting's secret.
      exit(1, "unexpected " + e.getClass().getName());
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(demo::close));
    System.out.println("Latchkey demo on http://127.0.0.1:" + demo.port() + " (" + settings + ")");
    System.out.println("users: admin/password123 (admin, user), alice/wonderland (user)");
  }

  private static void exit(int status, String message) {
    System.err.println("latchkey demo did not start: " + message);
    System.exit(status);
  }

  /** The port the server listens on, on 127.0.0.1. */
  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
    storeWatch.close();
    stores.close();
  }

  /** WebAuth's authentication routes, else the demo's own, which answer GET and HEAD. */
  private WebResponse route(WebRequest request) {
    Supplier<WebResponse> own =
        switch (request.path()) {
          case "/session-profile" ->
              () ->
                  web.authenticateSession(request)
                      .fold(
                          decision -> decision.addHeadersTo(sessionProfile(request, decision)),
                          r -> r);
          case "/sensitive-profile" ->
              () ->
                  web.requireAssurance(request, Assurance.Level.MULTI_FACTOR, STEP_UP_AGE)
                      .fold(DemoServer::profile, r -> r);
          case "/token-profile" ->
              () -> web.authenticateBearer(request).fold(DemoServer::profile, r -> r);
          case "/api-profile" ->
              () ->
                  (trustsIssuers
                          ? web.authenticateBearerOrTrustedIssuer(request)
                          : web.authenticateBearer(request))
                      .fold(DemoServer::apiProfile, r -> r);
          case "/.well-known/jwks.json" ->
              () -> raw(tokens.keyRing().publicJwkSetJson(), "application/jwk-set+json");
          case "/health" -> this::health;
          case "/dev/outbox" -> showOutbox ? () -> WebResponse.json(200, outbox.json()) : null;
          case "/" ->
              oidc == null
                  ? () -> PageRoutes.asset("/")
                  : () -> PageRoutes.pageWithSignIn(providerName(oidc));
          case "/app.js", "/app.css" -> () -> PageRoutes.asset(request.path());
          default -> null;
        };
    Optional<WebResponse> auth = web.handle(request);
    if (auth.isPresent() || own == null) {
      return auth.orElseGet(() -> JsonHttpServer.error(404, "not found"));
    }
    return "GET".equals(request.method()) || "HEAD".equals(request.method())
        ? own.get()
        : JsonHttpServer.error(405, "method not allowed").withHeader("Allow", "GET, HEAD");
  }

  /** The provider as the page names it: its issuer's host. */
  private static String providerName(OidcLogin oidc) {
    String host = URI.create(oidc.issuer()).getHost();
    return host == null ? oidc.issuer() : host;
  }

  /**
   * {@code {"username": ..., "roles": [...]}}, the roles sorted, and for a session {@code
   * "assurance"}: {@code SINGLE_FACTOR} after a password, {@code REMEMBERED} when a remember-me
   * cookie restored it.
   */
  private static WebResponse profile(AccessDecision decision) {
    Principal principal = decision.principal().orElseThrow();
    var roles = new TreeSet<>(principal.roles());
    Map<String, Object> members = ordered("username", principal.subject(), "roles", roles);
    decision.assurance().ifPresent(a -> members.put("assurance", a.level().name()));
    return WebResponse.json(200, members);
  }

  /**
   * {@code {"username": ..., "scopes": [...]}} for a request authenticated by an API key, {@code
   * {"username": ..., "issuer": ..., "scopes": [...]}} for an access token of a trusted issuer (its
   * {@code sub}, its {@code iss}), the scopes sorted; 401 for the demo's own access token, which
   * names no key.
   */
  private static WebResponse apiProfile(AccessDecision decision) {
    Principal principal = decision.principal().orElseThrow();
    if (decision.via().orElseThrow() == AccessDecision.Via.ISSUER) {
      var scopes = new TreeSet<String>();
      for (String s : principal.attributes().get(IssuerVerifier.SCOPE_ATTRIBUTE).split(" ", -1)) {
        if (!s.isEmpty()) {
          scopes.add(s);
        }
      }
      return WebResponse.json(
          200,
          ordered(
              "username",
              principal.subject(),
              "issuer",
              principal.attributes().get(IssuerVerifier.ISSUER_ATTRIBUTE),
              "scopes",
              scopes));
    }
    if (!principal.attributes().containsKey(ApiKeys.KEY_ID_ATTRIBUTE)) {
      return JsonHttpServer.error(401, "an api key is required")
          .withHeader("WWW-Authenticate", "Bearer realm=\"latchkey-demo\"");
    }
    var scopes = new TreeSet<>(ApiKeys.scopes(principal));
    return WebResponse.json(200, ordered("username", principal.subject(), "scopes", scopes));
  }

  /**
   * {@link #profile}, with the session's CSRF token in {@code X-CSRF-Token}: a page that a redirect
   * brought back signed in (an OpenID sign-in) learns it here. A restored session's decision
   * carries its token already.
   */
  private WebResponse sessionProfile(WebRequest request, AccessDecision decision) {
    WebResponse answer = profile(decision);
    boolean carried =
        decision.headers().stream().anyMatch(h -> h.name().equalsIgnoreCase("X-CSRF-Token"));
    if (carried) {
      return answer;
    }
    return web.csrfToken(request).map(t -> answer.withHeader("X-CSRF-Token", t)).orElse(answer);
  }

  /** Members in the order given: the same answer is always the same bytes. */
  private static Map<String, Object> ordered(Object... namesAndValues) {
    Map<String, Object> members = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      members.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return members;
  }

  private WebResponse health() {
    if (stores.reachable()) {
      return WebResponse.json(200, ordered("status", "ok", "store", stores.name()));
    }
    var down = ordered("status", "unavailable", "store", stores.name(), "error", "unavailable");
    return WebResponse.json(503, down)
        .withHeader("Retry-After", JsonHttpServer.STORE_RETRY_SECONDS);
  }

  /** A 200 of another media type than JSON, in UTF-8. */
  static WebResponse raw(String body, String mediaType) {
    var type = new WebResponse.Header("Content-Type", mediaType + "; charset=utf-8");
    return new WebResponse(200, List.of(type), body);
  }

  /** Registration on the demo's directory: login names are subjects; new users get "user". */
  private record DirectoryRegistry(InMemoryUserDirectory users) implements AccountRegistry {
    @Override
    public boolean create(String loginName, String passwordHash) {
      try {
        users.add(
            new UserAccount(loginName, Principal.of(loginName, Set.of("user")), passwordHash));
        return true;
      } catch (IllegalArgumentException taken) {
        return false;
      }
    }

    @Override
    public boolean setPasswordHash(String subject, String passwordHash) {
      return users.updatePasswordHash(subject, passwordHash);
    }
  }

  private static UserAccount user(PasswordHasher hasher, String name, String pw, String... roles) {
    return new UserAccount(name, Principal.of(name, Set.of(roles)), hasher.hash(pw.toCharArray()));
  }

  private static byte[] derive(byte[] secret, String label) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required on every Java platform", e);
    }
  }
}

package dev.latchkey.examples;

import com.sun.net.httpserver.HttpExchange;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.BearerHeader;
import dev.latchkey.core.Cookies;
import dev.latchkey.core.InMemoryUserDirectory;
import dev.latchkey.core.PasswordAuthenticator;
import dev.latchkey.core.PasswordCredentials;
import dev.latchkey.core.PasswordHasher;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.SetCookie;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.UserAccount;
import dev.latchkey.examples.JsonHttpServer.JsonBody;
import dev.latchkey.examples.JsonHttpServer.Response;
import dev.latchkey.session.LoginOutcome;
import dev.latchkey.session.SessionManager;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.RefreshTokens;
import dev.latchkey.token.SigningAlgorithm;
import dev.latchkey.token.SigningKey;
import java.io.IOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The demo: an HTTP server on the JDK's built-in {@code HttpServer} that shows session login and
 * token login side by side, with logout, refresh rotation, revocation and "log out everywhere".
 * In-memory stores by default, Redis when {@code REDIS_URL} is set; see the README for the routes.
 * The HTTP plumbing (time and concurrency bounds, the cross-site and content-type gates, body
 * limits, error answers) is {@link JsonHttpServer}'s; this class holds the routes.
 *
 * <p>Run: {@code mvn -B -q package -DskipTests && java -jar examples/target/latchkey-demo.jar}.
 */
public final class DemoServer implements AutoCloseable {
  /** The session cookie's name over plain HTTP. */
  static final String SESSION_COOKIE = "sid";

  /**
   * The session cookie's name with {@code COOKIE_SECURE=true}: a {@code __Host-} cookie is Secure,
   * host-only and {@code Path=/}, so a sibling subdomain or a plain-HTTP page cannot set or
   * overwrite it (cookie tossing, session fixation).
   */
  static final String SECURE_SESSION_COOKIE = "__Host-sid";

  private static final Duration STORE_PROBE_INTERVAL = Duration.ofSeconds(1);
  private static final String REALM = "latchkey-demo";

  /**
   * What the demo runs with.
   *
   * @param port the port to listen on, 0 for any free one
   * @param redisUrl the Redis URL, or {@code null} for in-memory stores
   * @param jwtSecret the shared HMAC secret (at least 32 bytes), or {@code null} to generate one
   * @param cookieSecure whether the demo is served over HTTPS: the session cookie is then {@code
   *     __Host-sid} with {@code Secure}, else {@code sid}
   * @param bcryptCost the bCrypt cost of the seeded users' hashes
   * @param clock the clock every component uses
   */
  public record Settings(
      int port,
      String redisUrl,
      String jwtSecret,
      boolean cookieSecure,
      int bcryptCost,
      Clock clock) {

    /** Settings from {@code PORT}, {@code REDIS_URL}, {@code JWT_SECRET}, {@code COOKIE_SECURE}. */
    public static Settings fromEnvironment(Map<String, String> env) {
      int port = 8080;
      String rawPort = env.get("PORT");
      if (rawPort != null && !rawPort.isBlank()) {
        try {
          port = Integer.parseInt(rawPort.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("PORT must be a number: " + rawPort);
        }
        if (port < 0 || port > 65535) {
          throw new IllegalArgumentException("PORT must be between 0 and 65535: " + port);
        }
      }
      String redisUrl = env.get("REDIS_URL");
      String secret = env.get("JWT_SECRET");
      return new Settings(
          port,
          redisUrl == null || redisUrl.isBlank() ? null : redisUrl.trim(),
          secret == null || secret.isEmpty() ? null : secret,
          "true".equalsIgnoreCase(env.get("COOKIE_SECURE")),
          10,
          Clock.systemUTC());
    }

    @Override
    public String toString() {
      return "Settings[port="
          + port
          + ", store="
          + (redisUrl == null ? "memory" : "redis")
          + ", jwtSecret="
          + (jwtSecret == null ? "generated" : "<redacted>")
          + ", cookieSecure="
          + cookieSecure
          + "]";
    }
  }

  private final JsonHttpServer server;
  private final StoreWatch storeWatch;
  private final DemoStores stores;
  private final Settings settings;
  private final Clock clock;
  private final PasswordAuthenticator passwords;
  private final SessionManager sessions;
  private final JwtTokenService tokens;
  private final RefreshTokens refresh;
  private final String sessionCookieName;

  private DemoServer(Settings settings, DemoStores stores, byte[] secret) throws IOException {
    this.settings = settings;
    this.stores = stores;
    this.clock = settings.clock();

    PasswordHasher hasher = PasswordHasher.bcrypt(settings.bcryptCost());
    InMemoryUserDirectory users = InMemoryUserDirectory.create();
    users.add(
        new UserAccount(
            "admin",
            Principal.of("admin", java.util.Set.of("admin", "user")),
            hasher.hash("password123".toCharArray())));
    users.add(
        new UserAccount(
            "alice",
            Principal.of("alice", java.util.Set.of("user")),
            hasher.hash("wonderland".toCharArray())));
    this.passwords =
        PasswordAuthenticator.builder(users, hasher)
            .throttle(stores.throttle())
            .clock(clock)
            .build();
    this.sessions =
        SessionManager.builder(stores.sessions())
            .idleTimeout(Duration.ofMinutes(30))
            .absoluteTimeout(Duration.ofHours(8))
            // Separate keys for separate jobs: the CSRF key is derived from the shared secret, so
            // every node of a fleet checks every node's CSRF tokens, yet a JWT key never signs
            // them.
            .csrfKey(derive(secret, "latchkey-demo csrf"))
            .clock(clock)
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
    this.refresh = RefreshTokens.builder(tokens, stores.refreshTokens()).clock(clock).build();
    this.sessionCookieName = settings.cookieSecure() ? SECURE_SESSION_COOKIE : SESSION_COOKIE;

    this.storeWatch = new StoreWatch(stores.name(), stores::reachable, STORE_PROBE_INTERVAL);
    try {
      this.server = JsonHttpServer.start(settings.port(), this::route, storeWatch::unavailable);
    } catch (IOException | RuntimeException e) {
      storeWatch.close();
      throw e;
    }
  }

  /** Starts a server with {@code settings}; throws when the store or the port cannot be had. */
  public static DemoServer start(Settings settings) throws IOException {
    byte[] secret = secret(settings);
    DemoStores stores =
        settings.redisUrl() == null
            ? DemoStores.inMemory(settings.clock())
            : DemoStores.redis(settings.redisUrl(), settings.clock());
    return start(settings, stores, secret);
  }

  static byte[] secret(Settings settings) {
    byte[] secret;
    if (settings.jwtSecret() == null) {
      secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      System.out.println(
          "JWT_SECRET is not set: generated a random one for this process; tokens will not be"
              + " accepted by another process or after a restart.");
    } else {
      secret = settings.jwtSecret().getBytes(StandardCharsets.UTF_8);
      if (secret.length < 32) {
        throw new IllegalArgumentException(
            "JWT_SECRET must be at least 32 bytes for HS256, got " + secret.length);
      }
    }
    return secret;
  }

  /** Starts a server on given stores (tests use it to put a failing store underneath). */
  static DemoServer start(Settings settings, DemoStores stores, byte[] secret) throws IOException {
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
    Settings settings;
    DemoServer demo;
    try {
      settings = Settings.fromEnvironment(System.getenv());
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

  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
    storeWatch.close();
    stores.close();
  }

  // ---------------------------------------------------------------------------------------------

  private Response route(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String method = ex.getRequestMethod();
    return switch (path) {
      case "/session-login" -> post(method) ? sessionLogin(ex) : notAllowed("POST");
      case "/session-profile" -> get(method) ? sessionProfile(ex) : notAllowed("GET");
      case "/session-logout" -> post(method) ? sessionLogout(ex) : notAllowed("POST");
      case "/token-login" -> post(method) ? tokenLogin(ex) : notAllowed("POST");
      case "/token-profile" -> get(method) ? tokenProfile(ex) : notAllowed("GET");
      case "/token-refresh" -> post(method) ? tokenRefresh(ex) : notAllowed("POST");
      case "/token-logout" -> post(method) ? tokenLogout(ex) : notAllowed("POST");
      case "/logout-everywhere" -> post(method) ? logoutEverywhere(ex) : notAllowed("POST");
      case "/.well-known/jwks.json" -> get(method) ? jwks() : notAllowed("GET");
      case "/health" -> get(method) ? health() : notAllowed("GET");
      default -> Response.error(404, "not found");
    };
  }

  private static boolean post(String method) {
    return "POST".equals(method);
  }

  private static boolean get(String method) {
    return "GET".equals(method) || "HEAD".equals(method);
  }

  private static Response notAllowed(String allowed) {
    return Response.error(405, "method not allowed").header("Allow", allowed);
  }

  // --- sessions ---------------------------------------------------------------------------------

  private Response sessionLogin(HttpExchange ex) throws IOException {
    Login login = readLogin(ex);
    if (login.error != null) {
      return login.error;
    }
    AuthResult result = login.authenticate(passwords, clientAddress(ex));
    if (result.failure().isPresent()) {
      return passwordFailure(result.failure().get());
    }
    Principal principal = result.principal().orElseThrow();
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("client_address", clientAddress(ex));
    String agent = ex.getRequestHeaders().getFirst("User-Agent");
    if (agent != null) {
      attributes.put("user_agent", agent.length() > 256 ? agent.substring(0, 256) : agent);
    }
    LoginOutcome outcome = sessions.login(principal, attributes);
    return outcome.fold(created -> sessionCreated(principal, created), this::sessionLoginRefused);
  }

  private Response sessionCreated(Principal principal, LoginOutcome.NewSession created) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("username", principal.subject());
    // The session was created just now: it is live, so it has a CSRF token.
    body.put("csrf_token", sessions.csrfToken(created.id()).orElseThrow());
    return Response.json(200, body)
        .header("Set-Cookie", sessionCookie(created.id()).toHeaderValue());
  }

  private Response sessionLoginRefused(AuthResult.Failure failure) {
    return failure.reason() == AuthResult.Reason.UNAVAILABLE
        ? Response.unavailable()
        : Response.error(409, "too many sessions");
  }

  private Response sessionProfile(HttpExchange ex) {
    Optional<String> sid = sessionId(ex);
    if (sid.isEmpty()) {
      return Response.error(401, "not logged in");
    }
    return sessions
        .check(new SessionCookie(sid.get()))
        .fold(active -> profile(active.principal()), DemoServer::sessionFailure);
  }

  private Response sessionLogout(HttpExchange ex) {
    SessionGate gate = csrfProtectedSession(ex);
    if (gate.refusal != null) {
      return gate.refusal;
    }
    sessions.logout(gate.sid);
    return Response.json(200, Map.of("status", "logged out"))
        .header("Set-Cookie", sessionCookie("").deletion().toHeaderValue());
  }

  /** A live session whose request carries its CSRF token, or the answer to refuse it with. */
  private static final class SessionGate {
    final String sid;
    final Principal principal;
    final Response refusal;

    private SessionGate(String sid, Principal principal, Response refusal) {
      this.sid = sid;
      this.principal = principal;
      this.refusal = refusal;
    }
  }

  /** For state-changing session routes: 401 without a live session, 403 without its CSRF token. */
  private SessionGate csrfProtectedSession(HttpExchange ex) {
    Optional<String> sid = sessionId(ex);
    if (sid.isEmpty()) {
      return new SessionGate(null, null, Response.error(401, "not logged in"));
    }
    AuthResult check = sessions.authenticate(new SessionCookie(sid.get()));
    if (check.failure().isPresent()) {
      return new SessionGate(null, null, sessionFailure(check.failure().get()));
    }
    // checkCsrf throws StoreUnavailableException on an outage, which the server answers 503.
    if (!sessions.checkCsrf(sid.get(), ex.getRequestHeaders().getFirst("X-CSRF-Token"))) {
      return new SessionGate(null, null, Response.error(403, "missing or invalid CSRF token"));
    }
    return new SessionGate(sid.get(), check.principal().orElseThrow(), null);
  }

  private SetCookie sessionCookie(String value) {
    // SetCookie refuses a __Host- cookie without Secure, with a Domain or a Path other than "/".
    return SetCookie.builder(sessionCookieName, value)
        .httpOnly(true)
        .secure(settings.cookieSecure())
        .sameSite(SetCookie.SameSite.LAX)
        .path("/")
        .build();
  }

  /** The session cookie under this server's name only: a plain "sid" is no secure session. */
  private Optional<String> sessionId(HttpExchange ex) {
    List<String> headers = ex.getRequestHeaders().get("Cookie");
    if (headers == null) {
      return Optional.empty();
    }
    for (String header : headers) {
      Optional<String> value = Cookies.read(header, sessionCookieName);
      if (value.isPresent()) {
        return value;
      }
    }
    return Optional.empty();
  }

  private static Response sessionFailure(AuthResult.Failure failure) {
    return failure.reason() == AuthResult.Reason.UNAVAILABLE
        ? Response.unavailable()
        : Response.error(401, "not logged in");
  }

  // --- tokens -----------------------------------------------------------------------------------

  private Response tokenLogin(HttpExchange ex) throws IOException {
    Login login = readLogin(ex);
    if (login.error != null) {
      return login.error;
    }
    return login
        .authenticate(passwords, clientAddress(ex))
        .fold(principal -> tokenPair(refresh.login(principal)), this::passwordFailure);
  }

  private Response tokenProfile(HttpExchange ex) {
    return bearer(ex).fold(DemoServer::profile, failure -> bearerFailure(ex, failure));
  }

  private Response tokenRefresh(HttpExchange ex) {
    JsonBody body = JsonHttpServer.jsonBody(ex);
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
                      Math.max(1, (Duration.between(clock.instant(), at).toMillis() + 999) / 1000))
              .orElse(1L);
      return Response.error(429, "too many refreshes")
          .header("Retry-After", Long.toString(seconds));
    }
    return refused.reason() == AuthResult.Reason.UNAVAILABLE
        ? Response.unavailable()
        : Response.error(401, "invalid refresh token");
  }

  private Response tokenLogout(HttpExchange ex) throws IOException {
    Optional<BearerHeaderValue> header = bearerValue(ex);
    Optional<AuthResult.Failure> refused = bearer(ex).failure();
    if (refused.isPresent()) {
      return bearerFailure(ex, refused.get());
    }
    JsonBody body = JsonHttpServer.optionalJsonBody(ex);
    if (body.refusal() != null) {
      return body.refusal();
    }
    Json.string(body.object(), "refresh_token").ifPresent(refresh::logout);
    // A success means the header held a bearer token. The bearer alone ends the refresh family it
    // came from, and with it every access token of that family.
    String bearer = header.orElseThrow().value;
    refresh.logoutByAccessToken(bearer);
    tokens.revoke(bearer);
    return Response.json(200, Map.of("status", "logged out"));
  }

  private Response logoutEverywhere(HttpExchange ex) {
    String subject;
    Optional<BearerHeaderValue> header = bearerValue(ex);
    if (header.isPresent()) {
      AuthResult result = tokens.verify(header.get().value);
      if (result.failure().isPresent()) {
        return bearerFailure(ex, result.failure().get());
      }
      subject = result.principal().orElseThrow().subject();
    } else {
      SessionGate gate = csrfProtectedSession(ex);
      if (gate.refusal != null) {
        return gate.refusal;
      }
      subject = gate.principal.subject();
    }
    int ended = sessions.logoutEverywhere(subject);
    // Ends every refresh family first and refuses the access tokens (revokeAll) even when a part
    // fails, then reports the failure.
    refresh.logoutEverywhere(subject);
    Response response =
        Response.json(200, Map.of("status", "logged out everywhere", "sessions_ended", ended));
    return header.isPresent()
        ? response
        : response.header("Set-Cookie", sessionCookie("").deletion().toHeaderValue());
  }

  private Response tokenPair(RefreshTokens.TokenPair pair) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", pair.accessToken());
    body.put("refresh_token", pair.refreshToken());
    body.put("token_type", "Bearer");
    body.put("expires_in", pair.expiresIn(clock));
    return Response.json(200, body).header("Cache-Control", "no-store");
  }

  private record BearerHeaderValue(String value) {
    @Override
    public String toString() {
      return "BearerHeaderValue[<redacted>]";
    }
  }

  private static Optional<BearerHeaderValue> bearerValue(HttpExchange ex) {
    String header = ex.getRequestHeaders().getFirst("Authorization");
    if (header == null) {
      return Optional.empty();
    }
    return BearerHeader.parse(header).token().map(t -> new BearerHeaderValue(t.value()));
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
  private static Response bearerFailure(HttpExchange ex, AuthResult.Failure failure) {
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

  // --- misc -------------------------------------------------------------------------------------

  private Response jwks() {
    return Response.raw(200, tokens.keyRing().publicJwkSetJson(), "application/jwk-set+json");
  }

  private Response health() {
    Map<String, Object> body = new LinkedHashMap<>();
    boolean reachable = stores.reachable();
    body.put("status", reachable ? "ok" : "unavailable");
    body.put("store", stores.name());
    if (reachable) {
      return Response.json(200, body);
    }
    body.put("error", "unavailable");
    return Response.json(503, body).storeDown();
  }

  private static Response profile(Principal principal) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("username", principal.subject());
    body.put("roles", new TreeSet<>(principal.roles()));
    return Response.json(200, body);
  }

  private Response passwordFailure(AuthResult.Failure failure) {
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

  /** A parsed login body, or the error to answer with. */
  private static final class Login {
    final String username;
    final char[] password;
    final Response error;

    Login(String username, char[] password, Response error) {
      this.username = username;
      this.password = password;
      this.error = error;
    }

    AuthResult authenticate(PasswordAuthenticator passwords, String clientAddress) {
      PasswordCredentials credentials = PasswordCredentials.of(username, password, clientAddress);
      try {
        return passwords.authenticate(credentials);
      } finally {
        credentials.wipe();
      }
    }
  }

  private Login readLogin(HttpExchange ex) {
    JsonBody body = JsonHttpServer.jsonBody(ex);
    if (body.refusal() != null) {
      return new Login(null, null, body.refusal());
    }
    Optional<String> username = Json.string(body.object(), "username");
    Optional<String> password = Json.string(body.object(), "password");
    if (username.isEmpty() || password.isEmpty()) {
      return new Login(
          null, null, Response.error(400, "username and password are required strings"));
    }
    return new Login(username.get(), password.get().toCharArray(), null);
  }

  private static String clientAddress(HttpExchange ex) {
    return ex.getRemoteAddress().getAddress().getHostAddress();
  }

  private static byte[] derive(byte[] secret, String label) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is required on every Java platform", e);
    }
  }
}

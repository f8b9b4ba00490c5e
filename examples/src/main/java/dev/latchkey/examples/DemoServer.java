package dev.latchkey.examples;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.BcryptPasswordHasher;
import dev.latchkey.core.BearerHeader;
import dev.latchkey.core.Cookies;
import dev.latchkey.core.CsrfTokens;
import dev.latchkey.core.HashedId;
import dev.latchkey.core.InMemoryUserDirectory;
import dev.latchkey.core.OpaqueIds;
import dev.latchkey.core.PasswordAuthenticator;
import dev.latchkey.core.PasswordCredentials;
import dev.latchkey.core.PasswordHasher;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.SetCookie;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.UserAccount;
import dev.latchkey.session.LoginOutcome;
import dev.latchkey.session.SessionCheck;
import dev.latchkey.session.SessionManager;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.RefreshTokens;
import dev.latchkey.token.SigningKey;
import dev.latchkey.token.SigningAlgorithm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The demo: an HTTP server on the JDK's built-in {@code HttpServer} that shows session login and
 * token login side by side, with logout, refresh rotation, revocation and "log out everywhere".
 * In-memory stores by default, Redis when {@code REDIS_URL} is set; see the README for the routes.
 *
 * <p>Run: {@code mvn -B -q package -DskipTests && java -jar examples/target/latchkey-demo.jar}.
 */
public final class DemoServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(DemoServer.class.getName());
  private static final int MAX_BODY_BYTES = 16 * 1024;

  static {
    // Without TCP_NODELAY the JDK server's small keep-alive responses wait on Nagle's algorithm
    // and the client's delayed ACK: 40 ms per request. Read when HttpServer first loads.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }
  static final String SESSION_COOKIE = "sid";

  /**
   * What the demo runs with.
   *
   * @param port the port to listen on, 0 for any free one
   * @param redisUrl the Redis URL, or {@code null} for in-memory stores
   * @param jwtSecret the shared HMAC secret (at least 32 bytes), or {@code null} to generate one
   * @param cookieSecure whether cookies carry {@code Secure}
   * @param bcryptCost the bCrypt cost of the seeded users' hashes
   * @param clock the clock every component uses
   */
  public record Settings(
      int port, String redisUrl, String jwtSecret, boolean cookieSecure, int bcryptCost, Clock clock) {

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
      return "Settings[port=" + port + ", store=" + (redisUrl == null ? "memory" : "redis")
          + ", jwtSecret=" + (jwtSecret == null ? "generated" : "<redacted>")
          + ", cookieSecure=" + cookieSecure + "]";
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final DemoStores stores;
  private final Settings settings;
  private final Clock clock;
  private final PasswordAuthenticator passwords;
  private final SessionManager sessions;
  private final JwtTokenService tokens;
  private final RefreshTokens refresh;
  private final CsrfTokens csrf;

  private DemoServer(Settings settings, DemoStores stores, byte[] secret) throws IOException {
    this.settings = settings;
    this.stores = stores;
    this.clock = settings.clock();

    PasswordHasher hasher = BcryptPasswordHasher.withCost(settings.bcryptCost());
    InMemoryUserDirectory users = InMemoryUserDirectory.create();
    users.add(new UserAccount(
        "admin", Principal.of("admin", java.util.Set.of("admin", "user")),
        hasher.hash("password123".toCharArray())));
    users.add(new UserAccount(
        "alice", Principal.of("alice", java.util.Set.of("user")),
        hasher.hash("wonderland".toCharArray())));
    this.passwords = PasswordAuthenticator.builder(users, hasher)
        .throttle(stores.throttle())
        .clock(clock)
        .build();
    this.sessions = SessionManager.builder(stores.sessions())
        .idleTimeout(Duration.ofMinutes(30))
        .absoluteTimeout(Duration.ofHours(8))
        .clock(clock)
        .build();
    this.tokens = JwtTokenService.builder(
            KeyRing.of(SigningKey.hmac("demo-hs256", secret, SigningAlgorithm.HS256)), "latchkey-demo", "latchkey-demo")
        .accessTokenLifetime(Duration.ofMinutes(15))
        .revocationList(stores.revocations())
        .clock(clock)
        .build();
    this.refresh = RefreshTokens.builder(tokens, stores.refreshTokens())
        .clock(clock)
        .build();
    // Separate keys for separate jobs: the CSRF key is derived from the shared secret, so every
    // node of a fleet checks every node's CSRF tokens, yet a JWT key never signs CSRF tokens.
    this.csrf = CsrfTokens.withKey(derive(secret, "latchkey-demo csrf"));

    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", settings.port()), 128);
    this.executor = Executors.newFixedThreadPool(16);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
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

  public static void main(String[] args) throws IOException {
    Settings settings;
    try {
      settings = Settings.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    DemoServer demo = start(settings);
    Runtime.getRuntime().addShutdownHook(new Thread(demo::close));
    System.out.println("Latchkey demo on http://127.0.0.1:" + demo.port() + " (" + settings + ")");
    System.out.println("users: admin/password123 (admin, user), alice/wonderland (user)");
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stores.close();
  }

  // ---------------------------------------------------------------------------------------------

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Response response;
      try {
        response = route(exchange);
      } catch (StoreUnavailableException e) {
        response = Response.error(503, "unavailable");
      } catch (RuntimeException e) {
        // The class only: a message might carry request data.
        LOG.log(System.Logger.Level.ERROR, "request failed: " + e.getClass().getName());
        response = Response.error(500, "internal error");
      }
      response.send(exchange);
    }
  }

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
    if (!(result instanceof AuthResult.Success success)) {
      return passwordFailure((AuthResult.Failure) result);
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("client_address", clientAddress(ex));
    String agent = ex.getRequestHeaders().getFirst("User-Agent");
    if (agent != null) {
      attributes.put("user_agent", agent.length() > 256 ? agent.substring(0, 256) : agent);
    }
    LoginOutcome outcome = sessions.login(success.principal(), attributes);
    if (!(outcome instanceof LoginOutcome.Created created)) {
      return Response.error(409, "too many sessions");
    }
    HashedId hashed = OpaqueIds.parse(created.id()).orElseThrow();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("username", success.principal().subject());
    body.put("csrf_token", csrf.issue(hashed));
    return Response.json(200, body).header("Set-Cookie", sessionCookie(created.id()).toHeaderValue());
  }

  private Response sessionProfile(HttpExchange ex) {
    Optional<String> sid = sessionId(ex);
    if (sid.isEmpty()) {
      return Response.error(401, "not logged in");
    }
    SessionCheck check = sessions.check(new SessionCookie(sid.get()));
    if (check instanceof SessionCheck.Active active) {
      return profile(active.principal());
    }
    return sessionFailure(((SessionCheck.Rejected) check).failure());
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
    SessionCheck check = sessions.check(new SessionCookie(sid.get()));
    if (check instanceof SessionCheck.Rejected rejected) {
      return new SessionGate(null, null, sessionFailure(rejected.failure()));
    }
    if (!csrfValid(ex, sid.get())) {
      return new SessionGate(null, null, Response.error(403, "missing or invalid CSRF token"));
    }
    return new SessionGate(sid.get(), ((SessionCheck.Active) check).principal(), null);
  }

  private boolean csrfValid(HttpExchange ex, String sid) {
    String token = ex.getRequestHeaders().getFirst("X-CSRF-Token");
    Optional<HashedId> hashed = OpaqueIds.parse(sid);
    return token != null && hashed.isPresent() && csrf.verify(hashed.get(), token);
  }

  private SetCookie sessionCookie(String value) {
    return SetCookie.builder(SESSION_COOKIE, value)
        .httpOnly(true)
        .secure(settings.cookieSecure())
        .sameSite(SetCookie.SameSite.LAX)
        .path("/")
        .build();
  }

  private static Optional<String> sessionId(HttpExchange ex) {
    List<String> headers = ex.getRequestHeaders().get("Cookie");
    if (headers == null) {
      return Optional.empty();
    }
    for (String header : headers) {
      Optional<String> value = Cookies.read(header, SESSION_COOKIE);
      if (value.isPresent()) {
        return value;
      }
    }
    return Optional.empty();
  }

  private static Response sessionFailure(AuthResult.Failure failure) {
    return failure.reason() == AuthResult.Reason.UNAVAILABLE
        ? Response.error(503, "unavailable")
        : Response.error(401, "not logged in");
  }

  // --- tokens -----------------------------------------------------------------------------------

  private Response tokenLogin(HttpExchange ex) throws IOException {
    Login login = readLogin(ex);
    if (login.error != null) {
      return login.error;
    }
    AuthResult result = login.authenticate(passwords, clientAddress(ex));
    if (!(result instanceof AuthResult.Success success)) {
      return passwordFailure((AuthResult.Failure) result);
    }
    return tokenPair(refresh.login(success.principal()));
  }

  private Response tokenProfile(HttpExchange ex) {
    AuthResult result = bearer(ex);
    if (result instanceof AuthResult.Success success) {
      return profile(success.principal());
    }
    return bearerFailure((AuthResult.Failure) result);
  }

  private Response tokenRefresh(HttpExchange ex) throws IOException {
    Optional<JsonObject> body = readJson(ex);
    if (body.isEmpty()) {
      return Response.error(400, "body must be a JSON object");
    }
    Optional<String> token = Json.string(body.get(), "refresh_token");
    if (token.isEmpty()) {
      return Response.error(400, "refresh_token is required");
    }
    RefreshTokens.Result result = refresh.refresh(token.get());
    if (result instanceof RefreshTokens.Result.Refreshed refreshed) {
      return tokenPair(refreshed.tokens());
    }
    RefreshTokens.Result.Refused refused = (RefreshTokens.Result.Refused) result;
    if (refused.reason() == AuthResult.Reason.LOCKED) {
      // The family's rotation limit: nothing changed, the same refresh token works later.
      long seconds = refused.retryAt()
          .map(at -> Math.max(1, (Duration.between(clock.instant(), at).toMillis() + 999) / 1000))
          .orElse(1L);
      return Response.error(429, "too many refreshes")
          .header("Retry-After", Long.toString(seconds));
    }
    return refused.reason() == AuthResult.Reason.UNAVAILABLE
        ? Response.error(503, "unavailable")
        : Response.error(401, "invalid refresh token");
  }

  private Response tokenLogout(HttpExchange ex) throws IOException {
    Optional<BearerHeaderValue> header = bearerValue(ex);
    AuthResult result = bearer(ex);
    if (result instanceof AuthResult.Failure failure) {
      return bearerFailure(failure);
    }
    String raw = readBody(ex);
    if (raw == null) {
      return Response.error(413, "body too large");
    }
    if (!raw.isBlank()) {
      Optional<JsonObject> body = Json.parseObject(raw);
      if (body.isEmpty()) {
        return Response.error(400, "body must be a JSON object");
      }
      Json.string(body.get(), "refresh_token").ifPresent(refresh::logout);
    }
    // A success means the header held a bearer token.
    tokens.revoke(header.orElseThrow().value);
    return Response.json(200, Map.of("status", "logged out"));
  }

  private Response logoutEverywhere(HttpExchange ex) {
    String subject;
    Optional<BearerHeaderValue> header = bearerValue(ex);
    if (header.isPresent()) {
      AuthResult result = tokens.verify(header.get().value);
      if (!(result instanceof AuthResult.Success success)) {
        return bearerFailure((AuthResult.Failure) result);
      }
      subject = success.principal().subject();
    } else {
      SessionGate gate = csrfProtectedSession(ex);
      if (gate.refusal != null) {
        return gate.refusal;
      }
      subject = gate.principal.subject();
    }
    int ended = sessions.logoutEverywhere(subject);
    tokens.revokeAll(subject);
    refresh.logoutEverywhere(subject);
    Response response = Response.json(200, Map.of("status", "logged out everywhere", "sessions_ended", ended));
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
    BearerHeader parsed = BearerHeader.parse(header);
    if (parsed instanceof BearerHeader.Malformed malformed) {
      return malformed.failure();
    }
    Optional<dev.latchkey.core.BearerToken> token = parsed.token();
    if (token.isEmpty()) {
      return AuthResult.failure(AuthResult.Reason.INVALID_CREDENTIALS, "no bearer token");
    }
    return tokens.authenticator().authenticate(token.get());
  }

  private static Response bearerFailure(AuthResult.Failure failure) {
    if (failure.reason() == AuthResult.Reason.UNAVAILABLE) {
      return Response.error(503, "unavailable");
    }
    return Response.error(401, "invalid token")
        .header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
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
    return Response.json(503, body);
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
        yield Response.error(429, "too many failed attempts").header("Retry-After", Long.toString(seconds));
      }
      case UNAVAILABLE -> Response.error(503, "unavailable");
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

  private Login readLogin(HttpExchange ex) throws IOException {
    Optional<JsonObject> body = readJson(ex);
    if (body.isEmpty()) {
      return new Login(null, null, Response.error(400, "body must be a JSON object"));
    }
    Optional<String> username = Json.string(body.get(), "username");
    Optional<String> password = Json.string(body.get(), "password");
    if (username.isEmpty() || password.isEmpty()) {
      return new Login(null, null, Response.error(400, "username and password are required strings"));
    }
    return new Login(username.get(), password.get().toCharArray(), null);
  }

  /** The body as a JSON object; empty when it is not one or is larger than we read. */
  private static Optional<JsonObject> readJson(HttpExchange ex) throws IOException {
    String body = readBody(ex);
    return body == null ? Optional.empty() : Json.parseObject(body);
  }

  /** The body as UTF-8, or {@code null} when it is larger than {@link #MAX_BODY_BYTES}. */
  private static String readBody(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[4096];
      int n;
      while ((n = in.read(buffer)) != -1) {
        if (out.size() + n > MAX_BODY_BYTES) {
          return null;
        }
        out.write(buffer, 0, n);
      }
      return out.toString(StandardCharsets.UTF_8);
    }
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

  /** A response to send: status, headers, JSON body. */
  static final class Response {
    final int status;
    final String body;
    final String contentType;
    final Map<String, String> headers = new LinkedHashMap<>();

    private Response(int status, String body, String contentType) {
      this.status = status;
      this.body = body;
      this.contentType = contentType;
    }

    static Response json(int status, Object body) {
      return new Response(status, Json.write(body), "application/json");
    }

    static Response raw(int status, String body, String contentType) {
      return new Response(status, body, contentType);
    }

    static Response error(int status, String message) {
      return json(status, Map.of("error", message));
    }

    Response header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    void send(HttpExchange ex) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", contentType + "; charset=utf-8");
      ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
      boolean head = "HEAD".equals(ex.getRequestMethod());
      ex.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }
}

package dev.latchkey.examples.demo;

import com.sun.net.httpserver.HttpExchange;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.StoreUnavailableException;
import java.io.IOException;
import java.net.BindException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The demo: an HTTP server on the JDK's built-in {@code HttpServer} that shows session login and
 * token login side by side, with logout, refresh rotation, revocation and "log out everywhere".
 * In-memory stores by default, Redis when {@code REDIS_URL} is set; see the README for the routes.
 *
 * <p>The parts: {@link DemoSettings} (the environment), {@code DemoWiring} (the services on their
 * stores), {@code SessionRoutes} and {@code TokenRoutes}, and {@code JsonHttpServer} (time and
 * concurrency bounds, the cross-site and content-type gates, body limits, error answers). This
 * class starts them and maps paths to routes.
 *
 * <p>Run: {@code mvn -B -q package -DskipTests && java -jar examples/target/latchkey-demo.jar}.
 */
public final class DemoServer implements AutoCloseable {
  private static final Duration STORE_PROBE_INTERVAL = Duration.ofSeconds(1);

  private final JsonHttpServer server;
  private final StoreWatch storeWatch;
  private final DemoWiring wiring;
  private final SessionRoutes sessionRoutes;
  private final TokenRoutes tokenRoutes;

  private DemoServer(DemoSettings settings, DemoStores stores, byte[] secret) throws IOException {
    this.wiring = new DemoWiring(settings, stores, secret);
    this.sessionRoutes = new SessionRoutes(wiring);
    this.tokenRoutes = new TokenRoutes(wiring);
    this.storeWatch = new StoreWatch(stores.name(), stores::reachable, STORE_PROBE_INTERVAL);
    try {
      this.server = JsonHttpServer.start(settings.port(), this::route, storeWatch::unavailable);
    } catch (IOException | RuntimeException e) {
      storeWatch.close();
      throw e;
    }
  }

  /**
   * Starts a server with {@code settings}.
   *
   * @throws IOException when the port cannot be had
   * @throws IllegalArgumentException when {@code JWT_SECRET} is too short or the Redis URL is
   *     malformed
   * @throws StoreUnavailableException when the Redis store cannot be reached
   */
  public static DemoServer start(DemoSettings settings) throws IOException {
    byte[] secret = settings.secret();
    DemoStores stores =
        settings.redisUrl() == null
            ? DemoStores.inMemory(settings.clock())
            : DemoStores.redis(settings.redisUrl(), settings.clock());
    return start(settings, stores, secret);
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
    wiring.stores.close();
  }

  private Response route(HttpExchange ex) {
    String path = ex.getRequestURI().getPath();
    String method = ex.getRequestMethod();
    return switch (path) {
      case "/session-login" -> post(method) ? sessionRoutes.login(ex) : notAllowed("POST");
      case "/session-profile" -> get(method) ? sessionRoutes.profile(ex) : notAllowed("GET");
      case "/session-logout" -> post(method) ? sessionRoutes.logout(ex) : notAllowed("POST");
      case "/token-login" -> post(method) ? tokenRoutes.login(ex) : notAllowed("POST");
      case "/token-profile" -> get(method) ? tokenRoutes.profile(ex) : notAllowed("GET");
      case "/token-refresh" -> post(method) ? tokenRoutes.refresh(ex) : notAllowed("POST");
      case "/token-logout" -> post(method) ? tokenRoutes.logout(ex) : notAllowed("POST");
      case "/logout-everywhere" -> post(method) ? logoutEverywhere(ex) : notAllowed("POST");
      case "/.well-known/jwks.json" -> get(method) ? jwks() : notAllowed("GET");
      case "/health" -> get(method) ? health() : notAllowed("GET");
      case "/" -> get(method) ? PageRoutes.asset("index.html") : notAllowed("GET, HEAD");
      case "/app.js" -> get(method) ? PageRoutes.asset("app.js") : notAllowed("GET, HEAD");
      case "/app.css" -> get(method) ? PageRoutes.asset("app.css") : notAllowed("GET, HEAD");
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

  /** By bearer token when the request has one, else by CSRF-protected session. */
  private Response logoutEverywhere(HttpExchange ex) {
    String subject;
    Optional<AuthResult> bearer = tokenRoutes.verifyBearer(ex);
    if (bearer.isPresent()) {
      if (bearer.get().failure().isPresent()) {
        return TokenRoutes.bearerFailure(ex, bearer.get().failure().get());
      }
      subject = bearer.get().principal().orElseThrow().subject();
    } else {
      SessionRoutes.Gate gate = sessionRoutes.csrfProtected(ex);
      if (gate.refusal() != null) {
        return gate.refusal();
      }
      subject = gate.principal().subject();
    }
    int ended = wiring.sessions.logoutEverywhere(subject);
    tokenRoutes.logoutEverywhere(subject);
    Response response =
        Response.json(200, Map.of("status", "logged out everywhere", "sessions_ended", ended));
    return bearer.isPresent() ? response : response.header("Set-Cookie", sessionRoutes.deletion());
  }

  private Response jwks() {
    return Response.raw(
        200, wiring.tokens.keyRing().publicJwkSetJson(), "application/jwk-set+json");
  }

  private Response health() {
    Map<String, Object> body = new LinkedHashMap<>();
    boolean reachable = wiring.stores.reachable();
    body.put("status", reachable ? "ok" : "unavailable");
    body.put("store", wiring.stores.name());
    if (reachable) {
      return Response.json(200, body);
    }
    body.put("error", "unavailable");
    return Response.json(503, body).storeDown();
  }
}

package dev.latchkey.examples.demo;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.latchkey.core.OriginCheck;
import dev.latchkey.core.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The demo's HTTP plumbing on the JDK's {@code HttpServer}: every request is bounded, gated, read
 * and answered here, so that the routes ({@link SessionRoutes}, {@link TokenRoutes} and {@link
 * DemoServer}'s own) deal only with authentication. Every refusal is a JSON error, {@code {"error":
 * "..."}} ({@link Response}).
 *
 * <p>What a slow or hostile client can hold:
 *
 * <ul>
 *   <li><b>Request time.</b> From the first byte of a request until its body is read: at most
 *       {@value #REQUEST_SECONDS} s; from then until the answer is written: at most {@value
 *       #RESPONSE_SECONDS} s. The JDK server closes a connection that exceeds either (its {@code
 *       sun.net.httpserver.maxReqTime} / {@code maxRspTime}, checked every second), which frees the
 *       thread blocked on it.
 *   <li><b>Connection threads.</b> The JDK server reads a request's line and headers on an executor
 *       thread, so a stalled client holds one thread. At most {@value #CONNECTION_THREADS} requests
 *       are read or handled at once; beyond that a connection is closed at once, never queued. At
 *       most {@value #MAX_CONNECTIONS} connections are open.
 *   <li><b>In-flight requests.</b> At most {@value #IN_FLIGHT} requests run their route at once
 *       (bCrypt and store calls: the scarce resources); one more waits at most {@value
 *       #IN_FLIGHT_WAIT_MILLIS} ms, then is answered 503 with {@code Retry-After}.
 *   <li><b>Body.</b> At most {@value #MAX_BODY_BYTES} bytes, read before a route runs (so a slow
 *       body never holds an in-flight slot): 413 beyond.
 * </ul>
 *
 * <p>Gates: a state-changing method ({@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE}, any
 * method but {@code GET}, {@code HEAD}, {@code OPTIONS}, {@code TRACE}) from another site is
 * refused 403 by {@link OriginCheck}; a route reading a body refuses 415 unless it is {@code
 * application/json} (see {@link JsonBodies}). Safe for concurrent use once started.
 */
final class JsonHttpServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(JsonHttpServer.class.getName());

  static final int MAX_BODY_BYTES = 16 * 1024;

  /** A body over the limit but under this is read and dropped, so the 413 reaches the client. */
  static final int DISCARD_BYTES = 1024 * 1024;

  static final int REQUEST_SECONDS = 5;
  static final int RESPONSE_SECONDS = 15;
  static final int CONNECTION_THREADS = 200;
  static final int MAX_CONNECTIONS = 512;
  static final int IN_FLIGHT = 16;
  static final long IN_FLIGHT_WAIT_MILLIS = 500;

  /** Seconds an overloaded server asks a client to wait. */
  static final int OVERLOAD_RETRY_SECONDS = 1;

  /** Seconds a client is asked to wait while the store is unreachable (one client timeout). */
  static final int STORE_RETRY_SECONDS = 2;

  /** The exchange attribute holding the request body that {@link JsonBodies} reads. */
  static final String BODY_ATTRIBUTE = "dev.latchkey.examples.body";

  static {
    // JVM-wide and read once, when the JDK server's implementation first loads (so before any
    // HttpServer of this JVM is created); a value set on the command line (-D) wins. Without
    // TCP_NODELAY the small keep-alive answers wait on Nagle's algorithm
    // and the client's delayed ACK (40 ms each); without the time limits a client that sends half
    // a request holds a thread forever.
    setDefault("sun.net.httpserver.nodelay", "true");
    setDefault("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
    setDefault("sun.net.httpserver.maxRspTime", Integer.toString(RESPONSE_SECONDS));
    setDefault("jdk.httpserver.maxConnections", Integer.toString(MAX_CONNECTIONS));
  }

  /** What the server calls for a request that passed the gates. */
  @FunctionalInterface
  interface Router {
    /** The answer to {@code exchange}; a {@link StoreUnavailableException} becomes a 503. */
    Response route(HttpExchange exchange) throws IOException;
  }

  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final Semaphore inFlight = new Semaphore(IN_FLIGHT, true);
  private final OriginCheck origins;
  private final Router router;
  private final Runnable onStoreUnavailable;

  private JsonHttpServer(int port, Router router, Runnable onStoreUnavailable) throws IOException {
    this.router = router;
    this.onStoreUnavailable = onStoreUnavailable;
    try {
      this.server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
    } catch (BindException e) {
      throw new BindException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
    }
    int bound = server.getAddress().getPort();
    // Browsers send Sec-Fetch-Site or Origin on every cross-site POST; curl and the tests send
    // neither and cannot be driven by another site. Old browsers that send neither still cannot
    // post cross-site JSON: application/json needs a CORS preflight this server never grants.
    this.origins =
        OriginCheck.builder("http://127.0.0.1:" + bound, "http://localhost:" + bound)
            .allowMissingHeaders(true)
            .build();
    // No queue: a request beyond the threads is refused (the JDK server closes its connection)
    // instead of waiting behind stalled clients.
    this.executor =
        new ThreadPoolExecutor(
            IN_FLIGHT, CONNECTION_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>());
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Starts a server on 127.0.0.1:{@code port} (0: any free port).
   *
   * @param onStoreUnavailable called once per answer saying the store is unreachable
   * @throws BindException when the port cannot be had, with a message naming it
   */
  static JsonHttpServer start(int port, Router router, Runnable onStoreUnavailable)
      throws IOException {
    return new JsonHttpServer(port, router, onStoreUnavailable);
  }

  int port() {
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
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Response response;
      try {
        response = gateAndRoute(exchange);
      } catch (StoreUnavailableException e) {
        response = Response.unavailable();
      } catch (RuntimeException e) {
        // The class only: a message might carry request data.
        LOG.log(System.Logger.Level.ERROR, "request failed: " + e.getClass().getName());
        response = Response.error(500, "internal error");
      }
      if (response.storeUnavailable()) {
        onStoreUnavailable.run();
      }
      response.send(exchange);
    }
  }

  private Response gateAndRoute(HttpExchange ex) throws IOException {
    Headers headers = ex.getRequestHeaders();
    if (!origins.allows(
        ex.getRequestMethod(), headers.getFirst("Sec-Fetch-Site"), headers.getFirst("Origin"))) {
      return Response.error(403, "cross-site request refused");
    }
    Optional<Response> tooLarge = readBody(ex);
    if (tooLarge.isPresent()) {
      return tooLarge.get();
    }
    boolean admitted;
    try {
      admitted = inFlight.tryAcquire(IN_FLIGHT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      admitted = false;
    }
    if (!admitted) {
      return Response.error(503, "overloaded")
          .header("Retry-After", Integer.toString(OVERLOAD_RETRY_SECONDS));
    }
    try {
      return router.route(ex);
    } finally {
      inFlight.release();
    }
  }

  /**
   * Reads the whole body into the exchange (for {@link JsonBodies}); a 413 when it is larger than
   * {@link #MAX_BODY_BYTES}, refused by its {@code Content-Length} before a byte is read.
   */
  private static Optional<Response> readBody(HttpExchange ex) throws IOException {
    Headers headers = ex.getRequestHeaders();
    String length = headers.getFirst("Content-Length");
    if (length == null && !headers.containsKey("Transfer-Encoding")) {
      return Optional.empty(); // no body (a GET): nothing to read or allocate
    }
    if (length != null && parse(length) > DISCARD_BYTES) {
      return Optional.of(tooLarge());
    }
    try (InputStream in = ex.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        // Closing a socket with unread bytes makes TCP reset it, which can destroy the 413 before
        // the client reads it: read and drop a bounded rest (within the request deadline).
        byte[] drop = new byte[8192];
        long dropped = 0;
        int n;
        while (dropped < DISCARD_BYTES && (n = in.read(drop)) != -1) {
          dropped += n;
        }
        return Optional.of(tooLarge());
      }
      ex.setAttribute(BODY_ATTRIBUTE, body);
      return Optional.empty();
    }
  }

  private static long parse(String digits) {
    try {
      return Long.parseLong(digits.trim());
    } catch (NumberFormatException e) {
      return 0; // the JDK server refuses a malformed Content-Length before we see it
    }
  }

  private static Response tooLarge() {
    // The rest of the body stays unread: the connection cannot carry another request.
    return Response.error(413, "body too large").header("Connection", "close");
  }

  private static void setDefault(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }
}

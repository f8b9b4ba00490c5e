package dev.latchkey.examples.demo;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.latchkey.core.OriginCheck;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.web.WebRequest;
import dev.latchkey.web.WebResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The demo's HTTP plumbing on the JDK's {@code HttpServer}: every request is bounded, gated and
 * read here, then answered with its route's {@link WebResponse}. A client has {@value
 * #REQUEST_SECONDS} s to send a request and {@value #RESPONSE_SECONDS} s to take the answer, else
 * the JDK server closes the connection, freeing its thread. At most {@value #CONNECTION_THREADS}
 * requests are read or run at once (a stalled client holds one): beyond that a connection is
 * closed, never queued. At most {@value #IN_FLIGHT} run their route (bCrypt, store calls) at once;
 * one more waits {@value #IN_FLIGHT_WAIT_MILLIS} ms, then gets 503 with {@code Retry-After}. A body
 * is read whole before the route runs (a slow body holds no in-flight slot): 413 past {@value
 * #MAX_BODY_BYTES} bytes. A state-changing method from another site is refused 403 ({@link
 * OriginCheck}) before its body is read.
 */
final class JsonHttpServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(JsonHttpServer.class.getName());
  static final int MAX_BODY_BYTES = 16 * 1024;
  static final int DISCARD_BYTES = 1024 * 1024; // read and dropped, so a 413 reaches the client
  static final int REQUEST_SECONDS = 5;
  static final int RESPONSE_SECONDS = 15;
  static final int CONNECTION_THREADS = 200;
  static final int MAX_CONNECTIONS = 512;
  static final int IN_FLIGHT = 16;
  static final long IN_FLIGHT_WAIT_MILLIS = 500;
  static final String STORE_RETRY_SECONDS = "2"; // one client timeout
  static final WebResponse UNAVAILABLE =
      error(503, "unavailable").withHeader("Retry-After", STORE_RETRY_SECONDS);
  private static final WebResponse OVERLOADED =
      error(503, "overloaded").withHeader("Retry-After", "1");
  // The rest of the body stays unread: the connection cannot carry another request.
  private static final WebResponse TOO_LARGE =
      error(413, "body too large").withHeader("Connection", "close");

  static {
    // JVM-wide, read when the JDK server's implementation first loads; a -D value wins. Without
    // TCP_NODELAY small keep-alive answers wait on Nagle and the client's delayed ACK; without the
    // time limits a client that sends half a request holds a thread forever.
    setDefault("sun.net.httpserver.nodelay", "true");
    setDefault("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
    setDefault("sun.net.httpserver.maxRspTime", Integer.toString(RESPONSE_SECONDS));
    setDefault("jdk.httpserver.maxConnections", Integer.toString(MAX_CONNECTIONS));
  }

  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final Semaphore inFlight = new Semaphore(IN_FLIGHT, true);
  private final OriginCheck origins;
  private final Runnable onStoreUnavailable;

  /** Binds 127.0.0.1:{@code port} (0: any free one); {@code onStoreUnavailable} hears 503s. */
  JsonHttpServer(int port, Runnable onStoreUnavailable) throws IOException {
    this.onStoreUnavailable = onStoreUnavailable;
    try {
      this.server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
    } catch (BindException e) {
      throw new BindException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
    }
    // Browsers send Sec-Fetch-Site or Origin on every cross-site POST; curl and the tests send
    // neither and cannot be driven by another site.
    String[] own = origins();
    this.origins = OriginCheck.builder(own[0], own[1]).allowMissingHeaders(true).build();
    // No queue: a request beyond the threads is refused instead of waiting behind stalled ones.
    this.executor =
        new ThreadPoolExecutor(
            IN_FLIGHT, CONNECTION_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>());
    server.setExecutor(executor);
  }

  /** {@return this server's origins}, the only pages that may send it state-changing requests */
  String[] origins() {
    return new String[] {"http://127.0.0.1:" + port(), "http://localhost:" + port()};
  }

  /** Answers every request with {@code router}; a {@link StoreUnavailableException} is a 503. */
  void serve(Function<WebRequest, WebResponse> router) {
    server.createContext("/", ex -> handle(ex, router));
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  static WebResponse error(int status, String message) {
    return WebResponse.json(status, Map.of("error", message));
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange ex, Function<WebRequest, WebResponse> router)
      throws IOException {
    try (ex) {
      WebResponse response;
      try {
        response = gateAndRoute(ex, router);
      } catch (StoreUnavailableException e) {
        response = UNAVAILABLE;
      } catch (RuntimeException e) {
        // The class only: a message might carry request data.
        LOG.log(System.Logger.Level.ERROR, "request failed: " + e.getClass().getName());
        response = error(500, "internal error");
      }
      if (response.status() == 503 && !response.equals(OVERLOADED)) {
        onStoreUnavailable.run();
      }
      send(ex, response);
    }
  }

  private WebResponse gateAndRoute(HttpExchange ex, Function<WebRequest, WebResponse> router)
      throws IOException {
    Headers headers = ex.getRequestHeaders();
    if (!origins.allows(
        ex.getRequestMethod(), headers.getFirst("Sec-Fetch-Site"), headers.getFirst("Origin"))) {
      return error(403, "cross-site request refused");
    }
    byte[] body = readBody(ex, headers);
    if (body == null) {
      return TOO_LARGE;
    }
    try {
      if (!inFlight.tryAcquire(IN_FLIGHT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        return OVERLOADED;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OVERLOADED;
    }
    try {
      return router.apply(new ExchangeRequest(ex, new ByteArrayInputStream(body)));
    } finally {
      inFlight.release();
    }
  }

  /** The whole body, or {@code null} past {@link #MAX_BODY_BYTES} (by its length, if declared). */
  private static byte[] readBody(HttpExchange ex, Headers headers) throws IOException {
    String length = headers.getFirst("Content-Length");
    if (length == null && !headers.containsKey("Transfer-Encoding")) {
      return new byte[0]; // no body (a GET): nothing to read or allocate
    }
    if (length != null && parse(length) > DISCARD_BYTES) {
      return null;
    }
    try (InputStream in = ex.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      if (body.length <= MAX_BODY_BYTES) {
        return body;
      }
      // Closing a socket with unread bytes makes TCP reset it, which can destroy the 413 before
      // the client reads it: read and drop a bounded rest (within the request deadline).
      byte[] drop = new byte[8192];
      for (long dropped = 0, n = 0; dropped < DISCARD_BYTES && n != -1; dropped += n) {
        n = in.read(drop);
      }
      return null;
    }
  }

  private static long parse(String digits) {
    try {
      return Long.parseLong(digits.trim());
    } catch (NumberFormatException e) {
      return 0; // the JDK server refused it, unless it reads a chunked body instead
    }
  }

  /** Writes status, every header (Set-Cookie may repeat), then the body unless it is a HEAD. */
  private static void send(HttpExchange ex, WebResponse response) throws IOException {
    Headers out = ex.getResponseHeaders();
    out.set("X-Content-Type-Options", "nosniff");
    response.headers().forEach(h -> out.add(h.name(), h.value()));
    if (response.status() == 503 && !out.containsKey("Retry-After")) {
      out.set("Retry-After", "1"); // a 503 says when to come back (RFC 9110 §10.2.3)
    }
    byte[] bytes = response.bodyBytes();
    // To the JDK server a length of 0 means chunked; -1 means no body.
    boolean none = "HEAD".equals(ex.getRequestMethod()) || bytes.length == 0;
    ex.sendResponseHeaders(response.status(), none ? -1 : bytes.length);
    if (!none) {
      try (OutputStream body = ex.getResponseBody()) {
        body.write(bytes);
      }
    }
  }

  private static void setDefault(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }

  /** The exchange as the web layer reads it; its body was read within the limit already. */
  private record ExchangeRequest(HttpExchange ex, InputStream body) implements WebRequest {
    @Override
    public String method() {
      return ex.getRequestMethod();
    }

    @Override
    public String path() {
      return ex.getRequestURI().getPath();
    }

    @Override
    public Optional<String> query() {
      return Optional.ofNullable(ex.getRequestURI().getRawQuery());
    }

    @Override
    public List<String> headers(String name) {
      return ex.getRequestHeaders().getOrDefault(name, List.of()); // names case-insensitive
    }

    @Override
    public String clientAddress() {
      return ex.getRemoteAddress().getAddress().getHostAddress();
    }
  }
}

package dev.latchkey.benchmarks.load;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import dev.latchkey.examples.demo.DemoServer;
import dev.latchkey.examples.demo.DemoSettings;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many requests per second does the demo server sustain on {@code GET /token-profile} (a bearer
 * JWT checked per request) and {@code GET /session-profile} (a session cookie checked per request),
 * against a plain JDK {@code HttpServer} answering the same JSON without any authentication? The
 * ratio is what authentication costs a whole request.
 *
 * <p>Everything runs on loopback in this JVM: the demo with in-memory stores, the plain server with
 * the same executor (16 threads) and the same JSON writer, and a load generator of {@code threads}
 * keep-alive HTTP/1.1 connections (raw sockets: the client must cost as little as possible, since
 * it shares the cores with the servers). Each target gets a warm-up, then a measured window; every
 * loop is bounded in time and in requests, and the process stops by itself. Every answer must be a
 * 200, or the run fails.
 *
 * <p>Prints {@code E2E <target> <requests/s>} per target. Arguments: {@code [seconds] [threads]}
 * (defaults 5 and 8).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.latchkey.benchmarks.load.EndToEndLoad 5 8}
 */
public final class EndToEndLoad {
  private static final long MAX_REQUESTS_PER_WINDOW = 5_000_000;

  private EndToEndLoad() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    if (seconds < 1 || seconds > 60 || threads < 1 || threads > 64) {
      throw new IllegalArgumentException("seconds must be 1..60 and threads 1..64");
    }
    // Without it the JDK server's two writes per response (headers, body) meet Nagle's algorithm
    // and the client's delayed ACK: 40 ms per keep-alive request, for both servers alike.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    DemoSettings settings = new DemoSettings(0, null, null, false, 4, Clock.systemUTC());
    try (DemoServer demo = DemoServer.start(settings)) {
      int port = demo.port();
      String login = "{\"username\":\"alice\",\"password\":\"wonderland\"}";
      Reply session = Reply.send(port, post("/session-login", login));
      String cookie = session.header("set-cookie");
      if (session.status != 200 || cookie == null) {
        throw new IllegalStateException("session login failed: " + session.status);
      }
      String sid = cookie.substring(0, cookie.indexOf(';'));
      Reply token = Reply.send(port, post("/token-login", login));
      String access =
          accessToken(token.body)
              .orElseThrow(() -> new IllegalStateException("token login failed: " + token.status));

      String tokenRequest = get("/token-profile", "Authorization: Bearer " + access);
      String sessionRequest = get("/session-profile", "Cookie: " + sid);
      String profile = Reply.send(port, tokenRequest).body;

      HttpServer plain = plainServer();
      ExecutorService plainExecutor = (ExecutorService) plain.getExecutor();
      try {
        int plainPort = plain.getAddress().getPort();
        String plainRequest = get("/profile", null);
        if (!Reply.send(plainPort, plainRequest).body.equals(profile)) {
          throw new IllegalStateException("the plain server must answer the same JSON");
        }
        // Interleaved: plain, token, session, twice; the best window of each is reported.
        Map<String, Double> best = new LinkedHashMap<>();
        for (int round = 0; round < 2; round++) {
          best.merge("plain", load(plainPort, plainRequest, seconds, threads), Math::max);
          best.merge("token-profile", load(port, tokenRequest, seconds, threads), Math::max);
          best.merge("session-profile", load(port, sessionRequest, seconds, threads), Math::max);
        }
        best.forEach((k, v) -> System.out.println(String.format(Locale.ROOT, "E2E %s %.0f", k, v)));
        System.out.println(
            String.format(
                Locale.ROOT, "E2E-SETTINGS seconds=%d threads=%d rounds=2", seconds, threads));
      } finally {
        plain.stop(0);
        plainExecutor.shutdownNow();
      }
    }
  }

  /** The demo's profile route without authentication: the same JSON, built per request. */
  private static final Gson GSON = new Gson();

  private static Optional<String> accessToken(String body) {
    try {
      JsonElement parsed = JsonParser.parseString(body);
      if (!parsed.isJsonObject()) {
        return Optional.empty();
      }
      JsonObject object = parsed.getAsJsonObject();
      JsonElement token = object.get("access_token");
      return token != null && token.isJsonPrimitive() && token.getAsJsonPrimitive().isString()
          ? Optional.of(token.getAsString())
          : Optional.empty();
    } catch (JsonParseException e) {
      return Optional.empty();
    }
  }

  private static HttpServer plainServer() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    server.setExecutor(Executors.newFixedThreadPool(16));
    server.createContext(
        "/profile",
        ex -> {
          try (ex) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("username", "alice");
            body.put("roles", new TreeSet<>(List.of("user")));
            byte[] bytes = GSON.toJson(body).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(bytes);
            }
          }
        });
    server.start();
    return server;
  }

  /** Requests/s over a measured window of {@code seconds}, after a warm-up of the same length. */
  private static double load(int port, String request, int seconds, int threads) throws Exception {
    run(port, request, seconds, threads); // warm-up
    return run(port, request, seconds, threads);
  }

  private static double run(int port, String request, int seconds, int threads) throws Exception {
    byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
    AtomicBoolean stop = new AtomicBoolean();
    LongAdder done = new LongAdder();
    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < threads; t++) {
      Thread w =
          new Thread(
              () -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                  s.setTcpNoDelay(true);
                  s.setSoTimeout(10_000);
                  OutputStream out = s.getOutputStream();
                  InputStream in = new BufferedInputStream(s.getInputStream(), 8192);
                  while (!stop.get() && done.sum() < MAX_REQUESTS_PER_WINDOW) {
                    out.write(bytes);
                    out.flush();
                    int status = Reply.read(in, null);
                    if (status != 200) {
                      throw new IllegalStateException("status " + status);
                    }
                    done.increment();
                  }
                } catch (IOException | RuntimeException e) {
                  failures.add(e);
                }
              },
              "load-" + t);
      w.setDaemon(true);
      workers.add(w);
    }
    long start = System.nanoTime();
    workers.forEach(Thread::start);
    Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    stop.set(true);
    long count = done.sum();
    long elapsed = System.nanoTime() - start;
    for (Thread w : workers) {
      w.join(15_000);
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("load failed", failures.get(0));
    }
    return count / (elapsed / 1e9);
  }

  private static String get(String path, String header) {
    return "GET "
        + path
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + (header == null ? "" : header + "\r\n")
        + "\r\n";
  }

  private static String post(String path, String json) {
    return "POST "
        + path
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: "
        + json.getBytes(StandardCharsets.UTF_8).length
        + "\r\nConnection: close\r\n\r\n"
        + json;
  }

  /** One HTTP/1.1 response with a Content-Length body. */
  private static final class Reply {
    int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    String body = "";

    String header(String name) {
      return headers.get(name);
    }

    static Reply send(int port, String request) throws IOException {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        Reply r = new Reply();
        r.status = read(new BufferedInputStream(s.getInputStream()), r);
        return r;
      }
    }

    /** Reads one response; fills {@code into} when given. Returns the status. */
    static int read(InputStream in, Reply into) throws IOException {
      String statusLine = line(in);
      if (statusLine == null || statusLine.length() < 12) {
        throw new IOException("no response");
      }
      int status = Integer.parseInt(statusLine.substring(9, 12));
      int length = -1;
      String l;
      while ((l = line(in)) != null && !l.isEmpty()) {
        int colon = l.indexOf(':');
        String name = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = l.substring(colon + 1).trim();
        if (name.equals("content-length")) {
          length = Integer.parseInt(value);
        }
        if (into != null) {
          into.headers.put(name, value);
        }
      }
      if (length < 0) {
        throw new IOException("no Content-Length");
      }
      byte[] body = in.readNBytes(length);
      if (into != null) {
        into.body = new String(body, StandardCharsets.UTF_8);
      }
      return status;
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder sb = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0) {
        if (c == '\n') {
          int n = sb.length();
          return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
        }
        sb.append((char) c);
      }
      return sb.length() == 0 ? null : sb.toString();
    }
  }
}

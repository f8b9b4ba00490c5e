package dev.latchkey.token;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A JWK Set endpoint on a free loopback port that counts requests and can serve any set of keys,
 * fail with 500, or stall until closed.
 */
final class LoopbackJwks implements AutoCloseable {
  enum Mode {
    SERVE,
    FAIL,
    STALL
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final AtomicInteger requests = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile String body = "{\"keys\":[]}";
  private volatile Mode mode = Mode.SERVE;
  private volatile String metadata = "{}";

  LoopbackJwks() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/jwks",
        exchange -> {
          requests.incrementAndGet();
          try (exchange) {
            Mode m = mode;
            if (m == Mode.STALL) {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/jwk-set+json");
            exchange.sendResponseHeaders(m == Mode.FAIL ? 500 : 200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(bytes);
            }
          }
        });
    server.createContext(
        "/.well-known/openid-configuration",
        exchange -> {
          try (exchange) {
            byte[] bytes = metadata.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(bytes);
            }
          }
        });
    server.setExecutor(executor);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
  }

  /** Serves the public parts of {@code keys}. */
  void serve(List<SigningKey> keys) {
    body =
        keys.stream()
            .map(k -> k.publicJwkJson().orElseThrow())
            .collect(Collectors.joining(",", "{\"keys\":[", "]}"));
    mode = Mode.SERVE;
  }

  void serveRaw(String json) {
    body = json;
    mode = Mode.SERVE;
  }

  /** The issuer URL whose discovery metadata this server answers. */
  String issuer() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void metadata(String json) {
    metadata = json;
  }

  void mode(Mode m) {
    mode = m;
  }

  int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}

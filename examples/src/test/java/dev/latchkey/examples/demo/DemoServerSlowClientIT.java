package dev.latchkey.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.latchkey.core.LoginThrottle;
import dev.latchkey.core.spi.RefreshTokenStore;
import dev.latchkey.core.spi.RevocationList;
import dev.latchkey.core.spi.SessionStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that hold the server's threads: half requests that stall, and more requests at once than
 * the server may run. Loopback only, every loop bounded in count and every wait in time.
 */
class DemoServerSlowClientIT {
  /** More stalled clients than requests may run at once, fewer than the connection threads. */
  private static final int STALLED = 40;

  /** The requests that may run their route at once. */
  private static final int IN_FLIGHT = 16;

  /** The requests the server reads or handles at once. */
  private static final int CONNECTION_THREADS = 200;

  /** The longest a request (line, headers, body) may take to arrive. */
  private static final Duration REQUEST_DEADLINE = Duration.ofSeconds(5);

  private final List<Socket> sockets = new ArrayList<>();
  private DemoServer server;

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /**
   * 40 connections each send part of a request (half the headers, or the headers and half the body)
   * and stall. Each holds a server thread while it is read; other clients must still be answered at
   * once, and every stalled connection is closed by the server within the request deadline (plus
   * the JDK server's one-second check), which frees its thread.
   */
  @Test
  void stalledClientsNeitherStopOtherRequestsNorHoldAThreadBeyondTheDeadline() throws Exception {
    server = DemoServerIT.startInMemory();
    for (int i = 0; i < STALLED; i++) {
      stall(
          server.port(),
          i % 2 == 0
              ? "POST /session-login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty"
              : "POST /session-login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user");
    }
    // Give every stalled request time to reach a server thread before the probe is sent.
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
    long started = System.nanoTime();

    HttpResponse<String> health = timedGet(server.port(), "/health", Duration.ofSeconds(3));

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    HttpResponse<String> login =
        new DemoHttp(server.port()).login("/session-login", "alice", "wonderland");
    assertThat(login.statusCode()).isEqualTo(200);

    Duration deadline = REQUEST_DEADLINE.plusSeconds(3);
    long until = started + deadline.toNanos();
    for (Socket s : sockets) {
      long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()));
      s.setSoTimeout((int) left);
      assertThat(closedByServer(s.getInputStream()))
          .as("a stalled connection is closed within " + deadline)
          .isTrue();
    }
  }

  /**
   * More stalled clients than the server has connection threads: a new request is refused at once
   * (its connection closed) instead of queueing behind them, and is served again once the request
   * deadline has closed the stalled ones.
   */
  @Test
  void beyondTheConnectionThreadsANewRequestIsRefusedAtOnceNotQueued() throws Exception {
    server = DemoServerIT.startInMemory();
    for (int i = 0; i < CONNECTION_THREADS + 10; i++) {
      stall(server.port(), "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nAcce");
    }
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
    long started = System.nanoTime();

    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 2_000);
      probe.setSoTimeout(3_000);
      probe
          .getOutputStream()
          .write(
              "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      assertThat(closedByServer(probe.getInputStream())).as("refused, not queued").isTrue();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));

    long until = System.nanoTime() + REQUEST_DEADLINE.plusSeconds(5).toNanos();
    int status = 0;
    while (status != 200 && System.nanoTime() < until) {
      try {
        status = timedGet(server.port(), "/health", Duration.ofSeconds(1)).statusCode();
      } catch (IOException e) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
      }
    }
    assertThat(status).as("served again after the deadline").isEqualTo(200);
  }

  /**
   * More requests at once than the in-flight bound: the 16 in flight are held inside the store; the
   * 17th is answered 503 with Retry-After within the short admission wait, not queued behind them;
   * once they finish, requests are served again.
   */
  @Test
  void requestsBeyondTheInFlightBoundAre503WithRetryAfterQuickly() throws Exception {
    CountDownLatch entered = new CountDownLatch(IN_FLIGHT);
    CountDownLatch release = new CountDownLatch(1);
    SessionStore sessions = mock(SessionStore.class);
    when(sessions.read(any(), any()))
        .thenAnswer(
            call -> {
              entered.countDown();
              release.await(20, TimeUnit.SECONDS);
              return Optional.empty();
            });
    DemoStores stores =
        new DemoStores(
            "memory",
            sessions,
            mock(RevocationList.class),
            mock(RefreshTokenStore.class),
            mock(RefreshTokenStore.class),
            LoginThrottle.inMemory(DemoStores.THROTTLE, Clock.systemUTC()),
            () -> true,
            () -> {});
    server =
        DemoServer.start(
            new DemoSettings(0, null, DemoServerIT.SECRET, false, 4, Clock.systemUTC()),
            stores,
            DemoServerIT.SECRET.getBytes(StandardCharsets.UTF_8));
    String cookie = "sid=" + DemoHttp.unknownOpaqueId();
    HttpClient client = HttpClient.newHttpClient();
    List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
    try {
      for (int i = 0; i < IN_FLIGHT; i++) {
        held.add(
            client.sendAsync(
                request(server.port(), "/session-profile", cookie),
                HttpResponse.BodyHandlers.ofString()));
      }
      assertThat(entered.await(10, TimeUnit.SECONDS)).as("16 requests inside the store").isTrue();
      long started = System.nanoTime();

      HttpResponse<String> refused = timedGet(server.port(), "/health", Duration.ofSeconds(3));

      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(DemoHttp.json(refused).get("error").getAsString()).isEqualTo("overloaded");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    } finally {
      release.countDown();
    }
    for (CompletableFuture<HttpResponse<String>> f : held) {
      assertThat(f.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(401);
    }
    assertThat(timedGet(server.port(), "/health", Duration.ofSeconds(3)).statusCode())
        .isEqualTo(200);
  }

  /** Opens a connection that sends {@code partial} and then nothing. */
  private void stall(int port, String partial) throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
    OutputStream out = s.getOutputStream();
    out.write(partial.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static HttpRequest request(int port, String path, String cookie) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20))
        .header("Cookie", cookie)
        .GET()
        .build();
  }

  /** A GET on a fresh connection that gives up after {@code timeout}. */
  private static HttpResponse<String> timedGet(int port, String path, Duration timeout)
      throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(timeout)
            .GET()
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Whether the peer closed (end of stream or reset) before the socket's read timeout. */
  private static boolean closedByServer(InputStream in) throws IOException {
    byte[] buffer = new byte[1024];
    try {
      for (int i = 0; i < 64; i++) {
        if (in.read(buffer) == -1) {
          return true;
        }
      }
      return false; // answered with something endless: not a close
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // connection reset
    }
  }
}

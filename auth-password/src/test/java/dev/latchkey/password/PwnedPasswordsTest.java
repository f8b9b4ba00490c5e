package dev.latchkey.password;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.latchkey.password.BreachedPasswords.Exposure;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a range server on loopback (the JDK's HttpServer) that answers as the real one does. */
class PwnedPasswordsTest {
  // SHA-1("password") = 5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8
  private static final String PASSWORD_SUFFIX = "1E4C9B93F3F0682250B6CF8331B7EE68FD8";

  private HttpServer server;
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private final List<String> paddingHeaders = new CopyOnWriteArrayList<>();
  private volatile String body = "";
  private volatile int status = 200;
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile boolean slow;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/",
        exchange -> {
          paths.add(exchange.getRequestURI().getPath());
          paddingHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("Add-Padding")));
          if (slow) {
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
          exchange.sendResponseHeaders(status, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  /** Generous timeouts: a loaded build machine must not turn an answer into UNKNOWN. */
  private PwnedPasswords client() {
    return client(Duration.ofSeconds(10));
  }

  private PwnedPasswords client(Duration timeout) {
    return PwnedPasswords.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
        .connectTimeout(timeout)
        .requestTimeout(timeout)
        .build();
  }

  @Test
  void onlyTheFiveCharacterPrefixLeavesAndAHitIsBreached() {
    body = "0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n" + PASSWORD_SUFFIX + ":9659365\r\n";
    assertThat(client().check("password".toCharArray())).isEqualTo(Exposure.BREACHED);
    assertThat(paths).containsExactly("/range/5BAA6");
    assertThat(paddingHeaders).containsExactly("true");
  }

  @Test
  void aMissIsNotFound() {
    body = "0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n";
    assertThat(client().check("password".toCharArray())).isEqualTo(Exposure.NOT_FOUND);
  }

  @Test
  void paddedEntriesWithCountZeroAreIgnored() {
    body = PASSWORD_SUFFIX + ":0\r\n0018A45C4D1DEF81644B54AB7F969B88D65:0\r\n";
    assertThat(client().check("password".toCharArray())).isEqualTo(Exposure.NOT_FOUND);
  }

  @Test
  void aSlowServerIsUnknownWithinTheTimeout() {
    slow = true;
    long start = System.nanoTime();
    assertThat(client(Duration.ofMillis(300)).check("password".toCharArray()))
        .isEqualTo(Exposure.UNKNOWN);
    // The server holds the answer for 10 s; the check gives up after its 300 ms.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void errorsAndMalformedAnswersAreUnknown() {
    status = 503;
    assertThat(client().check("password".toCharArray())).isEqualTo(Exposure.UNKNOWN);
    status = 200;
    body = "not a range answer\n";
    assertThat(client().check("password".toCharArray())).isEqualTo(Exposure.UNKNOWN);
  }

  @Test
  void aServerThatIsDownIsUnknown() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    PwnedPasswords down =
        PwnedPasswords.builder(URI.create("http://127.0.0.1:" + port))
            .connectTimeout(Duration.ofMillis(500))
            .requestTimeout(Duration.ofMillis(500))
            .build();
    assertThat(down.check("password".toCharArray())).isEqualTo(Exposure.UNKNOWN);
  }

  @Test
  void thePolicyRefusesABreachedPassword() {
    body = PASSWORD_SUFFIX.replace("1E4C", "0000") + ":3\r\n";
    PasswordPolicy policy =
        PasswordPolicy.builder()
            .breachedPasswords(client(), PasswordPolicy.OnOutage.REFUSE)
            .build();
    assertThat(policy.check("an uncommon passphrase".toCharArray(), "u", false).accepted())
        .isTrue();
    assertThat(paths).hasSize(1);
    String sha = PwnedPasswords.sha1Hex("an uncommon passphrase".toCharArray());
    body = sha.substring(5) + ":2\r\n";
    assertThat(policy.check("an uncommon passphrase".toCharArray(), "u", false).codes())
        .containsExactly("breached");
    assertThat(paths.get(1)).isEqualTo("/range/" + sha.substring(0, 5));
  }
}

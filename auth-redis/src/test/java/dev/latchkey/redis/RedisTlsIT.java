package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import dev.latchkey.session.SessionManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * {@code rediss://} against a real TLS-only listener: a self-signed certificate for 127.0.0.1 made
 * with {@code openssl}, trusted through {@code javax.net.ssl.trustStore} (the JDK default trust
 * that a {@code rediss://} URL uses), and a plain connection to the TLS port failing closed.
 */
class RedisTlsIT {
  private static final Path CERTS = makeCertificates();
  private static final int TLS_PORT = RedisFixture.freePort();

  @AutoClose
  static final RedisServer REDIS =
      RedisFixture.standalone(
          "--tls-port",
          Integer.toString(TLS_PORT),
          "--tls-cert-file",
          CERTS.resolve("server.crt").toString(),
          "--tls-key-file",
          CERTS.resolve("server.key").toString(),
          "--tls-ca-cert-file",
          CERTS.resolve("server.crt").toString(),
          "--tls-auth-clients",
          "no");

  private static final String PREVIOUS_TRUST_STORE = System.getProperty("javax.net.ssl.trustStore");

  @AfterAll
  static void restoreTrust() {
    if (PREVIOUS_TRUST_STORE == null) {
      System.clearProperty("javax.net.ssl.trustStore");
      System.clearProperty("javax.net.ssl.trustStorePassword");
      System.clearProperty("javax.net.ssl.trustStoreType");
    } else {
      System.setProperty("javax.net.ssl.trustStore", PREVIOUS_TRUST_STORE);
    }
  }

  @Test
  void sessionsWorkOverRediss() {
    try (RedisStores stores =
        RedisStores.fromUrl("rediss://127.0.0.1:" + TLS_PORT).keyPrefix("tls:").build()) {
      SessionManager sessions = SessionManager.builder(stores.sessionStore()).build();

      String id = sessions.login(Principal.of("alice"), Map.of()).created().orElseThrow().id();
      AuthResult result = sessions.authenticate(new SessionCookie(id));

      assertThat(result.succeeded()).isTrue();
      assertThat(stores.isReachable()).isTrue();
    }
  }

  @Test
  void plainConnectionToTheTlsPortFailsClosed() {
    try (RedisStores stores =
        RedisStores.fromUrl("redis://127.0.0.1:" + TLS_PORT)
            .timeout(Duration.ofSeconds(1))
            .build()) {
      SessionManager sessions = SessionManager.builder(stores.sessionStore()).build();

      assertThat(sessions.login(Principal.of("alice"), Map.of()).failure().orElseThrow().reason())
          .isEqualTo(AuthResult.Reason.UNAVAILABLE);
      assertThatThrownBy(() -> sessions.logoutEverywhere("alice"))
          .isInstanceOf(StoreUnavailableException.class);
      assertThat(stores.isReachable()).isFalse();
    }
  }

  /** A key and a self-signed certificate for IP 127.0.0.1, and a PKCS#12 trust store with it. */
  private static Path makeCertificates() {
    RedisFixture.requireOnPath("openssl");
    try {
      Path dir = Files.createTempDirectory("latchkey-tls-");
      dir.toFile().deleteOnExit();
      run(
          dir,
          "openssl",
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-keyout",
          "server.key",
          "-out",
          "server.crt",
          "-days",
          "1",
          "-subj",
          "/CN=127.0.0.1",
          "-addext",
          "subjectAltName=IP:127.0.0.1");
      run(
          dir,
          "keytool",
          "-importcert",
          "-noprompt",
          "-alias",
          "redis",
          "-file",
          "server.crt",
          "-keystore",
          "trust.p12",
          "-storetype",
          "PKCS12",
          "-storepass",
          "changeit");
      for (String f : List.of("server.key", "server.crt", "trust.p12")) {
        dir.resolve(f).toFile().deleteOnExit();
      }
      // The JDK's default trust, which rediss:// URLs use, reads these when first initialised.
      System.setProperty("javax.net.ssl.trustStore", dir.resolve("trust.p12").toString());
      System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
      System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
      return dir;
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the test certificates", e);
    }
  }

  private static void run(Path dir, String... command) throws IOException {
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(command[0] + ".log").toFile())
            .start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", command) + " failed; see " + dir.resolve(command[0] + ".log"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    dir.resolve(command[0] + ".log").toFile().deleteOnExit();
  }
}

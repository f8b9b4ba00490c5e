package dev.latchkey.modulepathtest;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.PasswordHasher;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.TokenService.IssuedToken;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.redis.RedisStores;
import dev.latchkey.session.LoginOutcome;
import dev.latchkey.session.SessionManager;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.SigningKey;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a password, logs a session in, issues and verifies an EdDSA token and, when {@code
 * redis-server} is on the {@code PATH}, keeps a session on a Redis it starts on a free loopback
 * port: each step through the public API of Latchkey's modules, run on the module path.
 *
 * <p>Prints one line per step and exits 0 when every step answered as expected; any other answer
 * throws, and the JVM exits non-zero. A library module that fails to export a package, or to
 * require a module its code needs at run time, makes this fail to compile or to run.
 */
public final class ModulePathApp {
  private static final Principal ALICE = Principal.of("alice", Set.of("user"));

  private ModulePathApp() {}

  /**
   * Runs every step.
   *
   * @param args ignored
   * @throws Exception when a step fails; the message says which
   */
  public static void main(String[] args) throws Exception {
    checkPassword();
    sessionRoundTrip(SessionManager.inMemoryStore(Clock.systemUTC()), "in memory");
    tokenRoundTrip();
    Optional<Path> redisServer = onPath("redis-server");
    if (redisServer.isPresent()) {
      redisRoundTrip(redisServer.get());
    } else {
      System.out.println("redis: skipped, no redis-server on PATH");
    }
    System.out.println("module path: every step passed");
  }

  private static void checkPassword() {
    // The lowest cost bCrypt allows: the point is that jBCrypt loads, not that hashing is slow.
    PasswordHasher hasher = PasswordHasher.bcrypt(4);
    String hash = hasher.hash("correct horse".toCharArray());
    expect(hasher.verify("correct horse".toCharArray(), hash), "bcrypt accepts the password");
    expect(!hasher.verify("wrong horse".toCharArray(), hash), "bcrypt refuses a wrong password");
    System.out.println("password: bcrypt verified");
  }

  private static void sessionRoundTrip(SessionStore store, String where) {
    SessionManager sessions = SessionManager.builder(store).build();
    LoginOutcome outcome = sessions.login(ALICE, Map.of());
    String id =
        outcome
            .created()
            .orElseThrow(
                () -> new IllegalStateException("session login " + where + " refused: " + outcome))
            .id();
    AuthResult result = sessions.authenticate(new SessionCookie(id));
    expect(
        result.principal().map(Principal::subject).equals(Optional.of("alice")),
        "the session " + where + " authenticates alice, got " + result);
    expect(sessions.logout(id), "logout " + where + " ends the session");
    expect(
        sessions.authenticate(new SessionCookie(id)).failure().isPresent(),
        "a logged-out session " + where + " is refused");
    System.out.println("session " + where + ": login, check and logout passed");
  }

  private static void tokenRoundTrip() {
    // EdDSA: Nimbus signs Ed25519 through Tink, the dependency most likely to be missing.
    JwtTokenService tokens =
        JwtTokenService.builder(
                KeyRing.of(SigningKey.generateEd25519("module-path")), "https://issuer", "api")
            .revocationList(JwtTokenService.inMemoryRevocationList(Clock.systemUTC()))
            .build();
    IssuedToken token = tokens.issue(ALICE);
    expect(
        tokens
            .verify(token.value())
            .principal()
            .map(Principal::subject)
            .equals(Optional.of("alice")),
        "the EdDSA token verifies as alice");
    expect(tokens.revoke(token.value()), "the token is revoked");
    expect(tokens.verify(token.value()).failure().isPresent(), "a revoked token is refused");
    System.out.println("token: EdDSA issue, verify and revoke passed");
  }

  private static void redisRoundTrip(Path redisServer) throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Path dir = Files.createTempDirectory("latchkey-module-path-redis");
    Process redis =
        new ProcessBuilder(
                redisServer.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    try {
      awaitListening(port, redis);
      try (RedisStores stores = RedisStores.fromUrl("redis://127.0.0.1:" + port).build()) {
        sessionRoundTrip(stores.sessionStore(), "on Redis");
      }
    } finally {
      redis.destroy();
      redis.waitFor();
      Files.deleteIfExists(dir.resolve("redis.log"));
      Files.deleteIfExists(dir);
    }
  }

  private static void awaitListening(int port, Process redis) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (Instant.now().isBefore(deadline)) {
      if (!redis.isAlive()) {
        throw new IllegalStateException("redis-server exited with " + redis.exitValue());
      }
      try {
        new Socket(InetAddress.getLoopbackAddress(), port).close();
        return;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    throw new IllegalStateException("redis-server did not listen on port " + port + " in 10 s");
  }

  private static Optional<Path> onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator, -1)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static void expect(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("failed: " + what);
    }
  }
}

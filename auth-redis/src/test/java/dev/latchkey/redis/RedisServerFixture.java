package dev.latchkey.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A private {@code redis-server} from PATH on a free loopback port, with its own temp directory and
 * no persistence, for one test class: register it with {@code @RegisterExtension static}. It can be
 * stopped, killed (SIGKILL), restarted empty on the same port, and paused (SIGSTOP/SIGCONT). Every
 * process is also killed by a shutdown hook, so none outlives the test JVM. Never uses port 6379.
 */
public final class RedisServerFixture implements BeforeAllCallback, AfterAllCallback {
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
  private static final Set<RedisServerFixture> STARTED = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (Process p : LIVE) {
                    signal(p, "CONT");
                    p.destroyForcibly();
                  }
                  STARTED.forEach(RedisServerFixture::stop);
                },
                "redis-fixture-cleanup"));
  }

  private final List<String> extraArgs;
  private final boolean clusterPort;
  private final Path configFile;
  private int port;
  private Path dir;
  private Process process;

  private RedisServerFixture(boolean clusterPort, Path configFile, List<String> extraArgs) {
    this.clusterPort = clusterPort;
    this.configFile = configFile;
    this.extraArgs = List.copyOf(extraArgs);
  }

  /** A plain standalone server. */
  public static RedisServerFixture standalone() {
    return new RedisServerFixture(false, null, List.of());
  }

  /** A server with extra arguments; {@code clusterPort} picks a port whose +10000 is free. */
  static RedisServerFixture withArgs(boolean clusterPort, String... args) {
    return new RedisServerFixture(clusterPort, null, List.of(args));
  }

  /** A server reading {@code configFile} first (as {@code redis-server --sentinel} needs). */
  static RedisServerFixture withConfigFile(Path configFile, String... args) {
    return new RedisServerFixture(false, configFile, List.of(args));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  public int port() {
    return port;
  }

  HostAndPort hostAndPort() {
    return new HostAndPort("127.0.0.1", port);
  }

  Path dir() {
    return dir;
  }

  /** Starts the server on a fresh free port. */
  synchronized void start() {
    requireBinary("redis-server");
    try {
      dir = Files.createTempDirectory("latchkey-redis-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a temp dir for redis-server", e);
    }
    STARTED.add(this);
    for (int attempt = 0; attempt < 5; attempt++) {
      port = freePort(clusterPort);
      if (launch()) {
        return;
      }
    }
    throw new IllegalStateException("redis-server did not start; see " + dir.resolve("redis.log"));
  }

  /** Kills (SIGKILL) the server if it runs and starts a new, empty one on the same port. */
  public synchronized void restart() {
    kill();
    if (!launch()) {
      throw new IllegalStateException(
          "redis-server did not restart on port " + port + "; see " + dir.resolve("redis.log"));
    }
  }

  /** SIGKILL: the server vanishes at once, without closing connections politely. */
  public synchronized void kill() {
    if (process != null) {
      signal(process, "CONT");
      process.destroyForcibly();
      waitFor(process);
      LIVE.remove(process);
      process = null;
    }
  }

  /** SIGSTOP: the server keeps its connections open and answers nothing. */
  public synchronized void pause() {
    signal(process, "STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public synchronized void resume() {
    signal(process, "CONT");
  }

  /** Stops the server politely (SIGTERM, then SIGKILL after 5 s) and deletes its directory. */
  synchronized void stop() {
    if (process != null && process.isAlive()) {
      signal(process, "CONT");
      process.destroy();
      try {
        process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    kill();
    STARTED.remove(this);
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      } catch (IOException e) {
        // A temp dir left behind is harmless.
      }
    }
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** A fresh admin connection (close it). */
  Jedis admin() {
    return new Jedis("127.0.0.1", port, 2000);
  }

  void flushAll() {
    try (Jedis j = admin()) {
      j.flushAll();
    }
  }

  /** Calls per command since the last {@code CONFIG RESETSTAT}, from {@code INFO commandstats}. */
  public Map<String, Long> commandCalls() {
    Map<String, Long> calls = new HashMap<>();
    try (Jedis j = admin()) {
      for (String line : j.info("commandstats").split("\r?\n", -1)) {
        if (line.startsWith("cmdstat_")) {
          String name = line.substring(8, line.indexOf(':'));
          String rest = line.substring(line.indexOf("calls=") + 6);
          calls.put(name, Long.parseLong(rest.substring(0, rest.indexOf(','))));
        }
      }
    }
    return calls;
  }

  private boolean launch() {
    List<String> cmd = new ArrayList<>(List.of("redis-server"));
    if (configFile != null) {
      cmd.add(configFile.toString());
    }
    cmd.addAll(
        List.of(
            "--port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--dir",
            dir.toString()));
    cmd.addAll(extraArgs);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()));
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run redis-server", e);
    }
    LIVE.add(process);
    Process p = process;
    boolean up = waitUntil(Duration.ofSeconds(10), () -> !p.isAlive() || answersPing(port));
    if (up && p.isAlive()) {
      return true;
    }
    p.destroyForcibly();
    waitFor(p);
    LIVE.remove(p);
    process = null;
    return false;
  }

  static void requireBinary(String name) {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(File.pathSeparator, -1)) {
        if (Files.isExecutable(Path.of(d, name))) {
          return;
        }
      }
    }
    throw new IllegalStateException(
        name
            + " is not on PATH; the Redis tests need a real server: "
            + "install it with `apt-get install redis-server` (or your platform's package)");
  }

  /** Whether a raw PING on a fresh socket is answered (+PONG, or -NOAUTH) within half a second. */
  static boolean answersPing(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.readNBytes(buf, 0, 7);
      String reply = new String(buf, 0, n, StandardCharsets.US_ASCII);
      // A server with a password answers -NOAUTH: it is up all the same.
      return reply.equals("+PONG\r\n") || reply.startsWith("-NOAUTH");
    } catch (IOException e) {
      return false;
    }
  }

  /** Polls {@code condition} until it holds or {@code bound} passes. */
  static boolean waitUntil(Duration bound, BooleanSupplier condition) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /** A loopback port free now (and, for a Cluster node, its bus port + 10000 too); never 6379. */
  static int freePort(boolean cluster) {
    for (int i = 0; i < 200; i++) {
      int candidate = cluster ? ThreadLocalRandom.current().nextInt(20000, 55536) : anyFreePort();
      if (candidate == 6379 || (cluster && candidate > 55535)) {
        continue;
      }
      if (isFree(candidate) && (!cluster || isFree(candidate + 10000))) {
        return candidate;
      }
    }
    throw new IllegalStateException("no free loopback port found");
  }

  private static int anyFreePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("cannot find a free port", e);
    }
  }

  private static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void signal(Process p, String signal) {
    if (p == null || !p.isAlive()) {
      return;
    }
    try {
      new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
    } catch (IOException e) {
      throw new IllegalStateException("cannot send SIG" + signal, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void waitFor(Process p) {
    try {
      p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

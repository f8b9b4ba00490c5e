package dev.latchkey.redis.testing;

import java.io.File;
import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * One {@code redis-server} process from the PATH on a free loopback port, with a temp directory of
 * its own and no persistence. It can be killed (SIGKILL), restarted empty on the same port, and
 * paused (SIGSTOP) and resumed (SIGCONT), for fault tests. {@link #close} stops it and deletes its
 * directory; a shutdown hook kills it if the JVM exits first.
 *
 * <p>Safe for concurrent use.
 */
public final class RedisServer implements AutoCloseable {
  private static final String HOST = "127.0.0.1";
  private static final Duration START_BOUND = Duration.ofSeconds(10);
  private static final Set<RedisServer> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> LIVE.forEach(RedisServer::close), "redis-fixture-cleanup"));
  }

  private final boolean clusterNode;
  private final List<String> configLines;
  private final List<String> extraArgs;
  private final List<String> launcher;
  private final String password;
  private final Path dir;
  private int port;
  private Process process;
  private UnifiedJedis client;

  private RedisServer(
      boolean clusterNode,
      List<String> configLines,
      List<String> extraArgs,
      List<String> launcher,
      Path dir) {
    this.clusterNode = clusterNode;
    this.configLines = List.copyOf(configLines);
    this.extraArgs = List.copyOf(extraArgs);
    this.launcher = List.copyOf(launcher);
    int i = this.extraArgs.indexOf("--requirepass");
    this.password = i >= 0 && i + 1 < this.extraArgs.size() ? this.extraArgs.get(i + 1) : null;
    this.dir = dir;
  }

  /**
   * Starts a server on a new free port, retrying on another port when one was taken meanwhile.
   *
   * @param clusterNode whether the port must suit a Cluster node (bus port +10000 free, ≤ 55535)
   * @param configLines lines of a config file read before the options (a sentinel needs one; it
   *     rewrites the file)
   * @param extraArgs options after the fixture's own
   */
  static RedisServer start(boolean clusterNode, List<String> configLines, List<String> extraArgs) {
    return start(clusterNode, configLines, extraArgs, List.of());
  }

  /** As {@link #start(boolean, List, List)}, the command run by {@code launcher}'s command line. */
  static RedisServer start(
      boolean clusterNode,
      List<String> configLines,
      List<String> extraArgs,
      List<String> launcher) {
    RedisFixture.requireOnPath("redis-server");
    Path dir;
    try {
      dir = Files.createTempDirectory("latchkey-redis-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a temp dir for redis-server", e);
    }
    RedisServer server = new RedisServer(clusterNode, configLines, extraArgs, launcher, dir);
    LIVE.add(server);
    try {
      server.launchOnNewPort();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private synchronized void launchOnNewPort() {
    for (int attempt = 0; attempt < 5; attempt++) {
      port = RedisFixture.freePort(clusterNode);
      if (launch()) {
        return;
      }
    }
    throw new IllegalStateException("redis-server did not start; see " + log());
  }

  /**
   * The server's process id (its launcher's, which runs it in the same process), or -1 when it is
   * not running.
   */
  public synchronized long pid() {
    return process == null || !process.isAlive() ? -1 : process.pid();
  }

  /** The loopback port the server listens on; it keeps it across {@link #restart}. */
  public int port() {
    return port;
  }

  /** {@code 127.0.0.1} and {@link #port}. */
  public HostAndPort hostAndPort() {
    return new HostAndPort(HOST, port);
  }

  /** {@code redis://127.0.0.1:<port>}, for {@code RedisStores.fromUrl} or {@code REDIS_URL}. */
  public String url() {
    return "redis://" + HOST + ":" + port;
  }

  /** The server's working directory (its log, and a Cluster node's {@code nodes.conf}). */
  public Path dir() {
    return dir;
  }

  /** Whether the process runs (a paused one does). */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: the server vanishes at once, without closing connections politely. */
  public synchronized void kill() {
    if (process != null) {
      signal(process, "CONT");
      process.destroyForcibly();
      awaitExit(process);
      process = null;
    }
  }

  /**
   * Kills the server if it runs and starts a new one on the same port and directory: empty for a
   * standalone server, while a Cluster node reads its {@code nodes.conf} back and rejoins.
   * Connections made before, those of {@link #client} included, are broken: the next command on
   * each fails.
   *
   * @throws IllegalStateException if it does not answer within 10 s
   */
  public synchronized void restart() {
    kill();
    if (!launch()) {
      throw new IllegalStateException(
          "redis-server did not restart on port " + port + "; see " + log());
    }
  }

  /** SIGSTOP: the server keeps its connections open and answers nothing. */
  public synchronized void pause() {
    signal(process, "STOP");
  }

  /** SIGCONT after {@link #pause}; does nothing to a server that is not paused. */
  public synchronized void resume() {
    signal(process, "CONT");
  }

  /** A new connection for administration (with the password, if the server has one); close it. */
  public Jedis admin() {
    Jedis jedis = new Jedis(HOST, port, 2000);
    if (password != null) {
      jedis.auth(password);
    }
    return jedis;
  }

  /**
   * A client with 2 s timeouts that this server owns and closes with it: share it, do not close it.
   */
  public synchronized UnifiedJedis client() {
    if (client == null) {
      client = newClient();
    }
    return client;
  }

  /** A new client with 2 s timeouts (and the password, if any); the caller closes it. */
  public UnifiedJedis newClient() {
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder().connectionTimeoutMillis(2000).socketTimeoutMillis(2000);
    if (password != null) {
      config.password(password);
    }
    return RedisClient.builder().hostAndPort(hostAndPort()).clientConfig(config.build()).build();
  }

  /** Deletes every key of every database. */
  public void flushAll() {
    try (Jedis j = admin()) {
      j.flushAll();
    }
  }

  /** {@code CONFIG RESETSTAT}: {@link #commandCalls} counts from zero again. */
  public void resetStats() {
    try (Jedis j = admin()) {
      j.configResetStat();
    }
  }

  /**
   * Calls per command since the start or the last {@link #resetStats}, from {@code INFO
   * commandstats}, keyed by the server's names ({@code evalsha}, {@code config|resetstat}); the
   * {@code INFO} that reads them is counted too. Commands a script runs count as well.
   */
  public Map<String, Long> commandCalls() {
    return commandStats("calls=");
  }

  /**
   * Microseconds the server spent per command since the start or the last {@link #resetStats}, from
   * {@code INFO commandstats}, keyed as {@link #commandCalls} is.
   */
  public Map<String, Long> commandMicros() {
    return commandStats("usec=");
  }

  private Map<String, Long> commandStats(String field) {
    Map<String, Long> stats = new HashMap<>();
    try (Jedis j = admin()) {
      for (String line : j.info("commandstats").split("\r?\n", -1)) {
        // cmdstat_evalsha:calls=12,usec=80,usec_per_call=6.67,...
        if (line.startsWith("cmdstat_")) {
          int start = line.indexOf(field) + field.length();
          stats.put(
              line.substring("cmdstat_".length(), line.indexOf(':')),
              Long.parseLong(line.substring(start, line.indexOf(',', start))));
        }
      }
    }
    return stats;
  }

  /**
   * Stops the server (SIGTERM, SIGKILL after 5 s), closes {@link #client} and deletes the
   * directory. Closing twice does nothing more.
   */
  @Override
  public synchronized void close() {
    if (client != null) {
      client.close();
      client = null;
    }
    if (process != null && process.isAlive()) {
      signal(process, "CONT");
      process.destroy();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    kill();
    LIVE.remove(this);
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      // Already gone, or a temp dir left behind: harmless either way.
    }
  }

  @Override
  public String toString() {
    return "RedisServer[port=" + port + ", running=" + isRunning() + "]";
  }

  private Path log() {
    return dir.resolve("redis.log");
  }

  /** Starts the process on {@link #port}; true once it is this process that answers there. */
  private boolean launch() {
    List<String> cmd = new ArrayList<>(launcher);
    cmd.add("redis-server");
    if (!configLines.isEmpty()) {
      Path conf = dir.resolve("redis.conf");
      try {
        if (!Files.exists(conf)) {
          Files.write(conf, configLines);
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot write " + conf, e);
      }
      cmd.add(conf.toString());
    }
    cmd.addAll(
        List.of(
            "--port",
            Integer.toString(port),
            "--bind",
            HOST,
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--dir",
            dir.toString()));
    cmd.addAll(extraArgs);
    Process p;
    try {
      p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run redis-server", e);
    }
    process = p;
    // Another process may have taken the port meanwhile: only this one's pid counts as up.
    boolean up = RedisFixture.waitUntil(START_BOUND, () -> !p.isAlive() || answers(p));
    if (up && p.isAlive()) {
      return true;
    }
    p.destroyForcibly();
    awaitExit(p);
    process = null;
    return false;
  }

  private boolean answers(Process p) {
    try (Jedis j = new Jedis(HOST, port, 500)) {
      if (password != null) {
        j.auth(password);
      }
      return j.info("server").contains("process_id:" + p.pid() + "\r\n");
    } catch (RuntimeException notYet) {
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

  private static void awaitExit(Process p) {
    try {
      p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

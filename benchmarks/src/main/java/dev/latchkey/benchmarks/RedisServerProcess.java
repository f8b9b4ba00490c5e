package dev.latchkey.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * A private {@code redis-server} (from PATH) for one benchmark: on a free loopback port, never the
 * shared 127.0.0.1:6379, without persistence, in its own temp directory, stopped by {@link #close}.
 * It also reads {@code INFO commandstats} through Jedis, so a benchmark can count the commands an
 * operation sends and the time the server spent on them.
 */
public final class RedisServerProcess implements AutoCloseable {
  private static final JedisClientConfig QUIET =
      DefaultJedisClientConfig.builder()
          .timeoutMillis(5000)
          .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
          .build();

  private final Process process;
  private final Path dir;
  public final int port;

  private RedisServerProcess(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /** Starts a server and waits (at most 10 s) until it answers PING. */
  public static RedisServerProcess start() throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    if (port == 6379) {
      throw new IllegalStateException("refusing the shared Redis port");
    }
    Path dir = Files.createTempDirectory("latchkey-bench-redis");
    Process p =
        new ProcessBuilder(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--logfile",
                dir.resolve("redis.log").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .start();
    RedisServerProcess server = new RedisServerProcess(p, dir, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Jedis jedis = server.jedis()) {
        if ("PONG".equals(jedis.ping())) {
          return server;
        }
      } catch (JedisConnectionException e) {
        // not listening yet
      }
      Thread.sleep(20);
    }
    server.close();
    throw new IllegalStateException("redis-server did not start on port " + port);
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Zeroes the command statistics. */
  public void resetStats() {
    try (Jedis jedis = jedis()) {
      jedis.configResetStat();
    }
  }

  /**
   * Calls per command since the last {@link #resetStats}, without the INFO and CONFIG calls this
   * class makes itself.
   */
  public Map<String, Long> commandStats() {
    return commandStats("calls=");
  }

  /** Microseconds the server spent per command since the last {@link #resetStats}. */
  Map<String, Long> commandMicros() {
    return commandStats("usec=");
  }

  private Map<String, Long> commandStats(String field) {
    String info;
    try (Jedis jedis = jedis()) {
      info = jedis.info("commandstats");
    }
    Map<String, Long> calls = new LinkedHashMap<>();
    for (String line : info.split("\r?\n", -1)) {
      // cmdstat_evalsha:calls=12,usec=...
      if (!line.startsWith("cmdstat_")) {
        continue;
      }
      String name = line.substring(8, line.indexOf(':'));
      if (name.equals("info") || name.startsWith("config")) {
        continue;
      }
      int start = line.indexOf(field) + field.length();
      int end = line.indexOf(',', start);
      calls.put(name, Long.parseLong(line.substring(start, end)));
    }
    return calls;
  }

  /**
   * The round trip of {@code command} with Redis's own C client: {@code redis-benchmark -c 1 -P 1}
   * (one connection, one command at a time, as the benchmarks' Java clients do), {@code requests}
   * times. Empty when {@code redis-benchmark} is not on PATH or gives no figure.
   */
  public Optional<RedisBenchmarkFigure> redisBenchmark(int requests, String... command)
      throws InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "redis-benchmark",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-c",
                "1",
                "-P",
                "1",
                "-n",
                Integer.toString(requests),
                "-q"));
    args.addAll(List.of(command));
    try {
      Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return RedisBenchmarkFigure.parse(out);
    } catch (IOException e) {
      // Not on PATH: the figure is optional.
      return Optional.empty();
    }
  }

  /**
   * What {@code redis-benchmark -q} reports for one command.
   *
   * @param meanMicros the mean time per request (1 / requests per second), comparable to JMH's
   *     average time
   * @param p50Micros the median latency
   */
  public record RedisBenchmarkFigure(double meanMicros, double p50Micros) {
    private static final Pattern LINE =
        Pattern.compile("([0-9.]+) requests per second(?:, p50=([0-9.]+) msec)?");

    /**
     * The figure of the last summary line in {@code out} (progress lines before it, separated by
     * carriage returns, are ignored); empty when there is none.
     */
    static Optional<RedisBenchmarkFigure> parse(String out) {
      Matcher m = LINE.matcher(out);
      RedisBenchmarkFigure last = null;
      while (m.find()) {
        double rps = Double.parseDouble(m.group(1));
        if (rps > 0) {
          double p50 = m.group(2) == null ? Double.NaN : Double.parseDouble(m.group(2)) * 1e3;
          last = new RedisBenchmarkFigure(1e6 / rps, p50);
        }
      }
      return Optional.ofNullable(last);
    }
  }

  /**
   * A new Jedis connection to this server (5 s timeouts); the caller closes it. It sends no {@code
   * CLIENT SETINFO} when it connects, so that connecting adds no command to the counts it reads.
   */
  public Jedis jedis() {
    return new Jedis(new HostAndPort("127.0.0.1", port), QUIET);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }
}

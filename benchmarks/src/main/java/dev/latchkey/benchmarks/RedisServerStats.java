package dev.latchkey.benchmarks;

import dev.latchkey.redis.testing.RedisServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;

/**
 * What the benchmarks read from a {@code redis-server} started by the shared test fixture ({@link
 * dev.latchkey.redis.testing.RedisFixture}): the commands an operation sent and the server time
 * they took, without the commands that reading them costs, and the round trip of Redis's own C
 * client.
 */
public final class RedisServerStats {
  private static final JedisClientConfig QUIET =
      DefaultJedisClientConfig.builder()
          .timeoutMillis(5000)
          .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
          .build();

  private RedisServerStats() {}

  /**
   * Calls per command since the last {@link RedisServer#resetStats}, without the {@code INFO},
   * {@code CONFIG} and {@code CLIENT} calls that counting makes itself.
   *
   * @param server the server to read
   * @return calls by the server's command name, in the server's order
   */
  public static Map<String, Long> commandCalls(RedisServer server) {
    return withoutOwnCalls(server.commandCalls());
  }

  /**
   * Microseconds the server spent per command since the last {@link RedisServer#resetStats}, keyed
   * as {@link #commandCalls} is.
   *
   * @param server the server to read
   * @return microseconds by the server's command name
   */
  public static Map<String, Long> commandMicros(RedisServer server) {
    return withoutOwnCalls(server.commandMicros());
  }

  private static Map<String, Long> withoutOwnCalls(Map<String, Long> stats) {
    Map<String, Long> out = new LinkedHashMap<>();
    stats.entrySet().stream()
        .filter(e -> !isOwnCall(e.getKey()))
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static boolean isOwnCall(String name) {
    return name.equals("info")
        || name.startsWith("config")
        || name.startsWith("client")
        || name.equals("ping")
        || name.equals("hello");
  }

  /**
   * A new Jedis connection to {@code server} (5 s timeouts); the caller closes it. It sends no
   * {@code CLIENT SETINFO} when it connects, so that connecting adds no command to the counts.
   *
   * @param server the server to connect to
   * @return a new connection
   */
  public static Jedis quietJedis(RedisServer server) {
    return new Jedis(server.hostAndPort(), QUIET);
  }

  /**
   * The round trip of {@code command} with Redis's own C client: {@code redis-benchmark -c 1 -P 1}
   * against {@code server} (one connection, one command at a time, as the benchmarks' Java clients
   * do), {@code requests} times. Empty when {@code redis-benchmark} is not on PATH or gives no
   * figure.
   */
  public static Optional<RedisBenchmarkFigure> redisBenchmark(
      RedisServer server, int requests, String... command) throws InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "redis-benchmark",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(server.port()),
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
}

package dev.latchkey.benchmarks;

import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.util.Map;

/**
 * How many Redis commands does each session operation of {@link RedisSessionBenchmark} send, for
 * Latchkey and for Spring Session's two repositories? Runs each operation 500 times on a private
 * {@code redis-server} and counts, through Jedis's {@code MONITOR}, the commands the client sent
 * (round trips) and those Lua scripts ran inside the server, divided by 500. Prints one line per
 * implementation and operation: {@code COMMANDS <impl> <op> sent=<per-op> inScripts=<per-op>
 * serverUs=<µs inside Redis per op> <command>=<per-op> ...}; then, when {@code redis-benchmark} is
 * on PATH, the floor of one {@code GET} round trip with Redis's own C client: {@code FLOOR
 * redis-benchmark GET mean_us=<µs> p50_us=<µs>}.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.latchkey.benchmarks.RedisCommandsPerOperation}
 */
public final class RedisCommandsPerOperation {
  private static final int N = 500;

  private RedisCommandsPerOperation() {}

  public static void main(String[] args) throws Exception {
    for (String impl : new String[] {"latchkey", "springPlain", "springIndexed"}) {
      try (RedisServer server = RedisFixture.standalone();
          RedisSessionBenchmark.Sessions s = RedisSessionBenchmark.Sessions.of(impl, server)) {
        String[] ids = new String[N];
        for (int i = 0; i < N; i++) {
          ids[i] = s.create("warm-" + i);
        }
        s.prepareFloorScript(ids[0]);
        // Connections are open and scripts loaded: count steady-state commands only.
        // Pass 1, without MONITOR (which slows every command, scripts most): time inside Redis.
        Map<String, Map<String, Long>> micros = new java.util.HashMap<>();
        for (String op : OPS) {
          server.resetStats();
          run(s, op, ids, "timed-");
          micros.put(op, RedisServerStats.commandMicros(server));
        }
        // Pass 2, with MONITOR: commands sent (round trips) against commands run inside scripts.
        try (RedisCommandMonitor monitor = new RedisCommandMonitor(server)) {
          for (String op : OPS) {
            monitor.reset();
            run(s, op, ids, "counted-");
            print(impl, op, monitor, micros.get(op));
          }
        }
      }
    }
    try (RedisServer server = RedisFixture.standalone()) {
      try (redis.clients.jedis.Jedis jedis = RedisServerStats.quietJedis(server)) {
        jedis.set(
            RedisSessionBenchmark.Sessions.FLOOR_KEY, RedisSessionBenchmark.Sessions.FLOOR_VALUE);
      }
      RedisServerStats.redisBenchmark(
              server, 20_000, "GET", RedisSessionBenchmark.Sessions.FLOOR_KEY)
          .ifPresent(
              f ->
                  System.out.printf(
                      java.util.Locale.ROOT,
                      "FLOOR redis-benchmark GET mean_us=%.1f p50_us=%.1f%n",
                      f.meanMicros(),
                      f.p50Micros()));
    }
  }

  private static final String[] OPS = {
    "create", "readTouch", "attributeWrite", "floorGet", "floorScript"
  };

  private static void run(RedisSessionBenchmark.Sessions s, String op, String[] ids, String tag) {
    for (int i = 0; i < N; i++) {
      boolean ok =
          switch (op) {
            case "create" -> s.create(tag + i) != null;
            case "readTouch" -> s.readTouch(ids[i]);
            case "floorGet" -> s.floorGet();
            case "floorScript" -> s.floorScript();
            default -> s.attributeWrite(ids[i], tag + i);
          };
      if (!ok) {
        throw new IllegalStateException("a session was lost during " + op);
      }
    }
  }

  private static void print(
      String impl, String op, RedisCommandMonitor monitor, Map<String, Long> micros)
      throws Exception {
    monitor.sync();
    Map<String, Long> sent = monitor.sent();
    Map<String, Long> inScripts = monitor.inScripts();
    // Time inside Redis of the commands the client sent (a script's time includes its calls).
    long serverMicros = 0;
    for (String name : sent.keySet()) {
      serverMicros += micros.getOrDefault(name, 0L);
    }
    StringBuilder line =
        new StringBuilder("COMMANDS ")
            .append(impl)
            .append(' ')
            .append(op)
            .append(" sent=")
            .append(perOp(sum(sent)))
            .append(" inScripts=")
            .append(perOp(sum(inScripts)))
            .append(" serverUs=")
            .append(perOp(serverMicros));
    for (Map.Entry<String, Long> e : sent.entrySet()) {
      line.append(' ').append(e.getKey()).append('=').append(perOp(e.getValue()));
    }
    System.out.println(line);
  }

  private static long sum(Map<String, Long> m) {
    return m.values().stream().mapToLong(Long::longValue).sum();
  }

  private static String perOp(long n) {
    return String.format(java.util.Locale.ROOT, "%.2f", n / (double) N);
  }
}

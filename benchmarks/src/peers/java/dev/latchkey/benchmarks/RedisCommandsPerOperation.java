package dev.latchkey.benchmarks;

import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import redis.clients.jedis.Jedis;

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
 * <p>Operations an implementation cannot do (Spring's plain repository keeps no index of a user's
 * sessions, so it cannot list them or end them all) print no line. Two more kinds of line:
 *
 * <ul>
 *   <li>{@code SAMESIZE bytes=<n> check_us=<µs> get_us=<µs>}: the server time of the one command of
 *       a Latchkey check that renews nothing (a {@code GET} of the session's value) against a
 *       {@code GET} of a plain string as long, 500 each on a quiet connection: what a check's one
 *       command costs against the cheapest read of the same bytes.
 *   <li>{@code MEMORY <impl> sessions=<n> bytes_per_session=<b>}: Redis's {@code used_memory} grown
 *       by {@code n} idle sessions of {@code n} users on a fresh server, divided by {@code n}: the
 *       hash, the per-user index's share and every other key an implementation writes.
 * </ul>
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.latchkey.benchmarks.RedisCommandsPerOperation}
 */
public final class RedisCommandsPerOperation {
  static final int N = 500;

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
        List<String> ops = new ArrayList<>();
        for (String op : OPS) {
          if (supports(s, op)) {
            ops.add(op);
          }
        }
        // Connections are open and scripts loaded: count steady-state commands only.
        // Pass 1, without MONITOR (which slows every command, scripts most): time inside Redis.
        Map<String, Map<String, Long>> micros = new java.util.HashMap<>();
        for (String op : ops) {
          String[] targets = prepare(s, op, ids, "timed-");
          server.resetStats();
          run(s, op, targets);
          micros.put(op, RedisServerStats.commandMicros(server));
        }
        // Pass 2, with MONITOR: commands sent (round trips) against commands run inside scripts.
        try (RedisCommandMonitor monitor = new RedisCommandMonitor(server)) {
          for (String op : ops) {
            String[] targets = prepare(s, op, ids, "counted-");
            monitor.sync();
            monitor.reset();
            run(s, op, targets);
            print(impl, op, monitor, micros.get(op));
          }
        }
        if (impl.equals("latchkey")) {
          sameSize(server);
        }
      }
    }
    for (String impl : new String[] {"latchkey", "springPlain", "springIndexed"}) {
      memory(impl);
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

  static final String[] OPS = {
    "create",
    "check",
    "readTouch",
    "attributeWrite",
    "logout",
    "list",
    "logoutEverywhere",
    "floorGet",
    "floorScript"
  };

  /** Sessions held per user for logoutEverywhere. */
  private static final int PER_USER = 2;

  static boolean supports(RedisSessionBenchmark.Sessions s, String op) {
    return switch (op) {
      case "list", "logoutEverywhere" -> s.list("nobody") >= 0;
      default -> true;
    };
  }

  /**
   * What {@code op} runs on, made before the stats are reset: the session ids or subjects of its
   * {@link #N} calls.
   */
  static String[] prepare(RedisSessionBenchmark.Sessions s, String op, String[] ids, String tag) {
    String[] targets = new String[N];
    for (int i = 0; i < N; i++) {
      targets[i] =
          switch (op) {
            case "create" -> tag + i;
            case "logout" -> s.create(tag + "logout-" + i);
            case "list" -> "warm-" + i;
            case "logoutEverywhere" -> {
              String subject = tag + "everywhere-" + i;
              for (int k = 0; k < PER_USER; k++) {
                s.create(subject);
              }
              yield subject;
            }
            default -> ids[i];
          };
    }
    return targets;
  }

  static void run(RedisSessionBenchmark.Sessions s, String op, String[] targets) {
    for (int i = 0; i < N; i++) {
      String t = targets[i];
      boolean ok =
          switch (op) {
            case "create" -> s.create(t) != null;
            case "check" -> s.check(t);
            case "readTouch" -> s.readTouch(t);
            case "logout" -> s.logout(t);
            case "list" -> s.list(t) == 1;
            case "logoutEverywhere" -> s.logoutEverywhere(t) == PER_USER;
            case "floorGet" -> s.floorGet();
            case "floorScript" -> s.floorScript();
            default -> s.attributeWrite(t, "v" + i);
          };
      if (!ok) {
        throw new IllegalStateException("a session was lost during " + op);
      }
    }
  }

  /** The {@code SAMESIZE} line: a check's GET of a session against a GET of as many bytes. */
  private static void sameSize(RedisServer server) {
    try (Jedis jedis = RedisServerStats.quietJedis(server)) {
      String session = null;
      for (String key : jedis.keys("bench:*:s:*")) {
        if (jedis.type(key).equals("string")) {
          session = key;
          break;
        }
      }
      if (session == null) {
        throw new IllegalStateException("no session key");
      }
      int bytes = jedis.get(session).getBytes(StandardCharsets.UTF_8).length;
      jedis.set("same-size", "x".repeat(bytes));
      // Warm both, then time each alone.
      jedis.get(session);
      jedis.get("same-size");
      server.resetStats();
      for (int i = 0; i < N; i++) {
        jedis.get(session);
      }
      long check = RedisServerStats.commandMicros(server).getOrDefault("get", 0L);
      server.resetStats();
      for (int i = 0; i < N; i++) {
        jedis.get("same-size");
      }
      long get = RedisServerStats.commandMicros(server).getOrDefault("get", 0L);
      System.out.printf(
          Locale.ROOT,
          "SAMESIZE bytes=%d check_us=%.3f get_us=%.3f%n",
          bytes,
          check / (double) N,
          get / (double) N);
    }
  }

  /** The {@code MEMORY} line of {@code impl}: used_memory grown per idle session. */
  private static void memory(String impl) throws Exception {
    int sessions = 5_000;
    try (RedisServer server = RedisFixture.standalone();
        RedisSessionBenchmark.Sessions s = RedisSessionBenchmark.Sessions.of(impl, server);
        Jedis jedis = RedisServerStats.quietJedis(server)) {
      // One session first: keys written once per deployment (placement secret) are not counted.
      s.create("first");
      long before = usedMemory(jedis);
      for (int i = 0; i < sessions; i++) {
        s.create("idle-" + i);
      }
      long after = usedMemory(jedis);
      System.out.printf(
          Locale.ROOT,
          "MEMORY %s sessions=%d bytes_per_session=%.0f%n",
          impl,
          sessions,
          (after - before) / (double) sessions);
    }
  }

  private static long usedMemory(Jedis jedis) {
    for (String line : jedis.info("memory").lines().toList()) {
      if (line.startsWith("used_memory:")) {
        return Long.parseLong(line.substring("used_memory:".length()).strip());
      }
    }
    throw new IllegalStateException("no used_memory in INFO memory");
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

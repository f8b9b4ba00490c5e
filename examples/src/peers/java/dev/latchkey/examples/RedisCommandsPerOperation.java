package dev.latchkey.examples;

import java.util.Map;

/**
 * How many Redis commands does each session operation of {@link RedisSessionBenchmark} send, for
 * Latchkey and for Spring Session's two repositories? Runs each operation 500 times on a private
 * {@code redis-server} and counts, through {@code MONITOR}, the commands the client sent (round
 * trips) and those Lua scripts ran inside the server, divided by 500. Prints one line per
 * implementation and operation: {@code COMMANDS <impl> <op> sent=<per-op> inScripts=<per-op> <command>=<per-op> ...}.
 *
 * <p>Run: {@code java -cp examples/target/benchmarks.jar
 * dev.latchkey.examples.RedisCommandsPerOperation}
 */
public final class RedisCommandsPerOperation {
  private static final int N = 500;

  private RedisCommandsPerOperation() {}

  public static void main(String[] args) throws Exception {
    for (String impl : new String[] {"latchkey", "springPlain", "springIndexed"}) {
      try (RedisServerProcess server = RedisServerProcess.start();
          RedisSessionBenchmark.Sessions s = RedisSessionBenchmark.Sessions.of(impl, server);
          RedisCommandMonitor monitor = new RedisCommandMonitor(server)) {
        String[] ids = new String[N];
        for (int i = 0; i < N; i++) {
          ids[i] = s.create("warm-" + i);
        }
        // Connections are open and scripts loaded: count steady-state commands only.
        monitor.reset();
        for (int i = 0; i < N; i++) {
          s.create("user-" + i);
        }
        print(impl, "create", monitor);
        monitor.reset();
        for (int i = 0; i < N; i++) {
          if (!s.readTouch(ids[i])) {
            throw new IllegalStateException(impl + " lost a session");
          }
        }
        print(impl, "readTouch", monitor);
        monitor.reset();
        for (int i = 0; i < N; i++) {
          if (!s.attributeWrite(ids[i], "cart-" + i)) {
            throw new IllegalStateException(impl + " lost a session");
          }
        }
        print(impl, "attributeWrite", monitor);
      }
    }
  }

  private static void print(String impl, String op, RedisCommandMonitor monitor)
      throws Exception {
    monitor.sync();
    Map<String, Long> sent = monitor.sent();
    Map<String, Long> inScripts = monitor.inScripts();
    StringBuilder line =
        new StringBuilder("COMMANDS ")
            .append(impl).append(' ').append(op)
            .append(" sent=").append(perOp(sum(sent)))
            .append(" inScripts=").append(perOp(sum(inScripts)));
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

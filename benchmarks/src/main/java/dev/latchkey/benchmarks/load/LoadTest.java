package dev.latchkey.benchmarks.load;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The load and soak test: many simulated users doing the real mix (password login at bcrypt cost 4,
 * session checks, token verifies, refreshes, logouts, log out everywhere) against in-memory stores
 * or against two nodes on one Redis, checking invariants while it runs (see {@link LoadEngine}),
 * then checking that closing the stores left no thread and no Redis connection behind. Exits 0 only
 * when errors, violations and leaks are all 0.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * redis-server --port 6390 --save '' --appendonly no &amp;
 * java -cp benchmarks/target/benchmarks.jar dev.latchkey.benchmarks.load.LoadTest --minutes 3 --store memory
 * java -cp benchmarks/target/benchmarks.jar dev.latchkey.benchmarks.load.LoadTest --minutes 3 \
 *     --store redis --redis redis://127.0.0.1:6390
 * </pre>
 *
 * <p>Options: {@code --minutes N} or {@code --seconds N} (default 1 minute), {@code --users N}
 * (200), {@code --threads N} (8), {@code --nodes N} (Redis only, 2), {@code --cap N} (sessions per
 * subject, 3), {@code --max-ops N} (no limit), {@code --sample-seconds N} (10), {@code --store
 * memory|redis}, {@code --redis URL} (else the {@code REDIS_URL} environment variable). The Redis
 * database should be empty and not shared: the run flushes nothing, and DBSIZE is sampled.
 */
public final class LoadTest {
  private LoadTest() {}

  /** What to run. */
  record Options(
      String store,
      String redisUrl,
      Duration duration,
      long maxOperations,
      int users,
      int threads,
      int nodes,
      int sessionCap,
      Duration sampleEvery,
      LoadFleets.Lifetimes lifetimes,
      Duration redisTimeout,
      Duration heartbeat) {

    static Options defaults() {
      return new Options(
          "memory",
          System.getenv("REDIS_URL"),
          Duration.ofMinutes(1),
          Long.MAX_VALUE,
          200,
          8,
          2,
          3,
          Duration.ofSeconds(10),
          LoadFleets.Lifetimes.SOAK,
          Duration.ofSeconds(1),
          Duration.ofMillis(100));
    }

    Options with(String store, String redisUrl, Duration duration) {
      return new Options(
          store,
          redisUrl,
          duration,
          maxOperations,
          users,
          threads,
          nodes,
          sessionCap,
          sampleEvery,
          lifetimes,
          redisTimeout,
          heartbeat);
    }

    Options shape(
        int users,
        int threads,
        long maxOperations,
        Duration sampleEvery,
        LoadFleets.Lifetimes lifetimes) {
      return new Options(
          store,
          redisUrl,
          duration,
          maxOperations,
          users,
          threads,
          nodes,
          sessionCap,
          sampleEvery,
          lifetimes,
          redisTimeout,
          heartbeat);
    }
  }

  /**
   * A run's report with the leak checks around it.
   *
   * @param leakedThreads threads started during the run still alive after close (names)
   * @param clientsBefore Redis clients before the fleet was built (-1 in memory)
   * @param clientsAfter Redis clients after it was closed (-1 in memory)
   */
  record Outcome(
      LoadEngine.Report report, List<String> leakedThreads, long clientsBefore, long clientsAfter) {

    boolean clean() {
      return report.errors() == 0
          && report.violations() == 0
          && report.unavailable() == 0
          && leakedThreads.isEmpty()
          && clientsAfter <= clientsBefore;
    }
  }

  /** Builds the fleet, runs the load, closes the fleet and checks for leaks. */
  static Outcome execute(Options o, java.io.PrintStream out) throws Exception {
    boolean redis = o.store().equals("redis");
    if (redis && (o.redisUrl() == null || o.redisUrl().isBlank())) {
      throw new IllegalArgumentException("--store redis needs --redis URL or REDIS_URL");
    }
    Set<Long> threadsBefore = liveThreadIds();
    long clientsBefore = redis ? LoadFleets.clientCount(o.redisUrl(), o.redisTimeout()) : -1;
    LoadEngine.Report report;
    Supplier<LoadEngine.Fleet> build =
        () ->
            redis
                ? LoadFleets.redis(
                    o.redisUrl(),
                    o.nodes(),
                    o.users(),
                    o.sessionCap(),
                    o.lifetimes(),
                    o.redisTimeout(),
                    o.heartbeat())
                : LoadFleets.memory(o.users(), o.sessionCap(), o.lifetimes());
    try (LoadEngine.Fleet fleet = build.get()) {
      out.printf(
          "load: store=%s nodes=%d users=%d threads=%d cap=%d duration=%s lifetimes=%s%n",
          o.store(),
          fleet.nodes().size(),
          o.users(),
          o.threads(),
          o.sessionCap(),
          o.duration(),
          o.lifetimes());
      LoadEngine engine =
          new LoadEngine(
              fleet,
              new LoadEngine.Config(
                  o.duration(),
                  o.maxOperations(),
                  o.users(),
                  o.threads(),
                  o.sessionCap(),
                  o.sampleEvery(),
                  true));
      report = engine.run();
    }
    List<String> leaked = awaitNoNewThreads(threadsBefore, Duration.ofSeconds(10));
    long clientsAfter =
        redis
            ? awaitClients(o.redisUrl(), o.redisTimeout(), clientsBefore, Duration.ofSeconds(10))
            : -1;
    return new Outcome(report, leaked, clientsBefore, clientsAfter);
  }

  /** Prints a run's outcome as RELIABILITY.md shows it. */
  static void print(Outcome outcome, java.io.PrintStream out) {
    for (LoadEngine.Sample s : outcome.report().samples()) {
      out.println("  " + s);
    }
    out.println(outcome.report().summary());
    for (String p : outcome.report().firstProblems()) {
      out.println("  " + p);
    }
    out.printf(
        "leaked threads: %s; redis clients before=%d after=%d%n",
        outcome.leakedThreads(), outcome.clientsBefore(), outcome.clientsAfter());
    out.println(outcome.clean() ? "RESULT: PASS" : "RESULT: FAIL");
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.defaults();
    String store = o.store();
    String url = o.redisUrl();
    Duration duration = o.duration();
    int users = o.users();
    int threads = o.threads();
    long maxOps = o.maxOperations();
    int nodes = o.nodes();
    int cap = o.sessionCap();
    Duration sample = o.sampleEvery();
    for (int i = 0; i < args.length; i += 2) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--minutes" -> duration = Duration.ofMinutes(Long.parseLong(value(a, v)));
        case "--seconds" -> duration = Duration.ofSeconds(Long.parseLong(value(a, v)));
        case "--users" -> users = Integer.parseInt(value(a, v));
        case "--threads" -> threads = Integer.parseInt(value(a, v));
        case "--nodes" -> nodes = Integer.parseInt(value(a, v));
        case "--cap" -> cap = Integer.parseInt(value(a, v));
        case "--max-ops" -> maxOps = Long.parseLong(value(a, v));
        case "--sample-seconds" -> sample = Duration.ofSeconds(Long.parseLong(value(a, v)));
        case "--store" -> store = value(a, v);
        case "--redis" -> url = value(a, v);
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (!store.equals("memory") && !store.equals("redis")) {
      throw new IllegalArgumentException("--store must be memory or redis: " + store);
    }
    Options run =
        new Options(
            store,
            url,
            duration,
            maxOps,
            users,
            threads,
            nodes,
            cap,
            sample,
            o.lifetimes(),
            o.redisTimeout(),
            o.heartbeat());
    Outcome outcome = execute(run, System.out);
    print(outcome, System.out);
    System.exit(outcome.clean() ? 0 : 1);
  }

  private static String value(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }

  static Set<Long> liveThreadIds() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getId)
        .collect(Collectors.toSet());
  }

  /**
   * Threads born after {@code before} and still alive once {@code bound} has passed, ignoring the
   * JDK's own shared threads: the common fork-join pool (Caffeine's maintenance, idle workers
   * linger a while), the one static CompletableFuture delay scheduler behind Caffeine's system
   * scheduler (made once per JVM, never per store), and the process reaper of tests that start
   * redis-server.
   */
  static List<String> awaitNoNewThreads(Set<Long> before, Duration bound)
      throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (true) {
      List<String> born =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> t.isAlive() && !before.contains(t.getId()))
              .map(Thread::getName)
              .filter(
                  n ->
                      !n.startsWith("ForkJoinPool.commonPool")
                          && !n.equals("process reaper")
                          && !n.equals("CompletableFutureDelayScheduler")
                          && !n.equals("Attach Listener"))
              .sorted()
              .toList();
      if (born.isEmpty() || System.nanoTime() > deadline) {
        return born;
      }
      Thread.sleep(50);
    }
  }

  /** Polls CLIENT LIST until no more clients than {@code before} remain, or the bound passes. */
  static long awaitClients(String url, Duration timeout, long before, Duration bound)
      throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (true) {
      long now = LoadFleets.clientCount(url, timeout);
      if (now <= before || System.nanoTime() > deadline) {
        return now;
      }
      Thread.sleep(50);
    }
  }
}

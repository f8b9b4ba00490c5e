package dev.latchkey.benchmarks;

import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many session checks per second does one {@code redis-server} (loopback) answer for many
 * concurrent requests, Latchkey against Spring Session's plain repository in the same run? Each
 * implementation gets a fresh server with 2,000 live sessions; {@code threads} threads check random
 * ones of them ({@link RedisSessionBenchmark.Sessions#check}: Latchkey at its default renewal
 * interval, Spring's find-and-save) for one second of warm-up and {@code seconds} seconds counted;
 * the two alternate twice and each keeps its best window, since the machine may be shared.
 * Latchkey's Jedis pool holds {@code threads} connections; Spring's Lettuce factory shares one
 * connection, its default. Load generator and server share the machine's cores.
 *
 * <p>Prints {@code THROUGHPUT <impl> threads=<n> seconds=<s> checks_per_s=<x>
 * server_us_per_check=<µs>}: the second figure is Redis's own time ({@code INFO commandstats},
 * every command) over the counted window divided by the checks in it, the least of the two windows:
 * what a check costs the server when it is busy, where the single-threaded counts of {@link
 * RedisCommandsPerOperation} find it idle between commands.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.latchkey.benchmarks.RedisSessionThroughput 5 64}
 */
public final class RedisSessionThroughput {
  private static final int SESSIONS = 2_000;

  private RedisSessionThroughput() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    String[] impls = {"latchkey", "springPlain"};
    double[] best = new double[impls.length];
    double[] server = {Double.MAX_VALUE, Double.MAX_VALUE};
    for (int round = 0; round < 2; round++) {
      for (int k = 0; k < impls.length; k++) {
        double[] r = run(impls[k], seconds, threads);
        best[k] = Math.max(best[k], r[0]);
        server[k] = Math.min(server[k], r[1]);
      }
    }
    for (int k = 0; k < impls.length; k++) {
      System.out.printf(
          Locale.ROOT,
          "THROUGHPUT %s threads=%d seconds=%d checks_per_s=%.0f server_us_per_check=%.3f%n",
          impls[k],
          threads,
          seconds,
          best[k],
          server[k]);
    }
  }

  /**
   * Checks per second of {@code impl} over {@code seconds}, after a second of warm-up, and Redis's
   * server time per check in that window (µs).
   */
  static double[] run(String impl, int seconds, int threads) throws Exception {
    try (RedisServer server = RedisFixture.standalone();
        RedisSessionBenchmark.Sessions s =
            RedisSessionBenchmark.Sessions.of(impl, server, threads)) {
      String[] ids = new String[SESSIONS];
      for (int i = 0; i < SESSIONS; i++) {
        ids[i] = s.create("user-" + i);
      }
      AtomicBoolean counting = new AtomicBoolean();
      AtomicBoolean stop = new AtomicBoolean();
      LongAdder checks = new LongAdder();
      LongAdder lost = new LongAdder();
      CountDownLatch done = new CountDownLatch(threads);
      for (int t = 0; t < threads; t++) {
        int seed = t;
        Thread w =
            new Thread(
                () -> {
                  try {
                    int i = seed * 7919;
                    while (!stop.get()) {
                      boolean ok = s.check(ids[Math.floorMod(i++ * 31, SESSIONS)]);
                      if (counting.get()) {
                        checks.increment();
                        if (!ok) {
                          lost.increment();
                        }
                      }
                    }
                  } finally {
                    done.countDown();
                  }
                });
        w.setDaemon(true);
        w.start();
      }
      Thread.sleep(1_000);
      server.resetStats();
      counting.set(true);
      long start = System.nanoTime();
      Thread.sleep(seconds * 1_000L);
      counting.set(false);
      long elapsed = System.nanoTime() - start;
      long micros =
          RedisServerStats.commandMicros(server).values().stream().mapToLong(Long::longValue).sum();
      stop.set(true);
      done.await();
      if (lost.sum() > 0) {
        throw new IllegalStateException(impl + ": " + lost.sum() + " checks failed");
      }
      return new double[] {checks.sum() / (elapsed / 1e9), micros / (double) checks.sum()};
    }
  }
}

package dev.latchkey.redis;

import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.lang.ref.Reference;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.UnifiedJedis;

/**
 * What does the revocation replica cost at a million live revocations: heap per entry, and the time
 * of a full resync (SCAN of every revocation key, their values read, merged into an empty replica,
 * and compared back with Redis)? A private {@code redis-server} on a free loopback port is filled
 * through the revocation script ({@link RevocationFill}), then resynced into a new replica several
 * times; the heap is measured after repeated full GCs without and with one filled replica.
 *
 * <p>Prints {@code REPLICA entries=<n> bytes_per_entry=<b> resync_ms_median=<ms> resync_ms=<all>}.
 *
 * <p>Run: {@code mvn -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests && java -Xmx4g -cp
 * benchmarks/target/benchmarks.jar dev.latchkey.redis.RevocationReplicaFootprint [entries]
 * [resyncs]}
 */
public final class RevocationReplicaFootprint {
  private RevocationReplicaFootprint() {}

  public static void main(String[] args) {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Clock clock = Clock.systemUTC();
    Keys keys = new Keys(RevocationFill.PREFIX);
    try (RedisServer server = RedisFixture.standalone();
        UnifiedJedis jedis = server.newClient()) {
      long fillStart = System.nanoTime();
      RevocationFill.fill(jedis, entries, Duration.ofHours(2));
      System.err.printf(
          "filled %d revocations in %d ms%n",
          entries, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fillStart));
      RedisCalls calls = new RedisCalls(jedis);
      long staleNanos = TimeUnit.SECONDS.toNanos(60);
      RevocationShards shards =
          RevocationShards.discover(jedis, keys, staleNanos, System.nanoTime());

      long[] millis = new long[rounds];
      RevocationReplica held = null;
      for (int r = 0; r < rounds; r++) {
        held = null;
        RevocationReplica replica =
            new RevocationReplica(keys, new RevocationDigests(), clock, entries + 1_000);
        RevocationFeed feed =
            new RevocationFeed(
                calls,
                keys,
                replica,
                clock,
                Duration.ofMillis(500),
                System::nanoTime,
                RevocationFeed.defaultThreads());
        long start = System.nanoTime();
        feed.resync(shards);
        millis[r] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (replica.size() != entries || !replica.complete()) {
          throw new IllegalStateException(
              "resync held " + replica.size() + " of " + entries + " entries");
        }
        held = replica;
        System.err.printf("resync %d: %d ms%n", r + 1, millis[r]);
      }

      long with;
      try {
        with = usedAfterGc();
      } finally {
        Reference.reachabilityFence(held);
      }
      held = null;
      long without = usedAfterGc();
      long[] sorted = millis.clone();
      Arrays.sort(sorted);
      System.out.printf(
          Locale.ROOT,
          "REPLICA entries=%d bytes_per_entry=%.1f resync_ms_median=%d resync_ms=%s%n",
          entries,
          (with - without) / (double) entries,
          sorted[rounds / 2],
          Arrays.toString(millis).replace(" ", ""));
    }
  }

  private static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }
}

package dev.latchkey.redis;

import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import redis.clients.jedis.UnifiedJedis;

/**
 * What does a revocation check cost when the replica holds a million live revocations: {@link
 * RedisRevocationList#isRevoked} answered from the replica (SHA-256 of {@code iss|jti} included, no
 * Redis command), for a revoked token (a hit: its subject hashed too, mostly not in the subject
 * cache) and for one not revoked (a miss, the common case)?
 *
 * <p>A private {@code redis-server} on a free loopback port is filled through the revocation script
 * ({@link RevocationFill}); the list's feed then resyncs its replica from it, and the setup waits
 * until the replica is current and 1,000 checks send Redis no command. Each benchmark walks its
 * million tokens in a random order, so lookups reach memory as a busy server's would; the ids are
 * built per call (as a server has them fresh from the token it parsed), and {@link #ids} measures
 * that alone.
 *
 * <p>Run: {@code mvn -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar RevocationReplicaBenchmark -f 1 -wi 2 -w 1s -i 3 -r 1s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = "-Xmx4g")
public class RevocationReplicaBenchmark {
  @Param("1000000")
  int entries;

  RedisServer server;
  UnifiedJedis client;
  RedisRevocationList list;
  int[] order;
  Instant issuedAt;
  int next;

  @Setup
  public void setUp() throws Exception {
    server = RedisFixture.standalone();
    client = server.newClient();
    RevocationFill.fill(client, entries, Duration.ofHours(2));
    issuedAt = Instant.now();
    list =
        new RedisRevocationList(
                new RedisCalls(client),
                new Keys(RevocationFill.PREFIX),
                Clock.systemUTC(),
                Duration.ofMillis(500))
            .start();
    order = new int[entries];
    for (int i = 0; i < entries; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(7);
    for (int i = entries - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    awaitReplica();
  }

  /** Waits (at most two minutes) until 1,000 checks, hits and misses, send Redis no command. */
  private void awaitReplica() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      if (list.isCurrent()) {
        server.resetStats();
        for (int i = 0; i < 500; i++) {
          if (!hit() || miss()) {
            throw new IllegalStateException("a check answered wrongly");
          }
        }
        // A check the replica cannot answer runs a script that GETs its keys; heartbeats GETEX.
        if (server.commandCalls().getOrDefault("get", 0L) == 0) {
          return;
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the revocation replica did not become current");
  }

  private int nextIndex() {
    int i = next++;
    if (next == entries) {
      next = 0;
    }
    return i;
  }

  /** A revoked token: found, its subject hashed (mostly not in the subject cache), its shard. */
  @Benchmark
  public boolean hit() {
    int n = order[nextIndex()];
    return list.isRevoked(
        RevocationFill.ISS, RevocationFill.tokenId(n), RevocationFill.subject(n), issuedAt);
  }

  /** A token not revoked, of a subject with revoked tokens: the common case. */
  @Benchmark
  public boolean miss() {
    int n = order[nextIndex()];
    return list.isRevoked(RevocationFill.ISS, "live-" + n, RevocationFill.subject(n), issuedAt);
  }

  /** Building the ids a check is given, without the check: the part of both that is not it. */
  @Benchmark
  public int ids() {
    int n = order[nextIndex()];
    return RevocationFill.tokenId(n).length() + RevocationFill.subject(n).length();
  }

  @TearDown
  public void tearDown() {
    list.close();
    client.close();
    server.close();
  }
}

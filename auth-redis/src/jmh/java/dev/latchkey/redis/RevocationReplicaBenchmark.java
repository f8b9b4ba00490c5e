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
 * million tokens in a random order, so lookups reach memory as a busy server's would.
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
  String[] hitIds;
  String[] hitSubjects;
  String[] missIds;
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
    int[] order = new int[entries];
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
    hitIds = new String[entries];
    hitSubjects = new String[entries];
    missIds = new String[entries];
    for (int i = 0; i < entries; i++) {
      hitIds[i] = RevocationFill.tokenId(order[i]);
      hitSubjects[i] = RevocationFill.subject(order[i]);
      missIds[i] = "live-" + order[i];
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

  @Benchmark
  public boolean hit() {
    int i = nextIndex();
    return list.isRevoked(RevocationFill.ISS, hitIds[i], hitSubjects[i], issuedAt);
  }

  @Benchmark
  public boolean miss() {
    int i = nextIndex();
    return list.isRevoked(RevocationFill.ISS, missIds[i], hitSubjects[i], issuedAt);
  }

  @TearDown
  public void tearDown() {
    list.close();
    client.close();
    server.close();
  }
}

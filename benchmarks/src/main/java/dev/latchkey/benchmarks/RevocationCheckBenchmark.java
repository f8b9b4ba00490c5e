package dev.latchkey.benchmarks;

import dev.latchkey.core.spi.RevocationList;
import dev.latchkey.redis.RedisStores;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * What does a revocation check cost on a Redis deployment: Latchkey's {@code RedisRevocationList}
 * answering from its in-process replica (kept current by pub/sub), against the plain pattern of one
 * Redis {@code GET} per request through Jedis?
 *
 * <p>Both check 10,000 different token ids in turn, none revoked (the common case), while Redis
 * holds 1,000 revoked tokens and 100 revoked subjects. The setup waits until the replica is current
 * and proves it: 1,000 checks must send no command to Redis. A private {@code redis-server} on a
 * free loopback port is started and stopped by the benchmark.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RevocationCheck -f 1 -wi 2 -w 1s -i 3
 * -r 1s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RevocationCheckBenchmark {
  private static final String ISS = BenchmarkKeys.ISS;
  private static final int TOKENS = 10_000;

  RedisServer server;
  RedisStores stores;
  RevocationList revocations;
  RedisClient jedis;
  String[] jtis;
  String[] subjects;
  String[] getKeys;
  Instant issuedAt;
  int next;

  @Setup
  public void setUp() throws Exception {
    server = RedisFixture.standalone();
    stores = RedisStores.fromUrl(server.url()).keyPrefix("bench:").build();
    revocations = stores.revocationList();
    jedis = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", server.port())).build();
    Instant later = Instant.now().plus(Duration.ofHours(1));
    for (int i = 0; i < 1_000; i++) {
      revocations.revokeToken(ISS, "revoked-" + i, "user-" + i, later);
      jedis.set("revoked:" + ISS + "|revoked-" + i, "1");
    }
    for (int i = 0; i < 100; i++) {
      revocations.revokeSubject("gone-" + i, Instant.now(), later);
    }
    issuedAt = Instant.now();
    jtis = new String[TOKENS];
    subjects = new String[TOKENS];
    getKeys = new String[TOKENS];
    for (int i = 0; i < TOKENS; i++) {
      jtis[i] = OpaqueJti.of(i);
      subjects[i] = "user-" + (i % 2_000);
      getKeys[i] = "revoked:" + ISS + "|" + jtis[i];
    }
    awaitReplica();
  }

  /**
   * Waits (at most 15 s) until 1,000 checks send no GET to Redis: a check the replica cannot answer
   * runs a script that GETs its keys; the heartbeats (a script that PUBLISHes and GETEXes) go on.
   */
  private void awaitReplica() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      server.resetStats();
      for (int i = 0; i < 1_000; i++) {
        replicaCheck();
      }
      Map<String, Long> stats = RedisServerStats.commandCalls(server);
      if (stats.getOrDefault("get", 0L) == 0) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the revocation replica did not become current");
  }

  @Benchmark
  public boolean replicaCheck() {
    int i = next++ % TOKENS;
    if (next == Integer.MAX_VALUE) {
      next = 0;
    }
    return revocations.isRevoked(ISS, jtis[i], subjects[i], issuedAt);
  }

  @Benchmark
  public boolean jedisGet() {
    int i = next++ % TOKENS;
    if (next == Integer.MAX_VALUE) {
      next = 0;
    }
    return jedis.get(getKeys[i]) != null;
  }

  @TearDown
  public void tearDown() {
    stores.close();
    jedis.close();
    server.close();
  }

  /** Token ids shaped like Latchkey's (22 base64url characters). */
  static final class OpaqueJti {
    static String of(int i) {
      return String.format("jti%019d", i);
    }
  }
}

package dev.latchkey.redis;

import dev.latchkey.core.Principal;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.RefreshTokens;
import dev.latchkey.token.SigningAlgorithm;
import dev.latchkey.token.SigningKey;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import redis.clients.jedis.UnifiedJedis;

/**
 * What do the Redis operations that the peer suite does not cover cost: a revocation check that
 * goes to Redis directly (what every check does while a node's replica is not known to be current),
 * and a refresh-token rotation (one atomic script)?
 *
 * <p>In auth-redis's own benchmark source set ({@code src/jmh/java}, compiled only by the {@code
 * benchmarks} profile into a jar that is never published) because the direct path is
 * package-private: the public API only takes it while the replica is not current. The benchmark
 * starts and stops its own {@code redis-server} from the PATH through {@link RedisFixture} (whose
 * classes the jmh jar carries); after the run, {@code tearDown} prints the Redis commands per
 * operation from {@code INFO commandstats}.
 *
 * <p>Run: {@code mvn -B -q -Pbenchmarks -pl examples -am package -DskipTests && java -jar
 * examples/target/benchmarks.jar RedisStoresBenchmark -f 1 -wi 2 -w 1s -i 3 -r 1s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RedisStoresBenchmark {
  private static final String ISS = "bench";
  private static final int TOKENS = 10_000;

  RedisServer redis;
  UnifiedJedis client;
  RedisRevocationList direct;
  RedisStores stores;
  RefreshTokens refresh;
  String refreshToken;
  String[] jtis;
  Instant issuedAt;
  int next;
  long operations;

  @Setup
  public void setUp() throws Exception {
    redis = RedisFixture.standalone();
    client = redis.newClient();
    // Never started: no replica, so every check is one script on Redis.
    direct =
        new RedisRevocationList(
            new RedisCalls(client), new Keys("bench:"), Clock.systemUTC(), Duration.ofMillis(500));
    Instant later = Instant.now().plus(Duration.ofHours(1));
    for (int i = 0; i < 1_000; i++) {
      direct.revokeToken(ISS, "revoked-" + i, "user-" + i, later);
    }
    issuedAt = Instant.now();
    jtis = new String[TOKENS];
    for (int i = 0; i < TOKENS; i++) {
      jtis[i] = String.format("jti%019d", i);
    }

    stores = RedisStores.fromUrl(redis.url()).keyPrefix("bench:").build();
    byte[] secret = "a benchmark HMAC secret of 32+ bytes".getBytes(StandardCharsets.UTF_8);
    JwtTokenService tokens =
        JwtTokenService.builder(
                KeyRing.of(SigningKey.hmac("k", secret, SigningAlgorithm.HS256)), ISS, ISS)
            .revocationList(JwtTokenService.inMemoryRevocationList(Clock.systemUTC()))
            .build();
    // One family rotated back to back: the rotation limit would refuse all but the first few.
    refresh =
        RefreshTokens.builder(tokens, stores.refreshTokenStore())
            .rotationLimit(Integer.MAX_VALUE, Duration.ofSeconds(1))
            .build();
    refreshToken = refresh.login(Principal.of("alice")).refreshToken();
    redis.resetStats();
  }

  /** One revocation check on Redis (a token and its subject's not-before, one script). */
  @Benchmark
  public boolean revocationCheckDirect() {
    operations++;
    int i = next++ % TOKENS;
    if (next == Integer.MAX_VALUE) {
      next = 0;
    }
    return direct.isRevoked(ISS, jtis[i], "user-" + (i % 2_000), issuedAt);
  }

  /**
   * One refresh: the used token consumed and its successor stored in one script, plus issuing the
   * new access token (HS256, in process).
   */
  @Benchmark
  public String refreshRotation() {
    operations++;
    RefreshTokens.Result result = refresh.refresh(refreshToken);
    refreshToken =
        result
            .tokens()
            .orElseThrow(() -> new IllegalStateException("rotation refused: " + result))
            .refreshToken();
    return refreshToken;
  }

  @TearDown
  public void tearDown() throws Exception {
    Map<String, Long> stats = commandCalls();
    // commandstats also counts the commands a script runs inside Redis; the round trips are the
    // EVAL/EVALSHA calls.
    long scripts = stats.getOrDefault("evalsha", 0L) + stats.getOrDefault("eval", 0L);
    System.out.printf(
        "%nRedis commands: %s over %d operations; round trips (scripts) per" + " operation: %.2f%n",
        stats, operations, operations == 0 ? 0.0 : (double) scripts / operations);
    stores.close();
    client.close();
    redis.close();
  }

  /** Calls per command since the reset in setUp, without the INFO and CONFIG calls made here. */
  private Map<String, Long> commandCalls() {
    Map<String, Long> calls = new TreeMap<>(redis.commandCalls());
    calls.keySet().removeIf(command -> command.equals("info") || command.startsWith("config"));
    return calls;
  }
}

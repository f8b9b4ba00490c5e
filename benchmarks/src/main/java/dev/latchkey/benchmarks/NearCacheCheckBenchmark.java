package dev.latchkey.benchmarks;

import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.spi.SessionStore.CapPolicy;
import dev.latchkey.redis.RedisStores;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import dev.latchkey.session.SessionManager;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What does a session cookie check cost on Redis with the session near cache, against without it?
 * {@code check} authenticates cookies of 1,000 live sessions in turn through {@link
 * SessionManager#authenticate} at the default renewal interval, on a private {@code redis-server}
 * (loopback): with {@code near=on} every session is in the cache (a hash lookup, no command), with
 * {@code near=off} each check is one {@code GET} round trip.
 *
 * <p>Run: {@code mvn -B -q -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar NearCacheCheckBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NearCacheCheckBenchmark {
  private static final int SESSIONS = 1_000;

  @Param({"on", "off"})
  public String near;

  private RedisServer server;
  private RedisStores stores;
  private SessionManager manager;
  private SessionCookie[] cookies;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    server = RedisFixture.standalone();
    RedisStores.Builder b = RedisStores.fromUrl(server.url()).keyPrefix("bench:");
    if (near.equals("on")) {
      b.sessionNearCache(10_000);
    }
    stores = b.build();
    manager =
        SessionManager.builder(stores.sessionStore())
            .idleTimeout(Duration.ofMinutes(30))
            .absoluteTimeout(Duration.ofHours(12))
            .maxSessionsPerSubject(4, CapPolicy.END_OLDEST)
            .build();
    Map<String, String> attributes =
        Map.of("user-agent", "Mozilla/5.0 (X11; Linux x86_64)", "address", "192.0.2.10");
    cookies = new SessionCookie[SESSIONS];
    for (int i = 0; i < SESSIONS; i++) {
      Principal p = Principal.of("user-" + i, Set.of("user"));
      cookies[i] = new SessionCookie(manager.login(p, attributes).created().orElseThrow().id());
    }
    // Fill the cache (with near=on) before measuring.
    for (int round = 0; round < 3; round++) {
      for (SessionCookie c : cookies) {
        if (!manager.authenticate(c).succeeded()) {
          throw new IllegalStateException("a session was lost while warming up");
        }
      }
    }
  }

  @Benchmark
  public boolean check() {
    return manager.authenticate(cookies[next++ % SESSIONS]).succeeded();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    stores.close();
    server.close();
  }
}

package dev.latchkey.benchmarks.load;

import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.spi.SessionStore.CapPolicy;
import dev.latchkey.redis.RedisStores;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import dev.latchkey.session.SessionManager;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How long after a logout on node A does node B, which holds the session in its near cache, refuse
 * it, while B serves other checks? Two {@link RedisStores} with the session near cache on one
 * private {@code redis-server} (loopback); {@code threads} threads check 1,000 other sessions on B
 * all along; {@code rounds} times a session is logged in on A, checked on B until B has it cached,
 * logged out on A, and checked on B in a loop until refused: the time from the logout's return to
 * the first refusal. Prints {@code PROPAGATION rounds=<n> threads=<t> median_us=<µs> p99_us=<µs>
 * max_us=<µs>}.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.latchkey.benchmarks.load.NearCachePropagation 500 8}
 */
public final class NearCachePropagation {
  private NearCachePropagation() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    try (RedisServer server = RedisFixture.standalone();
        RedisStores a = stores(server);
        RedisStores b = stores(server)) {
      SessionManager nodeA = manager(a);
      SessionManager nodeB = manager(b);
      Map<String, String> attributes = Map.of("address", "192.0.2.10");
      SessionCookie[] others = new SessionCookie[1_000];
      for (int i = 0; i < others.length; i++) {
        others[i] =
            new SessionCookie(
                nodeA
                    .login(Principal.of("other-" + i, Set.of("user")), attributes)
                    .created()
                    .orElseThrow()
                    .id());
      }
      AtomicBoolean stop = new AtomicBoolean();
      Thread[] load = new Thread[threads];
      for (int t = 0; t < threads; t++) {
        int seed = t;
        load[t] =
            new Thread(
                () -> {
                  int i = seed;
                  while (!stop.get()) {
                    nodeB.authenticate(others[i++ % others.length]);
                  }
                });
        load[t].setDaemon(true);
        load[t].start();
      }
      long[] micros = new long[rounds];
      for (int r = 0; r < rounds; r++) {
        String id =
            nodeA
                .login(Principal.of("user-" + r, Set.of("user")), attributes)
                .created()
                .orElseThrow()
                .id();
        SessionCookie cookie = new SessionCookie(id);
        // Twice: the first read fills B's cache, the second is answered by it.
        nodeB.authenticate(cookie);
        if (!nodeB.authenticate(cookie).succeeded()) {
          throw new IllegalStateException("the session is not live on B");
        }
        nodeA.logout(id);
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(5).toNanos();
        while (nodeB.authenticate(cookie).succeeded()) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("B still accepts a session ended 5 s ago");
          }
          Thread.onSpinWait();
        }
        micros[r] = (System.nanoTime() - start) / 1_000;
      }
      stop.set(true);
      Arrays.sort(micros);
      System.out.printf(
          Locale.ROOT,
          "PROPAGATION rounds=%d threads=%d median_us=%d p99_us=%d max_us=%d%n",
          rounds,
          threads,
          micros[rounds / 2],
          micros[Math.min(rounds - 1, (int) Math.ceil(rounds * 0.99) - 1)],
          micros[rounds - 1]);
    }
  }

  private static RedisStores stores(RedisServer server) {
    return RedisStores.fromUrl(server.url()).keyPrefix("prop:").sessionNearCache(10_000).build();
  }

  private static SessionManager manager(RedisStores stores) {
    return SessionManager.builder(stores.sessionStore())
        .idleTimeout(Duration.ofMinutes(30))
        .absoluteTimeout(Duration.ofHours(12))
        .maxSessionsPerSubject(4, CapPolicy.END_OLDEST)
        .build();
  }
}

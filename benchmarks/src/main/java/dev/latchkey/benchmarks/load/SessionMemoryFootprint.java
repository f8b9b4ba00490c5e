package dev.latchkey.benchmarks.load;

import dev.latchkey.core.Principal;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.session.SessionManager;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * How much heap does one idle session take in the in-memory session store ({@link
 * SessionManager#inMemoryStore})? Logs in 100,000 subjects once each, with two typical attributes
 * (user agent, client address), and reports the heap growth per session, measured after repeated
 * full GCs before and after. The raw ids are dropped, as an application drops them once the cookie
 * is sent; the store keeps only hashes.
 *
 * <p>Run: {@code mvn -B -q -pl benchmarks -am package -DskipTests && java -Xmx1g -cp
 * benchmarks/target/benchmarks.jar dev.latchkey.benchmarks.load.SessionMemoryFootprint [sessions]}
 */
public final class SessionMemoryFootprint {
  private SessionMemoryFootprint() {}

  public static void main(String[] args) {
    int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    // Principals are built up front and kept in both measurements: an application holds its
    // users anyway, and the question is what the session adds.
    Principal[] principals = new Principal[sessions];
    for (int i = 0; i < sessions; i++) {
      principals[i] = Principal.of("user-" + i, Set.of("user"));
    }
    Map<String, String> attributes =
        Map.of("user-agent", "Mozilla/5.0 (X11; Linux x86_64)", "address", "192.0.2.10");
    SessionStore store = SessionManager.inMemoryStore(Clock.systemUTC(), 2L * sessions);
    SessionManager manager =
        SessionManager.builder(store)
            .idleTimeout(Duration.ofMinutes(30))
            .absoluteTimeout(Duration.ofHours(12))
            .build();
    // Warm up the classes and the cache structure, then start from a clean heap.
    manager.login(Principal.of("warm-up"), attributes);
    manager.logoutEverywhere("warm-up");

    long before = usedAfterGc();
    for (Principal p : principals) {
      manager.login(p, attributes);
    }
    long after = usedAfterGc();

    long perSession = (after - before) / sessions;
    System.out.printf(
        "%d sessions: heap %.1f MiB -> %.1f MiB, %d bytes per idle session%n",
        sessions, before / 1048576.0, after / 1048576.0, perSession);
    // Keep the store and principals reachable until after the measurement.
    if (manager.sessionsOf(principals[0].subject()).isEmpty()) {
      throw new IllegalStateException("sessions were lost during the measurement");
    }
  }

  private static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    // Several rounds: one System.gc() may leave garbage that a finalizer or reference queue
    // frees only later; take the lowest reading.
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

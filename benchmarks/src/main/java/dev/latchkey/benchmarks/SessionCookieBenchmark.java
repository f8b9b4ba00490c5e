package dev.latchkey.benchmarks;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.spi.SessionStore.CapPolicy;
import dev.latchkey.session.LoginOutcome;
import dev.latchkey.session.SessionManager;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * How long does checking a session cookie against the in-memory store take (the goal is under 1 µs:
 * one SHA-256 and one cache read), and how long does a login take?
 *
 * <p>{@code authenticateHit} checks cookies of 10,000 live sessions in turn, on the real clock with
 * the default one-minute renewal interval, so nearly every check is a read without a write, as in
 * production. {@code checkHit} is the same through {@link SessionManager#check}, which also builds
 * the session's data. {@code authenticateUnknown} checks well-formed ids that no session has.
 * {@code login} creates sessions for 100,000 subjects in turn, with at most 4 sessions each (the
 * oldest ended past that), in a store bounded at 1,000,000 entries.
 *
 * <p>Run: {@code mvn -B -q -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar SessionCookieBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SessionCookieBenchmark {
  private static final int SESSIONS = 10_000;
  private static final int SUBJECTS = 10_000;

  private SessionManager manager;
  private SessionCookie[] cookies;
  private SessionCookie[] unknown;
  private Principal[] principals;
  private Map<String, String> attributes;

  /** A counter per benchmark thread, so threads do not contend on it. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Setup(Level.Trial)
  public void setUp() {
    manager =
        SessionManager.builder(SessionManager.inMemoryStore(Clock.systemUTC(), 1_000_000))
            .idleTimeout(Duration.ofMinutes(30))
            .absoluteTimeout(Duration.ofHours(12))
            .maxSessionsPerSubject(4, CapPolicy.END_OLDEST)
            .build();
    attributes = Map.of("user-agent", "Mozilla/5.0 (X11; Linux x86_64)", "address", "192.0.2.10");
    cookies = new SessionCookie[SESSIONS];
    unknown = new SessionCookie[SESSIONS];
    for (int i = 0; i < SESSIONS; i++) {
      Principal p = Principal.of("warm-user-" + i, Set.of("user"));
      cookies[i] = new SessionCookie(manager.login(p, attributes).created().orElseThrow().id());
      // A well-formed id the store does not hold: one whose session has ended.
      String ended = manager.login(p, attributes).created().orElseThrow().id();
      manager.logout(ended);
      unknown[i] = new SessionCookie(ended);
    }
    principals = new Principal[SUBJECTS];
    for (int i = 0; i < SUBJECTS; i++) {
      principals[i] = Principal.of("user-" + i, Set.of("user"));
    }
    // Measure the sessions as a long-running server holds them, moved together by the collector,
    // not strewn among the setup's garbage: otherwise the figure depends on how soon the first
    // collection comes, i.e. on how little the code under test allocates.
    System.gc();
  }

  @Benchmark
  public AuthResult authenticateHit(Cursor cursor) {
    SessionCookie cookie = cookies[cursor.next++ % SESSIONS];
    return manager.authenticate(cookie);
  }

  @Benchmark
  public Object checkHit(Cursor cursor) {
    SessionCookie cookie = cookies[cursor.next++ % SESSIONS];
    return manager.check(cookie);
  }

  @Benchmark
  public AuthResult authenticateUnknown(Cursor cursor) {
    SessionCookie cookie = unknown[cursor.next++ % SESSIONS];
    return manager.authenticate(cookie);
  }

  @Benchmark
  public LoginOutcome login(Cursor cursor) {
    Principal p = principals[cursor.next++ % SUBJECTS];
    return manager.login(p, attributes);
  }
}

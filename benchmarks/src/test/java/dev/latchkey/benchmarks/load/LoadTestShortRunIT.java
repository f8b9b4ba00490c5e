package dev.latchkey.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The short version of {@link LoadTest}: 12 seconds on in-memory stores and 12 seconds on two nodes
 * sharing a private redis-server, with lifetimes of seconds so that the stores reach a steady state
 * within the run. Every invariant holds (0 violations), nothing goes wrong (0 errors, 0
 * UNAVAILABLE), the stores hold nothing older than its lifetime, and closing leaks no thread and no
 * connection.
 */
class LoadTestShortRunIT {
  @AutoClose static final RedisServer REDIS = RedisFixture.standalone();

  static final Duration RUN = Duration.ofSeconds(12);

  static LoadTest.Options shortRun(String store, String url) {
    return LoadTest.Options.defaults()
        .with(store, url, RUN)
        .shape(50, 6, 2_000_000, Duration.ofSeconds(1), LoadFleets.Lifetimes.SHORT);
  }

  @Test
  void inMemoryStoresKeepEveryInvariantUnderLoad() throws Exception {
    LoadTest.Outcome outcome = LoadTest.execute(shortRun("memory", null), quiet());

    assertClean(outcome);
  }

  @Test
  void twoRedisNodesKeepEveryInvariantUnderLoad() throws Exception {
    LoadTest.Outcome outcome = LoadTest.execute(shortRun("redis", REDIS.url()), quiet());

    assertClean(outcome);
    assertThat(outcome.clientsBefore()).isGreaterThanOrEqualTo(0);
  }

  static void assertClean(LoadTest.Outcome outcome) {
    LoadEngine.Report r = outcome.report();
    String shown = r.summary() + "\n" + String.join("\n", r.firstProblems());
    assertThat(r.violations()).as(shown).isZero();
    assertThat(r.errors()).as(shown).isZero();
    assertThat(r.unavailable()).as(shown).isZero();
    // The mix really ran: every kind of operation, many times.
    assertThat(r.operations()).as(shown).isGreaterThan(2_000);
    assertThat(r.byKind().keySet())
        .containsExactlyInAnyOrder(
            "login",
            "sessionCheck",
            "tokenVerify",
            "refresh",
            "refreshReplay",
            "logout",
            "logoutEverywhere",
            "capCheck",
            "unknownUserLogin");
    assertBoundedByRecentWork(r, LoadFleets.Lifetimes.SHORT.longest().plusSeconds(2));
    assertThat(outcome.leakedThreads()).isEmpty();
    assertThat(outcome.clientsAfter()).isLessThanOrEqualTo(outcome.clientsBefore());
  }

  /**
   * Nothing outlives its lifetime: once the run is older than the longest lifetime, the stores hold
   * no more than the operations of the last such window could have written (at most three entries
   * each: a login writes a session, a refresh family and a throttle counter), plus what the users'
   * capped sessions need. The load varies with the machine, so the bound follows it.
   */
  static void assertBoundedByRecentWork(LoadEngine.Report r, Duration window) {
    List<LoadEngine.Sample> samples = r.samples();
    int checked = 0;
    for (LoadEngine.Sample s : samples) {
      if (s.elapsedMillis() < window.toMillis() || s.storeSize() < 0) {
        continue;
      }
      LoadEngine.Sample then = samples.get(0);
      for (LoadEngine.Sample e : samples) {
        if (e.elapsedMillis() <= s.elapsedMillis() - window.toMillis()) {
          then = e;
        }
      }
      long bound = 3 * (s.operations() - then.operations()) + 50L * 5;
      assertThat(s.storeSize())
          .as("store size at " + s.elapsedMillis() + " ms")
          .isLessThanOrEqualTo(bound);
      checked++;
    }
    assertThat(checked).as("samples past the longest lifetime").isGreaterThanOrEqualTo(3);
  }

  static PrintStream quiet() {
    return new PrintStream(PrintStream.nullOutputStream());
  }
}

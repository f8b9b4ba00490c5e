package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.redis.RedisServerFixture;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The short version of {@link LoadTest}: 12 seconds on in-memory stores and 12 seconds on two nodes
 * sharing a private redis-server, with lifetimes of seconds so that the stores reach a steady
 * state within the run. Every invariant holds (0 violations), nothing goes wrong (0 errors, 0
 * UNAVAILABLE), the stores stop growing once expiry keeps pace, and closing leaks no thread and no
 * connection.
 */
class LoadTestShortRunTest {
  @RegisterExtension static final RedisServerFixture REDIS = RedisServerFixture.standalone();

  static final Duration RUN = Duration.ofSeconds(12);

  static LoadTest.Options shortRun(String store, String url) {
    return LoadTest.Options.defaults().with(store, url, RUN)
        .shape(50, 6, 2_000_000, Duration.ofSeconds(1), LoadFleets.Lifetimes.SHORT);
  }

  @Test
  void inMemoryStoresKeepEveryInvariantUnderLoad() throws Exception {
    LoadTest.Outcome outcome = LoadTest.execute(shortRun("memory", null), quiet());

    assertClean(outcome);
  }

  @Test
  void twoRedisNodesKeepEveryInvariantUnderLoad() throws Exception {
    LoadTest.Outcome outcome =
        LoadTest.execute(shortRun("redis", "redis://127.0.0.1:" + REDIS.port()), quiet());

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
    assertThat(r.byKind().keySet()).containsExactlyInAnyOrder("login", "sessionCheck",
        "tokenVerify", "refresh", "refreshReplay", "logout", "logoutEverywhere", "capCheck",
        "unknownUserLogin");
    assertNoGrowthInSteadyState(r, LoadFleets.Lifetimes.SHORT.longest().plusSeconds(1));
    assertThat(outcome.leakedThreads()).isEmpty();
    assertThat(outcome.clientsAfter()).isLessThanOrEqualTo(outcome.clientsBefore());
  }

  /**
   * Once everything written at the start has expired, expiry removes as much as the load adds:
   * the store size stays within half again of its first steady value (sessions per subject are
   * capped, tokens and revocations expire with their lifetimes).
   */
  static void assertNoGrowthInSteadyState(LoadEngine.Report r, Duration warmUp) {
    List<LoadEngine.Sample> steady = r.samples().stream()
        .filter(s -> s.elapsedMillis() >= warmUp.toMillis() && s.storeSize() >= 0)
        .toList();
    assertThat(steady).as("steady-state samples").hasSizeGreaterThanOrEqualTo(3);
    long first = steady.get(0).storeSize();
    for (LoadEngine.Sample s : steady) {
      assertThat(s.storeSize()).as("store size at " + s.elapsedMillis() + " ms, first " + first)
          .isLessThanOrEqualTo(first * 3 / 2 + 200);
    }
  }

  static PrintStream quiet() {
    return new PrintStream(PrintStream.nullOutputStream());
  }
}

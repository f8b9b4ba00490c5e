package dev.latchkey.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Principal;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis fails under a running load of two nodes: killed and down for a while, restarted empty,
 * paused (SIGSTOP: connections stay open, nothing is answered). During each fault every answer is
 * UNAVAILABLE within a bound, never a wrong success; afterwards the same clients serve again by
 * themselves, and every invariant held throughout (0 violations, 0 errors).
 */
class LoadDuringRedisFaultsIT {
  @AutoClose static final RedisServer REDIS = RedisFixture.standalone();

  private String url;

  @BeforeEach
  void redisUp() {
    if (!REDIS.isRunning()) {
      REDIS.restart();
    }
    url = REDIS.url();
  }

  @AfterEach
  void redisResumed() {
    REDIS.resume();
  }

  @Test
  void redisKilledMidRunFailsClosedAndServiceReturnsWhenItIsBack() throws Exception {
    LoadEngine.Report report;
    FaultRun.Mark mark;
    FaultRun run = new FaultRun(url, Duration.ofSeconds(40)).start();
    try (run) {
      REDIS.kill();
      run.awaitUnavailable();
      // Down for a while under load: every call on both nodes fails, closed.
      FaultRun.await(
          Duration.ofSeconds(10),
          () -> run.engine.unavailableSoFar() > 200,
          "many UNAVAILABLE answers while Redis is down");
      assertThat(run.serves()).isFalse();
      REDIS.restart();
      run.engine.faultEnded();
      System.out.println("recovered in " + run.awaitRecovery().toMillis() + " ms");
      mark = settled(run);
      report = run.finish();
    }
    System.out.println(report.summary());
    FaultRun.assertHeld(report);
    run.assertNoUnavailableAfter(mark, report);
  }

  @Test
  void redisRestartedEmptyKeepsRevocationsAndLosesOnlySessions() throws Exception {
    LoadEngine.Report report;
    FaultRun.Mark mark;
    FaultRun run = new FaultRun(url, Duration.ofSeconds(40)).start();
    try (run) {
      LoadEngine.Node a = run.fleet.nodes().get(0);
      LoadEngine.Node b = run.fleet.nodes().get(1);
      String revoked = a.tokens().issue(Principal.of("mallory", Set.of("user"))).value();
      assertThat(a.tokens().revoke(revoked)).isTrue();
      FaultRun.await(
          run.fleet.revocationBound(),
          () -> FaultRun.refused(b.tokens().verify(revoked)),
          "revocation reached node B");

      REDIS.restart();
      run.engine.faultEnded();
      System.out.println("recovered in " + run.awaitRecovery().toMillis() + " ms");

      // The replicas wrote the revocation back: refused on both nodes, and by a node that
      // starts only now, which has nothing but Redis to go by.
      assertThat(FaultRun.refused(a.tokens().verify(revoked))).isTrue();
      assertThat(FaultRun.refused(b.tokens().verify(revoked))).isTrue();
      try (LoadEngine.Fleet late =
          LoadFleets.redis(
              url, 1, 1, 3, LoadFleets.Lifetimes.SOAK, FaultRun.TIMEOUT, Duration.ofMillis(100))) {
        FaultRun.await(
            FaultRun.RECOVERY_BOUND,
            () -> FaultRun.refused(late.nodes().get(0).tokens().verify(revoked)),
            "a new node refuses it");
      }
      mark = settled(run);
      report = run.finish();
    }
    System.out.println(report.summary());
    FaultRun.assertHeld(report);
    run.assertNoUnavailableAfter(mark, report);
  }

  @Test
  void pausedRedisAnswersUnavailableWithinTheTimeoutAndServiceReturnsOnResume() throws Exception {
    LoadEngine.Report report;
    FaultRun.Mark mark;
    FaultRun run = new FaultRun(url, Duration.ofSeconds(40)).start();
    try (run) {
      REDIS.pause();
      run.awaitUnavailable();
      FaultRun.await(
          Duration.ofSeconds(10),
          () -> run.engine.unavailableSoFar() > 50,
          "UNAVAILABLE answers while Redis is paused");
      REDIS.resume();
      System.out.println("recovered in " + run.awaitRecovery().toMillis() + " ms");
      mark = settled(run);
      report = run.finish();
    }
    System.out.println(report.summary());
    FaultRun.assertHeld(report);
    // Paused, not restarted: nothing was lost.
    assertThat(report.lost()).as(report.summary()).isZero();
    run.assertNoUnavailableAfter(mark, report);
  }

  /**
   * Where the run stands once recovered and settled: a pooled connection that died with the old
   * server fails the one call that next borrows it, so wait until a second passes without any
   * UNAVAILABLE.
   */
  static FaultRun.Mark settled(FaultRun run) {
    long[] last = {run.engine.unavailableSoFar(), System.nanoTime()};
    FaultRun.await(
        Duration.ofSeconds(10),
        () -> {
          long now = run.engine.unavailableSoFar();
          if (now != last[0]) {
            last[0] = now;
            last[1] = System.nanoTime();
          }
          return System.nanoTime() - last[1] > Duration.ofSeconds(1).toNanos();
        },
        "no UNAVAILABLE for a second after recovery");
    return run.mark();
  }
}

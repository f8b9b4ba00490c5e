package dev.latchkey.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Principal;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisSentinel;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The Sentinel-managed primary is killed under a running load of two nodes connected through the
 * Sentinel: while no primary answers, calls fail closed within a bound; once the replica is
 * promoted, the same clients serve again by themselves, a revocation made before the failover is
 * still refused, and every invariant held throughout.
 */
class LoadDuringSentinelFailoverIT {
  @AutoClose static final RedisSentinel SENTINEL = RedisFixture.sentinel();

  @Test
  void primaryKilledUnderLoadFailsClosedAndTheSameClientsServeAfterThePromotion() throws Exception {
    String url = SENTINEL.url();
    int replicaPort = SENTINEL.replica().port();
    LoadEngine.Report report;
    FaultRun.Mark mark;
    FaultRun run = new FaultRun(url, Duration.ofSeconds(40)).start();
    try (run) {
      LoadEngine.Node a = run.fleet.nodes().get(0);
      LoadEngine.Node b = run.fleet.nodes().get(1);
      String revoked = a.tokens().issue(Principal.of("mallory", Set.of("user"))).value();
      assertThat(a.tokens().revoke(revoked)).isTrue();

      SENTINEL.killPrimary();
      run.awaitUnavailable();
      FaultRun.await(
          Duration.ofSeconds(20),
          () -> SENTINEL.currentPrimaryPort() == replicaPort,
          "the replica is promoted");
      run.engine.faultEnded();
      System.out.println("recovered in " + run.awaitRecovery().toMillis() + " ms");

      assertThat(FaultRun.refused(a.tokens().verify(revoked))).isTrue();
      assertThat(FaultRun.refused(b.tokens().verify(revoked))).isTrue();
      mark = LoadDuringRedisFaultsIT.settled(run);
      report = run.finish();
    }
    System.out.println(report.summary());
    FaultRun.assertHeld(report);
    run.assertNoUnavailableAfter(mark, report);
  }
}

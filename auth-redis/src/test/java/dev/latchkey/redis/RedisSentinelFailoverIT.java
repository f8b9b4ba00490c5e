package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.spi.RevocationList;
import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.core.spi.SessionStore.CapPolicy;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisSentinel;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** A Sentinel-managed primary fails over; the same stores and client work on the new primary. */
class RedisSentinelFailoverIT {
  @AutoClose static final RedisSentinel SENTINEL = RedisFixture.sentinel();

  private static final Duration FAILOVER_BOUND = Duration.ofSeconds(30);

  private final TestClock clock = TestClock.atNow();

  @Test
  void storesWorkThroughTheSameClientAfterTheReplicaIsPromoted() {
    try (RedisStores stores =
        RedisStores.fromUrl(
                "redis-sentinel://127.0.0.1:"
                    + SENTINEL.sentinelPort()
                    + "/"
                    + RedisSentinel.MASTER)
            .timeout(Duration.ofSeconds(1))
            .clock(clock)
            .revocationHeartbeat(Duration.ofMillis(100))
            .build()) {
      SessionStore sessions = stores.sessionStore();
      RevocationList revocations = stores.revocationList();
      SessionRecord before = TestSessions.session(sessions, "alice", clock.instant());
      assertThat(sessions.create(before, 3, CapPolicy.REFUSE_NEW).created()).isTrue();
      revocations.revokeToken("iss", "j1", "alice", clock.instant().plusSeconds(600));
      int replicaPort = SENTINEL.replica().port();
      // Let the replica copy what was written, so that the promotion keeps it.
      assertThat(
              RedisFixture.waitUntil(
                  Duration.ofSeconds(5),
                  () -> {
                    try (var replica = SENTINEL.replica().admin()) {
                      return replica.dbSize() >= 3;
                    }
                  }))
          .isTrue();

      SENTINEL.killPrimary();
      long start = System.nanoTime();
      assertThat(
              RedisFixture.waitUntil(
                  FAILOVER_BOUND, () -> SENTINEL.currentPrimaryPort() == replicaPort))
          .as("promotion")
          .isTrue();
      SessionRecord after = TestSessions.session(sessions, "bob", clock.instant());
      assertThat(
              RedisFixture.waitUntil(
                  FAILOVER_BOUND,
                  () -> {
                    try {
                      return sessions.create(after, 3, CapPolicy.REFUSE_NEW).created();
                    } catch (StoreUnavailableException e) {
                      return false;
                    }
                  }))
          .as("stores work after failover")
          .isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAILOVER_BOUND);
      assertThat(sessions.read(after.id(), TestSessions.touch(clock.instant()))).isPresent();
      assertThat(sessions.read(before.id(), TestSessions.touch(clock.instant()))).isPresent();
      RedisStoresBehaviour.awaitCurrent(revocations);
      assertThat(revocations.isRevoked("iss", "j1", "alice", clock.instant())).isTrue();
    }
  }
}

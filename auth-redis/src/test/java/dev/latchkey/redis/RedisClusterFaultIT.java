package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.core.spi.SessionStore.CapPolicy;
import dev.latchkey.redis.testing.RedisCluster;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A Cluster master killed and restarted: stores built from a {@code redis-cluster://} URL fail
 * closed within a bound while it is gone and work again through the same client once it is back.
 */
class RedisClusterFaultIT {
  @AutoClose static final RedisCluster CLUSTER = RedisFixture.cluster(3, 0);

  private static final Duration FAIL_BOUND = Duration.ofSeconds(5);
  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);

  private final TestClock clock = TestClock.atNow();

  @Test
  void killedMasterFailsClosedAndTheSameClientRecoversWhenItReturns() {
    String seeds =
        CLUSTER.nodes().stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
    try (RedisStores stores =
        RedisStores.fromUrl("redis-cluster://" + seeds)
            .timeout(Duration.ofSeconds(1))
            .clock(clock)
            .build()) {
      SessionStore sessions = stores.sessionStore();
      RedisServer victim = CLUSTER.nodes().get(0);
      SessionRecord s = sessionOn(sessions, victim);
      assertThat(sessions.create(s, 3, CapPolicy.REFUSE_NEW).created()).isTrue();

      victim.kill();
      long start = System.nanoTime();
      assertThatThrownBy(() -> sessions.read(s.id(), TestSessions.touch(clock.instant())))
          .isInstanceOf(StoreUnavailableException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAIL_BOUND);

      victim.restart();
      SessionRecord t = sessionOn(sessions, victim);
      assertThat(
              RedisFixture.waitUntil(
                  RECOVERY_BOUND,
                  () -> {
                    try {
                      return sessions.create(t, 3, CapPolicy.REFUSE_NEW).created();
                    } catch (StoreUnavailableException e) {
                      return false;
                    }
                  }))
          .as("the same client works after the master is back")
          .isTrue();
      assertThat(sessions.read(t.id(), TestSessions.touch(clock.instant()))).isPresent();
    }
  }

  /** A session whose keys hash to a slot that {@code node} serves. */
  private SessionRecord sessionOn(SessionStore sessions, RedisServer node) {
    Keys keys = new Keys("latchkey:");
    for (int i = 0; ; i++) {
      SessionRecord s =
          TestSessions.session(sessions, "user-" + i + "-" + System.nanoTime(), clock.instant());
      HashedId id = s.id();
      try (Jedis j = node.admin()) {
        long slot = j.clusterKeySlot(keys.session(id));
        if (servesSlot(j, slot)) {
          return s;
        }
      }
    }
  }

  private static boolean servesSlot(Jedis node, long slot) {
    String myself = node.clusterMyId();
    return node.clusterShards().stream()
        .anyMatch(
            shard ->
                shard.getNodes().stream().anyMatch(n -> n.getId().equals(myself))
                    && shard.getSlots().stream()
                        .anyMatch(r -> r.get(0) <= slot && slot <= r.get(1)));
  }
}

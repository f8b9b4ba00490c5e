package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.redis.testing.RedisCluster;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;

/**
 * The session near cache on a Cluster of three masters with one replica each, shared by these
 * tests: each node keeps one tracking connection per master, and a master's failover (killed, or
 * handing over gracefully) leaves no node answering from what it cached.
 */
class ClusterSessionNearCacheIT extends NearCacheFleetBehaviour {
  @AutoClose static final RedisCluster CLUSTER = RedisFixture.cluster(3, 1);

  @Override
  protected UnifiedJedis newClient() {
    return CLUSTER.newClient();
  }

  @Override
  protected List<RedisServer> masters() {
    return CLUSTER.masters();
  }

  @Override
  protected RedisServer masterOf(String key) {
    return CLUSTER.masterOf(key);
  }

  /** Waits until {@code key} has reached {@code master}'s replica, so a promotion keeps it. */
  private static void awaitOnReplica(RedisServer master, String key) {
    RedisServer replica = CLUSTER.replicaOf(master);
    assertThat(
            RedisFixture.waitUntil(
                BOUND,
                () -> {
                  try (Jedis j = replica.admin()) {
                    j.readonly();
                    return j.exists(key);
                  }
                }))
        .as("replicated")
        .isTrue();
  }

  @Test
  void everyMasterHasATrackingConnectionOfEachNode() {
    assertThat(nodeB.nearCache().trackedMasters()).isEqualTo(3);
    for (RedisServer m : masters()) {
      try (Jedis admin = m.admin()) {
        // Subscribed, with broadcast tracking on (flags P, t and B): one of A, one of B.
        long tracking =
            admin
                .clientList()
                .lines()
                .filter(l -> l.matches(".* flags=(?=\\S*P)(?=\\S*t)(?=\\S*B)\\S+ .*"))
                .count();
        assertThat(tracking).isGreaterThanOrEqualTo(2);
      }
    }
  }

  @Test
  void aKilledMasterLeavesNoNodeAnsweringASessionDeletedAroundTheFailover() {
    Map<RedisServer, SessionRecord> perMaster = sessionPerMaster();
    perMaster.values().forEach(this::cachedOnB);
    RedisServer victim = perMaster.keySet().iterator().next();
    SessionRecord onVictim = perMaster.get(victim);
    awaitOnReplica(victim, key(onVictim));
    SessionRecord elsewhere =
        perMaster.entrySet().stream()
            .filter(e -> e.getKey() != victim)
            .findFirst()
            .orElseThrow()
            .getValue();
    try {
      CLUSTER.failOver(
          victim,
          () -> {
            // Deleted while the master is down and before the promotion: on a live master.
            assertThat(storeA.delete(elsewhere.id())).isTrue();
            assertThat(refusedOnB(elsewhere)).isTrue();
          });
      // The promoted replica kept the session; A ends it there, and B must not answer its copy.
      deleteOnAOnceAvailable(onVictim);
      assertThat(refusedOnB(onVictim)).isTrue();
      awaitCurrent(nodeB);
      assertThat(storeB.read(onVictim.id(), touch())).isEmpty();
      assertThat(storeB.read(elsewhere.id(), touch())).isEmpty();
      // B now tracks the promoted master: a session there is cached and its logout is seen.
      RedisServer promoted = masterOf(key(onVictim));
      SessionRecord onPromoted;
      do {
        onPromoted = session("user-" + UUID.randomUUID());
      } while (masterOf(key(onPromoted)) != promoted);
      cachedOnB(onPromoted);
      assertThat(storeA.delete(onPromoted.id())).isTrue();
      assertThat(refusedOnB(onPromoted)).isTrue();
    } finally {
      CLUSTER.rejoin(victim);
    }
  }

  @Test
  void aGracefulFailoverMovesTrackingToTheNewMaster() {
    Map<RedisServer, SessionRecord> perMaster = sessionPerMaster();
    perMaster.values().forEach(this::cachedOnB);
    RedisServer old = perMaster.keySet().iterator().next();
    SessionRecord s = perMaster.get(old);
    awaitOnReplica(old, key(s));
    // The old master stays up as a replica: its tracking connections are not dropped.
    RedisServer promoted = CLUSTER.failOverGracefully(old);
    assertThat(masterOf(key(s))).isSameAs(promoted);
    deleteOnAOnceAvailable(s);
    assertThat(refusedOnB(s)).isTrue();
    awaitCurrent(nodeB);
    assertThat(storeB.read(s.id(), touch())).isEmpty();
    SessionRecord again = cachedOnB(session(s.principal().subject()));
    assertThat(masterOf(key(again))).isSameAs(promoted);
    assertThat(storeA.delete(again.id())).isTrue();
    assertThat(refusedOnB(again)).isTrue();
  }

  @Test
  void aPausedMasterMakesTheCacheStopAnswering() {
    List<SessionRecord> sessions = cachedOnEveryMaster();
    RedisServer paused = masterOf(key(sessions.get(0)));
    SessionRecord elsewhere = sessions.get(1);
    RedisServer live = masterOf(key(elsewhere));
    paused.pause();
    try {
      // That master's heartbeats stop coming back: within three of them nothing is answered
      // from the cache, not even a session on another master.
      assertThat(RedisFixture.waitUntil(BOUND, () -> !nodeB.nearCache().current())).isTrue();
      live.resetStats();
      assertThat(storeB.read(elsewhere.id(), touch())).contains(elsewhere);
      assertThat(live.commandCalls().getOrDefault("get", 0L)).isEqualTo(1);
    } finally {
      paused.resume();
    }
    awaitCurrent(nodeB);
  }
}

package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisSentinel;
import dev.latchkey.redis.testing.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The session near cache on a Sentinel-managed primary with one replica, shared by these tests:
 * each node tracks the primary the sentinel names, and follows it through a failover the sentinel
 * drives, whether the old primary stays up as a replica or is killed. The failovers run last, the
 * killed one at the very end: it leaves the setup without a replica.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SentinelSessionNearCacheIT extends NearCacheFleetBehaviour {
  @AutoClose static final RedisSentinel SENTINEL = RedisFixture.sentinel();

  private static final Duration FAILOVER_BOUND = Duration.ofSeconds(30);

  @Override
  protected UnifiedJedis newClient() {
    return RedisSentinelClient.builder()
        .masterName(RedisSentinel.MASTER)
        .sentinels(java.util.Set.of(new HostAndPort("127.0.0.1", SENTINEL.sentinelPort())))
        .clientConfig(
            DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(1000)
                .socketTimeoutMillis(1000)
                .build())
        .build();
  }

  @Override
  protected List<RedisServer> masters() {
    int port = SENTINEL.currentPrimaryPort();
    return List.of(SENTINEL.primary().port() == port ? SENTINEL.primary() : SENTINEL.replica());
  }

  @Override
  protected RedisServer masterOf(String key) {
    return masters().get(0);
  }

  private static RedisServer other(RedisServer server) {
    return server == SENTINEL.primary() ? SENTINEL.replica() : SENTINEL.primary();
  }

  /** Waits until {@code replica} is synced with its primary and holds {@code key}. */
  private static void awaitOnReplica(RedisServer replica, String key) {
    assertThat(
            RedisFixture.waitUntil(
                FAILOVER_BOUND,
                () -> {
                  try (Jedis j = replica.admin()) {
                    return j.info("replication").contains("master_link_status:up") && j.exists(key);
                  } catch (RuntimeException e) {
                    return false;
                  }
                }))
        .as("replicated")
        .isTrue();
  }

  /** Waits until the sentinel names {@code next} as primary. */
  private static void awaitPromoted(RedisServer next) {
    assertThat(
            RedisFixture.waitUntil(
                FAILOVER_BOUND,
                () -> {
                  try {
                    return SENTINEL.currentPrimaryPort() == next.port();
                  } catch (RuntimeException e) {
                    return false;
                  }
                }))
        .as("promotion")
        .isTrue();
  }

  /** After a failover: A ends {@code s} on the new primary, and B must not answer its copy. */
  private void endedAfterTheFailoverIsRefused(SessionRecord s) {
    deleteOnAOnceAvailable(s);
    assertThat(refusedOnB(s)).isTrue();
    awaitCurrent(nodeB);
    assertThat(storeB.read(s.id(), touch())).isEmpty();
    // B tracks the new primary: a session there is cached, and its logout is seen.
    SessionRecord again = cachedOnB(session("user-" + UUID.randomUUID()));
    assertThat(storeA.delete(again.id())).isTrue();
    assertThat(refusedOnB(again)).isTrue();
  }

  @Test
  @Order(Integer.MAX_VALUE - 1)
  void aFailoverWithTheOldPrimaryStillUpMovesTrackingToTheNewPrimary() {
    SessionRecord s = cachedOnB(session("user-" + UUID.randomUUID()));
    RedisServer old = masters().get(0);
    RedisServer next = other(old);
    awaitOnReplica(next, key(s));
    try (Jedis sentinel = SENTINEL.sentinel().admin()) {
      sentinel.sentinelFailover(RedisSentinel.MASTER);
    }
    awaitPromoted(next);
    // The old primary is demoted, not gone: its tracking connections may live on.
    endedAfterTheFailoverIsRefused(s);
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void aKilledPrimaryLeavesNoNodeAnsweringASessionDeletedAroundTheFailover() {
    SessionRecord s = cachedOnB(session("user-" + UUID.randomUUID()));
    RedisServer old = masters().get(0);
    RedisServer next = other(old);
    // A primary demoted by an earlier failover turns replica at the sentinel's next look at it, up
    // to ten seconds later; it is told now, as the sentinel would tell it.
    try (Jedis j = next.admin()) {
      j.replicaof("127.0.0.1", old.port());
    }
    awaitOnReplica(next, key(s));
    old.kill();
    // While the primary is down and nothing is promoted yet, B answers nothing from its cache.
    assertThat(RedisFixture.waitUntil(BOUND, () -> !nodeB.nearCache().current())).isTrue();
    assertThat(nodeB.nearCache().get(key(s))).isNull();
    // The sentinel starts no failover of its own within twice its failover timeout of the previous
    // one (the graceful test's): it is asked to promote the replica now instead of seconds later.
    try (Jedis sentinel = SENTINEL.sentinel().admin()) {
      sentinel.sentinelFailover(RedisSentinel.MASTER);
    } catch (JedisDataException e) {
      // Already under way, or no replica it deems good yet: its own failover follows.
    }
    awaitPromoted(next);
    endedAfterTheFailoverIsRefused(s);
  }
}

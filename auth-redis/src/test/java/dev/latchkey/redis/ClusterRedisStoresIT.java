package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.redis.testing.RedisCluster;
import dev.latchkey.redis.testing.RedisFixture;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/** The same store code and behaviour on a three-master Redis Cluster through RedisClusterClient. */
class ClusterRedisStoresIT extends RedisStoresBehaviour {
  @AutoClose static final RedisCluster CLUSTER = RedisFixture.cluster(3, 0);

  @Override
  protected UnifiedJedis newClient() {
    return CLUSTER.newClient();
  }

  @Test
  void theSessionNearCacheIsRefusedOnACluster() {
    // One tracking connection would hear one master's changes only: refused rather than stale.
    assertThatThrownBy(() -> RedisStores.builder(client).sessionNearCache(100).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("standalone");
  }
}

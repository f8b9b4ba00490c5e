package dev.latchkey.redis;

import dev.latchkey.redis.testing.RedisCluster;
import dev.latchkey.redis.testing.RedisFixture;
import org.junit.jupiter.api.AutoClose;
import redis.clients.jedis.UnifiedJedis;

/** The same store code and behaviour on a three-master Redis Cluster through RedisClusterClient. */
class ClusterRedisStoresIT extends RedisStoresBehaviour {
  @AutoClose static final RedisCluster CLUSTER = RedisFixture.cluster(3, 0);

  @Override
  protected UnifiedJedis newClient() {
    return CLUSTER.newClient();
  }
}

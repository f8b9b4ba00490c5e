package dev.latchkey.redis;

import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/** The same store code and behaviour on a three-master Redis Cluster through RedisClusterClient. */
class ClusterRedisStoresTest extends RedisStoresBehaviour {
  @RegisterExtension static final RedisClusterFixture CLUSTER = new RedisClusterFixture();

  @Override
  protected UnifiedJedis newClient() {
    return CLUSTER.client();
  }
}

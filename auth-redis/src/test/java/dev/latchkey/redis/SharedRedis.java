package dev.latchkey.redis;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * One standalone server and one Cluster shared by the contract test classes of this JVM, started on
 * first use (a Cluster takes seconds to form) and stopped by the fixtures' shutdown hook. Tests on
 * them use unique names or key prefixes, so they need no cleaning between classes.
 */
final class SharedRedis {
  private static RedisServerFixture standalone;
  private static RedisClusterFixture cluster;
  private static UnifiedJedis standaloneClient;
  private static RedisClusterClient clusterClient;

  private SharedRedis() {}

  /** A client on the shared standalone server; do not close it. */
  static synchronized UnifiedJedis standaloneClient() {
    if (standalone == null) {
      standalone = RedisServerFixture.standalone();
      standalone.start();
      standaloneClient =
          RedisClient.builder()
              .hostAndPort(standalone.hostAndPort())
              .clientConfig(
                  DefaultJedisClientConfig.builder()
                      .connectionTimeoutMillis(2000)
                      .socketTimeoutMillis(2000)
                      .build())
              .build();
    }
    return standaloneClient;
  }

  /** A client on the shared Cluster; do not close it. */
  static synchronized UnifiedJedis clusterClient() {
    if (cluster == null) {
      cluster = new RedisClusterFixture();
      cluster.start();
      clusterClient = cluster.client();
    }
    return clusterClient;
  }
}

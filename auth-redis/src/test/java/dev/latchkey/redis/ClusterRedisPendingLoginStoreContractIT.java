package dev.latchkey.redis;

import dev.latchkey.core.PendingLoginStoreContract;
import dev.latchkey.core.spi.PendingLoginStore;
import dev.latchkey.redis.testing.RedisFixture;
import java.util.UUID;

/**
 * The shared {@link PendingLoginStoreContract} on RedisPendingLoginStore, on a Cluster: every
 * script touches one client's slot only.
 */
class ClusterRedisPendingLoginStoreContractIT extends PendingLoginStoreContract {
  private String prefix;

  @Override
  protected PendingLoginStore createStore() {
    prefix = "p" + UUID.randomUUID() + ":";
    Keys keys = new Keys(prefix);
    RedisCalls redis = new RedisCalls(RedisFixture.sharedCluster().client());
    return new RedisPendingLoginStore(redis, keys, new Placement(redis, keys));
  }

  @Override
  protected long footprint(String client) {
    return OneTimeStores.footprint(RedisFixture.sharedCluster().client(), prefix, client);
  }
}

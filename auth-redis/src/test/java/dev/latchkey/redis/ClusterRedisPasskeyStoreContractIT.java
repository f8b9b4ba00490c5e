package dev.latchkey.redis;

import dev.latchkey.core.PasskeyStoreContract;
import dev.latchkey.core.spi.PasskeyStore;
import dev.latchkey.redis.testing.RedisFixture;

/** The shared {@link PasskeyStoreContract} on RedisPasskeyStore, a Cluster. */
class ClusterRedisPasskeyStoreContractIT extends PasskeyStoreContract {
  @Override
  protected PasskeyStore createStore() {
    // A fresh key prefix per test: each starts from an empty store on the shared server.
    return RedisStores.builder(RedisFixture.sharedCluster().client())
        .keyPrefix("pk" + System.nanoTime() + ":")
        .build()
        .passkeyStore();
  }
}

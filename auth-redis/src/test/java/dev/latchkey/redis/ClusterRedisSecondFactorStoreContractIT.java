package dev.latchkey.redis;

import dev.latchkey.core.SecondFactorStoreContract;
import dev.latchkey.core.spi.SecondFactorStore;
import dev.latchkey.redis.testing.RedisFixture;

/** The shared {@link SecondFactorStoreContract} on RedisSecondFactorStore, a Cluster. */
class ClusterRedisSecondFactorStoreContractIT extends SecondFactorStoreContract {
  @Override
  protected SecondFactorStore createStore() {
    // A fresh key prefix per test: each starts from an empty store on the shared server.
    return RedisStores.builder(RedisFixture.sharedCluster().client())
        .keyPrefix("mfa" + System.nanoTime() + ":")
        .build()
        .secondFactorStore();
  }
}

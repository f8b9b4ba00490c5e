package dev.latchkey.redis;

import dev.latchkey.core.RefreshTokenStore;
import dev.latchkey.core.RefreshTokenStoreContract;
import dev.latchkey.core.TestClock;
import java.util.UUID;

/** The shared {@link RefreshTokenStoreContract} on RedisRefreshTokenStore, on a Cluster. */
class ClusterRedisRefreshTokenStoreContractTest extends RefreshTokenStoreContract {
  @Override
  protected RefreshTokenStore createStore(TestClock clock) {
    return RedisStores.builder(SharedRedis.clusterClient())
        .keyPrefix("c" + UUID.randomUUID() + ":")
        .clock(clock)
        .build()
        .refreshTokenStore();
  }
}

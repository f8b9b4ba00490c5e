package dev.latchkey.redis;

import dev.latchkey.core.RefreshTokenStore;
import dev.latchkey.core.RefreshTokenStoreContract;
import dev.latchkey.core.TestClock;
import java.util.UUID;

/** The shared {@link RefreshTokenStoreContract} on RedisRefreshTokenStore, standalone. */
class StandaloneRedisRefreshTokenStoreContractTest extends RefreshTokenStoreContract {
  @Override
  protected RefreshTokenStore createStore(TestClock clock) {
    return RedisStores.builder(SharedRedis.standaloneClient())
        .keyPrefix("c" + UUID.randomUUID() + ":")
        .clock(clock)
        .build()
        .refreshTokenStore();
  }
}

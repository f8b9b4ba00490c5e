package dev.latchkey.redis;

import dev.latchkey.core.ApiKeyStoreContract;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.spi.ApiKeyStore;
import dev.latchkey.redis.testing.RedisFixture;
import java.util.UUID;

/** The shared {@link ApiKeyStoreContract} on RedisApiKeyStore, on a Cluster. */
class ClusterRedisApiKeyStoreContractIT extends ApiKeyStoreContract {
  @Override
  protected ApiKeyStore createStore(TestClock clock) {
    // A key prefix of its own makes the store empty for each test.
    return RedisStores.builder(RedisFixture.sharedCluster().client())
        .keyPrefix("c" + UUID.randomUUID() + ":")
        .clock(clock)
        .build()
        .apiKeyStore();
  }
}

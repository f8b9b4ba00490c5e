package dev.latchkey.redis;

import dev.latchkey.core.SessionStoreContract;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.redis.testing.RedisFixture;
import java.util.UUID;

/** The shared {@link SessionStoreContract} on RedisSessionStore, on a Cluster. */
class ClusterRedisSessionStoreContractIT extends SessionStoreContract {
  @Override
  protected SessionStore createStore(TestClock clock) {
    // A key prefix of its own makes the store empty for each test.
    return RedisStores.builder(RedisFixture.sharedCluster().client())
        .keyPrefix("c" + UUID.randomUUID() + ":")
        .clock(clock)
        .build()
        .sessionStore();
  }
}

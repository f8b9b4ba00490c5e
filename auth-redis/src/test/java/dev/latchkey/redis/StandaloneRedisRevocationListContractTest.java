package dev.latchkey.redis;

import dev.latchkey.core.RevocationList;
import dev.latchkey.core.RevocationListContract;
import dev.latchkey.core.TestClock;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/**
 * The shared {@link RevocationListContract} on RedisRevocationList, on a standalone server: each
 * test's list has its own key prefix and channel, and its replica threads stop after the test.
 */
class StandaloneRedisRevocationListContractTest extends RevocationListContract {
  private RedisStores stores;

  @Override
  protected RevocationList createList(TestClock clock) {
    stores = RedisStores.builder(SharedRedis.standaloneClient())
        .keyPrefix("c" + UUID.randomUUID() + ":")
        .clock(clock)
        .build();
    return stores.revocationList();
  }

  @AfterEach
  void stopReplica() {
    stores.close();
  }
}

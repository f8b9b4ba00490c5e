package dev.latchkey.redis;

import dev.latchkey.core.RevocationList;
import dev.latchkey.core.RevocationListContract;
import dev.latchkey.core.TestClock;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/**
 * The shared {@link RevocationListContract} on RedisRevocationList, on a Cluster: each test's list
 * has its own key prefix and channel, and its replica threads are stopped after the test.
 */
class ClusterRedisRevocationListContractTest extends RevocationListContract {
  private RedisStores stores;

  @Override
  protected RevocationList createList(TestClock clock) {
    stores = RedisStores.builder(SharedRedis.clusterClient())
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

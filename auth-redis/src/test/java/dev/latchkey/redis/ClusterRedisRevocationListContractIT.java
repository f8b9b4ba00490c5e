package dev.latchkey.redis;

import dev.latchkey.core.RevocationListContract;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.TokenService;
import dev.latchkey.core.spi.RevocationList;
import dev.latchkey.redis.testing.RedisFixture;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/**
 * The shared {@link RevocationListContract} on RedisRevocationList, on a Cluster: each test's list
 * has its own key prefix and channel, and its replica threads are stopped after the test.
 */
class ClusterRedisRevocationListContractIT extends RevocationListContract {
  private RedisStores stores;
  private RedisStores first;

  @Override
  protected RevocationList createList(TestClock clock) {
    first =
        stores =
            RedisStores.builder(RedisFixture.sharedCluster().client())
                .keyPrefix("c" + UUID.randomUUID() + ":")
                .clock(clock)
                .build();
    return stores.revocationList();
  }

  @Override
  protected RevocationList createList(TestClock clock, int maximumEntriesPerSubject) {
    stores =
        RedisStores.builder(RedisFixture.sharedCluster().client())
            .keyPrefix("c" + UUID.randomUUID() + ":")
            .clock(clock)
            .revocationsPerSubject(maximumEntriesPerSubject)
            .build();
    return stores.revocationList();
  }

  @Override
  protected TokenService node(Clock clock, RevocationList shared, Duration fleetClockSkew) {
    return FleetNodes.node(clock, shared, fleetClockSkew);
  }

  @AfterEach
  void stopReplica() {
    // The bounded list's stores replaced the default one's: close both.
    stores.close();
    first.close();
  }
}

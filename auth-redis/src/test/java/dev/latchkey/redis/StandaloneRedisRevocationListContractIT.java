package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.RevocationListContract;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.TokenService;
import dev.latchkey.core.spi.RevocationList;
import dev.latchkey.redis.testing.RedisFixture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared {@link RevocationListContract} on RedisRevocationList, on a standalone server: each
 * test's list has its own key prefix and channel, and its replica threads stop after the test.
 */
class StandaloneRedisRevocationListContractIT extends RevocationListContract {
  private RedisStores stores;
  private RedisStores first;

  @Override
  protected RevocationList createList(TestClock clock) {
    first =
        stores =
            RedisStores.builder(RedisFixture.sharedStandalone().client())
                .keyPrefix("c" + UUID.randomUUID() + ":")
                .clock(clock)
                .build();
    return stores.revocationList();
  }

  private String boundedPrefix;

  @Override
  protected RevocationList createList(TestClock clock, int maximumEntriesPerSubject) {
    boundedPrefix = "c" + UUID.randomUUID() + ":";
    stores =
        RedisStores.builder(RedisFixture.sharedStandalone().client())
            .keyPrefix(boundedPrefix)
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

  /**
   * One subject revoking 1,000 tokens beyond a share of 8 leaves at most 8 token keys in Redis, its
   * index and its not-before: a user cannot fill Redis, nor every node's replica.
   */
  @Test
  void aFloodOfOneSubjectsRevocationsKeepsItsKeysWithinItsShare() {
    RevocationList bounded = createList(clock, 8);
    Instant until = clock.instant().plusSeconds(900);
    for (int i = 0; i < 8 + 1_000; i++) {
      bounded.revokeToken(ISS, "j" + i, "mallory", clock.instant().minusSeconds(60), until);
    }

    // Every key of the subject is in its slot, "{...}"; the replica's heartbeat key is not one.
    assertThat(RedisFixture.sharedStandalone().client().keys(boundedPrefix + "{*}:*"))
        .hasSize(8 + 2);
  }
}

package dev.latchkey.redis;

import dev.latchkey.core.RefreshTokenStoreContract;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.spi.RefreshTokenStore;
import dev.latchkey.redis.testing.RedisFixture;
import java.time.Duration;
import java.util.UUID;

/**
 * The shared {@link RefreshTokenStoreContract} on RedisRefreshTokenStore, standalone, on the
 * server's clock shifted as the test clock moves ({@link ShiftedRefreshStore}).
 */
class StandaloneRedisRefreshTokenStoreContractIT extends RefreshTokenStoreContract {
  private String prefix;

  @Override
  protected RefreshTokenStore createStore(TestClock clock) {
    prefix = "c" + UUID.randomUUID() + ":";
    return ShiftedRefreshStore.on(RedisFixture.sharedStandalone().client(), prefix, clock);
  }

  @Override
  protected long footprint(String... subjects) {
    return ShiftedRefreshStore.footprint(
        RedisFixture.sharedStandalone().client(), prefix, subjects);
  }

  @Override
  protected Duration timeTolerance() {
    // The server's clock runs on while the test runs: a busy CI box may take seconds.
    return Duration.ofSeconds(30);
  }
}

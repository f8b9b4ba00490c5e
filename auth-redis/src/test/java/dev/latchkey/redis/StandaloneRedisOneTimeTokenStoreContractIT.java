package dev.latchkey.redis;

import dev.latchkey.core.OneTimeTokenStoreContract;
import dev.latchkey.core.spi.OneTimeTokenStore;
import dev.latchkey.redis.testing.RedisFixture;
import java.util.UUID;

/** The shared {@link OneTimeTokenStoreContract} on RedisOneTimeTokenStore, standalone. */
class StandaloneRedisOneTimeTokenStoreContractIT extends OneTimeTokenStoreContract {
  private String prefix;

  @Override
  protected OneTimeTokenStore createStore() {
    prefix = "o" + UUID.randomUUID() + ":";
    return OneTimeStores.on(RedisFixture.sharedStandalone().client(), prefix);
  }

  @Override
  protected long footprint(String subject) {
    return OneTimeStores.footprint(RedisFixture.sharedStandalone().client(), prefix, subject);
  }
}

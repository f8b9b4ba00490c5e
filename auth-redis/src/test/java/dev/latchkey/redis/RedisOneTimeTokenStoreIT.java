package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.OneTimeTokenRecord;
import dev.latchkey.core.spi.OneTimeTokenStore;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * What the one-time token store does on Redis beyond the contract: Redis itself forgets a token at
 * its retention, the store keeps no raw token, and a killed server is an outage, never a pass.
 */
class RedisOneTimeTokenStoreIT {
  @AutoClose static final RedisServer REDIS = RedisFixture.standalone();

  private OneTimeTokenRecord record(OneTimeTokenStore store, Instant now, Duration lifetime) {
    HashedId id = OpaqueIds.parse(OpaqueIds.generateInShard(store.shardFor("alice"))).orElseThrow();
    return new OneTimeTokenRecord(
        id,
        "alice",
        "password_reset",
        now,
        now.plus(lifetime),
        now.plus(lifetime),
        Optional.empty(),
        0);
  }

  @Test
  void redisExpiresATokenAtItsRetentionByItself() {
    RedisStores stores = RedisStores.builder(REDIS.client()).keyPrefix("ttl:").build();
    OneTimeTokenStore store = stores.oneTimeTokenStore();
    Instant now = Instant.now();
    OneTimeTokenRecord r = record(store, now, Duration.ofMinutes(30));
    store.put(r, 3, now);
    String key = new Keys("ttl:").oneTimeToken(r.id());
    long expireAt = REDIS.admin().pexpireTime(key);
    assertThat(expireAt).isEqualTo(r.retainUntil().toEpochMilli());
    assertThat(REDIS.admin().hgetAll(key).values()).noneMatch(v -> v.contains(r.id().hash()));
  }

  @Test
  void aKilledServerIsAnOutageNeverAPass() {
    REDIS.restart();
    try (RedisStores stores =
        RedisStores.fromUrl("redis://127.0.0.1:" + REDIS.port())
            .timeout(Duration.ofSeconds(1))
            .keyPrefix("kill:")
            .build()) {
      OneTimeTokenStore store = stores.oneTimeTokenStore();
      Instant now = Instant.now();
      OneTimeTokenRecord r = record(store, now, Duration.ofMinutes(30));
      store.put(r, 3, now);
      REDIS.kill();
      assertThatThrownBy(() -> store.consume(r.id(), now))
          .isInstanceOf(StoreUnavailableException.class);
      assertThatThrownBy(() -> store.find(r.id(), now))
          .isInstanceOf(StoreUnavailableException.class);
      REDIS.restart();
    }
  }
}

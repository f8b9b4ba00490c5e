package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.account.ApiKeys;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * API keys on a Redis that is killed: a verification fails closed as UNAVAILABLE (503, never a 401
 * or a pass), management throws, and a restart heals with the same client.
 */
class RedisApiKeysFaultIT {
  @AutoClose static final RedisServer REDIS = RedisFixture.standalone();

  private final TestClock clock = TestClock.atNow();
  private final RedisStores stores =
      RedisStores.fromUrl("redis://127.0.0.1:" + REDIS.port())
          .timeout(Duration.ofSeconds(1))
          .clock(clock)
          .keyPrefix("apikeys-fault:")
          .build();
  private final ApiKeys keys =
      ApiKeys.builder(stores.apiKeyStore()).appPrefix("fault").clock(clock).build();

  @AfterEach
  void tearDown() {
    if (!REDIS.isRunning()) {
      REDIS.restart();
    }
    stores.close();
  }

  @Test
  void aKilledRedisMakesVerificationUnavailableAndARestartHeals() {
    String key = keys.create("alice", "ci", Set.of("read"), null).orElseThrow().key();
    assertThat(keys.verify(key).succeeded()).isTrue();

    REDIS.kill();

    assertThat(keys.verify(key).failure().orElseThrow().reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThatThrownBy(() -> keys.create("alice", "ci", Set.of(), null))
        .isInstanceOf(StoreUnavailableException.class);
    assertThatThrownBy(() -> keys.list("alice")).isInstanceOf(StoreUnavailableException.class);

    REDIS.restart();

    // Restarted empty: the key is gone, and is refused as unknown, not as unavailable.
    assertThat(keys.verify(key).failure().orElseThrow().reason())
        .isEqualTo(Reason.INVALID_CREDENTIALS);
    assertThat(keys.create("alice", "ci", Set.of(), null)).isPresent();
  }

  @Test
  void aVerificationIsOneCommandAndALastUseWriteAtMostOneMore() {
    String key = keys.create("bob", "ci", Set.of("read"), null).orElseThrow().key();
    keys.verify(key);
    REDIS.resetStats();

    for (int i = 0; i < 5; i++) {
      assertThat(keys.verify(key).succeeded()).isTrue();
    }

    assertThat(REDIS.commandCalls()).containsEntry("hgetall", 5L);
    assertThat(REDIS.commandCalls()).doesNotContainKeys("evalsha", "eval");
  }
}

package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The placement key through a Redis that dies and comes back empty: a node that holds the key keeps
 * placing with it while Redis is gone (no new failure, no other tag), and gives it back to the
 * empty Redis, so every node, also one started afterwards, still derives the same tags. A node that
 * never read it fails closed. Recheck time is driven by hand; Redis is killed for real.
 */
class PlacementFaultIT {
  @AutoClose static final RedisServer REDIS = RedisFixture.standalone();

  private static final long PAST_RECHECK =
      Duration.ofSeconds(Placement.RECHECK_SECONDS + 1).toNanos();

  private final UnifiedJedis client =
      RedisClient.builder()
          .hostAndPort(REDIS.hostAndPort())
          .clientConfig(
              DefaultJedisClientConfig.builder()
                  .connectionTimeoutMillis(500)
                  .socketTimeoutMillis(500)
                  .build())
          .build();
  private final Keys keys = new Keys("fault-placement:");
  private final AtomicLong nanos = new AtomicLong();

  @AfterEach
  void closeClient() {
    client.close();
  }

  private Placement node() {
    return new Placement(new RedisCalls(client), keys, nanos::get);
  }

  @Test
  void aNodeKeepsItsKeyWhileRedisIsDownAndGivesItBackToAnEmptyRedis() {
    Placement node = node();
    Placement.Subject alice = node.of("alice");
    String key = client.get(keys.placementKey());

    REDIS.kill();
    nanos.addAndGet(PAST_RECHECK);
    assertThat(node.of("alice")).isEqualTo(alice);
    assertThatThrownBy(() -> node().of("alice"))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageStartingWith("redis unavailable: ")
        .message()
        .doesNotContain(key);

    REDIS.restart();
    assertThat(
            RedisFixture.waitUntil(
                Duration.ofSeconds(10),
                () -> {
                  try {
                    return "PONG".equals(client.ping());
                  } catch (RuntimeException e) {
                    return false;
                  }
                }))
        .isTrue();
    // The failed recheck put the next one an interval later.
    nanos.addAndGet(PAST_RECHECK);
    assertThat(node.of("alice")).isEqualTo(alice);

    assertThat(client.get(keys.placementKey())).isEqualTo(key);
    assertThat(node().of("alice")).isEqualTo(alice);
  }
}

package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.providers.PooledConnectionProvider;

/** URL parsing and builder checks; no server needed. */
class RedisStoresUrlTest {
  @ParameterizedTest
  @ValueSource(ints = {0, -1, 10_000_001})
  void sessionNearCacheSizeOutOfRangeIsRefused(int maxEntries) {
    RedisStores.Builder b = RedisStores.fromUrl("redis://localhost:1");
    assertThatThrownBy(() -> b.sessionNearCache(maxEntries))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxEntries");
  }

  @Test
  @SuppressWarnings("deprecation") // the one public way to build a bare UnifiedJedis in Jedis 8
  void sessionNearCacheOnAClientWhoseMastersItCannotFindIsRefused() {
    // A bare UnifiedJedis names no master to track: refused rather than a cache that cannot
    // prove itself current.
    try (UnifiedJedis bare =
        new UnifiedJedis(
            new PooledConnectionProvider(new HostAndPort("127.0.0.1", 1)),
            1,
            Duration.ofSeconds(1))) {
      assertThatThrownBy(() -> RedisStores.builder(bare).sessionNearCache(100).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("RedisSentinelClient")
          .hasMessageContaining("RedisClusterClient");
    }
  }

  @Test
  void standaloneUrlWithCredentialsAndDatabase() {
    RedisUrl url = RedisUrl.parse("redis://app:s%40cret@cache.example:6380/3");
    assertThat(url.kind()).isEqualTo(RedisUrl.Kind.STANDALONE);
    assertThat(url.tls()).isFalse();
    assertThat(url.user()).isEqualTo("app");
    assertThat(url.password()).isEqualTo("s@cret");
    assertThat(url.nodes()).containsExactly(new HostAndPort("cache.example", 6380));
    assertThat(url.database()).isEqualTo(3);
    assertThat(url.toString()).doesNotContain("s@cret").doesNotContain("cret");
  }

  @Test
  void tlsUrlWithPasswordOnlyAndDefaultPort() {
    RedisUrl url = RedisUrl.parse("rediss://:pw@10.0.0.5");
    assertThat(url.tls()).isTrue();
    assertThat(url.user()).isNull();
    assertThat(url.password()).isEqualTo("pw");
    assertThat(url.nodes()).containsExactly(new HostAndPort("10.0.0.5", 6379));
  }

  @Test
  void sentinelUrlNamesSentinelsAndMaster() {
    RedisUrl url = RedisUrl.parse("redis-sentinel://s1:26379,s2,[::1]:26380/mymaster");
    assertThat(url.kind()).isEqualTo(RedisUrl.Kind.SENTINEL);
    assertThat(url.nodes())
        .containsExactly(
            new HostAndPort("s1", 26379),
            new HostAndPort("s2", 26379),
            new HostAndPort("::1", 26380));
    assertThat(url.masterName()).isEqualTo("mymaster");
  }

  @Test
  void clusterUrlNamesSeedNodes() {
    RedisUrl url = RedisUrl.parse("redis-cluster://u:p@n1:7000,n2:7001");
    assertThat(url.kind()).isEqualTo(RedisUrl.Kind.CLUSTER);
    assertThat(url.nodes()).hasSize(2);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://u:hunter2@host:6379",
        "redis//u:hunter2@host",
        "redis://u:hunter2@host:notaport",
        "redis://u:hunter2@host:70000",
        "redis://u:hunter2@host:6379/db",
        "redis://u:hunter2@a:1,b:2",
        "redis://u:hunter2@:6379",
        "redis://u:hunter2%zz@host",
        "redis://u:hunter2@host?timeout=5",
        "redis-sentinel://u:hunter2@host:26379",
        "redis-cluster://u:hunter2@host:7000/0",
        "redis://u:hunter2@ho st:6379",
        "redis://u:hunter2@[::1:6379"
      })
  void malformedUrlIsRefusedWithoutRevealingThePassword(String url) {
    assertThatThrownBy(() -> RedisStores.fromUrl(url))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid Redis URL: ")
        .message()
        .doesNotContain("hunter2")
        .doesNotContain("hunter");
  }

  @Test
  void prefixWithBracesIsRefused() {
    assertThatThrownBy(() -> RedisStores.fromUrl("redis://localhost:1").keyPrefix("a{b}:"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'{'");
  }

  @Test
  void timeoutMustBeBounded() {
    assertThatThrownBy(() -> RedisStores.fromUrl("redis://localhost:1").timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> RedisStores.fromUrl("redis://localhost:1").timeout(Duration.ofMinutes(5)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

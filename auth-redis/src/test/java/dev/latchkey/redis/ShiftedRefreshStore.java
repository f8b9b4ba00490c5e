package dev.latchkey.redis;

import dev.latchkey.core.TestClock;
import dev.latchkey.core.spi.RefreshTokenStore;
import java.util.Set;
import java.util.TreeSet;
import redis.clients.jedis.UnifiedJedis;

/**
 * Refresh-token stores for the contract tests: on the server's clock, moved forward or back by as
 * much as the test's clock has been moved since the store was made. The store still reads the
 * server's {@code TIME} inside every script; only the shift comes from the test, and every handle
 * made from one clock shares it. Production stores ({@link RedisStores#refreshTokenStore}) have no
 * shift, and nothing outside this package can give them one.
 */
final class ShiftedRefreshStore {
  private ShiftedRefreshStore() {}

  static RefreshTokenStore on(UnifiedJedis client, String prefix, TestClock clock) {
    long base = clock.millis();
    RedisCalls calls = new RedisCalls(client);
    Keys keys = new Keys(prefix);
    return new RedisRefreshTokenStore(
        calls, keys, new Placement(calls, keys), () -> clock.millis() - base);
  }

  /**
   * Every key in the slots of {@code subjects} under {@code prefix}, each counted once plus its
   * fields or members: what the store holds for them.
   */
  static long footprint(UnifiedJedis client, String prefix, String... subjects) {
    Placement placement = new Placement(new RedisCalls(client), new Keys(prefix));
    Set<String> shards = new TreeSet<>();
    for (String subject : subjects) {
      shards.add(placement.shardOf(subject));
    }
    long total = 0;
    for (String shard : shards) {
      // A hash tag in the pattern: a Cluster client sends KEYS to the slot's node.
      for (String key : client.keys(prefix + "{" + shard + "}*")) {
        total += 1;
        switch (client.type(key)) {
          case "hash" -> total += client.hlen(key);
          case "zset" -> total += client.zcard(key);
          case "set" -> total += client.scard(key);
          default -> {}
        }
      }
    }
    return total;
  }
}

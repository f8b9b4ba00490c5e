package dev.latchkey.redis;

import dev.latchkey.core.spi.OneTimeTokenStore;
import redis.clients.jedis.UnifiedJedis;

/** One-time token stores on a test's client and prefix, and what they hold for one subject. */
final class OneTimeStores {
  private OneTimeStores() {}

  static OneTimeTokenStore on(UnifiedJedis client, String prefix) {
    Keys keys = new Keys(prefix);
    RedisCalls redis = new RedisCalls(client);
    return new RedisOneTimeTokenStore(redis, keys, new Placement(redis, keys));
  }

  /** Keys and their members (hash fields, index entries) in the subject's slot. */
  static long footprint(UnifiedJedis client, String prefix, String subject) {
    Placement placement = new Placement(new RedisCalls(client), new Keys(prefix));
    long total = 0;
    // A hash tag in the pattern: a Cluster client sends KEYS to the slot's node.
    for (String key : client.keys(prefix + "{" + placement.shardOf(subject) + "}*")) {
      total += 1;
      switch (client.type(key)) {
        case "hash" -> total += client.hlen(key);
        case "zset" -> total += client.zcard(key);
        default -> {}
      }
    }
    return total;
  }
}

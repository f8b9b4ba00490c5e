package dev.latchkey.redis;

import redis.clients.jedis.UnifiedJedis;

/**
 * The Jedis client a {@link RedisStores} works through, for benchmarks that set a floor: one
 * {@code GET} through it costs what any one-round-trip store operation must at least cost with
 * that client (same pool, same timeouts, same connections). In auth-redis's package because the
 * accessor is package-private: applications never need it.
 */
public final class StoresClient {
  private StoresClient() {}

  /** The client {@code stores} uses; owned by {@code stores}, never close it. */
  public static UnifiedJedis of(RedisStores stores) {
    return stores.client();
  }
}

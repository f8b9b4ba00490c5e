/**
 * Latchkey's stores on Redis, shared by every node of an application: sessions, token revocations,
 * refresh-token families and login throttling, on a standalone server, a Sentinel-managed primary
 * or a Cluster through one Jedis {@code UnifiedJedis}.
 *
 * <p>Start at {@link dev.latchkey.redis.RedisStores}: it builds every store from a client or a URL
 * and hands them out as the SPIs of {@code dev.latchkey.core}. Every operation is one round trip (a
 * Lua script); every key of one subject lives in one Cluster slot; every key expires by itself;
 * only hashes of ids and tokens are stored. A backend fault is a {@link
 * dev.latchkey.core.StoreUnavailableException}, thrown within the client's timeout.
 */
package dev.latchkey.redis;

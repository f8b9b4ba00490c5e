package dev.latchkey.redis.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * A Sentinel setup: a primary, one replica of it, and one {@code redis-server --sentinel} watching
 * the primary as {@value #MASTER} with quorum 1 and a one-second down-after, so that {@link
 * #killPrimary} leads to a promotion within a few seconds. {@link #close} stops all three.
 *
 * <p>Safe for concurrent use.
 */
public final class RedisSentinel implements AutoCloseable {
  /** The name the sentinel knows the primary by. */
  public static final String MASTER = "latchkey";

  private final RedisServer primary;
  private final RedisServer replica;
  private final RedisServer sentinel;

  private RedisSentinel(RedisServer primary, RedisServer replica, RedisServer sentinel) {
    this.primary = primary;
    this.replica = replica;
    this.sentinel = sentinel;
  }

  static RedisSentinel start() {
    RedisServer primary = RedisServer.start(false, List.of(), List.of());
    RedisServer replica = null;
    RedisServer sentinel = null;
    try {
      replica =
          RedisServer.start(
              false,
              List.of(),
              List.of("--replicaof", "127.0.0.1", Integer.toString(primary.port())));
      RedisServer r = replica;
      require(
          RedisFixture.waitUntil(
              Duration.ofSeconds(15),
              () -> {
                try (Jedis j = r.admin()) {
                  return j.info("replication").contains("master_link_status:up");
                } catch (RuntimeException e) {
                  return false;
                }
              }),
          "the replica did not sync with the primary in 15 s");
      sentinel =
          RedisServer.start(
              false,
              List.of(
                  "sentinel monitor " + MASTER + " 127.0.0.1 " + primary.port() + " 1",
                  "sentinel down-after-milliseconds " + MASTER + " 1000",
                  "sentinel failover-timeout " + MASTER + " 4000",
                  "sentinel parallel-syncs " + MASTER + " 1"),
              List.of("--sentinel"));
      RedisServer s = sentinel;
      require(
          RedisFixture.waitUntil(
              Duration.ofSeconds(20),
              () -> {
                try (Jedis j = s.admin()) {
                  List<Map<String, String>> replicas = j.sentinelReplicas(MASTER);
                  return replicas.size() == 1
                      && !replicas.get(0).get("flags").contains("disconnected");
                } catch (RuntimeException e) {
                  return false;
                }
              }),
          "the sentinel did not discover the replica in 20 s");
      return new RedisSentinel(primary, replica, sentinel);
    } catch (RuntimeException e) {
      for (RedisServer started : new RedisServer[] {sentinel, replica, primary}) {
        if (started != null) {
          started.close();
        }
      }
      throw e;
    }
  }

  /** The sentinel's port. */
  public int sentinelPort() {
    return sentinel.port();
  }

  /**
   * {@code redis-sentinel://127.0.0.1:<sentinel port>/}{@value #MASTER}, for {@code
   * RedisStores.fromUrl} or {@code REDIS_URL}.
   */
  public String url() {
    return "redis-sentinel://127.0.0.1:" + sentinel.port() + "/" + MASTER;
  }

  /** The server that was the primary at the start. */
  public RedisServer primary() {
    return primary;
  }

  /** The server that was the replica at the start. */
  public RedisServer replica() {
    return replica;
  }

  /** The sentinel itself. */
  public RedisServer sentinel() {
    return sentinel;
  }

  /** The port of the server the sentinel names as primary now. */
  public int currentPrimaryPort() {
    try (Jedis j = sentinel.admin()) {
      return Integer.parseInt(j.sentinelGetMasterAddrByName(MASTER).get(1));
    }
  }

  /** SIGKILLs the primary; the sentinel promotes the replica after about a second or more. */
  public void killPrimary() {
    primary.kill();
  }

  /** Stops the sentinel, the replica and the primary. */
  @Override
  public void close() {
    sentinel.close();
    replica.close();
    primary.close();
  }

  @Override
  public String toString() {
    return "RedisSentinel[sentinel="
        + sentinel
        + ", primary="
        + primary
        + ", replica="
        + replica
        + "]";
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }
}

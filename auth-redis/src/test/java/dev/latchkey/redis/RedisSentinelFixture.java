package dev.latchkey.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;

/**
 * A Sentinel setup: a primary, one replica of it, and one {@code redis-server --sentinel} watching
 * the primary as {@value #MASTER} with quorum 1 and a one-second down-after, so that {@link
 * #killPrimary} leads to a promotion within a few seconds. Public (in auth-redis's test-jar) for
 * the examples' fault-under-load tests.
 */
public final class RedisSentinelFixture implements BeforeAllCallback, AfterAllCallback {
  public static final String MASTER = "latchkey";

  private final RedisServerFixture primary = RedisServerFixture.standalone();
  private RedisServerFixture replica;
  private RedisServerFixture sentinel;
  private Path confDir;

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  void start() {
    primary.start();
    replica =
        RedisServerFixture.withArgs(
            false, "--replicaof", "127.0.0.1", Integer.toString(primary.port()));
    replica.start();
    require(
        RedisServerFixture.waitUntil(
            Duration.ofSeconds(15),
            () -> {
              try (Jedis j = replica.admin()) {
                return j.info("replication").contains("master_link_status:up");
              } catch (RuntimeException e) {
                return false;
              }
            }),
        "the replica did not sync with the primary in 15 s");
    Path conf;
    try {
      confDir = Files.createTempDirectory("latchkey-sentinel-");
      conf = confDir.resolve("sentinel.conf");
      Files.writeString(
          conf,
          String.join(
              "\n",
              "sentinel monitor " + MASTER + " 127.0.0.1 " + primary.port() + " 1",
              "sentinel down-after-milliseconds " + MASTER + " 1000",
              "sentinel failover-timeout " + MASTER + " 4000",
              "sentinel parallel-syncs " + MASTER + " 1",
              ""));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write sentinel.conf", e);
    }
    sentinel = RedisServerFixture.withConfigFile(conf, "--sentinel");
    sentinel.start();
    require(
        RedisServerFixture.waitUntil(
            Duration.ofSeconds(20),
            () -> {
              try (Jedis j = sentinel.admin()) {
                List<Map<String, String>> replicas = j.sentinelReplicas(MASTER);
                return replicas.size() == 1
                    && !replicas.get(0).get("flags").contains("disconnected");
              } catch (RuntimeException e) {
                return false;
              }
            }),
        "the sentinel did not discover the replica in 20 s");
  }

  void stop() {
    if (sentinel != null) {
      sentinel.stop();
    }
    if (replica != null) {
      replica.stop();
    }
    primary.stop();
    if (confDir != null) {
      try {
        // The sentinel rewrites its config file; nothing else lives here.
        Files.deleteIfExists(confDir.resolve("sentinel.conf"));
        Files.deleteIfExists(confDir);
      } catch (IOException e) {
        // A temp dir left behind is harmless.
      }
    }
  }

  public int sentinelPort() {
    return sentinel.port();
  }

  public RedisServerFixture primary() {
    return primary;
  }

  public RedisServerFixture replica() {
    return replica;
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

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }
}

package dev.latchkey.redis;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;

/**
 * A Redis Cluster of three masters (no replicas) on loopback ports at most 55535 whose bus ports
 * (+10000) are free, joined with {@code redis-cli --cluster create}; ready once every node says
 * {@code cluster_state:ok}. Register with {@code @RegisterExtension static}.
 */
final class RedisClusterFixture implements BeforeAllCallback, AfterAllCallback {
  private final List<RedisServerFixture> nodes = new ArrayList<>();

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  void start() {
    RedisServerFixture.requireBinary("redis-cli");
    for (int i = 0; i < 3; i++) {
      RedisServerFixture node =
          RedisServerFixture.withArgs(
              true,
              "--cluster-enabled", "yes",
              "--cluster-config-file", "nodes.conf",
              "--cluster-node-timeout", "2000");
      node.start();
      nodes.add(node);
    }
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    for (RedisServerFixture n : nodes) {
      cmd.add("127.0.0.1:" + n.port());
    }
    cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(nodes.get(0).dir().resolve("cluster-create.log").toFile()).start();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("redis-cli --cluster create failed; see "
            + nodes.get(0).dir().resolve("cluster-create.log"));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run redis-cli", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the cluster", e);
    }
    boolean ok = RedisServerFixture.waitUntil(Duration.ofSeconds(20), () -> nodes.stream()
        .allMatch(n -> {
          try (Jedis j = n.admin()) {
            return j.clusterInfo().contains("cluster_state:ok");
          } catch (RuntimeException e) {
            return false;
          }
        }));
    if (!ok) {
      throw new IllegalStateException("the cluster did not reach cluster_state:ok in 20 s");
    }
  }

  void stop() {
    nodes.forEach(RedisServerFixture::stop);
    nodes.clear();
  }

  List<RedisServerFixture> nodes() {
    return List.copyOf(nodes);
  }

  Set<HostAndPort> seeds() {
    Set<HostAndPort> seeds = new HashSet<>();
    nodes.forEach(n -> seeds.add(n.hostAndPort()));
    return seeds;
  }

  /** A new cluster client with 2 s timeouts; the caller closes it. */
  RedisClusterClient client() {
    return RedisClusterClient.builder()
        .nodes(seeds())
        .clientConfig(DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(2000).socketTimeoutMillis(2000).build())
        .build();
  }

  void flushAll() {
    nodes.forEach(RedisServerFixture::flushAll);
  }
}

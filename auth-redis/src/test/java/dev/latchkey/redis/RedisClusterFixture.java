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
 * A Redis Cluster of three masters, with no replicas ({@code new RedisClusterFixture()}) or one
 * replica each ({@link #withReplicas()}), on loopback ports at most 55535 whose bus ports (+10000)
 * are free, joined with {@code redis-cli --cluster create}. Ready once every node says {@code
 * cluster_state:ok} and knows every other, and every replica's link to its master is up and synced.
 * Register with {@code @RegisterExtension static}; every wait is bounded.
 */
final class RedisClusterFixture implements BeforeAllCallback, AfterAllCallback {
  private static final Duration READY_BOUND = Duration.ofSeconds(30);

  private final int replicas;
  private final int nodeTimeoutMillis;
  private final List<RedisServerFixture> nodes = new ArrayList<>();

  RedisClusterFixture() {
    this(0, 2000);
  }

  private RedisClusterFixture(int replicas, int nodeTimeoutMillis) {
    this.replicas = replicas;
    this.nodeTimeoutMillis = nodeTimeoutMillis;
  }

  /**
   * Three masters with one replica each: six nodes. A master silent for 3 s is failed over, so a
   * test can pause one for a second or two without a failover.
   */
  static RedisClusterFixture withReplicas() {
    return new RedisClusterFixture(1, 3000);
  }

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
    for (int i = 0; i < 3 * (1 + replicas); i++) {
      RedisServerFixture node =
          RedisServerFixture.withArgs(
              true,
              "--cluster-enabled",
              "yes",
              "--cluster-config-file",
              "nodes.conf",
              "--cluster-node-timeout",
              Integer.toString(nodeTimeoutMillis));
      node.start();
      nodes.add(node);
    }
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    for (RedisServerFixture n : nodes) {
      cmd.add("127.0.0.1:" + n.port());
    }
    cmd.addAll(List.of("--cluster-replicas", Integer.toString(replicas), "--cluster-yes"));
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(nodes.get(0).dir().resolve("cluster-create.log").toFile())
              .start();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "redis-cli --cluster create failed; see "
                + nodes.get(0).dir().resolve("cluster-create.log"));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run redis-cli", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the cluster", e);
    }
    awaitReady(nodes);
  }

  /** Waits until every given node is ok, knows the whole cluster, and every replica is synced. */
  private void awaitReady(List<RedisServerFixture> live) {
    boolean ok =
        RedisServerFixture.waitUntil(
            READY_BOUND,
            () ->
                live.stream()
                    .allMatch(
                        n -> {
                          try (Jedis j = n.admin()) {
                            String info = j.clusterInfo();
                            if (!info.contains("cluster_state:ok")
                                || !info.contains("cluster_known_nodes:" + nodes.size() + "\r\n")) {
                              return false;
                            }
                            String replication = j.info("replication");
                            return replication.contains("role:master")
                                || (replication.contains("master_link_status:up")
                                    && replication.contains("master_sync_in_progress:0"));
                          } catch (RuntimeException e) {
                            return false;
                          }
                        }));
    if (!ok) {
      throw new IllegalStateException("the cluster was not ready within " + READY_BOUND);
    }
  }

  void stop() {
    nodes.forEach(RedisServerFixture::stop);
    nodes.clear();
  }

  List<RedisServerFixture> nodes() {
    return List.copyOf(nodes);
  }

  /** The running nodes that are masters now. */
  List<RedisServerFixture> masters() {
    List<RedisServerFixture> masters = new ArrayList<>();
    for (RedisServerFixture n : nodes) {
      if (n.isRunning() && isMaster(n)) {
        masters.add(n);
      }
    }
    return masters;
  }

  /** The master serving {@code key}'s slot now. */
  RedisServerFixture masterOf(String key) {
    for (RedisServerFixture n : masters()) {
      try (Jedis j = n.admin()) {
        long slot = j.clusterKeySlot(key);
        String myself = j.clusterMyId();
        boolean serves =
            j.clusterShards().stream()
                .anyMatch(
                    shard ->
                        shard.getNodes().stream()
                                .anyMatch(
                                    node ->
                                        node.getId().equals(myself)
                                            && "master".equals(node.getRole()))
                            && shard.getSlots().stream()
                                .anyMatch(r -> r.get(0) <= slot && slot <= r.get(1)));
        if (serves) {
          return n;
        }
      }
    }
    throw new IllegalStateException("no master serves " + key);
  }

  /**
   * Kills {@code master} (SIGKILL), runs {@code whileDown}, and waits until its replica is promoted
   * and every live node says {@code cluster_state:ok}; returns the promoted replica. The killed
   * node stays down until {@link #rejoin}.
   */
  RedisServerFixture failOver(RedisServerFixture master, Runnable whileDown) {
    RedisServerFixture replica = replicaOf(master);
    master.kill();
    whileDown.run();
    List<RedisServerFixture> live = nodes.stream().filter(RedisServerFixture::isRunning).toList();
    boolean promoted =
        RedisServerFixture.waitUntil(
            READY_BOUND,
            () ->
                isMaster(replica)
                    && live.stream()
                        .allMatch(
                            n -> {
                              try (Jedis j = n.admin()) {
                                return j.clusterInfo().contains("cluster_state:ok");
                              } catch (RuntimeException e) {
                                return false;
                              }
                            }));
    if (!promoted) {
      throw new IllegalStateException("no replica was promoted within " + READY_BOUND);
    }
    return replica;
  }

  /**
   * Has {@code master}'s replica take over with {@code CLUSTER FAILOVER} (no data lost, no node
   * down) and waits until the roles have swapped and the cluster is ready; returns the new master.
   */
  RedisServerFixture failOverGracefully(RedisServerFixture master) {
    RedisServerFixture replica = replicaOf(master);
    try (Jedis j = replica.admin()) {
      j.clusterFailover();
    }
    if (!RedisServerFixture.waitUntil(READY_BOUND, () -> isMaster(replica) && !isMaster(master))) {
      throw new IllegalStateException("the replica did not take over within " + READY_BOUND);
    }
    awaitReady(nodes);
    return replica;
  }

  /** Restarts a node {@link #failOver} killed and waits until it is a synced replica again. */
  void rejoin(RedisServerFixture node) {
    node.restart();
    awaitReady(nodes);
  }

  /** The running replica of {@code master}. */
  RedisServerFixture replicaOf(RedisServerFixture master) {
    for (RedisServerFixture n : nodes) {
      if (n != master && n.isRunning()) {
        try (Jedis j = n.admin()) {
          if (j.info("replication").contains("master_port:" + master.port() + "\r\n")) {
            return n;
          }
        }
      }
    }
    throw new IllegalStateException("no replica of the node on port " + master.port());
  }

  private static boolean isMaster(RedisServerFixture n) {
    try (Jedis j = n.admin()) {
      return j.info("replication").contains("role:master");
    } catch (RuntimeException e) {
      return false;
    }
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
        .clientConfig(
            DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(2000)
                .socketTimeoutMillis(2000)
                .build())
        .build();
  }

  void flushAll() {
    nodes.forEach(
        n -> {
          if (isMaster(n)) {
            n.flushAll();
          }
        });
  }
}

package dev.latchkey.redis.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * A Redis Cluster of {@link RedisServer} nodes on loopback ports at most 55535 whose bus ports
 * (+10000) are free. With replicas, a master silent for 3 s is failed over (without, 2 s), so a
 * test can pause one for a second or two without a failover. Every wait is bounded. {@link #close}
 * stops every node.
 *
 * <p>Safe for concurrent use.
 */
public final class RedisCluster implements AutoCloseable {
  private static final Duration READY_BOUND = Duration.ofSeconds(30);

  private final List<RedisServer> nodes;
  private UnifiedJedis client;

  private RedisCluster(List<RedisServer> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  static RedisCluster start(int masters, int replicasPerMaster) {
    if (masters < 3) {
      throw new IllegalArgumentException("a Redis Cluster needs at least 3 masters: " + masters);
    }
    if (replicasPerMaster < 0) {
      throw new IllegalArgumentException(
          "replicasPerMaster cannot be negative: " + replicasPerMaster);
    }
    RedisFixture.requireOnPath("redis-server");
    RedisFixture.requireOnPath("redis-cli");
    String nodeTimeout = replicasPerMaster == 0 ? "2000" : "3000";
    List<RedisServer> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < masters * (1 + replicasPerMaster); i++) {
        nodes.add(
            RedisServer.start(
                true,
                List.of(),
                List.of(
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes.conf",
                    "--cluster-node-timeout",
                    nodeTimeout)));
      }
      RedisCluster cluster = new RedisCluster(nodes);
      cluster.create(replicasPerMaster);
      cluster.awaitReady();
      return cluster;
    } catch (RuntimeException e) {
      nodes.forEach(RedisServer::close);
      throw e;
    }
  }

  private void create(int replicasPerMaster) {
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    for (RedisServer n : nodes) {
      cmd.add(n.hostAndPort().toString());
    }
    cmd.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
    var log = nodes.get(0).dir().resolve("cluster-create.log");
    try {
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("redis-cli --cluster create failed; see " + log);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run redis-cli", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the cluster", e);
    }
  }

  /** Waits until every running node is ok, knows the whole cluster, and every replica is synced. */
  private void awaitReady() {
    List<RedisServer> live = nodes.stream().filter(RedisServer::isRunning).toList();
    boolean ok =
        RedisFixture.waitUntil(
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

  /** Every node, masters and replicas, in a fixed order; killed nodes included. */
  public List<RedisServer> nodes() {
    return nodes;
  }

  /** The running nodes that are masters now. */
  public List<RedisServer> masters() {
    return nodes.stream().filter(n -> n.isRunning() && isMaster(n)).toList();
  }

  /** The master serving {@code key}'s slot now. */
  public RedisServer masterOf(String key) {
    for (RedisServer n : masters()) {
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

  /** The running replica of {@code master}. */
  public RedisServer replicaOf(RedisServer master) {
    for (RedisServer n : nodes) {
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

  /**
   * Kills {@code master} (SIGKILL), runs {@code whileDown}, and waits until its replica is promoted
   * and every live node says {@code cluster_state:ok}; returns the promoted replica. The killed
   * node stays down until {@link #rejoin}.
   *
   * @throws IllegalStateException if no replica is promoted within 30 s
   */
  public RedisServer failOver(RedisServer master, Runnable whileDown) {
    RedisServer replica = replicaOf(master);
    master.kill();
    whileDown.run();
    List<RedisServer> live = nodes.stream().filter(RedisServer::isRunning).toList();
    boolean promoted =
        RedisFixture.waitUntil(
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
  public RedisServer failOverGracefully(RedisServer master) {
    RedisServer replica = replicaOf(master);
    try (Jedis j = replica.admin()) {
      j.clusterFailover();
    }
    if (!RedisFixture.waitUntil(READY_BOUND, () -> isMaster(replica) && !isMaster(master))) {
      throw new IllegalStateException("the replica did not take over within " + READY_BOUND);
    }
    awaitReady();
    return replica;
  }

  /** Restarts a node {@link #failOver} killed and waits until the whole cluster is ready again. */
  public void rejoin(RedisServer node) {
    node.restart();
    awaitReady();
  }

  /** Every node's address, as seeds for a cluster client. */
  public Set<HostAndPort> seeds() {
    return nodes.stream()
        .map(RedisServer::hostAndPort)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /**
   * {@code redis-cluster://} and every node, for {@code RedisStores.fromUrl} or {@code REDIS_URL}.
   */
  public String url() {
    return "redis-cluster://"
        + nodes.stream().map(n -> n.hostAndPort().toString()).collect(Collectors.joining(","));
  }

  /** A cluster client that this Cluster owns and closes with it: share it, do not close it. */
  public synchronized UnifiedJedis client() {
    if (client == null) {
      client = newClient();
    }
    return client;
  }

  /** A new cluster client with 2 s timeouts; the caller closes it. */
  public RedisClusterClient newClient() {
    return RedisClusterClient.builder()
        .nodes(seeds())
        .clientConfig(
            DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(2000)
                .socketTimeoutMillis(2000)
                .build())
        .build();
  }

  /** Deletes every key on every master. */
  public void flushAll() {
    masters().forEach(RedisServer::flushAll);
  }

  /** Closes {@link #client} and stops every node. */
  @Override
  public synchronized void close() {
    if (client != null) {
      client.close();
      client = null;
    }
    nodes.forEach(RedisServer::close);
  }

  @Override
  public String toString() {
    return "RedisCluster" + nodes;
  }

  private static boolean isMaster(RedisServer n) {
    try (Jedis j = n.admin()) {
      return j.info("replication").contains("role:master");
    } catch (RuntimeException e) {
      return false;
    }
  }
}

package dev.latchkey.redis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.resps.ClusterShardInfo;
import redis.clients.jedis.resps.ClusterShardNodeInfo;
import redis.clients.jedis.util.JedisClusterCRC16;
import redis.clients.jedis.util.Pool;

/**
 * The masters a {@link SessionNearCache} keeps a tracking connection on, as its client reaches
 * them: the one server of a {@code RedisClient}; the primary a {@code RedisSentinelClient} knows
 * now; every master of a {@code RedisClusterClient} that owns slots ({@code CLUSTER SHARDS}). Each
 * connection comes from the client's own pool of that master, so it shares the client's
 * credentials, TLS and timeouts. Stateless; safe for concurrent use.
 */
final class TrackedMasters {
  /** A hash tag per slot, found once: the topology is read at every heartbeat. */
  private static final ConcurrentHashMap<Integer, String> TAGS = new ConcurrentHashMap<>();

  private TrackedMasters() {}

  /** Whether the cache can follow {@code client}'s masters: a standalone, Sentinel or Cluster. */
  static boolean supports(UnifiedJedis client) {
    return client instanceof RedisClient
        || client instanceof RedisSentinelClient
        || client instanceof RedisClusterClient;
  }

  /** One master to track: its address, a hash tag of one of its slots, its Cluster node id. */
  record Target(String address, String tag, String nodeId) {}

  /**
   * The masters to track, and what they were chosen from: two layouts with equal {@code owners}
   * have the same masters owning the same slots.
   */
  record Layout(List<Target> targets, List<String> owners) {}

  /** The masters as the client and Redis name them now. */
  static Layout discover(UnifiedJedis client) {
    if (client instanceof RedisClusterClient cluster) {
      List<Target> targets = new ArrayList<>();
      List<String> owners = new ArrayList<>();
      for (ClusterShardInfo shard : RevocationShards.clusterShards(cluster)) {
        if (shard.getSlots().isEmpty()) {
          continue;
        }
        ClusterShardNodeInfo master = null;
        for (ClusterShardNodeInfo node : shard.getNodes()) {
          if ("master".equals(node.getRole())) {
            master = node;
          }
        }
        if (master == null) {
          throw new JedisException("a Cluster shard that owns slots names no master");
        }
        String address = master.getEndpoint() + ":" + master.getPort();
        int slot = shard.getSlots().get(0).get(0).intValue();
        targets.add(
            new Target(
                address, TAGS.computeIfAbsent(slot, RevocationShards::tagOf), master.getId()));
        owners.add(master.getId() + "@" + address + " " + shard.getSlots());
      }
      if (targets.isEmpty()) {
        throw new JedisException("no Cluster node serves any slot");
      }
      targets.sort(Comparator.comparing(Target::address));
      owners.sort(Comparator.naturalOrder());
      return new Layout(List.copyOf(targets), List.copyOf(owners));
    }
    if (client instanceof RedisSentinelClient sentinel) {
      String address = String.valueOf(sentinel.getCurrentMaster());
      return new Layout(List.of(new Target(address, "nc", null)), List.of(address));
    }
    return new Layout(List.of(new Target("", "nc", null)), List.of());
  }

  /** A connection to {@code t}'s master, from the client's pool of that master. */
  static Connection open(UnifiedJedis client, Target t) {
    if (client instanceof RedisClusterClient cluster) {
      ConnectionPool pool = cluster.getClusterNodes().get(t.address());
      // A master the client has not met yet is reached through its view of the slot; the node id
      // check then refuses a node that is not the master this connection is meant for.
      return pool != null
          ? pool.getResource()
          : cluster.getConnectionFromSlot(JedisClusterCRC16.getSlot(t.tag()));
    }
    if (client instanceof RedisSentinelClient sentinel) {
      Map<?, Pool<Connection>> primary = sentinel.getPrimaryNodesConnectionMap();
      for (Map.Entry<?, Pool<Connection>> e : primary.entrySet()) {
        if (String.valueOf(e.getKey()).equals(t.address())) {
          return e.getValue().getResource();
        }
      }
      throw new JedisException("the Sentinel primary changed while tracking was set up");
    }
    return ((RedisClient) client).getPool().getResource();
  }

  /** Refuses a connection that is not on {@code t}'s master. */
  static void verify(Connection c, Target t) {
    if (t.nodeId() != null) {
      Object id = c.executeCommand(new CommandArguments(Protocol.Command.CLUSTER).add("MYID"));
      if (!t.nodeId().equals(RedisCalls.str(id))) {
        throw new JedisException("the tracking connection is not on the expected master");
      }
      return;
    }
    List<?> role;
    try {
      role = (List<?>) c.executeCommand(new CommandArguments(Protocol.Command.ROLE));
    } catch (JedisDataException e) {
      // ROLE is in @dangerous, which an application's ACL may deny: the heartbeat still proves
      // that this connection hears the writes sent to the master.
      return;
    }
    if (!"master".equals(RedisCalls.str(role.get(0)))) {
      throw new JedisException("the tracking connection is not on a master");
    }
  }
}

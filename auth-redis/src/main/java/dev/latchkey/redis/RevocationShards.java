package dev.latchkey.redis;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.resps.ClusterShardInfo;
import redis.clients.jedis.resps.ClusterShardNodeInfo;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The shards whose revocations one subscription must receive, and the proof that it does.
 *
 * <p>A revocation is published by the master that owns its key's slot, and travels from there to
 * the subscribed node (on Cluster, over the cluster bus). So each shard has its own path, and one
 * path can fail while the others work. Each shard gets its own heartbeat, published by a script
 * routed by a key in one of the shard's slots: it runs on that slot's master, exactly where a
 * revocation of that shard runs, and carries a sequence number, the time it was sent and the
 * incarnation of the shard's data. A shard is proven while its heartbeats arrive in sequence, of
 * one incarnation, and the last one read was sent less than the stale bound ago; the subscription
 * is current only while every shard is proven. A missing sequence number (a heartbeat lost, or one
 * that could not be published, as while a master fails over) or another incarnation (a master
 * restarted empty) means a revocation may have been missed: the subscriber must resync.
 *
 * <p>An instance belongs to one subscription: its token, random, marks the heartbeats it publishes,
 * so those of other nodes and of earlier subscriptions are ignored. Publishing is thread-safe;
 * {@link #receive} is called by the subscriber thread only; {@link #proven} by any thread.
 */
final class RevocationShards {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Tags tried for a slot's heartbeat key: 16384 slots, so about that many on average. */
  private static final int MAX_TAGS = 1 << 22;

  /** How long a shard's incarnation outlives the last heartbeat that refreshed it: a day. */
  private static final long INCARNATION_TTL_MS = 86_400_000L;

  /**
   * Publishes a heartbeat tagged with the incarnation of the shard's data: a random id kept in the
   * routing key itself. A master that restarted empty has lost it, so it takes a new one and every
   * subscriber sees the change. (A key rather than the server's run id from INFO: INFO is in the
   * ACL category {@code @dangerous}, often denied to applications.) Returns the incarnation.
   */
  private static final Script<String> HEARTBEAT =
      Script.load("revocation-heartbeat", 1, RedisCalls::str);

  /** What a received message is to the subscription. */
  enum Beat {
    /** Not one of this subscription's heartbeats (an entry, another node's heartbeat). */
    NOT_OURS,
    /** The next heartbeat of its shard: that shard's path is proven up to now. */
    IN_SEQUENCE,
    /** A heartbeat after a gap or of a new incarnation: a revocation may have been missed. */
    GAP
  }

  /**
   * One shard: the key that routes its heartbeat to the master of {@code slot} (and holds the
   * shard's incarnation), and that master's address as the topology named it (null on a standalone
   * server).
   */
  record Shard(int slot, String routeKey, String master) {}

  private final String token = HexFormat.of().formatHex(randomBytes());
  private final List<Shard> shards;
  private final long staleNanos;
  private final AtomicLongArray published;

  /** When each shard's last heartbeat read in sequence was sent, in nanos; starts stale. */
  private final AtomicLongArray lastBeat;

  /** Subscriber thread only: the sequence number each shard's next heartbeat must carry. */
  private final long[] expected;

  /** Subscriber thread only: the incarnation of each shard, once heard. */
  private final String[] incarnations;

  private RevocationShards(List<Shard> shards, long staleNanos, long nowNanos) {
    this.shards = List.copyOf(shards);
    this.staleNanos = staleNanos;
    int n = shards.size();
    this.published = new AtomicLongArray(n);
    this.lastBeat = new AtomicLongArray(n);
    for (int i = 0; i < n; i++) {
      lastBeat.set(i, nowNanos - staleNanos);
    }
    this.expected = new long[n];
    this.incarnations = new String[n];
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return b;
  }

  /**
   * The shards as Redis says now: on Cluster one per master that owns slots (from {@code CLUSTER
   * SHARDS}), in slot order, otherwise one. None is proven yet.
   *
   * @throws redis.clients.jedis.exceptions.JedisException when no node answers
   */
  static RevocationShards discover(UnifiedJedis jedis, Keys keys, long staleNanos, long nowNanos) {
    List<Shard> shards = new ArrayList<>();
    if (jedis instanceof RedisClusterClient cluster) {
      for (ClusterShardInfo shard : clusterShards(cluster)) {
        if (shard.getSlots().isEmpty()) {
          continue;
        }
        int slot = shard.getSlots().get(0).get(0).intValue();
        String master = null;
        for (ClusterShardNodeInfo node : shard.getNodes()) {
          if ("master".equals(node.getRole())) {
            master = node.getEndpoint() + ":" + node.getPort();
          }
        }
        shards.add(new Shard(slot, routeKey(keys, slot), master));
      }
      if (shards.isEmpty()) {
        throw new JedisException("no Cluster node serves any slot");
      }
      shards.sort(Comparator.comparingInt(Shard::slot));
    } else {
      return standalone(keys, staleNanos, nowNanos);
    }
    return new RevocationShards(shards, staleNanos, nowNanos);
  }

  /** The one shard of a server that is no Cluster, not proven yet. */
  static RevocationShards standalone(Keys keys, long staleNanos, long nowNanos) {
    return new RevocationShards(
        List.of(new Shard(-1, keys.prefix() + "heartbeat", null)), staleNanos, nowNanos);
  }

  /** The first node that answers {@code CLUSTER SHARDS}. */
  static List<ClusterShardInfo> clusterShards(RedisClusterClient cluster) {
    JedisException last = new JedisException("no Cluster node known");
    for (ConnectionPool pool : cluster.getClusterNodes().values()) {
      try (Connection connection = pool.getResource()) {
        @SuppressWarnings("resource") // closing it would close the pooled connection twice
        Jedis node = new Jedis(connection);
        return node.clusterShards();
      } catch (JedisException e) {
        last = e;
      }
    }
    throw last;
  }

  /** A key in {@code slot} ({@code <prefix>{<tag>}:heartbeat}). */
  private static String routeKey(Keys keys, int slot) {
    return keys.slot(tagOf(slot)) + "heartbeat";
  }

  /**
   * A hash tag whose keys ({@code {<tag>}...}) all live in {@code slot}, found by trying tags: a
   * key's slot is the hash of its tag alone.
   */
  static String tagOf(int slot) {
    for (int i = 0; i < MAX_TAGS; i++) {
      String tag = Integer.toString(i, 36);
      if (JedisClusterCRC16.getSlot(tag) == slot) {
        return tag;
      }
    }
    throw new JedisException("no hash tag routes to slot " + slot);
  }

  List<Shard> shards() {
    return shards;
  }

  /**
   * Whether {@code now} names other shards or masters than this: slots moved to a master this
   * subscription has no heartbeat for, or a shard failed over, so its proof no longer covers every
   * path a revocation can take.
   */
  boolean changedIn(RevocationShards now) {
    return !shards.equals(now.shards);
  }

  /**
   * A connection to each shard's master for reading its keys, in shard order; the caller closes
   * them. A master this client's pools do not know yet is reached through the client's own view of
   * that shard's slot: if that node is no longer the master, reading a key fails with {@code MOVED}
   * rather than answering from a partial copy.
   */
  List<Connection> masters(RedisClusterClient cluster) {
    List<Connection> out = new ArrayList<>();
    try {
      Map<String, ConnectionPool> pools = cluster.getClusterNodes();
      for (Shard s : shards) {
        ConnectionPool pool = s.master() == null ? null : pools.get(s.master());
        out.add(pool != null ? pool.getResource() : cluster.getConnectionFromSlot(s.slot()));
      }
      return out;
    } catch (RuntimeException e) {
      out.forEach(Connection::close);
      throw e;
    }
  }

  /**
   * Publishes one heartbeat per shard, each on the master of its slot; a shard that cannot be
   * reached is skipped (its sequence number is then missing, so its subscriber resyncs once the
   * shard answers again). {@code nowNanos} is the time on the subscriber's nano source before
   * anything is sent; each heartbeat carries it. Returns the messages published, for tests.
   */
  List<String> publish(RedisCalls redis, String channel, long nowNanos) {
    List<String> sent = new ArrayList<>(shards.size());
    for (int i = 0; i < shards.size(); i++) {
      String message = heartbeat(i, published.getAndIncrement(i), nowNanos);
      try {
        String incarnation =
            HEARTBEAT.call(
                redis,
                "revocation heartbeat",
                List.of(shards.get(i).routeKey()),
                List.of(
                    channel,
                    message,
                    HexFormat.of().formatHex(randomBytes()),
                    Long.toString(INCARNATION_TTL_MS)));
        sent.add(message + " " + incarnation);
      } catch (RuntimeException e) {
        // Unreachable shard: no heartbeat arrives, and the replica stops being current.
      }
    }
    return sent;
  }

  /**
   * The heartbeat message of shard {@code i} with sequence number {@code seq}, sent at {@code
   * sentNanos}; the script that publishes it appends the shard's incarnation.
   */
  String heartbeat(int i, long seq, long sentNanos) {
    return "h " + token + " " + i + " " + seq + " " + sentNanos;
  }

  /**
   * Takes a message received on the subscription: {@code h <token> <shard> <seq> <sent nanos>
   * <incarnation>}.
   */
  Beat receive(String message, long nowNanos) {
    if (!message.startsWith("h ")) {
      return Beat.NOT_OURS;
    }
    String[] parts = message.split(" ", 6);
    if (parts.length != 6 || !parts[1].equals(token)) {
      return Beat.NOT_OURS;
    }
    int i;
    long seq;
    long sentNanos;
    try {
      i = Integer.parseInt(parts[2]);
      seq = Long.parseLong(parts[3]);
      sentNanos = Long.parseLong(parts[4]);
    } catch (NumberFormatException e) {
      return Beat.NOT_OURS;
    }
    if (i < 0 || i >= shards.size()) {
      return Beat.NOT_OURS;
    }
    if (seq != expected[i] || (incarnations[i] != null && !incarnations[i].equals(parts[5]))) {
      return Beat.GAP;
    }
    expected[i]++;
    incarnations[i] = parts[5];
    // Dated when it was sent, not when it is read: reading it proves that every message published
    // before it was read, and nothing about those queued behind it. After a resync that ran for
    // seconds (thousands of entries written back into a Redis that restarted empty), the first
    // heartbeats are read with seconds of other nodes' revocations queued behind them; dated on
    // reading, they would make the replica current while it still lacks those revocations.
    lastBeat.set(i, Math.min(sentNanos, nowNanos));
    return Beat.IN_SEQUENCE;
  }

  /**
   * Whether every shard's last heartbeat read in sequence was sent less than the stale bound ago:
   * then every revocation that returned before that was already read, so the replica lags its
   * shards by less than the bound.
   */
  boolean proven(long nowNanos) {
    for (int i = 0, n = lastBeat.length(); i < n; i++) {
      if (nowNanos - lastBeat.get(i) >= staleNanos) {
        return false;
      }
    }
    return true;
  }
}

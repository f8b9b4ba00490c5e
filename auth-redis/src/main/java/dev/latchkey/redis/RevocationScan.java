package dev.latchkey.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.commands.JedisCommands;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Reads every revocation entry from Redis for a resync of the replica ({@link RevocationFeed}):
 * SCAN pages of the revocation keys, each page's values read in one round trip (one {@code MGET} on
 * a single server; on a Cluster node, whose keys span slots, a pipeline of {@code GET}s). SCAN sees
 * one node, so on a Cluster every master is read, never a replica. SCAN returns every key present
 * for the whole scan; a key read back as gone has expired or been removed meanwhile.
 */
final class RevocationScan {
  /** Keys a SCAN call examines: few round trips, while one call still blocks Redis briefly. */
  private static final int SCAN_COUNT = 2_000;

  private RevocationScan() {}

  /**
   * Hands every revocation entry under {@code keys}' prefix to {@code out}, its key and value, as
   * each page is read: on a Cluster from the master of each of {@code shards}, otherwise from the
   * one server. A key may be handed over twice (SCAN may return it twice).
   *
   * @throws dev.latchkey.core.StoreUnavailableException when a node cannot be read
   */
  static void read(
      RedisCalls redis, Keys keys, RevocationShards shards, BiConsumer<String, String> out) {
    String match = globEscape(keys.prefix()) + "{*}:r[tsg]:*";
    try {
      if (redis.jedis() instanceof RedisClusterClient cluster) {
        // SCAN sees one node: ask every master, the shards whose heartbeats prove this replica
        // (a replica answers a GET with MOVED).
        List<Connection> masters = shards.masters(cluster);
        try {
          for (Connection connection : masters) {
            @SuppressWarnings("resource") // closed below, with the others
            Jedis node = new Jedis(connection);
            scanNode(node, node::pipelined, match, out);
          }
        } finally {
          masters.forEach(Connection::close);
        }
      } else {
        scanNode(redis.jedis(), null, match, out);
      }
    } catch (JedisException e) {
      throw RedisCalls.unavailable("revocation resync", e);
    }
  }

  /** Reads one node; {@code pipelines} is null where one {@code MGET} may read any page. */
  private static void scanNode(
      JedisCommands node,
      Supplier<? extends AbstractPipeline> pipelines,
      String match,
      BiConsumer<String, String> out) {
    ScanParams params = new ScanParams().match(match).count(SCAN_COUNT);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = node.scan(cursor, params);
      cursor = page.getCursor();
      List<String> found = page.getResult();
      if (found.isEmpty()) {
        continue;
      }
      List<String> values;
      if (pipelines == null) {
        values = node.mget(found.toArray(new String[0]));
      } else {
        List<Response<String>> replies = new ArrayList<>(found.size());
        try (AbstractPipeline pipeline = pipelines.get()) {
          for (String key : found) {
            replies.add(pipeline.get(key));
          }
          pipeline.sync();
        }
        values = new ArrayList<>(found.size());
        for (Response<String> reply : replies) {
          values.add(reply.get());
        }
      }
      for (int i = 0; i < found.size(); i++) {
        String v = values.get(i);
        if (v != null) {
          out.accept(found.get(i), v);
        }
      }
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
  }

  private static String globEscape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ("*?[]\\".indexOf(c) >= 0) {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }
}

package dev.latchkey.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * SCAN pages of the revocation keys, each page's values read in one pipeline. SCAN sees one node,
 * so on a Cluster every master is read, never a replica.
 */
final class RevocationScan {
  private static final int SCAN_COUNT = 500;

  private RevocationScan() {}

  /**
   * Every revocation entry under {@code keys}' prefix, by key: on a Cluster read from the master of
   * each of {@code shards}, otherwise from the one server.
   *
   * @throws dev.latchkey.core.StoreUnavailableException when a node cannot be read
   */
  static Map<String, String> read(RedisCalls redis, Keys keys, RevocationShards shards) {
    String match = globEscape(keys.prefix()) + "{*}:r[tsg]:*";
    Map<String, String> out = new HashMap<>();
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
        scanNode(redis.jedis(), redis.jedis()::pipelined, match, out);
      }
    } catch (JedisException e) {
      throw RedisCalls.unavailable("revocation resync", e);
    }
    return out;
  }

  private static void scanNode(
      JedisCommands node,
      Supplier<? extends AbstractPipeline> pipelines,
      String match,
      Map<String, String> out) {
    ScanParams params = new ScanParams().match(match).count(SCAN_COUNT);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = node.scan(cursor, params);
      cursor = page.getCursor();
      List<String> found = page.getResult();
      if (found.isEmpty()) {
        continue;
      }
      List<Response<String>> values = new ArrayList<>(found.size());
      try (AbstractPipeline pipeline = pipelines.get()) {
        for (String key : found) {
          values.add(pipeline.get(key));
        }
        pipeline.sync();
      }
      for (int i = 0; i < found.size(); i++) {
        String v = values.get(i).get();
        if (v != null) {
          out.put(found.get(i), v);
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

package dev.latchkey.benchmarks;

import dev.latchkey.redis.testing.RedisServer;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisMonitor;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Counts the commands clients send to one {@code redis-server}, through Jedis's {@code MONITOR}:
 * unlike {@code INFO commandstats}, which also counts the commands a Lua script runs inside the
 * server, this tells round trips (commands sent) from work done inside a script. Not thread-safe
 * apart from its reader thread; for the benchmark mains only, never inside a timed loop.
 */
final class RedisCommandMonitor implements AutoCloseable {
  private final RedisServer server;
  private final Jedis connection;
  private final Thread reader;
  private final Map<String, Long> sent = new TreeMap<>();
  private final Map<String, Long> inScripts = new TreeMap<>();
  private volatile String lastEcho = "";
  private volatile boolean monitoring;
  private int markers;

  RedisCommandMonitor(RedisServer server) throws InterruptedException {
    this.server = server;
    this.connection = RedisServerStats.quietJedis(server);
    reader = new Thread(this::read, "redis-monitor");
    reader.setDaemon(true);
    reader.start();
    // MONITOR answers OK before it streams: from then on every command sent is seen.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!monitoring) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("MONITOR did not start");
      }
      Thread.sleep(5);
    }
  }

  private void read() {
    try {
      connection.monitor(
          new JedisMonitor() {
            @Override
            public void proceed(redis.clients.jedis.Connection client) {
              monitoring = true;
              super.proceed(client);
            }

            @Override
            public void onCommand(String line) {
              count(line);
            }
          });
    } catch (JedisException e) {
      // closed
    }
  }

  // 1700000000.123456 [0 127.0.0.1:40000] "EVALSHA" "..."  or  [0 lua] "HSET" ...
  private void count(String line) {
    int q = line.indexOf("] \"");
    if (q < 0) {
      return;
    }
    int end = line.indexOf('"', q + 3);
    String cmd = line.substring(q + 3, end).toLowerCase(Locale.ROOT);
    boolean lua = line.lastIndexOf(" lua]", q) >= 0;
    if (cmd.equals("echo")) {
      int s = line.indexOf('"', end + 1);
      lastEcho = line.substring(s + 1, line.indexOf('"', s + 1));
      return;
    }
    synchronized (this) {
      (lua ? inScripts : sent).merge(cmd, 1L, Long::sum);
    }
  }

  /** Waits until every command sent so far has been seen, then clears the counts. */
  void reset() throws InterruptedException {
    sync();
    synchronized (this) {
      sent.clear();
      inScripts.clear();
    }
  }

  /** The commands clients sent since {@link #reset}, by name; call {@link #sync} first. */
  synchronized Map<String, Long> sent() {
    return new TreeMap<>(sent);
  }

  /** The commands Lua scripts ran inside the server since {@link #reset}, by name. */
  synchronized Map<String, Long> inScripts() {
    return new TreeMap<>(inScripts);
  }

  /** Waits until every command sent so far has been seen: an {@code ECHO} marker has come back. */
  void sync() throws InterruptedException {
    String marker = "sync-" + ++markers;
    try (Jedis jedis = RedisServerStats.quietJedis(server)) {
      jedis.echo(marker);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!marker.equals(lastEcho)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("MONITOR fell behind");
      }
      Thread.sleep(5);
    }
  }

  @Override
  public void close() {
    // Closing the socket ends the reader's blocking read.
    connection.close();
  }
}

package dev.latchkey.redis;

import dev.latchkey.core.spi.SessionRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A bounded in-process cache of session records, kept current by Redis server-assisted client
 * tracking (Redis 6+, RESP2 redirect mode), so that a check of a cached session costs no round
 * trip.
 *
 * <p><b>How Redis tells this node.</b> One dedicated connection, taken from the standalone client's
 * pool for as long as the cache runs, turns tracking on for itself in broadcast mode ({@code CLIENT
 * TRACKING ON REDIRECT <its own id> BCAST PREFIX <key prefix>}) and then subscribes to {@code
 * __redis__:invalidate}: Redis then sends it the name of every key under the prefix that any client
 * changes, deletes, or lets expire, and a null for a flush. Broadcast mode rather than the default
 * (keys the tracking connection read) because the reads go through the client's ordinary pool:
 * default mode would need the command on every pooled connection, which a Jedis pool cannot
 * guarantee, while a broadcast needs it on this one connection only. The price is that every change
 * under the prefix reaches every node, including keys this node never cached.
 *
 * <p><b>When the cache answers.</b> Only while it is <em>current</em>: the connection is subscribed
 * with tracking on, and a heartbeat this node published on its own channel, through the ordinary
 * client, less than three heartbeats ago has come back on that connection (so the path that carries
 * invalidations is proven alive and not lagging). Otherwise {@link #get} answers nothing and every
 * check reads Redis. Losing the connection ({@code CLIENT KILL}, a restart, a failover), a flush,
 * or a stale heartbeat empties the cache; it fills again only after tracking is re-established.
 *
 * <p><b>A read in flight.</b> An invalidation may arrive between a read's command and its {@link
 * #put}. Every invalidation increments one epoch before it removes its key; a read takes the epoch
 * ({@link #epoch}) before it sends its command and is cached only if the epoch is unchanged after
 * the entry is in (else the entry is taken out again). A global epoch rather than one per key:
 * simpler to prove, at the cost of not caching reads that overlapped any change.
 *
 * <p>Thread-safe. {@link #close} stops its two threads (subscriber and heartbeat) and releases the
 * connection.
 */
final class SessionNearCache implements AutoCloseable {
  static final String INVALIDATE = "__redis__:invalidate";
  private static final long MAX_BACKOFF_MS = 1000;

  private final RedisClient client;
  private final String prefix;
  private final String beatChannel;
  private final int maxEntries;
  private final long beatNanos;
  private final LongSupplier nanos;
  private final ConcurrentHashMap<String, SessionRecord> entries = new ConcurrentHashMap<>();
  private final AtomicLong epoch = new AtomicLong();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Thread subscriber;
  private final Thread beater;
  private volatile boolean tracking;
  private volatile long provenAt;
  private volatile Connection connection;

  SessionNearCache(
      RedisClient client,
      String prefix,
      int maxEntries,
      Duration beat,
      LongSupplier nanos,
      ThreadFactory threads) {
    this.client = Objects.requireNonNull(client, "client");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.maxEntries = maxEntries;
    this.beatNanos = beat.toNanos();
    this.nanos = Objects.requireNonNull(nanos, "nanos");
    // A channel of this node only: a heartbeat that comes back proves this node's own path.
    this.beatChannel = prefix + "near-cache:" + UUID.randomUUID();
    this.subscriber = threads.newThread(this::subscribeLoop);
    this.beater = threads.newThread(this::beatLoop);
  }

  SessionNearCache start() {
    subscriber.start();
    beater.start();
    return this;
  }

  /** Whether the cache may answer now (see the class comment). */
  boolean current() {
    return tracking && nanos.getAsLong() - provenAt < 3 * beatNanos;
  }

  /** The cached record of {@code key}, or null when there is none or the cache is not current. */
  SessionRecord get(String key) {
    return current() ? entries.get(key) : null;
  }

  /** The epoch to pass to {@link #put}, taken before the read's command is sent. */
  long epoch() {
    return epoch.get();
  }

  /**
   * Caches {@code record} read from {@code key} unless anything was invalidated since {@code at}.
   */
  void put(String key, SessionRecord record, long at) {
    if (!current() || epoch.get() != at) {
      return;
    }
    if (entries.size() >= maxEntries) {
      // Bounded: drop whichever entry comes first; a dropped session is only read from Redis.
      Iterator<String> it = entries.keySet().iterator();
      if (it.hasNext()) {
        entries.remove(it.next());
      }
    }
    entries.put(key, record);
    if (!current() || epoch.get() != at) {
      entries.remove(key, record);
    }
  }

  /** Drops {@code key}: this node changed it, or Redis says it changed. */
  void invalidate(String key) {
    epoch.incrementAndGet();
    entries.remove(key);
  }

  /** Drops every entry. */
  void invalidateAll() {
    epoch.incrementAndGet();
    entries.clear();
  }

  int size() {
    return entries.size();
  }

  private void lost() {
    tracking = false;
    invalidateAll();
  }

  private void subscribeLoop() {
    long backoff = 50;
    while (closing.getCount() > 0) {
      Connection c = null;
      try {
        c = client.getPool().getResource();
        connection = c;
        c.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(3 * beatNanos)));
        // Jedis 8 speaks RESP3, where Redis sends invalidations as push messages that Jedis's
        // reader consumes itself; in RESP2 they arrive as pub/sub messages this loop reads.
        c.executeCommand(new CommandArguments(Protocol.Command.HELLO).add(2));
        long id = (Long) c.executeCommand(new CommandArguments(Protocol.Command.CLIENT).add("ID"));
        CommandArguments on =
            new CommandArguments(Protocol.Command.CLIENT)
                .add("TRACKING")
                .add("ON")
                .add("REDIRECT")
                .add(id)
                .add("BCAST");
        if (!prefix.isEmpty()) {
          on.add("PREFIX").add(prefix);
        }
        c.executeCommand(on);
        c.sendCommand(
            new CommandArguments(Protocol.Command.SUBSCRIBE).add(INVALIDATE).add(beatChannel));
        while (closing.getCount() > 0) {
          handle(c.getOne());
          backoff = 50;
        }
      } catch (JedisException | ClassCastException | IllegalStateException e) {
        // Connection lost or a reply this loop cannot read: nothing proves the cache current.
        lost();
      } finally {
        lost();
        if (c != null) {
          // Subscribed and tracking: never hand this connection back to the pool.
          c.setBroken();
          try {
            c.close();
          } catch (RuntimeException e) {
            // Already gone.
          }
        }
        connection = null;
      }
      try {
        if (closing.await(backoff, TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    }
  }

  /** One pub/sub reply: a subscription confirmed, an invalidation, or a heartbeat. */
  private void handle(Object reply) {
    List<?> m = (List<?>) reply;
    String kind = RedisCalls.str(m.get(0));
    String channel = RedisCalls.str(m.get(1));
    if (kind.equals("subscribe")) {
      if (RedisCalls.num(m.get(2)) == 2) {
        // Both channels: from now on every change under the prefix reaches this node. Nothing
        // cached before can be trusted (and there is nothing: lost() emptied it).
        invalidateAll();
        provenAt = nanos.getAsLong();
        tracking = true;
      }
      return;
    }
    if (!kind.equals("message")) {
      return;
    }
    Object payload = m.get(2);
    if (channel.equals(INVALIDATE)) {
      if (payload instanceof List<?> keys) {
        for (Object k : keys) {
          invalidate(RedisCalls.str(k));
        }
      } else {
        // A flush: every key may be gone.
        invalidateAll();
      }
    } else if (channel.equals(beatChannel)) {
      long sent = Long.parseLong(RedisCalls.str(payload));
      if (sent - provenAt > 0) {
        provenAt = sent;
      }
    }
  }

  private void beatLoop() {
    long every = Math.max(1, TimeUnit.NANOSECONDS.toMillis(beatNanos));
    try {
      while (!closing.await(every, TimeUnit.MILLISECONDS)) {
        try (Connection c = client.getPool().getResource()) {
          c.executeCommand(
              new CommandArguments(Protocol.Command.PUBLISH)
                  .add(beatChannel)
                  .add(Long.toString(nanos.getAsLong()).getBytes(StandardCharsets.UTF_8)));
        } catch (JedisException e) {
          // Redis unreachable: the missing heartbeat makes the cache not current.
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closing.countDown();
    lost();
    Connection c = connection;
    if (c != null) {
      try {
        // Unblocks the subscriber's read.
        c.forceDisconnect();
      } catch (java.io.IOException | RuntimeException e) {
        // Already gone.
      }
    }
    join(subscriber);
    join(beater);
  }

  private static void join(Thread t) {
    try {
      t.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

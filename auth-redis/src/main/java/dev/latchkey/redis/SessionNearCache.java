package dev.latchkey.redis;

import dev.latchkey.core.spi.SessionRecord;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

// Past 450 lines for a reason: the cache, the generations of its tracking connections and the
// proof that each connection is current are one invariant (what may be answered); where the masters
// are and how to reach them is in TrackedMasters.
/**
 * A bounded in-process cache of session records, kept current by Redis server-assisted client
 * tracking (Redis 6+, RESP2 redirect mode), so that a check of a cached session costs no round
 * trip. Works on a standalone server, a Sentinel-managed primary and a Cluster.
 *
 * <p><b>How Redis tells this node.</b> One dedicated connection per master (the one server; the
 * primary Sentinel names now; every Cluster master that owns slots), taken from the client's pool
 * of that master for as long as it is tracked, checks that it is on that master (on a Cluster,
 * {@code CLUSTER MYID} is the master's id; elsewhere {@code ROLE} says master, where the ACL allows
 * {@code ROLE}), turns tracking on for itself in broadcast mode ({@code CLIENT TRACKING ON REDIRECT
 * <its own id> BCAST PREFIX <key prefix>}) and subscribes to {@code __redis__:invalidate}: that
 * master then sends it the name of every key under the prefix that any client changes, deletes, or
 * lets expire, and a null for a flush. Broadcast mode rather than the default (keys the tracking
 * connection read) because the reads go through the client's ordinary pools: default mode would
 * need the command on every pooled connection, which a Jedis pool cannot guarantee. Broadcast
 * tracking reports only the changes made on the node the connection is on, hence one connection per
 * master; the price is that every change under the prefix reaches every node, including keys this
 * node never cached.
 *
 * <p><b>The proof that a connection is current.</b> At every heartbeat this node writes, through
 * the ordinary client, one short-lived key per master ({@code <prefix>{<tag>}:nc:<token>:<master
 * index>:<sent nanos>}), the tag chosen so that the key lives in a slot of that master. A master's
 * connection is proven up to the time its last heartbeat key was written when that key's
 * invalidation comes back on it: the key was written where the client sends this master's writes,
 * and Redis queues a write's invalidation on the tracking connection before it answers the writer,
 * so every write to that master that returned before the heartbeat left has already been read. A
 * key rather than a {@code PUBLISH}: in a Cluster a published message reaches every node over the
 * cluster bus, and a Sentinel primary replicates it to its replicas, so a message that came back
 * would prove only that some connection is subscribed somewhere. A key's invalidation is made only
 * by a node holding that key's slot, in the order it applied the writes: it proves this master's
 * own connection and nothing else.
 *
 * <p><b>When the cache answers.</b> Only while it is <em>current</em>: every master's connection is
 * subscribed with tracking on, and each one's last heartbeat that came back was sent less than
 * three heartbeats ago. Otherwise {@link #get} answers nothing and every check reads Redis. Losing
 * any one connection ({@code CLIENT KILL}, a restart, a failover), a flush, a heartbeat missing for
 * {@value #BEATS_BEFORE_RECONNECT} heartbeats, or a change of the topology the connections were set
 * up for empties the whole cache and sets every connection up again; it fills again only once all
 * of them are subscribed. The topology is read at every heartbeat: on Sentinel, the primary the
 * client knows; on a Cluster, which master owns which slots ({@code CLUSTER SHARDS}), so a failover
 * or a resharding that moves slots to a master without a connection is noticed within a heartbeat.
 *
 * <p><b>A read in flight.</b> An invalidation may arrive between a read's command and its {@link
 * #put}. Every invalidation increments one epoch before it removes its key; a read takes the epoch
 * ({@link #epoch}) before it sends its command and is cached only if the epoch is unchanged after
 * the entry is in (else the entry is taken out again). A global epoch rather than one per key:
 * simpler to prove, at the cost of not caching reads that overlapped any change.
 *
 * <p>Thread-safe. Threads, from the given factory: one that sends the heartbeats and sets the
 * connections up, and one subscriber per tracked master (made anew each time the connections are
 * set up). {@link #close} stops them all and releases the connections.
 */
final class SessionNearCache implements AutoCloseable {
  static final String INVALIDATE = "__redis__:invalidate";
  private static final long MAX_BACKOFF_MS = 1000;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Heartbeats without proof after which the connections are set up again. */
  static final int BEATS_BEFORE_RECONNECT = 10;

  /** What follows the hash tag of a heartbeat key: the tag's closing brace, then {@code :nc:}. */
  private static final String BEAT_MARK = "}:nc:";

  private final UnifiedJedis client;
  private final Keys keys;
  private final int maxEntries;
  private final long beatNanos;
  private final long beatMs;
  private final LongSupplier nanos;
  private final ThreadFactory threads;
  private final ConcurrentHashMap<String, SessionRecord> entries = new ConcurrentHashMap<>();
  private final AtomicLong epoch = new AtomicLong();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Set<Thread> trackers = ConcurrentHashMap.newKeySet();
  private final Thread beater;
  private volatile Generation generation;

  SessionNearCache(
      UnifiedJedis client,
      Keys keys,
      int maxEntries,
      Duration beat,
      LongSupplier nanos,
      ThreadFactory threads) {
    this.client = Objects.requireNonNull(client, "client");
    if (!TrackedMasters.supports(client)) {
      throw new IllegalStateException(
          "the session near cache needs a RedisClient, RedisSentinelClient or RedisClusterClient");
    }
    this.keys = Objects.requireNonNull(keys, "keys");
    this.maxEntries = maxEntries;
    this.beatMs = Math.max(1, beat.toMillis());
    this.beatNanos = TimeUnit.MILLISECONDS.toNanos(beatMs);
    this.nanos = Objects.requireNonNull(nanos, "nanos");
    this.threads = Objects.requireNonNull(threads, "threads");
    this.beater = newThread(this::beatLoop);
  }

  private Thread newThread(Runnable loop) {
    Thread t = threads.newThread(loop);
    if (t == null) {
      throw new IllegalStateException("the near cache's ThreadFactory returned no thread");
    }
    return t;
  }

  SessionNearCache start() {
    beater.start();
    return this;
  }

  /** Whether the cache may answer now (see the class comment). */
  boolean current() {
    Generation g = generation;
    return g != null && g.current(nanos.getAsLong());
  }

  /** How many masters the current connections follow; 0 while not current. */
  int trackedMasters() {
    Generation g = generation;
    return g != null && g.current(nanos.getAsLong()) ? g.layout.targets().size() : 0;
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

  /**
   * One set of tracking connections, one per master of one layout. Once dead it never answers
   * again: the next set is a new generation, so nothing one connection proved outlives it.
   */
  private final class Generation {
    final TrackedMasters.Layout layout;
    final String token = HexFormat.of().formatHex(randomBytes());
    final long startedAt;
    final AtomicLongArray provenAt;
    final AtomicReferenceArray<Connection> connections;
    final AtomicInteger subscribed = new AtomicInteger();
    volatile boolean ready;
    volatile boolean dead;

    Generation(TrackedMasters.Layout layout, long now) {
      this.layout = layout;
      this.startedAt = now;
      int n = layout.targets().size();
      this.provenAt = new AtomicLongArray(n);
      for (int i = 0; i < n; i++) {
        provenAt.set(i, now - 3 * beatNanos);
      }
      this.connections = new AtomicReferenceArray<>(n);
    }

    boolean current(long now) {
      if (!ready || dead) {
        return false;
      }
      for (int i = 0, n = provenAt.length(); i < n; i++) {
        if (now - provenAt.get(i) >= 3 * beatNanos) {
          return false;
        }
      }
      return true;
    }

    /** Whether some master has proven nothing for {@link #BEATS_BEFORE_RECONNECT} heartbeats. */
    boolean silent(long now) {
      long bound = BEATS_BEFORE_RECONNECT * beatNanos;
      if (!ready) {
        return now - startedAt >= bound;
      }
      for (int i = 0, n = provenAt.length(); i < n; i++) {
        if (now - provenAt.get(i) >= bound) {
          return true;
        }
      }
      return false;
    }

    /** Master {@code i}'s subscription is confirmed; the last one makes the generation ready. */
    void subscribed(int i) {
      provenAt.set(i, nanos.getAsLong());
      if (subscribed.incrementAndGet() == provenAt.length()) {
        synchronized (this) {
          if (!dead) {
            // Every master now reports every change. Nothing cached before can be trusted, and
            // a read that took the epoch before this is not cached.
            invalidateAll();
            ready = true;
          }
        }
      }
    }

    /** Records a heartbeat of master {@code i} sent at {@code sent} that came back on it. */
    void proven(int i, long sent) {
      long at = Math.min(sent, nanos.getAsLong());
      provenAt.accumulateAndGet(i, at, Math::max);
    }

    /** Ends this generation: the cache empties and every connection of it is closed. */
    void kill() {
      synchronized (this) {
        if (dead) {
          return;
        }
        dead = true;
        ready = false;
      }
      invalidateAll();
      for (int i = 0, n = connections.length(); i < n; i++) {
        Connection c = connections.get(i);
        if (c != null) {
          try {
            // Unblocks that subscriber's read.
            c.forceDisconnect();
          } catch (java.io.IOException | RuntimeException e) {
            // Already gone.
          }
        }
      }
    }
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return b;
  }

  /** The heartbeat key of master {@code i} sent at {@code sent}. */
  private String beatKey(Generation g, int i, long sent) {
    return keys.slot(g.layout.targets().get(i).tag()) + "nc:" + g.token + ":" + i + ":" + sent;
  }

  /** Tracks master {@code i} of {@code g} until the connection or the generation ends. */
  private void track(Generation g, int i) {
    Connection c = null;
    try {
      TrackedMasters.Target t = g.layout.targets().get(i);
      c = TrackedMasters.open(client, t);
      g.connections.set(i, c);
      if (g.dead || closing.getCount() == 0) {
        return;
      }
      // A healthy connection hears its own heartbeats every beat; a silent one is a lost one.
      c.setSoTimeout((int) Math.min(Integer.MAX_VALUE, BEATS_BEFORE_RECONNECT * beatMs));
      TrackedMasters.verify(c, t);
      // Jedis 8 may speak RESP3, where Redis sends invalidations as push messages that Jedis's
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
      if (!keys.prefix().isEmpty()) {
        on.add("PREFIX").add(keys.prefix());
      }
      c.executeCommand(on);
      c.sendCommand(new CommandArguments(Protocol.Command.SUBSCRIBE).add(INVALIDATE));
      while (!g.dead && closing.getCount() > 0) {
        handle(g, i, c.getOne());
      }
    } catch (JedisException
        | ClassCastException
        | IllegalStateException
        | IndexOutOfBoundsException
        | NumberFormatException e) {
      // Connection lost, on the wrong node, or a reply this loop cannot read: nothing proves the
      // cache current. The finally below ends the generation.
    } finally {
      g.kill();
      if (c != null) {
        // Subscribed and tracking: never hand this connection back to a pool.
        c.setBroken();
        try {
          c.close();
        } catch (RuntimeException e) {
          // Already gone, or its pool closed after a failover.
        }
      }
      trackers.remove(Thread.currentThread());
    }
  }

  /** One pub/sub reply on master {@code i}'s connection: a confirmation or an invalidation. */
  private void handle(Generation g, int i, Object reply) {
    List<?> m = (List<?>) reply;
    String kind = RedisCalls.str(m.get(0));
    if (kind.equals("subscribe")) {
      g.subscribed(i);
      return;
    }
    if (!kind.equals("message") || !INVALIDATE.equals(RedisCalls.str(m.get(1)))) {
      return;
    }
    Object payload = m.get(2);
    if (!(payload instanceof List<?> changed)) {
      // A flush: every key may be gone.
      invalidateAll();
      return;
    }
    for (Object k : changed) {
      String key = RedisCalls.str(k);
      if (!heartbeat(g, i, key)) {
        invalidate(key);
      }
    }
  }

  /**
   * Takes {@code key} if it is a heartbeat key (of any node: none is ever cached, so none moves the
   * epoch), and records it as proof when it is one of {@code g}'s for master {@code i}.
   */
  private boolean heartbeat(Generation g, int i, String key) {
    int mark = key.indexOf(BEAT_MARK, keys.prefix().length());
    if (!key.startsWith(keys.prefix())
        || mark < 0
        || !key.startsWith("{", keys.prefix().length())
        || key.indexOf('}', keys.prefix().length()) != mark) {
      return false;
    }
    String[] parts = key.substring(mark + BEAT_MARK.length()).split(":", -1);
    if (parts.length == 3 && parts[0].equals(g.token) && parts[1].equals(Integer.toString(i))) {
      g.proven(i, Long.parseLong(parts[2]));
    }
    return true;
  }

  /** Sets the connections up, checks the topology and sends the heartbeats, once per beat. */
  private void beatLoop() {
    long backoff = 50;
    long retryAt = nanos.getAsLong();
    try {
      do {
        long now = nanos.getAsLong();
        Generation g = generation;
        try {
          if (g == null || g.dead) {
            if (now - retryAt >= 0) {
              establish(now);
              retryAt = now + TimeUnit.MILLISECONDS.toNanos(backoff);
              backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
          } else if (g.silent(now) || topologyChanged(g)) {
            g.kill();
          } else {
            if (g.ready) {
              backoff = 50;
            }
            beat(g, now);
          }
        } catch (RuntimeException e) {
          // A reply this loop cannot read: this thread must live on, or nothing ever sets the
          // connections up again. The cache stays empty until a generation proves itself.
          if (g != null) {
            g.kill();
          }
        }
      } while (!closing.await(beatMs, TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A new generation on the masters as they are now, its subscribers started; when no master
   * answers, none (the cache stays empty until a later attempt).
   */
  private void establish(long now) {
    Generation g;
    try {
      g = new Generation(TrackedMasters.discover(client), now);
    } catch (JedisException e) {
      return;
    }
    generation = g;
    try {
      for (int i = 0; i < g.layout.targets().size(); i++) {
        int master = i;
        Thread t = newThread(() -> track(g, master));
        trackers.add(t);
        t.start();
      }
    } catch (IllegalStateException e) {
      // No thread for some master: this generation can never be current.
      g.kill();
    }
  }

  /** Whether the masters differ from those {@code g} tracks; false if nothing answers. */
  private boolean topologyChanged(Generation g) {
    try {
      return !TrackedMasters.discover(client).owners().equals(g.layout.owners());
    } catch (JedisException e) {
      // Nothing answers: the heartbeats stop proving the connections anyway.
      return false;
    }
  }

  /** Writes one heartbeat key per master of {@code g}, each through the ordinary client. */
  private void beat(Generation g, long now) {
    SetParams ttl = SetParams.setParams().px(3 * beatMs);
    for (int i = 0; i < g.layout.targets().size() && !g.dead; i++) {
      try {
        client.set(beatKey(g, i, now), "1", ttl);
      } catch (JedisException e) {
        // That master is unreachable: its heartbeat is missing, and the cache stops answering.
      }
    }
  }

  @Override
  public void close() {
    closing.countDown();
    beater.interrupt();
    join(beater);
    Generation g = generation;
    if (g != null) {
      g.kill();
    }
    invalidateAll();
    for (Thread t : trackers) {
      join(t);
    }
  }

  private static void join(Thread t) {
    if (t.getState() == Thread.State.NEW) {
      return;
    }
    try {
      t.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

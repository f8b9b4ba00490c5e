package dev.latchkey.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClusterClient;

/**
 * What connects a {@link RevocationReplica} to Redis: one subscriber thread on the revocation
 * channel and one heartbeat thread, both from the application's {@link ThreadFactory}.
 *
 * <p>The replica is <em>current</em> once subscribed and bootstrapped (a SCAN of the revocation
 * keys, on every master of a Cluster, never a replica) and while every shard proves its path
 * ({@link RevocationShards}: one heartbeat per master, sent where that shard's revocations are,
 * arriving in sequence, the last one read sent less than {@code 3 × heartbeat} ago). After every
 * (re)subscription, and whenever a shard's heartbeats show a gap (a lost message, a failover) or a
 * new incarnation (a master restarted empty), it resyncs as a union: entries found in Redis are
 * added to the replica, and live entries Redis lacks (it restarted empty, or failed over before a
 * write reached the replica) are written back. A replica that falls behind its subscription (as
 * after a long resync, with what was published meanwhile still queued) is not current until it has
 * read a heartbeat sent less than {@code 3 × heartbeat} ago.
 *
 * <p>Thread-safe. {@link #close} stops both threads.
 */
final class RevocationFeed implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RevocationFeed.class.getName());
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final long MAX_BACKOFF_MS = 1000;

  /** Heartbeats between two reads of the topology (CLUSTER SHARDS), on a Cluster. */
  private static final int BEATS_PER_TOPOLOGY_CHECK = 20;

  private final RedisCalls redis;
  private final Keys keys;
  private final RevocationReplica replica;
  private final RevocationScripts scripts;
  private final Clock clock;
  private final long heartbeatMs;

  /** Silence after which the replica is no longer current: three heartbeats. */
  private final long staleNanos;

  private final LongSupplier nanos;
  private final String channel;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Thread subscriber;
  private final Thread heartbeat;
  private volatile Listener listener;
  private volatile boolean closed;

  RevocationFeed(
      RedisCalls redis,
      Keys keys,
      RevocationReplica replica,
      Clock clock,
      Duration heartbeat,
      LongSupplier nanos,
      ThreadFactory threads) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.replica = Objects.requireNonNull(replica, "replica");
    this.scripts = new RevocationScripts(redis, keys);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.nanos = Objects.requireNonNull(nanos, "nanos");
    this.heartbeatMs = Math.max(1, heartbeat.toMillis());
    this.staleNanos = TimeUnit.MILLISECONDS.toNanos(3 * heartbeatMs);
    this.channel = keys.revocationChannel();
    this.subscriber = newThread(threads, this::subscribeLoop);
    this.heartbeat = newThread(threads, this::heartbeatLoop);
  }

  private static Thread newThread(ThreadFactory threads, Runnable loop) {
    Thread t = threads.newThread(loop);
    if (t == null) {
      throw new IllegalStateException("the revocation ThreadFactory returned no thread");
    }
    return t;
  }

  /**
   * The threads made when the application gives no factory: daemon threads named {@code
   * latchkey-revocations-<n>}, so that they never keep a JVM alive.
   */
  static ThreadFactory defaultThreads() {
    return r -> {
      Thread t = new Thread(r, "latchkey-revocations-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Starts both threads; until the replica is current, the list asks Redis. */
  void start() {
    subscriber.start();
    heartbeat.start();
  }

  /**
   * Whether the replica is known to hold every live entry: subscribed, synced, every shard's
   * heartbeat fresh and in sequence, and no entry left out for the replica's bound.
   */
  boolean isCurrent() {
    Listener l = listener;
    if (l == null || !l.current) {
      return false;
    }
    RevocationShards s = l.shards;
    return s != null && s.proven(nanos.getAsLong()) && replica.complete();
  }

  /**
   * A new listener, made the feed's, that has not subscribed yet: the subscriber thread then
   * subscribes it, and its callbacks drive the replica. Tests call them directly, on a feed whose
   * threads were not started, to drive the replica deterministically.
   */
  Listener installListener() {
    Listener l = new Listener();
    listener = l;
    return l;
  }

  /**
   * Makes the replica and Redis the union of both: everything in Redis is added to the replica,
   * everything live in the replica that Redis lacks (or holds shorter) is written back.
   */
  void resync(RevocationShards shards) {
    long now = clock.millis();
    replica.beginResync();
    // What Redis holds, as compact as the replica: the comparison below then needs no key text.
    RevocationReplica remote = replica.emptyCopy();
    RevocationScan.read(redis, keys, shards, remote::mergeStored);
    replica.mergeAll(remote);
    replica.purge(now);
    replica.forEachNotIn(
        remote,
        (key, value, until, notBefore, type) -> {
          if (type.equals("s")) {
            scripts.writeSubject(key, notBefore, until, now);
          } else {
            scripts.writeBack(key, until, now, type);
          }
        });
  }

  private void subscribeLoop() {
    long backoff = 50;
    while (!closed) {
      Listener l = null;
      try {
        l = installListener();
        // Blocks while subscribed. Reads are bounded by the client's socket timeout, and the
        // heartbeats received on it keep a healthy subscription from reaching it.
        redis.jedis().subscribe(l, channel);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "revocation subscription dropped: {0}", e.getClass());
      }
      if (l == null) {
        // Cannot even build a listener: stay not current, so every check asks Redis.
        LOG.log(System.Logger.Level.WARNING, "revocation replica disabled; checks go to Redis");
        return;
      }
      l.current = false;
      if (l.synced) {
        backoff = 50;
      }
      try {
        if (closing.await(backoff, TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    }
  }

  private void heartbeatLoop() {
    long beats = 0;
    while (!closed) {
      try {
        if (closing.await(heartbeatMs, TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
      Listener l = listener;
      RevocationShards s = l == null ? null : l.shards;
      if (s != null) {
        // Published on pooled connections and received through the subscription, which so proves
        // itself alive without anything but SUBSCRIBE and UNSUBSCRIBE ever written to its
        // connection. (A PING written there races Jedis: under load its PONG can arrive before
        // Jedis has queued the PONG handler; the subscription then fails with a JedisException
        // and its still-subscribed connection goes back to the pool, so other commands read
        // pub/sub messages as their replies.)
        s.publish(redis, channel, nanos.getAsLong());
        if (++beats % BEATS_PER_TOPOLOGY_CHECK == 0 && topologyChanged(s)) {
          // Resubscribed and resynced under heartbeats for the shards as they are now.
          l.end();
        }
      }
      replica.purge(clock.millis());
      if (l != null && l.synced && !replica.complete() && replica.hasRoom()) {
        // Entries were left out for the replica's bound, and expiry has made room: resubscribe,
        // so that a resync takes everything in again (not a subscription still syncing: ended
        // before its sync, it would never resync).
        l.end();
      }
    }
  }

  /** Whether the Cluster's shards are no longer those {@code s} proves; false if none answers. */
  private boolean topologyChanged(RevocationShards s) {
    if (!(redis.jedis() instanceof RedisClusterClient)) {
      return false;
    }
    try {
      return s.changedIn(RevocationShards.discover(redis.jedis(), keys, staleNanos, 0));
    } catch (RuntimeException e) {
      // No node answers: the heartbeats stop proving the shards anyway.
      return false;
    }
  }

  @Override
  public void close() {
    closed = true;
    closing.countDown();
    Listener l = listener;
    if (l != null) {
      try {
        l.end();
      } catch (RuntimeException e) {
        // The connection is already gone; the subscriber thread ends on its own.
      }
    }
    heartbeat.interrupt();
    join(heartbeat);
    join(subscriber);
  }

  private static void join(Thread t) {
    if (t.getState() == Thread.State.NEW) {
      return;
    }
    try {
      t.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The subscription. Its connection goes back to the client's pool when the subscription ends, so
   * nothing may be left unread on it: exactly one UNSUBSCRIBE is ever sent, and only once the
   * SUBSCRIBE is confirmed; nothing else is ever written to it (no PING: heartbeats are published
   * on other connections); and no callback throws (the loop would end with the connection still
   * subscribed). The lock orders these writes.
   */
  final class Listener extends JedisPubSub {
    volatile boolean current;
    volatile boolean synced;

    /** The shards this subscription hears from, set by each sync; null until the first. */
    volatile RevocationShards shards;

    /** The heartbeats the last sync published, for tests that drive a listener by hand. */
    volatile List<String> syncBeats = List.of();

    private boolean confirmed;
    private boolean ending;
    private boolean unsubscribeSent;

    /** Ends the subscription as soon as it is confirmed; safe to call at any time, repeatedly. */
    synchronized void end() {
      ending = true;
      current = false;
      sendUnsubscribeIfDue();
    }

    private void sendUnsubscribeIfDue() {
      if (ending && confirmed && !unsubscribeSent) {
        unsubscribeSent = true;
        unsubscribe();
      }
    }

    @Override
    public void onSubscribe(String subscribedChannel, int subscribedChannels) {
      synchronized (this) {
        confirmed = true;
        if (closed) {
          ending = true;
        }
        sendUnsubscribeIfDue();
        if (ending) {
          return;
        }
      }
      // Subscribed first, then resynced: nothing published in between is missed.
      sync();
    }

    /**
     * Learns the shards, publishes each one's first heartbeat, then reads every master. The first
     * heartbeats leave before the scan starts, so a message lost after the scan read its key is
     * followed by a gap in its shard's sequence, which this subscription then sees.
     */
    private void sync() {
      try {
        RevocationShards next =
            RevocationShards.discover(redis.jedis(), keys, staleNanos, nanos.getAsLong());
        syncBeats = next.publish(redis, channel, nanos.getAsLong());
        shards = next;
        resync(next);
        synced = true;
        synchronized (this) {
          current = !ending;
        }
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "revocation resync failed: {0}", e.getClass());
        end();
      }
    }

    @Override
    public void onMessage(String messageChannel, String message) {
      RevocationShards s = shards;
      RevocationShards.Beat beat =
          s == null ? RevocationShards.Beat.NOT_OURS : s.receive(message, nanos.getAsLong());
      if (beat == RevocationShards.Beat.GAP) {
        // A shard's path lost a heartbeat or its data a new incarnation: what it published
        // meanwhile may be missing here. Not current until resynced under new heartbeats.
        current = false;
        sync();
      } else if (beat == RevocationShards.Beat.NOT_OURS && !message.startsWith("h ")) {
        replica.apply(message);
      }
    }
  }
}

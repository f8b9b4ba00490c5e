package dev.latchkey.redis;

import dev.latchkey.core.RevocationList;
import dev.latchkey.core.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.commands.JedisCommands;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * A {@link RevocationList} on Redis with an in-process replica.
 *
 * <p>Entries: a revoked token is {@code <prefix>{<subject shard>}:rt:<sha256(iss|jti)>} holding its
 * expiry in epoch ms; a subject's not-before is {@code <prefix>{<shard>}:rs:<subject hash>} holding
 * {@code <not-before ms>:<retain-until ms>} (the later of both always wins, in a script). Both
 * expire by themselves when the token could no longer be used. Every write is one script that also
 * publishes the entry on {@code <prefix>revocations} (on Cluster a plain PUBLISH reaches every
 * node).
 *
 * <p>The replica: one subscriber thread listens on that channel and keeps every live entry in
 * memory, so {@link #isRevoked} costs no round trip while the replica is <em>current</em>. It is
 * current once subscribed and bootstrapped (a SCAN of the revocation keys, on every master of a
 * Cluster) and while the subscription answers the heartbeat PING; otherwise {@code isRevoked} asks
 * Redis directly (one script, one round trip) and throws {@link StoreUnavailableException} when it
 * cannot. After every (re)subscription the replica resyncs as a union: entries found in Redis are
 * added, and live entries Redis lacks (it restarted empty) are written back.
 *
 * <p>Propagation bound: a revocation written through one instance is enforced by another within
 * the pub/sub delivery time (about a millisecond on a LAN) while its subscription is healthy. A
 * subscription that silently stops answering is noticed after at most {@code 3 × heartbeat}, from
 * when on reads go to Redis directly until the resubscription and resync have finished. So the
 * bound is the pub/sub latency, and a message can only be lost in a window no longer than {@code
 * 3 × heartbeat} (the default heartbeat is 500 ms).
 *
 * <p>Thread-safe. {@link #close} stops the subscriber and heartbeat threads.
 */
final class RedisRevocationList implements RevocationList, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RedisRevocationList.class.getName());
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final int SCAN_COUNT = 500;
  private static final long MAX_BACKOFF_MS = 1000;

  private static final RedisCalls.Script REVOKE_TOKEN =
      Lua.script(
          """
          local now, exp = tonumber(ARGV[1]), tonumber(ARGV[2])
          local old = tonumber(redis.call('GET', KEYS[1]))
          if old and old > exp then exp = old end
          if exp <= now then return 0 end
          redis.call('SET', KEYS[1], ms(exp), 'PX', ttl(exp - now))
          redis.call('PUBLISH', ARGV[3], 't ' .. ms(exp) .. ' ' .. KEYS[1])
          return 1
          """);

  private static final RedisCalls.Script REVOKE_SUBJECT =
      Lua.script(
          """
          local now, nbf, keep = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
          local old = redis.call('GET', KEYS[1])
          if old then
            local onbf, okeep = string.match(old, '^(%d+):(%d+)$')
            onbf, okeep = tonumber(onbf), tonumber(okeep)
            if onbf and onbf > nbf then nbf = onbf end
            if okeep and okeep > keep then keep = okeep end
          end
          if keep <= now then return 0 end
          local v = ms(nbf) .. ':' .. ms(keep)
          redis.call('SET', KEYS[1], v, 'PX', ttl(keep - now))
          redis.call('PUBLISH', ARGV[4], 's ' .. v .. ' ' .. KEYS[1])
          return 1
          """);

  private static final RedisCalls.Script IS_REVOKED =
      Lua.script(
          """
          local now = tonumber(ARGV[1])
          local exp = tonumber(redis.call('GET', KEYS[1]))
          if exp and exp > now then return 1 end
          local s = redis.call('GET', KEYS[2])
          if s then
            local nbf, keep = string.match(s, '^(%d+):(%d+)$')
            if nbf and tonumber(keep) > now and tonumber(ARGV[2]) < tonumber(nbf) then return 1 end
          end
          return 0
          """);

  private final RedisCalls redis;
  private final Keys keys;
  private final Clock clock;
  private final long heartbeatMs;
  private final String channel;

  /** Revoked token key -> expiry ms. */
  private final ConcurrentHashMap<String, Long> tokens = new ConcurrentHashMap<>();
  /** Subject key -> {not-before ms, retain-until ms}; arrays are never mutated once shared. */
  private final ConcurrentHashMap<String, long[]> subjects = new ConcurrentHashMap<>();

  private final CountDownLatch closing = new CountDownLatch(1);
  private final Thread subscriber;
  private final Thread heartbeat;
  private volatile Listener listener;
  private volatile boolean closed;

  RedisRevocationList(RedisCalls redis, Keys keys, Clock clock, Duration heartbeat) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.heartbeatMs = Math.max(1, heartbeat.toMillis());
    this.channel = keys.revocationChannel();
    int n = INSTANCES.incrementAndGet();
    this.subscriber = new Thread(this::subscribeLoop, "latchkey-revocations-" + n);
    this.subscriber.setDaemon(true);
    this.heartbeat = new Thread(this::heartbeatLoop, "latchkey-revocations-heartbeat-" + n);
    this.heartbeat.setDaemon(true);
  }

  /** Starts the replica's threads; until it is current, reads go to Redis. */
  RedisRevocationList start() {
    subscriber.start();
    heartbeat.start();
    return this;
  }

  @Override
  public void revokeToken(String issuer, String tokenId, String subject, Instant expiresAt) {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(expiresAt, "expiresAt");
    String key = keys.revokedToken(subject, Keys.tokenHash(issuer, tokenId));
    long exp = expiresAt.toEpochMilli();
    // Local first: this node refuses the token even if Redis is down, and a later resync writes
    // the entry back to Redis.
    mergeToken(key, exp);
    writeToken(key, exp, clock.millis());
  }

  @Override
  public void revokeSubject(String subject, Instant issuedBefore, Instant retainUntil) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(issuedBefore, "issuedBefore");
    Objects.requireNonNull(retainUntil, "retainUntil");
    String key = keys.revokedSubject(subject);
    long nbf = issuedBefore.toEpochMilli();
    long keep = retainUntil.toEpochMilli();
    mergeSubject(key, nbf, keep);
    writeSubject(key, nbf, keep, clock.millis());
  }

  @Override
  public boolean isRevoked(String issuer, String tokenId, String subject, Instant issuedAt) {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(issuedAt, "issuedAt");
    String[] both = keys.revocationKeys(issuer, tokenId, subject);
    String tokenKey = both[0];
    String subjectKey = both[1];
    long now = clock.millis();
    if (locallyRevoked(tokenKey, subjectKey, issuedAt.toEpochMilli(), now)) {
      // A local entry is authoritative for "revoked" whatever the replica's state: fail closed.
      return true;
    }
    if (isCurrent()) {
      return false;
    }
    Object reply =
        redis.eval(
            "revocation check",
            IS_REVOKED,
            List.of(tokenKey, subjectKey),
            List.of(Long.toString(now), Long.toString(issuedAt.toEpochMilli())));
    return RedisCalls.num(reply) == 1;
  }

  /** Whether the replica is known to hold every live entry: subscribed, synced, answering. */
  boolean isCurrent() {
    Listener l = listener;
    return l != null
        && l.current
        && System.nanoTime() - l.lastPong < TimeUnit.MILLISECONDS.toNanos(3 * heartbeatMs);
  }

  /** Entries held by the replica, for tests and metrics. */
  int replicaSize() {
    return tokens.size() + subjects.size();
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
    try {
      t.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean locallyRevoked(String tokenKey, String subjectKey, long issuedAt, long now) {
    Long exp = tokens.get(tokenKey);
    if (exp != null && exp > now) {
      return true;
    }
    long[] s = subjects.get(subjectKey);
    return s != null && s[1] > now && issuedAt < s[0];
  }

  private void mergeToken(String key, long exp) {
    tokens.merge(key, exp, Math::max);
  }

  private void mergeSubject(String key, long nbf, long keep) {
    subjects.merge(
        key,
        new long[] {nbf, keep},
        (a, b) -> new long[] {Math.max(a[0], b[0]), Math.max(a[1], b[1])});
  }

  private void writeToken(String key, long exp, long now) {
    redis.eval(
        "revoke token",
        REVOKE_TOKEN,
        List.of(key),
        List.of(Long.toString(now), Long.toString(exp), channel));
  }

  private void writeSubject(String key, long nbf, long keep, long now) {
    redis.eval(
        "revoke subject",
        REVOKE_SUBJECT,
        List.of(key),
        List.of(Long.toString(now), Long.toString(nbf), Long.toString(keep), channel));
  }

  /** Applies a published entry: {@code t <exp> <key>} or {@code s <nbf>:<keep> <key>}. */
  private void apply(String message) {
    try {
      String[] parts = message.split(" ", 3);
      if (parts.length != 3) {
        return;
      }
      if (parts[0].equals("t")) {
        mergeToken(parts[2], Long.parseLong(parts[1]));
      } else if (parts[0].equals("s")) {
        long[] v = parseSubject(parts[1]);
        if (v != null) {
          mergeSubject(parts[2], v[0], v[1]);
        }
      }
    } catch (RuntimeException e) {
      // A message this version cannot read (another library version, garbage): ignore it.
    }
  }

  private static long[] parseSubject(String value) {
    int colon = value.indexOf(':');
    if (colon < 0) {
      return null;
    }
    return new long[] {
      Long.parseLong(value.substring(0, colon)), Long.parseLong(value.substring(colon + 1))
    };
  }

  /**
   * Makes the replica and Redis the union of both: everything in Redis is added here, everything
   * live here that Redis lacks (or holds shorter) is written back.
   */
  private void resync() {
    long now = clock.millis();
    Map<String, String> remote = scanRevocations();
    for (Map.Entry<String, String> e : remote.entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      try {
        if (key.contains("}:rt:")) {
          mergeToken(key, Long.parseLong(value));
        } else {
          long[] v = parseSubject(value);
          if (v != null) {
            mergeSubject(key, v[0], v[1]);
          }
        }
      } catch (RuntimeException ex) {
        // An unreadable entry: leave it to expire.
      }
    }
    purge(now);
    for (Map.Entry<String, Long> e : tokens.entrySet()) {
      if (!e.getValue().toString().equals(remote.get(e.getKey()))) {
        writeToken(e.getKey(), e.getValue(), now);
      }
    }
    for (Map.Entry<String, long[]> e : subjects.entrySet()) {
      long[] v = e.getValue();
      if (!(v[0] + ":" + v[1]).equals(remote.get(e.getKey()))) {
        writeSubject(e.getKey(), v[0], v[1], now);
      }
    }
  }

  private Map<String, String> scanRevocations() {
    String match = globEscape(keys.prefix()) + "{*}:r[ts]:*";
    Map<String, String> out = new HashMap<>();
    try {
      if (redis.jedis() instanceof RedisClusterClient cluster) {
        // SCAN sees one node: ask every node (replicas too, harmless: the result is a union).
        for (ConnectionPool pool : cluster.getClusterNodes().values()) {
          try (Connection connection = pool.getResource()) {
            @SuppressWarnings("resource") // closing it would close the pooled connection twice
            Jedis node = new Jedis(connection);
            scanNode(node, node::pipelined, match, out);
          }
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
    for (char c : s.toCharArray()) {
      if ("*?[]\\".indexOf(c) >= 0) {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  private void purge(long now) {
    tokens.values().removeIf(exp -> exp <= now);
    subjects.values().removeIf(v -> v[1] <= now);
  }

  private void subscribeLoop() {
    long backoff = 50;
    while (!closed) {
      Listener l = null;
      try {
        l = new Listener();
        listener = l;
        // Blocks while subscribed. Reads are bounded by the client's socket timeout, and the
        // heartbeat PINGs keep a healthy subscription from reaching it.
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
    while (!closed) {
      try {
        if (closing.await(heartbeatMs, TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
      Listener l = listener;
      if (l != null) {
        try {
          l.heartbeat();
        } catch (RuntimeException e) {
          // The subscriber thread sees the same failure and resubscribes.
        }
      }
      purge(clock.millis());
    }
  }

  /**
   * The subscription. Its connection goes back to the client's pool when the subscription ends, so
   * nothing may be left unread on it: exactly one UNSUBSCRIBE is ever sent, and only once the
   * SUBSCRIBE is confirmed; no PING is sent after it; and no callback throws (the loop would end
   * with the connection still subscribed). The lock orders these writes.
   */
  private final class Listener extends JedisPubSub {
    volatile boolean current;
    volatile boolean synced;
    volatile long lastPong = System.nanoTime();
    private boolean confirmed;
    private boolean ending;
    private boolean unsubscribeSent;

    /** Ends the subscription as soon as it is confirmed; safe to call at any time, repeatedly. */
    synchronized void end() {
      ending = true;
      current = false;
      sendUnsubscribeIfDue();
    }

    synchronized void heartbeat() {
      if (confirmed && !unsubscribeSent) {
        ping();
      }
    }

    private void sendUnsubscribeIfDue() {
      if (ending && confirmed && !unsubscribeSent) {
        unsubscribeSent = true;
        unsubscribe();
      }
    }

    @Override
    public void onSubscribe(String subscribedChannel, int subscribedChannels) {
      lastPong = System.nanoTime();
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
      try {
        // Subscribed first, then resynced: nothing published in between is missed.
        resync();
        synced = true;
        current = true;
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "revocation resync failed: {0}", e.getClass());
        end();
      }
    }

    @Override
    public void onMessage(String messageChannel, String message) {
      lastPong = System.nanoTime();
      apply(message);
    }

    @Override
    public void onPong(String pattern) {
      lastPong = System.nanoTime();
    }
  }
}

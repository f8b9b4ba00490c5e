package dev.latchkey.redis;

import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.spi.RevocationList;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Connection;
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
 * expire by themselves when the token could no longer be used. A revoked refresh family is {@code
 * <prefix>{<subject shard>}:rg:<sha256(f|family id)>} holding its retain-until ms. Every write is
 * one script that also publishes the entry on {@code <prefix>revocations}; on Cluster the script
 * runs on the master of the key's slot, and its PUBLISH travels from there to every node over the
 * cluster bus.
 *
 * <p>Bounded per subject: the subject's token and family keys are indexed in the sorted set {@code
 * <prefix>{<shard>}:ri:<subject hash>} scored by their end, and a revocation that would make more
 * than {@code maximumEntriesPerSubject} live ones is folded into the subject's not-before instead
 * (see {@link RevocationList}), in the same script. So one subject holds at most that many keys
 * plus its index and not-before, and replicas receive at most that many live entries of it.
 *
 * <p>The replica: one subscriber thread listens on that channel and keeps every live entry in
 * memory, so {@link #isRevoked} costs no round trip while the replica is <em>current</em>. It is
 * keyed by the digests themselves ({@link Sha256}), not by key strings: a check hashes {@code
 * iss|jti} (and the subject, unless the replica holds no subject entry) and looks the digests up,
 * and builds the two key strings only when it has to ask Redis. Keys received that no check of this
 * version could look up (another prefix or shape) are ignored. It is current once subscribed and
 * bootstrapped (a SCAN of the revocation keys, on every master of a Cluster, never a replica) and
 * while every shard proves its path ({@link RevocationShards}: one heartbeat per master, sent where
 * that shard's revocations are, arriving in sequence, the last one read sent less than {@code 3 ×
 * heartbeat} ago); otherwise {@code isRevoked} asks Redis directly (one script, one round trip) and
 * throws {@link StoreUnavailableException} when it cannot. After every (re)subscription, and
 * whenever a shard's heartbeats show a gap (a lost message, a failover) or a new incarnation (a
 * master restarted empty), the replica resyncs as a union: entries found in Redis are added, and
 * live entries Redis lacks (it restarted empty, or failed over before a write reached the replica)
 * are written back.
 *
 * <p>Propagation bound: a revocation written through one instance is enforced by another within the
 * pub/sub delivery time (about a millisecond on a LAN) while every shard's path is healthy. A shard
 * whose path breaks or goes silent is noticed after at most {@code 3 × heartbeat} (the default
 * heartbeat is 500 ms), from when on reads go to Redis directly until the path is proven again and
 * the resync has finished. A replica that falls behind its subscription (as after a long resync,
 * with what was published meanwhile still queued) also reads through Redis until it has read a
 * heartbeat sent less than {@code 3 × heartbeat} ago.
 *
 * <p>Thread-safe. {@link #close} stops the subscriber and heartbeat threads.
 */
final class RedisRevocationList implements RevocationList, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RedisRevocationList.class.getName());
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final int SCAN_COUNT = 500;
  private static final long MAX_BACKOFF_MS = 1000;

  /** Heartbeats between two reads of the topology (CLUSTER SHARDS), on a Cluster. */
  private static final int BEATS_PER_TOPOLOGY_CHECK = 20;

  private static final Script<Object> REVOKE_TOKEN = Script.load("revoke-token", 1, Script::raw);

  /** Replies 1 (stored), 0 (already over) or the subject's new {@code nbf:keep} when folded. */
  private static final Script<Object> REVOKE_BOUNDED =
      Script.load("revoke-bounded", 3, Script::raw);

  private static final Script<Object> REVOKE_SUBJECT =
      Script.load("revoke-subject", 1, Script::raw);

  private static final Script<Long> IS_REVOKED =
      Script.load("revocation-check", 2, 3, RedisCalls::num);

  private final RedisCalls redis;
  private final Keys keys;
  private final Clock clock;
  private final long heartbeatMs;

  /** Silence after which the replica is no longer current: three heartbeats. */
  private final long staleNanos;

  private final LongSupplier nanos;
  private final String channel;
  private final int maximumEntriesPerSubject;

  /**
   * Revoked tokens by the digest of {@code iss|jti}, each with its expiry ms per subject shard it
   * was revoked under: that is one Redis key each, and a check matches only its own subject's (a
   * token is practically always revoked under one subject). The maps are immutable.
   */
  private final ConcurrentHashMap<Sha256, Map<String, Long>> tokens = new ConcurrentHashMap<>();

  /** Subject digest -> {not-before ms, retain-until ms}; arrays are never mutated once shared. */
  private final ConcurrentHashMap<Sha256, long[]> subjects = new ConcurrentHashMap<>();

  /**
   * Never less than the number of entries in {@link #subjects}: raised inside an insertion, before
   * the entry is visible, and lowered only after a removal. So zero proves the map empty, and a
   * check then needs no subject digest; an entry a {@link #revokeSubject} has put is counted by the
   * time the call returns. ({@code ConcurrentHashMap.isEmpty} is only an estimate while the map
   * changes.)
   */
  private final AtomicInteger subjectEntries = new AtomicInteger();

  /**
   * Revoked families by the digest of {@code f|family id}, each with its retain-until ms per
   * subject shard, as {@link #tokens}.
   */
  private final ConcurrentHashMap<Sha256, Map<String, Long>> families = new ConcurrentHashMap<>();

  /** Never less than the number of entries in {@link #families}, as {@link #subjectEntries}. */
  private final AtomicInteger familyEntries = new AtomicInteger();

  private final CountDownLatch closing = new CountDownLatch(1);
  private final Thread subscriber;
  private final Thread heartbeat;
  private volatile Listener listener;
  private volatile boolean closed;

  /** The default bound on one subject's live token and family entries. */
  static final int DEFAULT_MAXIMUM_ENTRIES_PER_SUBJECT = 1_000;

  RedisRevocationList(RedisCalls redis, Keys keys, Clock clock, Duration heartbeat) {
    this(redis, keys, clock, heartbeat, System::nanoTime);
  }

  /** With {@code nanos} as the monotonic time heartbeats are measured in (tests drive it). */
  RedisRevocationList(
      RedisCalls redis, Keys keys, Clock clock, Duration heartbeat, LongSupplier nanos) {
    this(redis, keys, clock, heartbeat, nanos, DEFAULT_MAXIMUM_ENTRIES_PER_SUBJECT);
  }

  /** With a bound on one subject's live token and family entries. */
  RedisRevocationList(
      RedisCalls redis,
      Keys keys,
      Clock clock,
      Duration heartbeat,
      LongSupplier nanos,
      int maximumEntriesPerSubject) {
    if (maximumEntriesPerSubject < 1) {
      throw new IllegalArgumentException(
          "maximumEntriesPerSubject must be at least 1: " + maximumEntriesPerSubject);
    }
    this.maximumEntriesPerSubject = maximumEntriesPerSubject;
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.nanos = Objects.requireNonNull(nanos, "nanos");
    this.heartbeatMs = Math.max(1, heartbeat.toMillis());
    this.staleNanos = TimeUnit.MILLISECONDS.toNanos(3 * heartbeatMs);
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
  public void revokeToken(
      String issuer, String tokenId, String subject, Instant issuedAt, Instant expiresAt) {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Sha256 token = Sha256.ofToken(issuer, tokenId);
    Sha256 subjectHash = Sha256.ofSubject(subject);
    String shard = subjectHash.shard();
    long exp = expiresAt.toEpochMilli();
    writeBounded(
        keys.revokedToken(shard, token),
        subjectHash,
        exp,
        issuedAt.toEpochMilli() + 1,
        "t",
        () -> mergeToken(token, shard, exp));
  }

  @Override
  public void revokeFamily(
      String subject, String familyId, Instant issuedBefore, Instant retainUntil) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(familyId, "familyId");
    Objects.requireNonNull(issuedBefore, "issuedBefore");
    Objects.requireNonNull(retainUntil, "retainUntil");
    Sha256 family = Sha256.ofFamily(familyId);
    Sha256 subjectHash = Sha256.ofSubject(subject);
    String shard = subjectHash.shard();
    long keep = retainUntil.toEpochMilli();
    writeBounded(
        keys.revokedFamily(shard, family),
        subjectHash,
        keep,
        issuedBefore.toEpochMilli(),
        "g",
        () -> mergeFamily(family, shard, keep));
  }

  /**
   * Writes a token or family entry through the bounded script, and applies its outcome to the
   * replica at once, so that this node refuses the token when the call returns: the entry, or the
   * subject's not-before it was folded into. When Redis cannot be reached the entry is kept here
   * (this node refuses the token; a later resync writes it back) and the failure is thrown.
   */
  private void writeBounded(
      String key, Sha256 subject, long until, long foldedBefore, String type, Runnable local) {
    Object reply;
    try {
      reply =
          REVOKE_BOUNDED.call(
              redis,
              "revoke " + (type.equals("t") ? "token" : "family"),
              List.of(key, keys.revokedSubject(subject), keys.revocationIndex(subject)),
              List.of(
                  Long.toString(clock.millis()),
                  Long.toString(until),
                  channel,
                  Long.toString(foldedBefore),
                  Integer.toString(maximumEntriesPerSubject),
                  type));
    } catch (RuntimeException e) {
      local.run();
      throw e;
    }
    if (reply instanceof Long stored) {
      if (stored == 1) {
        local.run();
      }
      return;
    }
    long[] v = parseSubject(RedisCalls.str(reply));
    if (v != null) {
      mergeSubject(subject, v[0], v[1]);
    }
  }

  @Override
  public void revokeSubject(String subject, Instant issuedBefore, Instant retainUntil) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(issuedBefore, "issuedBefore");
    Objects.requireNonNull(retainUntil, "retainUntil");
    Sha256 hash = Sha256.ofSubject(subject);
    long nbf = issuedBefore.toEpochMilli();
    long keep = retainUntil.toEpochMilli();
    mergeSubject(hash, nbf, keep);
    writeSubject(keys.revokedSubject(hash), nbf, keep, clock.millis());
  }

  @Override
  public boolean isRevoked(
      String issuer, String tokenId, String subject, String familyId, Instant issuedAt) {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(issuedAt, "issuedAt");
    long iat = issuedAt.toEpochMilli();
    // A local entry is authoritative for "revoked" whatever the replica's state: fail closed.
    // The clock is read only on a hit, and the subject hashed only when needed.
    Sha256 token = Sha256.ofToken(issuer, tokenId);
    Sha256 subjectHash = null;
    Map<String, Long> revoked = tokens.get(token);
    if (revoked != null) {
      subjectHash = Sha256.ofSubject(subject);
      Long exp = revoked.get(subjectHash.shard());
      if (exp != null && exp > clock.millis()) {
        return true;
      }
    }
    if (subjectEntries.get() > 0) {
      if (subjectHash == null) {
        subjectHash = Sha256.ofSubject(subject);
      }
      long[] s = subjects.get(subjectHash);
      if (s != null && iat < s[0] && s[1] > clock.millis()) {
        return true;
      }
    }
    Sha256 family = null;
    if (familyId != null && familyEntries.get() > 0) {
      if (subjectHash == null) {
        subjectHash = Sha256.ofSubject(subject);
      }
      family = Sha256.ofFamily(familyId);
      Map<String, Long> ended = families.get(family);
      Long until = ended == null ? null : ended.get(subjectHash.shard());
      if (until != null && until > clock.millis()) {
        return true;
      }
    }
    if (isCurrent()) {
      return false;
    }
    if (subjectHash == null) {
      subjectHash = Sha256.ofSubject(subject);
    }
    String shard = subjectHash.shard();
    List<String> keyList =
        familyId == null
            ? List.of(keys.revokedToken(shard, token), keys.revokedSubject(subjectHash))
            : List.of(
                keys.revokedToken(shard, token),
                keys.revokedSubject(subjectHash),
                keys.revokedFamily(shard, family == null ? Sha256.ofFamily(familyId) : family));
    long reply =
        IS_REVOKED.call(
            redis,
            "revocation check",
            keyList,
            List.of(Long.toString(clock.millis()), Long.toString(iat)));
    return reply == 1;
  }

  /**
   * {@inheritDoc} Always one {@code GET} of the subject's key, even while the replica is current:
   * pub/sub delivers a cut-off a moment after {@code revokeSubject} returned, and a token minted on
   * this node in that moment at this node's own time would be refused until the cut-off passes.
   * Issuing is not the hot path that the replica keeps free of round trips.
   */
  @Override
  public Optional<Instant> notBefore(String subject) {
    Objects.requireNonNull(subject, "subject");
    Sha256 hash = Sha256.ofSubject(subject);
    long now = clock.millis();
    String value = redis.call("revocation not-before", j -> j.get(keys.revokedSubject(hash)));
    long[] s = value == null ? null : parseSubjectOrNull(value);
    return s != null && s[1] > now ? Optional.of(Instant.ofEpochMilli(s[0])) : Optional.empty();
  }

  /**
   * Whether the replica is known to hold every live entry: subscribed, synced, and every shard's
   * heartbeat fresh and in sequence.
   */
  boolean isCurrent() {
    Listener l = listener;
    if (l == null || !l.current) {
      return false;
    }
    RevocationShards s = l.shards;
    return s != null && s.proven(nanos.getAsLong());
  }

  /**
   * A new listener, made the replica's, that has not subscribed yet: the subscriber thread then
   * subscribes it, and its callbacks drive the replica. Tests call them directly, on an instance
   * whose threads were not started, to drive the replica deterministically.
   */
  Listener installListener() {
    Listener l = new Listener();
    listener = l;
    return l;
  }

  /** Entries held by the replica, for tests and metrics. */
  int replicaSize() {
    return tokens.size() + subjects.size() + families.size();
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

  private void mergeToken(Sha256 token, String shard, long exp) {
    tokens.merge(token, Map.of(shard, exp), RedisRevocationList::laterPerShard);
  }

  private void mergeFamily(Sha256 family, String shard, long keep) {
    families.compute(
        family,
        (k, old) -> {
          if (old == null) {
            // Counted before the entry is visible: see familyEntries.
            familyEntries.incrementAndGet();
            return Map.of(shard, keep);
          }
          return laterPerShard(old, Map.of(shard, keep));
        });
  }

  private static Map<String, Long> laterPerShard(Map<String, Long> a, Map<String, Long> b) {
    Map<String, Long> merged = new HashMap<>(a);
    b.forEach((shard, exp) -> merged.merge(shard, exp, Math::max));
    return Map.copyOf(merged);
  }

  private void mergeSubject(Sha256 subject, long nbf, long keep) {
    subjects.compute(
        subject,
        (k, old) -> {
          if (old == null) {
            // Counted before the entry is visible: see subjectEntries.
            subjectEntries.incrementAndGet();
            return new long[] {nbf, keep};
          }
          return new long[] {Math.max(old[0], nbf), Math.max(old[1], keep)};
        });
  }

  /** Merges an entry read from Redis or pub/sub; throws on a value this version cannot read. */
  private void merge(Keys.RevocationKey key, String value) {
    if (key.subject()) {
      long[] v = parseSubject(value);
      if (v != null) {
        mergeSubject(key.hash(), v[0], v[1]);
      }
    } else {
      mergeToken(key.hash(), key.shard(), Long.parseLong(value));
    }
  }

  private void writeToken(String key, long exp, long now) {
    writeBack(key, exp, now, "t");
  }

  /** Writes a token ({@code t}) or family ({@code g}) entry as it is, outside the bound. */
  private void writeBack(String key, long until, long now, String type) {
    REVOKE_TOKEN.call(
        redis,
        "revoke " + (type.equals("t") ? "token" : "family"),
        List.of(key),
        List.of(Long.toString(now), Long.toString(until), channel, type));
  }

  private void writeSubject(String key, long nbf, long keep, long now) {
    REVOKE_SUBJECT.call(
        redis,
        "revoke subject",
        List.of(key),
        List.of(Long.toString(now), Long.toString(nbf), Long.toString(keep), channel));
  }

  /**
   * Applies a published entry: {@code t <exp> <token key>}, {@code s <nbf>:<keep> <subject key>} or
   * {@code g <keep> <family key>}.
   */
  void apply(String message) {
    try {
      String[] parts = message.split(" ", 3);
      if (parts.length != 3) {
        return;
      }
      if (parts[0].equals("g")) {
        mergeFamily(parts[2], parts[1]);
        return;
      }
      Keys.RevocationKey key = keys.parseRevocation(parts[2]);
      if (key != null && parts[0].equals(key.subject() ? "s" : "t")) {
        merge(key, parts[1]);
      }
    } catch (RuntimeException e) {
      // A message this version cannot read (another library version, garbage): ignore it.
    }
  }

  /** Merges a family entry read from Redis or pub/sub, when {@code key} is a family key. */
  private void mergeFamily(String key, String value) {
    Keys.RevocationKey family = keys.parseFamilyRevocation(key);
    if (family != null) {
      mergeFamily(family.hash(), family.shard(), Long.parseLong(value));
    }
  }

  private static long[] parseSubjectOrNull(String value) {
    try {
      return parseSubject(value);
    } catch (NumberFormatException e) {
      return null;
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
  void resync(RevocationShards shards) {
    long now = clock.millis();
    Map<String, String> remote = scanRevocations(shards);
    for (Map.Entry<String, String> e : remote.entrySet()) {
      Keys.RevocationKey key = keys.parseRevocation(e.getKey());
      try {
        if (key == null) {
          mergeFamily(e.getKey(), e.getValue());
        } else {
          merge(key, e.getValue());
        }
      } catch (RuntimeException ex) {
        // An unreadable entry: leave it to expire.
      }
    }
    purge(now);
    for (Map.Entry<Sha256, Map<String, Long>> e : tokens.entrySet()) {
      for (Map.Entry<String, Long> perShard : e.getValue().entrySet()) {
        String key = keys.revokedToken(perShard.getKey(), e.getKey());
        if (!perShard.getValue().toString().equals(remote.get(key))) {
          writeToken(key, perShard.getValue(), now);
        }
      }
    }
    for (Map.Entry<Sha256, long[]> e : subjects.entrySet()) {
      long[] v = e.getValue();
      String key = keys.revokedSubject(e.getKey());
      if (!(v[0] + ":" + v[1]).equals(remote.get(key))) {
        writeSubject(key, v[0], v[1], now);
      }
    }
    for (Map.Entry<Sha256, Map<String, Long>> e : families.entrySet()) {
      for (Map.Entry<String, Long> perShard : e.getValue().entrySet()) {
        String key = keys.revokedFamily(perShard.getKey(), e.getKey());
        if (!perShard.getValue().toString().equals(remote.get(key))) {
          writeBack(key, perShard.getValue(), now, "g");
        }
      }
    }
  }

  private Map<String, String> scanRevocations(RevocationShards shards) {
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

  /** Forgets every entry that has ended by {@code now}. */
  void purge(long now) {
    for (Map.Entry<Sha256, Map<String, Long>> e : tokens.entrySet()) {
      // Rebuilt only when one of its shards has ended: this runs on every heartbeat.
      if (Collections.min(e.getValue().values()) <= now) {
        tokens.computeIfPresent(e.getKey(), (k, perShard) -> unexpired(perShard, now));
      }
    }
    for (Map.Entry<Sha256, Map<String, Long>> e : families.entrySet()) {
      if (Collections.min(e.getValue().values()) <= now) {
        families.computeIfPresent(
            e.getKey(),
            (k, perShard) -> {
              Map<String, Long> live = unexpired(perShard, now);
              if (live == null) {
                // Uncounted inside the removal, so only once: see familyEntries.
                familyEntries.decrementAndGet();
              }
              return live;
            });
      }
    }
    for (Map.Entry<Sha256, long[]> e : subjects.entrySet()) {
      // Removed first, uncounted after: see subjectEntries.
      if (e.getValue()[1] <= now && subjects.remove(e.getKey(), e.getValue())) {
        subjectEntries.decrementAndGet();
      }
    }
  }

  /** The shards of {@code perShard} still revoked at {@code now}; null when none is. */
  private static Map<String, Long> unexpired(Map<String, Long> perShard, long now) {
    Map<String, Long> live = new HashMap<>(perShard);
    live.values().removeIf(exp -> exp <= now);
    return live.isEmpty() ? null : Map.copyOf(live);
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
        // connection. (A PING written there raced Jedis: under load its PONG could arrive before
        // Jedis had queued the PONG handler; the subscription then failed with a JedisException
        // and its still-subscribed connection went back to the pool, so other commands read
        // pub/sub messages as their replies.)
        s.publish(redis, channel, nanos.getAsLong());
        if (++beats % BEATS_PER_TOPOLOGY_CHECK == 0 && topologyChanged(s)) {
          // Resubscribed and resynced under heartbeats for the shards as they are now.
          l.end();
        }
      }
      purge(clock.millis());
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
        apply(message);
      }
    }
  }
}

package dev.latchkey.redis;

import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.internal.Sha256Digest;
import dev.latchkey.core.spi.RevocationList;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.function.LongSupplier;

/**
 * A {@link RevocationList} on Redis with an in-process replica.
 *
 * <p>Entries: a revoked token is {@code <prefix>{<subject shard>}:rt:<sha256(iss|jti)>} holding its
 * expiry in epoch ms; a subject's not-before is {@code <prefix>{<shard>}:rs:<subject hash>} holding
 * {@code <not-before ms>:<retain-until ms>} (the later of both always wins, in a script). Both
 * expire by themselves when the token could no longer be used. A revoked refresh family is {@code
 * <prefix>{<subject shard>}:rg:<sha256(f|family id)>} holding its retain-until ms. Every write is
 * one script ({@link RevocationScripts}) that also publishes the entry on {@code
 * <prefix>revocations}; on Cluster the script runs on the master of the key's slot, and its PUBLISH
 * travels from there to every node over the cluster bus.
 *
 * <p>Bounded per subject: the subject's token and family keys are indexed in the sorted set {@code
 * <prefix>{<shard>}:ri:<subject hash>} scored by their end, and a revocation that would make more
 * than {@code maximumEntriesPerSubject} live ones is folded into the subject's not-before instead
 * (see {@link RevocationList}), in the same script. So one subject holds at most that many keys
 * plus its index and not-before, and replicas receive at most that many live entries of it.
 *
 * <p>The replica ({@link RevocationReplica}) holds every live entry in memory, fed by {@link
 * RevocationFeed}, so {@link #isRevoked} costs no round trip while the feed proves the replica
 * current; otherwise {@code isRevoked} asks Redis directly (one script, one round trip) and throws
 * {@link StoreUnavailableException} when it cannot. A check hashes {@code iss|jti} (and the
 * subject, unless the replica holds no subject entry) and builds the key strings only when it asks
 * Redis.
 *
 * <p>Propagation bound: a revocation written through one instance is enforced by another within the
 * pub/sub delivery time (about a millisecond on a LAN) while every shard's path is healthy. A shard
 * whose path breaks or goes silent is noticed after at most {@code 3 × heartbeat} (the default
 * heartbeat is 500 ms), from when on reads go to Redis directly until the path is proven again and
 * the resync has finished.
 *
 * <p>Thread-safe. {@link #close} stops the feed's threads.
 */
final class RedisRevocationList implements RevocationList, AutoCloseable {
  /** The default bound on one subject's live token and family entries. */
  static final int DEFAULT_MAXIMUM_ENTRIES_PER_SUBJECT = 1_000;

  private final Keys keys;
  private final Clock clock;
  private final int maximumEntriesPerSubject;
  private final RedisCalls redis;
  private final RevocationScripts scripts;
  private final RevocationDigests digests = new RevocationDigests();
  private final RevocationReplica replica;
  private final RevocationFeed feed;

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
    this(
        redis,
        keys,
        clock,
        heartbeat,
        nanos,
        maximumEntriesPerSubject,
        RevocationFeed.defaultThreads());
  }

  /** With the factory of the feed's two threads. */
  RedisRevocationList(
      RedisCalls redis,
      Keys keys,
      Clock clock,
      Duration heartbeat,
      LongSupplier nanos,
      int maximumEntriesPerSubject,
      ThreadFactory threads) {
    if (maximumEntriesPerSubject < 1) {
      throw new IllegalArgumentException(
          "maximumEntriesPerSubject must be at least 1: " + maximumEntriesPerSubject);
    }
    this.maximumEntriesPerSubject = maximumEntriesPerSubject;
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.scripts = new RevocationScripts(redis, keys);
    this.replica = new RevocationReplica(keys, digests, clock);
    this.feed =
        new RevocationFeed(
            redis,
            keys,
            replica,
            clock,
            heartbeat,
            nanos,
            Objects.requireNonNull(threads, "threads"));
  }

  /** Starts the feed's threads; until the replica is current, reads go to Redis. */
  RedisRevocationList start() {
    feed.start();
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
    Sha256Digest token = digests.token(issuer, tokenId);
    Sha256Digest subjectHash = digests.subject(subject);
    String shard = RevocationDigests.shard(subjectHash);
    long exp = expiresAt.toEpochMilli();
    writeBounded(
        keys.revokedToken(shard, token),
        subjectHash,
        exp,
        issuedAt.toEpochMilli() + 1,
        "t",
        () -> replica.mergeToken(token, shard, exp));
  }

  @Override
  public void revokeFamily(
      String subject, String familyId, Instant issuedBefore, Instant retainUntil) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(familyId, "familyId");
    Objects.requireNonNull(issuedBefore, "issuedBefore");
    Objects.requireNonNull(retainUntil, "retainUntil");
    Sha256Digest family = digests.family(familyId);
    Sha256Digest subjectHash = digests.subject(subject);
    String shard = RevocationDigests.shard(subjectHash);
    long keep = retainUntil.toEpochMilli();
    writeBounded(
        keys.revokedFamily(shard, family),
        subjectHash,
        keep,
        issuedBefore.toEpochMilli(),
        "g",
        () -> replica.mergeFamily(family, shard, keep));
  }

  /**
   * Writes a token or family entry through the bounded script, and applies its outcome to the
   * replica at once, so that this node refuses the token when the call returns: the entry, or the
   * subject's not-before it was folded into. When Redis cannot be reached the entry is kept here
   * (this node refuses the token; a later resync writes it back) and the failure is thrown.
   */
  private void writeBounded(
      String key,
      Sha256Digest subject,
      long until,
      long foldedBefore,
      String type,
      Runnable local) {
    Object reply;
    try {
      reply =
          scripts.writeBounded(
              List.of(key, keys.revokedSubject(subject), keys.revocationIndex(subject)),
              clock.millis(),
              until,
              foldedBefore,
              maximumEntriesPerSubject,
              type);
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
    long[] v = RevocationReplica.parseSubject(RedisCalls.str(reply));
    if (v != null) {
      replica.mergeSubject(subject, v[0], v[1]);
    }
  }

  @Override
  public void revokeSubject(String subject, Instant issuedBefore, Instant retainUntil) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(issuedBefore, "issuedBefore");
    Objects.requireNonNull(retainUntil, "retainUntil");
    Sha256Digest hash = digests.subject(subject);
    long nbf = issuedBefore.toEpochMilli();
    long keep = retainUntil.toEpochMilli();
    replica.mergeSubject(hash, nbf, keep);
    scripts.writeSubject(keys.revokedSubject(hash), nbf, keep, clock.millis());
  }

  @Override
  public boolean isRevoked(
      String issuer, String tokenId, String subject, String familyId, Instant issuedAt) {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(issuedAt, "issuedAt");
    long iat = issuedAt.toEpochMilli();
    Sha256Digest token = digests.token(issuer, tokenId);
    // A local entry is authoritative for "revoked" whatever the replica's state: fail closed.
    if (replica.revokes(token, subject, familyId, iat)) {
      return true;
    }
    if (feed.isCurrent()) {
      return false;
    }
    Sha256Digest subjectHash = digests.subject(subject);
    String shard = RevocationDigests.shard(subjectHash);
    List<String> keyList =
        familyId == null
            ? List.of(keys.revokedToken(shard, token), keys.revokedSubject(subjectHash))
            : List.of(
                keys.revokedToken(shard, token),
                keys.revokedSubject(subjectHash),
                keys.revokedFamily(shard, digests.family(familyId)));
    return scripts.isRevoked(keyList, clock.millis(), iat);
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
    Sha256Digest hash = digests.subject(subject);
    long now = clock.millis();
    String value = redis.call("revocation not-before", j -> j.get(keys.revokedSubject(hash)));
    long[] s = value == null ? null : parseSubjectOrNull(value);
    return s != null && s[1] > now ? Optional.of(Instant.ofEpochMilli(s[0])) : Optional.empty();
  }

  private static long[] parseSubjectOrNull(String value) {
    try {
      return RevocationReplica.parseSubject(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Whether the replica is known to hold every live entry ({@link RevocationFeed#isCurrent}). */
  boolean isCurrent() {
    return feed.isCurrent();
  }

  /** A new subscription listener of the feed, not subscribed yet ({@link RevocationFeed}). */
  RevocationFeed.Listener installListener() {
    return feed.installListener();
  }

  /** Entries held by the replica, for tests and metrics. */
  int replicaSize() {
    return replica.size();
  }

  /** Forgets every replica entry that has ended by {@code now}. */
  void purge(long now) {
    replica.purge(now);
  }

  @Override
  public void close() {
    feed.close();
  }
}

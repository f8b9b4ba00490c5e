package dev.latchkey.redis;

import dev.latchkey.core.internal.Sha256Digest;
import java.time.Clock;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-memory copy of every live revocation entry: no I/O, no threads, an injected clock. {@link
 * RevocationFeed} fills it from Redis (pub/sub messages and resync scans) and reads it back to
 * write what Redis lost; {@link RedisRevocationList} fills it with its own writes and asks it
 * first.
 *
 * <p>Keyed by the digests themselves ({@link RevocationDigests}), not by key strings: a check
 * hashes {@code iss|jti} (and the subject, unless the replica holds no subject entry) and looks the
 * digests up. Entries only ever get later: merging an earlier end or cut-off changes nothing, so
 * messages may arrive in any order and twice. Keys that no check of this version could look up
 * (another prefix or shape) are ignored. A hit is authoritative ("revoked"); a miss means only "not
 * known here", which the list trusts only while the feed proves the replica current.
 *
 * <p>Bounded: Redis folds a subject's entries beyond its bound into the subject's not-before, so
 * the replica receives at most that many live entries of one subject; {@link #purge} forgets every
 * entry that has ended; and it holds at most about {@code maximumEntries} digests in all (racing
 * writers may pass the bound by one each). A new entry beyond that is not kept, and the replica is
 * then not {@linkplain #complete() complete}: a miss proves nothing, so every check that finds no
 * entry here asks Redis (fail closed) until a resync that fits. Thread-safe.
 */
final class RevocationReplica {
  /** The default bound on the digests held in all: about 150 MB of entries. */
  static final int DEFAULT_MAXIMUM_ENTRIES = 1_000_000;

  private final Keys keys;
  private final RevocationDigests digests;
  private final Clock clock;

  /**
   * Revoked tokens by the digest of {@code iss|jti}, each with its expiry ms per subject shard it
   * was revoked under: that is one Redis key each, and a check matches only its own subject's (a
   * token is practically always revoked under one subject). The maps are immutable.
   */
  private final ConcurrentHashMap<Sha256Digest, Map<String, Long>> tokens =
      new ConcurrentHashMap<>();

  /** Subject digest -> {not-before ms, retain-until ms}; arrays are never mutated once shared. */
  private final ConcurrentHashMap<Sha256Digest, long[]> subjects = new ConcurrentHashMap<>();

  /**
   * Never less than the number of entries in {@link #subjects}: raised inside an insertion, before
   * the entry is visible, and lowered only after a removal. So zero proves the map empty, and a
   * check then needs no subject digest; an entry a revocation has put is counted by the time the
   * call returns. ({@code ConcurrentHashMap.isEmpty} is only an estimate while the map changes.)
   */
  private final AtomicInteger subjectEntries = new AtomicInteger();

  /** Revoked families by the digest of {@code f|family id}, per subject shard, as tokens. */
  private final ConcurrentHashMap<Sha256Digest, Map<String, Long>> families =
      new ConcurrentHashMap<>();

  /** Never less than the number of entries in {@link #families}, as {@link #subjectEntries}. */
  private final AtomicInteger familyEntries = new AtomicInteger();

  private final int maximumEntries;

  /** Whether an entry was left out since the last {@link #beginResync}. */
  private volatile boolean overflowed;

  RevocationReplica(Keys keys, RevocationDigests digests, Clock clock) {
    this(keys, digests, clock, DEFAULT_MAXIMUM_ENTRIES);
  }

  /** With a bound on the digests held in all. */
  RevocationReplica(Keys keys, RevocationDigests digests, Clock clock, int maximumEntries) {
    if (maximumEntries < 1) {
      throw new IllegalArgumentException("maximumEntries must be at least 1: " + maximumEntries);
    }
    this.keys = Objects.requireNonNull(keys, "keys");
    this.digests = Objects.requireNonNull(digests, "digests");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maximumEntries = maximumEntries;
  }

  /**
   * Whether every entry merged since the last {@link #beginResync} is held: only then can a miss
   * mean "not revoked".
   */
  boolean complete() {
    return !overflowed;
  }

  /**
   * Starts a resync, which merges everything Redis holds again: entries left out before it are
   * among those, so the replica is complete again unless the resync itself overflows.
   */
  void beginResync() {
    overflowed = false;
  }

  /** Whether the replica is down to half its bound: room for a resync to fit again. */
  boolean hasRoom() {
    return size() <= maximumEntries / 2;
  }

  /** Whether a new digest may be added; records the overflow when not. */
  private boolean admits(Map<Sha256Digest, ?> map, Sha256Digest key) {
    if (map.containsKey(key) || size() < maximumEntries) {
      return true;
    }
    overflowed = true;
    return false;
  }

  /**
   * Whether an entry held here revokes the token now: true is final; false means only that no entry
   * here does. Hashes the subject only when an entry might need it, and reads the clock only on a
   * hit.
   */
  boolean revokes(Sha256Digest token, String subject, String familyId, long issuedAtMs) {
    Sha256Digest subjectHash = null;
    Map<String, Long> revoked = tokens.get(token);
    if (revoked != null) {
      subjectHash = digests.subject(subject);
      Long exp = revoked.get(RevocationDigests.shard(subjectHash));
      if (exp != null && exp > clock.millis()) {
        return true;
      }
    }
    if (subjectEntries.get() > 0) {
      if (subjectHash == null) {
        subjectHash = digests.subject(subject);
      }
      long[] s = subjects.get(subjectHash);
      if (s != null && issuedAtMs < s[0] && s[1] > clock.millis()) {
        return true;
      }
    }
    if (familyId != null && familyEntries.get() > 0) {
      if (subjectHash == null) {
        subjectHash = digests.subject(subject);
      }
      Map<String, Long> ended = families.get(digests.family(familyId));
      Long until = ended == null ? null : ended.get(RevocationDigests.shard(subjectHash));
      if (until != null && until > clock.millis()) {
        return true;
      }
    }
    return false;
  }

  void mergeToken(Sha256Digest token, String shard, long exp) {
    if (!admits(tokens, token)) {
      return;
    }
    tokens.merge(token, Map.of(shard, exp), RevocationReplica::laterPerShard);
  }

  void mergeFamily(Sha256Digest family, String shard, long keep) {
    if (!admits(families, family)) {
      return;
    }
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

  void mergeSubject(Sha256Digest subject, long nbf, long keep) {
    if (!admits(subjects, subject)) {
      return;
    }
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

  private static Map<String, Long> laterPerShard(Map<String, Long> a, Map<String, Long> b) {
    Map<String, Long> merged = new HashMap<>(a);
    b.forEach((shard, exp) -> merged.merge(shard, exp, Math::max));
    return Map.copyOf(merged);
  }

  /**
   * Applies a published entry: {@code t <exp> <token key>}, {@code s <nbf>:<keep> <subject key>} or
   * {@code g <keep> <family key>}. A message this version cannot read (another library version,
   * garbage) is ignored.
   */
  void apply(String message) {
    try {
      String[] parts = message.split(" ", 3);
      if (parts.length != 3) {
        return;
      }
      if (parts[0].equals("g")) {
        mergeFamilyKey(parts[2], parts[1]);
        return;
      }
      Keys.RevocationKey key = keys.parseRevocation(parts[2]);
      if (key != null && parts[0].equals(key.subject() ? "s" : "t")) {
        merge(key, parts[1]);
      }
    } catch (RuntimeException e) {
      // Unreadable: ignore it.
    }
  }

  /** Merges an entry read from Redis by its key and value; an unreadable one is left out. */
  void mergeStored(String key, String value) {
    try {
      Keys.RevocationKey parsed = keys.parseRevocation(key);
      if (parsed == null) {
        mergeFamilyKey(key, value);
      } else {
        merge(parsed, value);
      }
    } catch (RuntimeException e) {
      // An unreadable entry: Redis lets it expire.
    }
  }

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

  private void mergeFamilyKey(String key, String value) {
    Keys.RevocationKey family = keys.parseFamilyRevocation(key);
    if (family != null) {
      mergeFamily(family.hash(), family.shard(), Long.parseLong(value));
    }
  }

  /**
   * A subject entry's value {@code <not-before ms>:<retain-until ms>} as two numbers; null without
   * a colon.
   *
   * @throws NumberFormatException when a part is no number
   */
  static long[] parseSubject(String value) {
    int colon = value.indexOf(':');
    if (colon < 0) {
      return null;
    }
    return new long[] {
      Long.parseLong(value.substring(0, colon)), Long.parseLong(value.substring(colon + 1))
    };
  }

  /** Receives every entry held, as Redis stores it: its key and its value. */
  interface Entries {
    void entry(String key, String value, long until, long notBefore, String type);
  }

  /**
   * Hands every entry held to {@code out}: its Redis key, the value Redis would hold for it, its
   * end, its not-before (subjects only, 0 otherwise) and its message type ({@code t}, {@code s} or
   * {@code g}).
   */
  void forEach(Entries out) {
    tokens.forEach(
        (token, perShard) ->
            perShard.forEach(
                (shard, exp) ->
                    out.entry(keys.revokedToken(shard, token), exp.toString(), exp, 0, "t")));
    subjects.forEach(
        (subject, v) ->
            out.entry(keys.revokedSubject(subject), v[0] + ":" + v[1], v[1], v[0], "s"));
    families.forEach(
        (family, perShard) ->
            perShard.forEach(
                (shard, keep) ->
                    out.entry(keys.revokedFamily(shard, family), keep.toString(), keep, 0, "g")));
  }

  /** Forgets every entry that has ended by {@code nowMs}. */
  void purge(long nowMs) {
    for (Map.Entry<Sha256Digest, Map<String, Long>> e : tokens.entrySet()) {
      // Rebuilt only when one of its shards has ended: this runs on every heartbeat.
      if (Collections.min(e.getValue().values()) <= nowMs) {
        tokens.computeIfPresent(e.getKey(), (k, perShard) -> unexpired(perShard, nowMs));
      }
    }
    for (Map.Entry<Sha256Digest, Map<String, Long>> e : families.entrySet()) {
      if (Collections.min(e.getValue().values()) <= nowMs) {
        families.computeIfPresent(
            e.getKey(),
            (k, perShard) -> {
              Map<String, Long> live = unexpired(perShard, nowMs);
              if (live == null) {
                // Uncounted inside the removal, so only once: see familyEntries.
                familyEntries.decrementAndGet();
              }
              return live;
            });
      }
    }
    for (Map.Entry<Sha256Digest, long[]> e : subjects.entrySet()) {
      // Removed first, uncounted after: see subjectEntries.
      if (e.getValue()[1] <= nowMs && subjects.remove(e.getKey(), e.getValue())) {
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

  /** Entries held: tokens, subjects and families (a token or family counted once per digest). */
  int size() {
    return tokens.size() + subjects.size() + families.size();
  }
}

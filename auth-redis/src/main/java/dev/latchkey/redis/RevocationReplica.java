package dev.latchkey.redis;

import dev.latchkey.core.internal.Sha256Digest;
import java.time.Clock;
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
 * hashes {@code iss|jti} (and the subject, only when an entry might need it) and looks the digests
 * up. Token and family entries are one per Redis key, a digest and its subject shard, in a compact
 * table ({@link RevocationTable}: 65 to 98 bytes an entry, no object per entry); a check matches
 * only its own subject's shard. Subject entries, at most one per subject, are a map. Entries only
 * ever get later: merging an earlier end or cut-off changes nothing, so messages may arrive in any
 * order and twice. Keys that no check of this version could look up (another prefix or shape) are
 * ignored. A hit is authoritative ("revoked"); a miss means only "not known here", which the list
 * trusts only while the feed proves the replica current.
 *
 * <p>Bounded: Redis folds a subject's entries beyond its bound into the subject's not-before, so
 * the replica receives at most that many live entries of one subject; {@link #purge} forgets every
 * entry that has ended; and it holds at most about {@code maximumEntries} entries in all (racing
 * writers may pass the bound by one each). A new entry beyond that is not kept, and the replica is
 * then not {@linkplain #complete() complete}: a miss proves nothing, so every check that finds no
 * entry here asks Redis (fail closed) until a resync that fits. Thread-safe.
 */
final class RevocationReplica {
  /** The default bound on the entries held in all: at most about 100 MB of token entries. */
  static final int DEFAULT_MAXIMUM_ENTRIES = 1_000_000;

  private final Keys keys;
  private final RevocationDigests digests;
  private final Clock clock;

  /** Revoked tokens by the digest of {@code iss|jti} and subject shard: expiry ms. */
  private final RevocationTable tokens = new RevocationTable();

  /** Subject digest -> {not-before ms, retain-until ms}; arrays are never mutated once shared. */
  private final ConcurrentHashMap<Sha256Digest, long[]> subjects = new ConcurrentHashMap<>();

  /**
   * Never less than the number of entries in {@link #subjects}: raised inside an insertion, before
   * the entry is visible, and lowered only after a removal. So zero proves the map empty, and a
   * check then needs no subject digest; an entry a revocation has put is counted by the time the
   * call returns. ({@code ConcurrentHashMap.isEmpty} is only an estimate while the map changes.)
   */
  private final AtomicInteger subjectEntries = new AtomicInteger();

  /** Revoked families by the digest of {@code f|family id} and subject shard: retain-until ms. */
  private final RevocationTable families = new RevocationTable();

  private final int maximumEntries;

  /** Whether an entry was left out since the last {@link #beginResync}. */
  private volatile boolean overflowed;

  RevocationReplica(Keys keys, RevocationDigests digests, Clock clock) {
    this(keys, digests, clock, DEFAULT_MAXIMUM_ENTRIES);
  }

  /** With a bound on the entries held in all. */
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

  /** Whether a new entry may be added now: the bound is not reached. */
  private boolean hasSpace() {
    return size() < maximumEntries;
  }

  /** Merges into a table within the bound; records the overflow when an entry is left out. */
  private void mergeWithin(RevocationTable table, Sha256Digest digest, String shard, long end) {
    long code = RevocationDigests.shardCode(shard);
    if (code < 0) {
      // Not a subject's shard: no check looks this entry up.
      return;
    }
    mergeCoded(table, digest, code, end);
  }

  /**
   * Whether an entry held here revokes the token now: true is final; false means only that no entry
   * here does. Hashes the subject only when an entry might need it, and reads the clock only on a
   * hit.
   */
  boolean revokes(Sha256Digest token, String subject, String familyId, long issuedAtMs) {
    Sha256Digest subjectHash = null;
    if (tokens.holdsAny(token)) {
      subjectHash = digests.subject(subject);
      long exp = tokens.end(token, RevocationDigests.shardCode(subjectHash));
      if (exp != 0 && exp > clock.millis()) {
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
    if (familyId != null && families.size() > 0) {
      if (subjectHash == null) {
        subjectHash = digests.subject(subject);
      }
      long until = families.end(digests.family(familyId), RevocationDigests.shardCode(subjectHash));
      if (until != 0 && until > clock.millis()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Merges a token entry: {@code token}'s digest revoked under the subject shard {@code shard}
   * until {@code exp}. A shard no subject has is ignored: no check could look it up.
   */
  void mergeToken(Sha256Digest token, String shard, long exp) {
    mergeWithin(tokens, token, shard, exp);
  }

  /** Merges a family entry, as {@link #mergeToken}. */
  void mergeFamily(Sha256Digest family, String shard, long keep) {
    mergeWithin(families, family, shard, keep);
  }

  void mergeSubject(Sha256Digest subject, long nbf, long keep) {
    if (!subjects.containsKey(subject) && !hasSpace()) {
      overflowed = true;
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
        (token, shard, exp) ->
            out.entry(
                keys.revokedToken(RevocationDigests.shardText(shard), token),
                Long.toString(exp),
                exp,
                0,
                "t"));
    subjects.forEach(
        (subject, v) ->
            out.entry(keys.revokedSubject(subject), v[0] + ":" + v[1], v[1], v[0], "s"));
    families.forEach(
        (family, shard, keep) ->
            out.entry(
                keys.revokedFamily(RevocationDigests.shardText(shard), family),
                Long.toString(keep),
                keep,
                0,
                "g"));
  }

  /** A new empty replica with this one's keys, digests, clock and bound. */
  RevocationReplica emptyCopy() {
    return new RevocationReplica(keys, digests, clock, maximumEntries);
  }

  /**
   * Merges every entry {@code from} holds, as each merge method would. When {@code from} left an
   * entry out for its bound, this replica is not complete either.
   */
  void mergeAll(RevocationReplica from) {
    from.tokens.forEach((token, shard, exp) -> mergeCoded(tokens, token, shard, exp));
    from.families.forEach((family, shard, keep) -> mergeCoded(families, family, shard, keep));
    from.subjects.forEach((subject, v) -> mergeSubject(subject, v[0], v[1]));
    if (!from.complete()) {
      overflowed = true;
    }
  }

  private void mergeCoded(RevocationTable table, Sha256Digest digest, long shard, long end) {
    if (table.merge(digest, shard, end, hasSpace()) == RevocationTable.Merge.REFUSED) {
      overflowed = true;
    }
  }

  /**
   * Hands to {@code out}, as {@link #forEach} does, every entry held here that {@code other} does
   * not hold with the same value (it lacks it, or holds an earlier end): what a resync writes back.
   * Builds key text only for those.
   */
  void forEachNotIn(RevocationReplica other, Entries out) {
    tokens.forEach(
        (token, shard, exp) -> {
          if (other.tokens.end(token, shard) != exp) {
            out.entry(
                keys.revokedToken(RevocationDigests.shardText(shard), token),
                Long.toString(exp),
                exp,
                0,
                "t");
          }
        });
    subjects.forEach(
        (subject, v) -> {
          long[] o = other.subjects.get(subject);
          if (o == null || o[0] != v[0] || o[1] != v[1]) {
            out.entry(keys.revokedSubject(subject), v[0] + ":" + v[1], v[1], v[0], "s");
          }
        });
    families.forEach(
        (family, shard, keep) -> {
          if (other.families.end(family, shard) != keep) {
            out.entry(
                keys.revokedFamily(RevocationDigests.shardText(shard), family),
                Long.toString(keep),
                keep,
                0,
                "g");
          }
        });
  }

  /** Forgets every entry that has ended by {@code nowMs}. */
  void purge(long nowMs) {
    tokens.purge(nowMs);
    families.purge(nowMs);
    for (Map.Entry<Sha256Digest, long[]> e : subjects.entrySet()) {
      // Removed first, uncounted after: see subjectEntries.
      if (e.getValue()[1] <= nowMs && subjects.remove(e.getKey(), e.getValue())) {
        subjectEntries.decrementAndGet();
      }
    }
  }

  /** Entries held: tokens, subjects and families (a token or family once per subject shard). */
  int size() {
    return tokens.size() + subjects.size() + families.size();
  }
}

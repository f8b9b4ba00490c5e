package dev.latchkey.redis;

import dev.latchkey.core.internal.Sha256Digest;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Token or family revocation entries of the {@link RevocationReplica}: for each digest and subject
 * shard, the end of the revocation in epoch ms. An open-addressing table (linear probing) over two
 * arrays with no object per entry: a {@code long[]} of six words a slot (the end, the digest's four
 * words, the shard as a number, {@link RevocationDigests#shardCode}) and a {@code byte[]} of one
 * tag a slot (0 while the slot is empty, otherwise eight bits of the digest). That is 49 bytes a
 * slot; the table is rebuilt to twice its live entries whenever its used slots would pass three
 * quarters, so it holds 65 to 98 bytes per live entry once past its first slots. A lookup of a
 * digest not held (the common case) mostly reads tags, 1/49 of the table, and touches a slot's
 * words only when a tag matches. The whole digest is kept, not a prefix: a resync writes back what
 * Redis lost under the entry's own key.
 *
 * <p>Entries only ever get later: merging an earlier end changes nothing. {@link #purge} marks
 * ended entries dead; a dead slot is never written again (its tag stays for probes to pass over),
 * and the next rebuild leaves it out.
 *
 * <p>Thread-safe: writers (merge, purge, rebuild) hold this object's lock; lookups take none. A
 * slot goes only from empty to live (its words written, then its tag with release semantics), then
 * to a later end or dead, and is never reused, so a lookup that reads a tag with acquire semantics
 * and finds it set reads that slot's one key, never a half-written one. A rebuild fills new arrays
 * and publishes them through a volatile field; a lookup works on the arrays it read first, which
 * hold every entry merged before it started (later merges go only to the new arrays, published
 * before them). A lookup that meets an empty slot stops: an entry is put in the first empty slot of
 * its probe sequence, and slots never become empty again.
 */
final class RevocationTable {
  /** What a merge did. */
  enum Merge {
    /** A new entry was put. */
    ADDED,
    /** The entry was held already, and now ends at the later of both ends. */
    MERGED,
    /** The entry was not held and may not be added: nothing changed. */
    REFUSED
  }

  private static final int STRIDE = 6;

  /** The end first: a probe reads it with the digest's first word, never across a cache line. */
  private static final int END = 0;

  private static final int DIGEST = 1;
  private static final int SHARD = 5;

  /** The tag of a slot never written: probes stop here. */
  private static final byte EMPTY = 0;

  /** The end of a slot whose entry has ended and been purged: probes pass over it. */
  private static final long DEAD = -1;

  private static final int MIN_CAPACITY = 16;

  /** The most slots one {@code long[]} can hold. */
  private static final int MAX_CAPACITY = (Integer.MAX_VALUE - 8) / STRIDE;

  private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle TAGS = MethodHandles.arrayElementVarHandle(byte[].class);

  /** The arrays of one capacity, published together; replaced whole by a rebuild. */
  private static final class Slots {
    final int capacity;
    final long[] words;
    final byte[] tags;

    Slots(int capacity) {
      this.capacity = capacity;
      this.words = new long[capacity * STRIDE];
      this.tags = new byte[capacity];
    }
  }

  /**
   * Mixed into every home slot, different for each table: copying one table into another in slot
   * order then inserts in random order. (With one hash for all, the copy would insert keys sorted
   * by home, and a table growing under them would pile them all into one cluster.)
   */
  private final long seed = ThreadLocalRandom.current().nextLong();

  private volatile Slots slots = new Slots(MIN_CAPACITY);

  /** Slots not empty (live or dead) in {@link #slots}; guarded by this. */
  private int used;

  /**
   * Never less than the live entries: raised before a new entry's tag is published, lowered after a
   * purge marks one dead. Zero so proves the table empty.
   */
  private volatile int live;

  /** Live entries (ended ones included until purged); an upper bound while writers run. */
  int size() {
    return live;
  }

  /** Bytes of the table's arrays: what it costs, whatever it holds. */
  long footprintBytes() {
    Slots s = slots;
    return (long) s.words.length * Long.BYTES + s.tags.length;
  }

  /** Whether a live entry of {@code digest} is held under any shard. */
  boolean holdsAny(Sha256Digest digest) {
    return find(digest, 0, false) != 0;
  }

  /**
   * The end of {@code digest}'s entry under {@code shard}, as last merged (ended or not, until
   * purged); 0 when none is held.
   */
  long end(Sha256Digest digest, long shard) {
    return find(digest, shard, true);
  }

  /**
   * The end of the first live entry of {@code digest} (under {@code shard} if asked); 0 if none.
   */
  private long find(Sha256Digest digest, long shard, boolean matchShard) {
    Slots s = slots;
    long[] w = s.words;
    byte[] tags = s.tags;
    byte tag = tag(digest);
    int i = home(digest.w0(), s.capacity);
    for (int probes = 0; probes < s.capacity; probes++) {
      byte seen = (byte) TAGS.getAcquire(tags, i);
      if (seen == EMPTY) {
        return 0;
      }
      if (seen == tag) {
        int b = i * STRIDE;
        long end = (long) WORDS.getAcquire(w, b + END);
        if (end != DEAD && (!matchShard || w[b + SHARD] == shard) && sameDigest(w, b, digest)) {
          return end;
        }
      }
      i = next(i, s.capacity);
    }
    return 0;
  }

  /**
   * Merges an entry: a held one ends at the later of both ends; a new one is put only when {@code
   * mayAdd} (and the table can grow). An end of 0 or less has passed already: nothing to hold.
   */
  synchronized Merge merge(Sha256Digest digest, long shard, long end, boolean mayAdd) {
    if (end <= 0) {
      return Merge.MERGED;
    }
    Slots s = slots;
    long[] w = s.words;
    byte tag = tag(digest);
    int i = home(digest.w0(), s.capacity);
    for (int probes = 0; probes < s.capacity; probes++) {
      byte seen = s.tags[i];
      if (seen == EMPTY) {
        break;
      }
      int b = i * STRIDE;
      long held = w[b + END];
      if (seen == tag && held != DEAD && w[b + SHARD] == shard && sameDigest(w, b, digest)) {
        if (end > held) {
          WORDS.setRelease(w, b + END, end);
        }
        return Merge.MERGED;
      }
      i = next(i, s.capacity);
    }
    if (!mayAdd) {
      return Merge.REFUSED;
    }
    if ((long) (used + 1) * 4 > (long) s.capacity * 3) {
      long wanted = Math.max(MIN_CAPACITY, 2L * (live + 1));
      if (wanted > MAX_CAPACITY && (long) (used + 1) >= s.capacity) {
        return Merge.REFUSED;
      }
      rebuild((int) Math.min(MAX_CAPACITY, wanted));
    }
    put(digest, shard, end);
    return Merge.ADDED;
  }

  /** Puts a new entry in the first empty slot of its sequence; the caller holds the lock. */
  @SuppressWarnings("NonAtomicVolatileUpdate") // only ever written under the lock
  private void put(Sha256Digest digest, long shard, long end) {
    Slots s = slots;
    int i = home(digest.w0(), s.capacity);
    while (s.tags[i] != EMPTY) {
      i = next(i, s.capacity);
    }
    long[] w = s.words;
    int b = i * STRIDE;
    w[b + END] = end;
    w[b + DIGEST] = digest.w0();
    w[b + DIGEST + 1] = digest.w1();
    w[b + DIGEST + 2] = digest.w2();
    w[b + DIGEST + 3] = digest.w3();
    w[b + SHARD] = shard;
    used++;
    // Counted before it is visible: see live.
    live = live + 1;
    TAGS.setRelease(s.tags, i, tag(digest));
  }

  /** Marks every entry that has ended by {@code nowMs} dead; shrinks a mostly empty table. */
  @SuppressWarnings("NonAtomicVolatileUpdate") // only ever written under the lock
  synchronized void purge(long nowMs) {
    Slots s = slots;
    long[] w = s.words;
    int ended = 0;
    for (int i = 0; i < s.capacity; i++) {
      if (s.tags[i] == EMPTY) {
        continue;
      }
      int b = i * STRIDE + END;
      long end = w[b];
      if (end != DEAD && end <= nowMs) {
        WORDS.setRelease(w, b, DEAD);
        ended++;
      }
    }
    if (ended > 0) {
      live = live - ended;
    }
    if (s.capacity > MIN_CAPACITY && live < s.capacity / 8) {
      rebuild(Math.max(MIN_CAPACITY, 2 * live));
    }
  }

  /**
   * Copies the live entries into new arrays of {@code capacity} slots and publishes them; the
   * caller holds the lock. The old arrays are left as they are for lookups still reading them.
   */
  private void rebuild(int capacity) {
    Slots old = slots;
    Slots s = new Slots(capacity);
    int copied = 0;
    for (int from = 0; from < old.capacity; from++) {
      int b = from * STRIDE;
      if (old.tags[from] == EMPTY || old.words[b + END] == DEAD) {
        continue;
      }
      int i = home(old.words[b + DIGEST], capacity);
      while (s.tags[i] != EMPTY) {
        i = next(i, capacity);
      }
      System.arraycopy(old.words, b, s.words, i * STRIDE, STRIDE);
      s.tags[i] = old.tags[from];
      copied++;
    }
    used = copied;
    slots = s;
  }

  /** Receives a live entry. */
  interface Entries {
    void entry(Sha256Digest digest, long shard, long end);
  }

  /** Hands every entry not purged to {@code out}, from the arrays as they are now. */
  void forEach(Entries out) {
    Slots s = slots;
    long[] w = s.words;
    for (int i = 0; i < s.capacity; i++) {
      if ((byte) TAGS.getAcquire(s.tags, i) == EMPTY) {
        continue;
      }
      int b = i * STRIDE;
      long end = (long) WORDS.getAcquire(w, b + END);
      if (end != DEAD) {
        out.entry(
            new Sha256Digest(
                w[b + DIGEST], w[b + DIGEST + 1], w[b + DIGEST + 2], w[b + DIGEST + 3]),
            w[b + SHARD],
            end);
      }
    }
  }

  private static boolean sameDigest(long[] w, int b, Sha256Digest d) {
    return w[b + DIGEST] == d.w0()
        && w[b + DIGEST + 1] == d.w1()
        && w[b + DIGEST + 2] == d.w2()
        && w[b + DIGEST + 3] == d.w3();
  }

  /** Eight bits of the digest that the home slot does not use, never {@link #EMPTY}. */
  private static byte tag(Sha256Digest d) {
    int t = (int) (d.w1() >>> 56);
    return (byte) (t == 0 ? 1 : t);
  }

  /**
   * The first slot of a digest's sequence: 32 bits of its first word, mixed with this table's seed,
   * scaled to the capacity (which need not be a power of two).
   */
  private int home(long w0, int capacity) {
    long mixed = ((w0 ^ seed) * 0x9E3779B97F4A7C15L) >>> 32;
    return (int) ((mixed * capacity) >>> 32);
  }

  private static int next(int i, int capacity) {
    return i + 1 == capacity ? 0 : i + 1;
  }
}

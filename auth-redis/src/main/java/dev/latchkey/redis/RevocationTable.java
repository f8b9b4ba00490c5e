package dev.latchkey.redis;

import dev.latchkey.core.internal.Sha256Digest;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Token or family revocation entries of the {@link RevocationReplica}: for each digest and subject
 * shard, the end of the revocation in epoch ms. An open-addressing table (linear probing) over one
 * {@code long[]}, six words a slot: the digest's four words, the shard as a number ({@link
 * RevocationDigests#shardCode}) and the end. That is 48 bytes a slot with no object per entry; the
 * table is rebuilt to twice its live entries whenever its used slots would pass three quarters, so
 * it holds 64 to 96 bytes per live entry once past its first slots. The whole digest is kept, not a
 * prefix: a resync writes back what Redis lost under the entry's own key.
 *
 * <p>Entries only ever get later: merging an earlier end changes nothing. {@link #purge} marks
 * ended entries dead; a dead slot is never written again (its key stays for probes to pass over),
 * and the next rebuild leaves it out.
 *
 * <p>Thread-safe: writers (merge, purge, rebuild) hold this object's lock; lookups take none. A
 * slot goes only from empty to live (its key words written, then its end with release semantics),
 * then to a later end or dead, and is never reused, so a lookup that reads a slot's end with
 * acquire semantics and finds it non-empty reads that slot's one key, never a half-written one. A
 * rebuild fills a new array and publishes it through a volatile field; a lookup works on the array
 * it read first, which holds every entry merged before it started (later merges of a rebuilt table
 * go only to the new array, published before them). A lookup that meets an empty slot stops: an
 * entry is put in the first empty slot of its probe sequence, and slots never become empty again.
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
  private static final int SHARD = 4;
  private static final int END = 5;

  /** The end of a slot never written: probes stop here. */
  private static final long EMPTY = 0;

  /** The end of a slot whose entry has ended and been purged: probes pass over it. */
  private static final long DEAD = -1;

  private static final int MIN_CAPACITY = 16;

  /** The most slots one {@code long[]} can hold. */
  private static final int MAX_CAPACITY = (Integer.MAX_VALUE - 8) / STRIDE;

  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);

  /** {@code STRIDE} words per slot; replaced whole by a rebuild, never shrunk in place. */
  private volatile long[] slots = new long[MIN_CAPACITY * STRIDE];

  /**
   * Mixed into every home slot, different for each table: copying one table into another in slot
   * order then inserts in random order. (With one hash for all, the copy would insert keys sorted
   * by home, and a table growing under them would pile them all into one cluster.)
   */
  private final long seed = ThreadLocalRandom.current().nextLong();

  /** Slots not empty (live or dead) in {@link #slots}; guarded by this. */
  private int used;

  /**
   * Never less than the live entries: raised before a new entry's end is published, lowered after a
   * purge marks one dead. Zero so proves the table empty.
   */
  private volatile int live;

  /** Live entries (ended ones included until purged); an upper bound while writers run. */
  int size() {
    return live;
  }

  /** Bytes of the table's array: what it costs, whatever it holds. */
  long footprintBytes() {
    return (long) slots.length * Long.BYTES;
  }

  /** Whether a live entry of {@code digest} is held under any shard. */
  boolean holdsAny(Sha256Digest digest) {
    long[] s = slots;
    int capacity = s.length / STRIDE;
    int i = home(digest.w0(), capacity);
    for (int probes = 0; probes < capacity; probes++) {
      int b = i * STRIDE;
      long end = (long) SLOTS.getAcquire(s, b + END);
      if (end == EMPTY) {
        return false;
      }
      if (end != DEAD && sameDigest(s, b, digest)) {
        return true;
      }
      i = next(i, capacity);
    }
    return false;
  }

  /**
   * The end of {@code digest}'s entry under {@code shard}, as last merged (ended or not, until
   * purged); 0 when none is held.
   */
  long end(Sha256Digest digest, long shard) {
    long[] s = slots;
    int capacity = s.length / STRIDE;
    int i = home(digest.w0(), capacity);
    for (int probes = 0; probes < capacity; probes++) {
      int b = i * STRIDE;
      long end = (long) SLOTS.getAcquire(s, b + END);
      if (end == EMPTY) {
        return 0;
      }
      if (end != DEAD && s[b + SHARD] == shard && sameDigest(s, b, digest)) {
        return end;
      }
      i = next(i, capacity);
    }
    return 0;
  }

  /**
   * Merges an entry: a held one ends at the later of both ends; a new one is put only when {@code
   * mayAdd} (and the table can grow). An end of 0 or less has passed already: nothing to hold.
   */
  synchronized Merge merge(Sha256Digest digest, long shard, long end, boolean mayAdd) {
    if (end <= EMPTY) {
      return Merge.MERGED;
    }
    long[] s = slots;
    int capacity = s.length / STRIDE;
    int i = home(digest.w0(), capacity);
    for (int probes = 0; probes < capacity; probes++) {
      int b = i * STRIDE;
      long held = s[b + END];
      if (held == EMPTY) {
        break;
      }
      if (held != DEAD && s[b + SHARD] == shard && sameDigest(s, b, digest)) {
        if (end > held) {
          SLOTS.setRelease(s, b + END, end);
        }
        return Merge.MERGED;
      }
      i = next(i, capacity);
    }
    if (!mayAdd) {
      return Merge.REFUSED;
    }
    if ((long) (used + 1) * 4 > (long) capacity * 3) {
      long wanted = Math.max(MIN_CAPACITY, 2L * (live + 1));
      if (wanted > MAX_CAPACITY && (long) (used + 1) >= capacity) {
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
    long[] s = slots;
    int capacity = s.length / STRIDE;
    int i = home(digest.w0(), capacity);
    while (s[i * STRIDE + END] != EMPTY) {
      i = next(i, capacity);
    }
    int b = i * STRIDE;
    s[b] = digest.w0();
    s[b + 1] = digest.w1();
    s[b + 2] = digest.w2();
    s[b + 3] = digest.w3();
    s[b + SHARD] = shard;
    used++;
    // Counted before it is visible: see live.
    live = live + 1;
    SLOTS.setRelease(s, b + END, end);
  }

  /** Marks every entry that has ended by {@code nowMs} dead; shrinks a mostly empty table. */
  @SuppressWarnings("NonAtomicVolatileUpdate") // only ever written under the lock
  synchronized void purge(long nowMs) {
    long[] s = slots;
    int ended = 0;
    for (int b = END; b < s.length; b += STRIDE) {
      long end = s[b];
      if (end != EMPTY && end != DEAD && end <= nowMs) {
        SLOTS.setRelease(s, b, DEAD);
        ended++;
      }
    }
    if (ended > 0) {
      live = live - ended;
    }
    int capacity = s.length / STRIDE;
    if (capacity > MIN_CAPACITY && live < capacity / 8) {
      rebuild(Math.max(MIN_CAPACITY, 2 * live));
    }
  }

  /**
   * Copies the live entries into a new array of {@code capacity} slots and publishes it; the caller
   * holds the lock. The old array is left as it is for lookups still reading it.
   */
  private void rebuild(int capacity) {
    long[] old = slots;
    long[] s = new long[capacity * STRIDE];
    int copied = 0;
    for (int from = 0; from < old.length; from += STRIDE) {
      long end = old[from + END];
      if (end == EMPTY || end == DEAD) {
        continue;
      }
      int i = home(old[from], capacity);
      while (s[i * STRIDE + END] != EMPTY) {
        i = next(i, capacity);
      }
      System.arraycopy(old, from, s, i * STRIDE, STRIDE);
      copied++;
    }
    used = copied;
    slots = s;
  }

  /** Receives a live entry. */
  interface Entries {
    void entry(Sha256Digest digest, long shard, long end);
  }

  /** Hands every entry not purged to {@code out}, from the array as it is now. */
  void forEach(Entries out) {
    long[] s = slots;
    for (int b = 0; b < s.length; b += STRIDE) {
      long end = (long) SLOTS.getAcquire(s, b + END);
      if (end != EMPTY && end != DEAD) {
        out.entry(new Sha256Digest(s[b], s[b + 1], s[b + 2], s[b + 3]), s[b + SHARD], end);
      }
    }
  }

  private static boolean sameDigest(long[] s, int b, Sha256Digest d) {
    return s[b] == d.w0() && s[b + 1] == d.w1() && s[b + 2] == d.w2() && s[b + 3] == d.w3();
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

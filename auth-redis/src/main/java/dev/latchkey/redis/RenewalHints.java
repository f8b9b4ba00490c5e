package dev.latchkey.redis;

import dev.latchkey.core.spi.HashedId;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What this node last read of each session's lastSeenAt, so that a check it finds due for renewal
 * runs the renewing script alone (one round trip) instead of a read and then the script (two). Only
 * a hint: the script reads the session itself and renews only what is due, so a wrong or lost hint
 * costs a script where a read would do, or a second round trip, never a wrong answer.
 *
 * <p>Direct-mapped and fixed in size: a slot per 64-bit digest of the session's hash, the later
 * session taking a slot two share. No allocation per entry, a bounded footprint ({@link #SLOTS}
 * slots of two longs), and nothing an attacker's made-up ids can grow: only sessions read from
 * Redis are recorded. A slot's tag and time are two separate atomic writes, so a reader racing a
 * writer may pair one session's tag with another's time: that, too, only chooses the command.
 * Thread-safe.
 */
final class RenewalHints {
  /** 16,384 slots: 256 KiB, enough for the sessions one node sees in a renewal interval. */
  static final int SLOTS = 1 << 14;

  /** No hint: older than every lastSeenAt, so a check is never due by it. */
  static final long NONE = Long.MAX_VALUE;

  private final AtomicLongArray tags = new AtomicLongArray(SLOTS);
  private final AtomicLongArray lastSeen = new AtomicLongArray(SLOTS);

  /** The lastSeenAt (epoch ms) this node last read for {@code id}, or {@link #NONE}. */
  long lastSeenAt(HashedId id) {
    long tag = tag(id);
    int slot = slot(tag);
    return tags.get(slot) == tag ? lastSeen.get(slot) : NONE;
  }

  /** Records that {@code id} was read with {@code lastSeenAt} (epoch ms). */
  void saw(HashedId id, long lastSeenAt) {
    long tag = tag(id);
    int slot = slot(tag);
    // Time first: a reader that finds the new tag then finds this time or a later writer's.
    lastSeen.set(slot, lastSeenAt);
    tags.set(slot, tag);
  }

  /** Forgets {@code id}: it was deleted or moved. */
  void forget(HashedId id) {
    long tag = tag(id);
    tags.compareAndSet(slot(tag), tag, 0);
  }

  private static int slot(long tag) {
    return (int) (tag ^ (tag >>> 32)) & (SLOTS - 1);
  }

  /** A 64-bit FNV-1a of the shard and hash; never 0, which marks an empty slot. */
  private static long tag(HashedId id) {
    long h = 0xcbf29ce484222325L;
    h = mix(h, id.shard());
    h = mix(h, id.hash());
    return h == 0 ? 1 : h;
  }

  private static long mix(long h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001b3L;
    }
    return h;
  }
}

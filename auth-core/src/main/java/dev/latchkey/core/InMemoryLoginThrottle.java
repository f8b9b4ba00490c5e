package dev.latchkey.core;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link LoginThrottle} in this process's memory, counting exactly as {@link ThrottlePolicy}
 * describes. For one node; several nodes share a throttle in Redis ({@code auth-redis}).
 *
 * <p>Login names and addresses are compared exactly as given (case-sensitively); the password
 * strategy passes them already folded and grouped.
 *
 * <p><b>Memory.</b> A counter is forgotten once both its window and its lock have ended. Expired
 * counters are pruned while writing, and each of the two maps (names, addresses) holds at most
 * {@link Builder#maxEntries} counters (give or take one per concurrent writer): when a flood of
 * distinct keys fills one, the tenth of its counters that would end soonest is dropped, so memory
 * stays bounded whatever clients send, and long locks are the last to go.
 *
 * <p>Safe for concurrent use: a reservation checks and counts its name and address under one lock
 * (held for two map reads and two writes, never during pruning), so no more attempts are granted
 * than the policy allows however many arrive at once. Never throws {@link
 * StoreUnavailableException}.
 */
final class InMemoryLoginThrottle implements LoginThrottle {
  /** Default of {@link Builder#maxEntries}. */
  public static final int DEFAULT_MAX_ENTRIES = 100_000;

  /** Prune expired counters every this many reservations, even when far from the cap. */
  private static final int PRUNE_EVERY = 1024;

  private final ThrottlePolicy policy;
  private final Clock clock;
  private final int maxEntries;
  private final ConcurrentHashMap<String, Counter> names = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> addresses = new ConcurrentHashMap<>();
  private final AtomicLong writes = new AtomicLong();
  private final Object lock = new Object();

  /**
   * Attempts of one key in its window: how many, when the window started, until when the key is
   * locked (null: not locked), and when the counter is forgotten (the later of window and lock
   * end).
   */
  private record Counter(long attempts, Instant windowStart, Instant lockedUntil, Instant endsAt) {}

  private InMemoryLoginThrottle(Builder builder) {
    this.policy = builder.policy;
    this.clock = builder.clock;
    this.maxEntries = builder.maxEntries;
  }

  /** A builder for a throttle under {@code policy}, on the system UTC clock by default. */
  static Builder builder(ThrottlePolicy policy) {
    return new Builder(Objects.requireNonNull(policy, "policy"));
  }

  @Override
  public Reservation reserve(String loginName, String clientAddress) {
    Objects.requireNonNull(loginName, "loginName");
    Instant now = clock.instant();
    if (writes.incrementAndGet() % PRUNE_EVERY == 0) {
      prune(names, now);
      prune(addresses, now);
    }
    makeRoomFor(names, loginName, now);
    if (clientAddress != null) {
      makeRoomFor(addresses, clientAddress, now);
    }
    // Check both keys and count both in one step: an attempt checked but not yet counted is how
    // concurrent guesses would slip past a lock.
    synchronized (lock) {
      Counter byName = live(names.get(loginName), now);
      Counter byAddress = clientAddress == null ? null : live(addresses.get(clientAddress), now);
      Instant refusedUntil = later(lockOf(byName, now), lockOf(byAddress, now));
      if (refusedUntil != null) {
        return Reservation.refuse(refusedUntil);
      }
      Counter name = next(byName, policy.maxFailuresPerName(), now);
      names.put(loginName, name);
      Instant locks = name.lockedUntil();
      if (clientAddress != null) {
        Counter address = next(byAddress, policy.maxFailuresPerAddress(), now);
        addresses.put(clientAddress, address);
        locks = later(locks, address.lockedUntil());
      }
      return Reservation.grant(locks);
    }
  }

  @Override
  public void recordSuccess(String loginName, String clientAddress) {
    Objects.requireNonNull(loginName, "loginName");
    Instant now = clock.instant();
    synchronized (lock) {
      names.remove(loginName);
      if (clientAddress == null) {
        return;
      }
      Counter c = live(addresses.get(clientAddress), now);
      if (c == null) {
        return;
      }
      long attempts = c.attempts() - 1;
      if (attempts <= 0) {
        addresses.remove(clientAddress);
        return;
      }
      // The address's own failures keep their lock; a lock only this right attempt reached ends.
      Instant locked = attempts < policy.maxFailuresPerAddress() ? null : c.lockedUntil();
      Instant ends = endsAt(c.windowStart(), locked);
      addresses.put(clientAddress, new Counter(attempts, c.windowStart(), locked, ends));
    }
  }

  /** How many counters are held now, names and addresses together (for tests and metrics). */
  int size() {
    return names.size() + addresses.size();
  }

  /** The counter after one more attempt at {@code now}, locked when it reaches {@code limit}. */
  private Counter next(Counter live, int limit, Instant now) {
    long attempts = live == null ? 1 : live.attempts() + 1;
    Instant windowStart = live == null ? now : live.windowStart();
    Instant locked = policy.lockedUntil(attempts, limit, now);
    return new Counter(attempts, windowStart, locked, endsAt(windowStart, locked));
  }

  private Instant endsAt(Instant windowStart, Instant locked) {
    Instant windowEnd = windowStart.plus(policy.window());
    return locked != null && locked.isAfter(windowEnd) ? locked : windowEnd;
  }

  /** {@code c} if it still counts at {@code now}, else null. */
  private static Counter live(Counter c, Instant now) {
    return c == null || !now.isBefore(c.endsAt()) ? null : c;
  }

  /** The unlock time of a live counter locked at {@code now}, else null. */
  private static Instant lockOf(Counter c, Instant now) {
    return c != null && c.lockedUntil() != null && now.isBefore(c.lockedUntil())
        ? c.lockedUntil()
        : null;
  }

  private void makeRoomFor(Map<String, Counter> map, String key, Instant now) {
    if (!map.containsKey(key) && map.size() >= maxEntries) {
      makeRoom(map, now);
    }
  }

  private void makeRoom(Map<String, Counter> map, Instant now) {
    prune(map, now);
    if (map.size() < maxEntries) {
      return;
    }
    // Still full of live counters: drop the tenth that would end soonest, so a flood costs one
    // sort per tenth of the cap rather than one per key.
    List<Map.Entry<String, Counter>> entries = new ArrayList<>(map.entrySet());
    entries.sort(Comparator.comparing(e -> e.getValue().endsAt()));
    int drop = Math.max(1, maxEntries / 10);
    for (int i = 0; i < drop && i < entries.size(); i++) {
      map.remove(entries.get(i).getKey(), entries.get(i).getValue());
    }
  }

  private static void prune(Map<String, Counter> map, Instant now) {
    // removeIf on a ConcurrentHashMap's entry set removes only the value it tested, so a counter
    // updated concurrently survives.
    map.entrySet().removeIf(e -> !now.isBefore(e.getValue().endsAt()));
  }

  private static Instant later(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.isAfter(b) ? a : b;
  }

  @Override
  public String toString() {
    return "InMemoryLoginThrottle[" + policy + "]";
  }

  /** Configures an {@link InMemoryLoginThrottle}; not safe for concurrent use. */
  static final class Builder {
    private final ThrottlePolicy policy;
    private Clock clock = Clock.systemUTC();
    private int maxEntries = DEFAULT_MAX_ENTRIES;

    private Builder(ThrottlePolicy policy) {
      this.policy = policy;
    }

    /** The clock windows and locks are measured by. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The most counters held per kind (names, addresses), at least 1; default {@value
     * #DEFAULT_MAX_ENTRIES}.
     */
    public Builder maxEntries(int maxEntries) {
      if (maxEntries < 1) {
        throw new IllegalArgumentException("maxEntries must be at least 1: " + maxEntries);
      }
      this.maxEntries = maxEntries;
      return this;
    }

    public InMemoryLoginThrottle build() {
      return new InMemoryLoginThrottle(this);
    }
  }
}

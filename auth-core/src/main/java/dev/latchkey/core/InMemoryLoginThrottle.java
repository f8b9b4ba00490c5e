package dev.latchkey.core;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link LoginThrottle} in this process's memory, counting exactly as {@link ThrottlePolicy}
 * describes. For one node; several nodes share a throttle in Redis ({@code auth-redis}).
 *
 * <p>Login names and addresses are compared exactly as given (case-sensitively): normalise them
 * before, if the application's login names are case-insensitive.
 *
 * <p><b>Memory.</b> A counter is forgotten once both its window and its lock have ended. Expired
 * counters are pruned while writing, and each of the two maps (names, addresses) holds at most
 * {@link Builder#maxEntries} counters (give or take one per concurrent writer): when a flood of
 * distinct keys fills one, the tenth of its counters that would end soonest is dropped, so memory
 * stays bounded whatever clients send, and long locks are the last to go.
 *
 * <p>Safe for concurrent use; each count is updated atomically. Never throws {@link
 * StoreUnavailableException}.
 */
public final class InMemoryLoginThrottle implements LoginThrottle {
  /** Default of {@link Builder#maxEntries}. */
  public static final int DEFAULT_MAX_ENTRIES = 100_000;
  /** Prune expired counters every this many writes, even when far from the cap. */
  private static final int PRUNE_EVERY = 1024;

  private final ThrottlePolicy policy;
  private final Clock clock;
  private final int maxEntries;
  private final ConcurrentHashMap<String, Counter> names = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> addresses = new ConcurrentHashMap<>();
  private final AtomicLong writes = new AtomicLong();

  /**
   * Failures of one key: how many, when the window started, when the last one was, and when the
   * counter is forgotten (the later of its window end and its lock end).
   */
  private record Counter(long failures, Instant windowStart, Instant lastFailure, Instant endsAt) {}

  private InMemoryLoginThrottle(Builder builder) {
    this.policy = builder.policy;
    this.clock = builder.clock;
    this.maxEntries = builder.maxEntries;
  }

  /** A builder for a throttle under {@code policy}, on the system UTC clock by default. */
  public static Builder builder(ThrottlePolicy policy) {
    return new Builder(Objects.requireNonNull(policy, "policy"));
  }

  @Override
  public Optional<Instant> lockedUntil(String loginName, String clientAddress) {
    Objects.requireNonNull(loginName, "loginName");
    Instant now = clock.instant();
    Instant byName = lockOf(names.get(loginName), policy.maxFailuresPerName(), now);
    Instant byAddress =
        clientAddress == null
            ? null
            : lockOf(addresses.get(clientAddress), policy.maxFailuresPerAddress(), now);
    return Optional.ofNullable(later(byName, byAddress));
  }

  @Override
  public Optional<Instant> recordFailure(String loginName, String clientAddress) {
    Objects.requireNonNull(loginName, "loginName");
    Instant now = clock.instant();
    Instant byName = count(names, loginName, policy.maxFailuresPerName(), now);
    Instant byAddress =
        clientAddress == null
            ? null
            : count(addresses, clientAddress, policy.maxFailuresPerAddress(), now);
    if (writes.incrementAndGet() % PRUNE_EVERY == 0) {
      prune(names, now);
      prune(addresses, now);
    }
    return Optional.ofNullable(later(byName, byAddress));
  }

  @Override
  public void recordSuccess(String loginName) {
    names.remove(Objects.requireNonNull(loginName, "loginName"));
  }

  /** How many counters are held now, names and addresses together (for tests and metrics). */
  int size() {
    return names.size() + addresses.size();
  }

  /** Counts one failure of {@code key}; the unlock time if the key is locked after it. */
  private Instant count(Map<String, Counter> map, String key, int limit, Instant now) {
    if (!map.containsKey(key) && map.size() >= maxEntries) {
      makeRoom(map, now);
    }
    Counter counter =
        map.compute(
            key,
            (k, old) -> {
              if (old == null || !now.isBefore(old.endsAt())) {
                return counter(1, now, now, limit);
              }
              return counter(old.failures() + 1, old.windowStart(), now, limit);
            });
    return lockOf(counter, limit, now);
  }

  private Counter counter(long failures, Instant windowStart, Instant lastFailure, int limit) {
    Instant windowEnd = windowStart.plus(policy.window());
    Instant lockEnd = policy.lockedUntil(failures, limit, lastFailure);
    Instant endsAt = lockEnd != null && lockEnd.isAfter(windowEnd) ? lockEnd : windowEnd;
    return new Counter(failures, windowStart, lastFailure, endsAt);
  }

  /** The unlock time of a counter locked at {@code now}, else null. */
  private Instant lockOf(Counter c, int limit, Instant now) {
    if (c == null || !now.isBefore(c.endsAt())) {
      return null;
    }
    Instant until = policy.lockedUntil(c.failures(), limit, c.lastFailure());
    return until != null && now.isBefore(until) ? until : null;
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
  public static final class Builder {
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

package dev.latchkey.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.core.spi.SessionTouch;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A {@link SessionStore} in this JVM's heap, on a Caffeine cache: for one machine, and the fake
 * that tests use. Sessions are lost on restart and not shared between processes.
 *
 * <p>Each entry is dropped by the cache itself at its {@link SessionRecord#retainUntil()}, measured
 * by the builder's {@link Clock}, so no cleanup job is needed; logical checks (liveness, whether a
 * record is still held) use the {@code now} each call passes in. The cache is bounded by {@link
 * Builder#maximumSize}: past it, the cache evicts the sessions it judges least likely to be used
 * again (those users have to log in again), so size it above the expected number of sessions.
 *
 * <p>A per-subject index serves {@link #listBySubject}, {@link #deleteBySubject} and the cap. An
 * entry leaves the index whenever it leaves the cache, for any reason (delete, expiry, size
 * eviction, id change). Creates, id changes and per-subject deletes of one subject are serialized
 * by a lock striped by subject, which makes the cap atomic; attribute writes and renewals are
 * atomic per entry. Keys are the {@link HashedId}s of session ids, shard included as in a clustered
 * store: the store never sees a raw id, and a lookup compares SHA-256 bytes, not strings.
 *
 * <p>Thread-safe. Never throws {@link dev.latchkey.core.StoreUnavailableException}: memory is
 * always reachable.
 */
final class InMemorySessionStore implements SessionStore {
  // A power of two, so a stripe is chosen with a mask. 64 locks serialize only subjects that
  // collide, and a fixed array cannot leak as a map of per-subject locks could.
  private static final int STRIPES = 64;

  private final Cache<HashedId, SessionRecord> sessions;
  private final ConcurrentMap<String, Set<HashedId>> bySubject = new ConcurrentHashMap<>();
  private final Object[] locks = new Object[STRIPES];

  private InMemorySessionStore(Builder builder) {
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
    Clock clock = builder.clock;
    // The cache measures expiry with this ticker, so moving a test clock expires entries.
    // Milliseconds are precise enough (read() checks retainUntil exactly against its `now`), and
    // Clock.millis() is cheaper than instant() on this hot path: it allocates nothing.
    Ticker ticker = () -> clock.millis() * 1_000_000L;
    this.sessions =
        Caffeine.newBuilder()
            .maximumSize(builder.maximumSize)
            .ticker(ticker)
            .expireAfter(new RetainUntilExpiry())
            // Run removal callbacks on the thread that caused them: the index is then clean when
            // the call that removed the entry returns, and tests need no waiting.
            .executor(Runnable::run)
            // Expired entries are otherwise dropped only when the cache is next used: the JVM's
            // shared scheduler also frees them (and their index entries) in a quiet period.
            .scheduler(Scheduler.systemScheduler())
            .removalListener(this::onRemoval)
            .build();
  }

  /** A builder with a maximum size of 1,000,000 sessions and the system UTC clock. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds an {@link InMemorySessionStore}. Not thread-safe; build once. */
  static final class Builder {
    private long maximumSize = 1_000_000;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * The most sessions held at once, including dead ones kept for their expired notice.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder maximumSize(long maximumSize) {
      if (maximumSize <= 0) {
        throw new IllegalArgumentException("maximumSize must be positive: " + maximumSize);
      }
      this.maximumSize = maximumSize;
      return this;
    }

    /**
     * The clock by which the cache drops entries at their {@code retainUntil}; tests pass a clock
     * they move by hand.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public InMemorySessionStore build() {
      return new InMemorySessionStore(this);
    }
  }

  @Override
  public CreateResult create(SessionRecord session, int maxPerSubject, CapPolicy policy) {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(policy, "policy");
    if (maxPerSubject < 1) {
      throw new IllegalArgumentException("maxPerSubject must be at least 1: " + maxPerSubject);
    }
    String subject = session.principal().subject();
    synchronized (lockFor(subject)) {
      List<SessionRecord> live = liveOf(subject, session.createdAt(), true);
      List<HashedId> ended = new ArrayList<>();
      if (live.size() >= maxPerSubject) {
        if (policy == CapPolicy.REFUSE_NEW) {
          return new CreateResult(false, List.of());
        }
        for (int i = 0; i <= live.size() - maxPerSubject; i++) {
          HashedId oldest = live.get(i).id();
          sessions.asMap().remove(oldest);
          ended.add(oldest);
        }
      }
      HashedId key = session.id();
      // Index first, then store: a removal that follows the put always finds the index entry to
      // remove, so the index cannot keep a hash the cache no longer holds.
      index(subject, key);
      sessions.put(key, session);
      return new CreateResult(true, ended);
    }
  }

  @Override
  public Optional<SessionRecord> read(HashedId id, SessionTouch touch) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(touch, "touch");
    SessionRecord current = sessions.getIfPresent(id);
    if (current == null || !touch.now().isBefore(current.retainUntil())) {
      return Optional.empty();
    }
    if (!touch.renews(current)) {
      // The common case: a lock-free read, no write.
      return Optional.of(current);
    }
    SessionRecord renewed =
        sessions.asMap().computeIfPresent(id, (key, stored) -> touch.apply(stored));
    return Optional.ofNullable(renewed);
  }

  @Override
  public boolean setAttribute(HashedId id, String name, String value, Instant now) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(now, "now");
    boolean[] written = {false};
    // compute on the one entry: concurrent writers of different attributes each start from the
    // other's result, so neither write is lost.
    sessions
        .asMap()
        .computeIfPresent(
            id,
            (key, stored) -> {
              if (!stored.isLiveAt(now)) {
                return stored;
              }
              written[0] = true;
              return withAttribute(stored, name, value);
            });
    return written[0];
  }

  @Override
  public boolean changeId(HashedId from, HashedId to, Instant now) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(now, "now");
    SessionRecord seen = sessions.getIfPresent(from);
    if (seen == null) {
      return false;
    }
    String subject = seen.principal().subject();
    synchronized (lockFor(subject)) {
      while (true) {
        SessionRecord current = sessions.getIfPresent(from);
        if (current == null || !current.isLiveAt(now)) {
          return false;
        }
        // Remove the old entry only if unchanged since read: a concurrent attribute write is
        // then retried with its result instead of lost.
        if (sessions.asMap().remove(from, current)) {
          index(subject, to);
          sessions.put(to, current.withId(to));
          return true;
        }
      }
    }
  }

  @Override
  public boolean delete(HashedId id) {
    Objects.requireNonNull(id, "id");
    // The removal listener takes the hash out of the subject's index.
    return sessions.asMap().remove(id) != null;
  }

  @Override
  public List<SessionRecord> listBySubject(String subject, Instant now) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(now, "now");
    return liveOf(subject, now, false);
  }

  @Override
  public int deleteBySubject(String subject) {
    Objects.requireNonNull(subject, "subject");
    synchronized (lockFor(subject)) {
      int deleted = 0;
      for (HashedId key : bySubject.getOrDefault(subject, Set.of())) {
        if (sessions.asMap().remove(key) != null) {
          deleted++;
        }
      }
      // Under the lock no create is in flight, so whatever is left is stale.
      bySubject.remove(subject);
      return deleted;
    }
  }

  /** Runs the cache's pending maintenance (expiry, eviction, removal callbacks). For tests. */
  void cleanUp() {
    sessions.cleanUp();
  }

  /** How many session hashes the per-subject index holds in all. For tests of index leaks. */
  int indexedSessions() {
    return bySubject.values().stream().mapToInt(Set::size).sum();
  }

  /** How many subjects the index holds. For tests of index leaks. */
  int indexedSubjects() {
    return bySubject.size();
  }

  /** A snapshot of every key and record held, for tests that inspect what a dump would show. */
  Map<String, SessionRecord> contents() {
    Map<String, SessionRecord> contents = new HashMap<>();
    sessions.asMap().forEach((key, record) -> contents.put(key.hash(), record));
    return contents;
  }

  /**
   * The subject's sessions live at {@code now}, oldest first. With {@code prune} (only under the
   * subject's lock, where no create is between its index write and its put), index entries whose
   * session is gone are dropped.
   */
  private List<SessionRecord> liveOf(String subject, Instant now, boolean prune) {
    Set<HashedId> keys = bySubject.getOrDefault(subject, Set.of());
    List<SessionRecord> live = new ArrayList<>(keys.size());
    for (HashedId key : keys) {
      SessionRecord record = sessions.getIfPresent(key);
      if (record == null) {
        if (prune) {
          unindex(subject, key);
        }
      } else if (record.isLiveAt(now)) {
        live.add(record);
      }
    }
    live.sort(Comparator.comparing(SessionRecord::createdAt).thenComparing(r -> r.id().hash()));
    return live;
  }

  private void onRemoval(HashedId key, SessionRecord record, RemovalCause cause) {
    // REPLACED keeps the key (a renewal or an attribute write): the index stays as it is.
    if (cause != RemovalCause.REPLACED && key != null && record != null) {
      unindex(record.principal().subject(), key);
    }
  }

  // The index sets are immutable and replaced inside compute, so readers iterate a consistent
  // snapshot and an emptied subject is removed in the same step that emptied it.
  private void index(String subject, HashedId key) {
    bySubject.compute(
        subject,
        (s, keys) -> {
          if (keys == null) {
            return Set.of(key);
          }
          Set<HashedId> copy = new HashSet<>(keys);
          copy.add(key);
          return Set.copyOf(copy);
        });
  }

  private void unindex(String subject, HashedId key) {
    bySubject.computeIfPresent(
        subject,
        (s, keys) -> {
          if (!keys.contains(key)) {
            return keys;
          }
          if (keys.size() == 1) {
            return null;
          }
          Set<HashedId> copy = new HashSet<>(keys);
          copy.remove(key);
          return Set.copyOf(copy);
        });
  }

  private Object lockFor(String subject) {
    int h = subject.hashCode();
    return locks[(h ^ (h >>> 16)) & (STRIPES - 1)];
  }

  private static SessionRecord withAttribute(SessionRecord record, String name, String value) {
    Map<String, String> attributes = new HashMap<>(record.attributes());
    if (value == null) {
      attributes.remove(name);
    } else {
      attributes.put(name, value);
    }
    return new SessionRecord(
        record.id(),
        record.principal(),
        record.createdAt(),
        record.lastSeenAt(),
        record.expiresAt(),
        record.absoluteExpiresAt(),
        record.retainUntil(),
        attributes);
  }

  private static long toNanos(Instant instant) {
    // Epoch nanoseconds fit a long until the year 2262.
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  /** Each entry lives until its record's retainUntil, re-read on every write. */
  private static final class RetainUntilExpiry implements Expiry<HashedId, SessionRecord> {
    @Override
    public long expireAfterCreate(HashedId key, SessionRecord value, long currentTime) {
      return Math.max(0, toNanos(value.retainUntil()) - currentTime);
    }

    @Override
    public long expireAfterUpdate(
        HashedId key, SessionRecord value, long currentTime, long currentDuration) {
      return Math.max(0, toNanos(value.retainUntil()) - currentTime);
    }

    @Override
    public long expireAfterRead(
        HashedId key, SessionRecord value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}

package dev.latchkey.account;

import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.OneTimeTokenRecord;
import dev.latchkey.core.spi.OneTimeTokenStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link OneTimeTokenStore} in this process's memory, for one node (a fleet shares the Redis
 * store of {@code auth-redis}). It holds at most {@link #DEFAULT_MAXIMUM_TOKENS} records unless
 * configured otherwise; when full it first forgets records past their retention, and then refuses a
 * newcomer with {@link StoreUnavailableException} rather than evicting anyone's live token.
 *
 * <p>Every operation runs under one lock: each is a few map operations on a subject's handful of
 * tokens, and one lock makes consume and count trivially atomic. Safe for concurrent use.
 */
public final class InMemoryOneTimeTokenStore implements OneTimeTokenStore {
  /** How many records the store holds at most, by default. */
  public static final int DEFAULT_MAXIMUM_TOKENS = 100_000;

  private final int maximumTokens;
  private final Object lock = new Object();
  private final Map<HashedId, OneTimeTokenRecord> byId = new HashMap<>();
  private final Map<String, Set<HashedId>> bySubject = new HashMap<>();

  private InMemoryOneTimeTokenStore(int maximumTokens) {
    this.maximumTokens = maximumTokens;
  }

  /** {@return an empty store holding at most {@link #DEFAULT_MAXIMUM_TOKENS} records} */
  public static InMemoryOneTimeTokenStore create() {
    return new InMemoryOneTimeTokenStore(DEFAULT_MAXIMUM_TOKENS);
  }

  /**
   * An empty store holding at most {@code maximumTokens} records.
   *
   * @param maximumTokens the bound on records held, at least 1
   * @return the store
   * @throws IllegalArgumentException when {@code maximumTokens} is under 1
   */
  public static InMemoryOneTimeTokenStore withMaximumTokens(int maximumTokens) {
    if (maximumTokens < 1) {
      throw new IllegalArgumentException("maximumTokens must be at least 1: " + maximumTokens);
    }
    return new InMemoryOneTimeTokenStore(maximumTokens);
  }

  @Override
  public int put(OneTimeTokenRecord token, int maxOutstanding, Instant now) {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(now, "now");
    if (maxOutstanding < 1) {
      throw new IllegalArgumentException("maxOutstanding must be at least 1: " + maxOutstanding);
    }
    synchronized (lock) {
      Set<HashedId> ids = bySubject.computeIfAbsent(token.subject(), s -> new LinkedHashSet<>());
      List<OneTimeTokenRecord> live = new ArrayList<>();
      for (HashedId id : List.copyOf(ids)) {
        OneTimeTokenRecord held = byId.get(id);
        if (held == null || !held.liveAt(now)) {
          remove(id);
        } else if (held.purpose().equals(token.purpose()) && !id.equals(token.id())) {
          live.add(held);
        }
      }
      int ended = 0;
      if (live.size() >= maxOutstanding) {
        live.sort(Comparator.comparing(OneTimeTokenRecord::issuedAt));
        for (int i = 0; live.size() - i >= maxOutstanding; i++) {
          remove(live.get(i).id());
          ended++;
        }
      }
      if (!byId.containsKey(token.id()) && byId.size() >= maximumTokens) {
        forgetPast(now);
        if (byId.size() >= maximumTokens) {
          throw new StoreUnavailableException(
              "the in-memory one-time token store is full (" + maximumTokens + " tokens)");
        }
      }
      byId.put(token.id(), token);
      bySubject.computeIfAbsent(token.subject(), s -> new LinkedHashSet<>()).add(token.id());
      return ended;
    }
  }

  @Override
  public Optional<OneTimeTokenRecord> find(HashedId id, Instant now) {
    synchronized (lock) {
      return Optional.ofNullable(held(id, now));
    }
  }

  @Override
  public Optional<OneTimeTokenRecord> consume(HashedId id, Instant now) {
    synchronized (lock) {
      OneTimeTokenRecord held = held(id, now);
      if (held != null) {
        remove(id);
      }
      return Optional.ofNullable(held);
    }
  }

  @Override
  public Optional<OneTimeTokenRecord> countAttempt(HashedId id, int maxAttempts, Instant now) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
    synchronized (lock) {
      OneTimeTokenRecord held = held(id, now);
      if (held == null) {
        return Optional.empty();
      }
      if (held.attempts() >= maxAttempts) {
        remove(id);
        return Optional.empty();
      }
      OneTimeTokenRecord counted = held.withOneMoreAttempt();
      byId.put(id, counted);
      return Optional.of(counted);
    }
  }

  @Override
  public int deleteAll(String subject, Instant now) {
    Objects.requireNonNull(subject, "subject");
    synchronized (lock) {
      Set<HashedId> ids = bySubject.remove(subject);
      if (ids == null) {
        return 0;
      }
      int ended = 0;
      for (HashedId id : ids) {
        OneTimeTokenRecord held = byId.remove(id);
        if (held != null && held.liveAt(now)) {
          ended++;
        }
      }
      return ended;
    }
  }

  /** {@return how many records the store holds now}, forgotten ones aside. */
  public int size() {
    synchronized (lock) {
      return byId.size();
    }
  }

  /** The record, unless it is past its retention (then it is forgotten now). Under the lock. */
  private OneTimeTokenRecord held(HashedId id, Instant now) {
    OneTimeTokenRecord held = byId.get(Objects.requireNonNull(id, "id"));
    if (held != null && !now.isBefore(held.retainUntil())) {
      remove(id);
      return null;
    }
    return held;
  }

  private void remove(HashedId id) {
    OneTimeTokenRecord held = byId.remove(id);
    if (held != null) {
      Set<HashedId> ids = bySubject.get(held.subject());
      if (ids != null) {
        ids.remove(id);
        if (ids.isEmpty()) {
          bySubject.remove(held.subject());
        }
      }
    }
  }

  private void forgetPast(Instant now) {
    for (OneTimeTokenRecord r : List.copyOf(byId.values())) {
      if (!now.isBefore(r.retainUntil())) {
        remove(r.id());
      }
    }
  }

  @Override
  public String toString() {
    return "InMemoryOneTimeTokenStore[maximumTokens=" + maximumTokens + "]";
  }
}

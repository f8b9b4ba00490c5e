package dev.latchkey.token;

import dev.latchkey.core.HashedId;
import dev.latchkey.core.RefreshRecord;
import dev.latchkey.core.RefreshTokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * A {@link RefreshTokenStore} in this process's memory: for a single node, or for tests.
 *
 * <p>Every operation runs under one lock, which makes {@link #rotate} trivially atomic. A family
 * and every token of it (consumed ones are kept for reuse detection) are forgotten when the family
 * reaches its absolute end by the injected clock, or at once when the family is ended.
 *
 * <p>Grace retries follow the SPI; additionally, a retry whose first successor has itself been
 * used already is answered as reuse: the client evidently received that successor, so the retry
 * comes from someone else.
 *
 * <p>Bounded: when {@code maximumTokens} tokens are held, the families closest to their end are
 * dropped to make room (their holders must log in again: fail closed, never open). Thread-safe.
 */
public final class InMemoryRefreshTokenStore implements RefreshTokenStore {
  /** The default bound on held tokens, consumed ones included. */
  public static final long DEFAULT_MAXIMUM_TOKENS = 1_000_000;

  private static final class Entry {
    final RefreshRecord record;
    Instant consumedAt;
    String successor;
    boolean retried;

    Entry(RefreshRecord record) {
      this.record = record;
    }
  }

  private static final class Family {
    final String id;
    final String subject;
    final Instant expiresAt;
    final List<String> members = new ArrayList<>();
    boolean ended;

    Family(String id, String subject, Instant expiresAt) {
      this.id = id;
      this.subject = subject;
      this.expiresAt = expiresAt;
    }
  }

  private final Object lock = new Object();
  private final Clock clock;
  private final long maximumTokens;
  private final Map<String, Entry> tokens = new HashMap<>();
  private final Map<String, Family> families = new HashMap<>();
  private final Map<String, Set<String>> familiesBySubject = new HashMap<>();
  private final PriorityQueue<Family> byEnd =
      new PriorityQueue<>(Comparator.comparing((Family f) -> f.expiresAt));

  private InMemoryRefreshTokenStore(Clock clock, long maximumTokens) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maximumTokens < 1) {
      throw new IllegalArgumentException("maximumTokens must be at least 1: " + maximumTokens);
    }
    this.maximumTokens = maximumTokens;
  }

  /** A store of at most {@value #DEFAULT_MAXIMUM_TOKENS} tokens, forgetting by {@code clock}. */
  public static InMemoryRefreshTokenStore create(Clock clock) {
    return new InMemoryRefreshTokenStore(clock, DEFAULT_MAXIMUM_TOKENS);
  }

  /**
   * A store of at most {@code maximumTokens} tokens.
   *
   * @throws IllegalArgumentException when {@code maximumTokens} is below 1
   */
  public static InMemoryRefreshTokenStore create(Clock clock, long maximumTokens) {
    return new InMemoryRefreshTokenStore(clock, maximumTokens);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when the token or its family is already held
   */
  @Override
  public void create(RefreshRecord record) {
    Objects.requireNonNull(record, "record");
    synchronized (lock) {
      pruneExpired();
      if (tokens.containsKey(record.id().hash()) || families.containsKey(record.familyId())) {
        throw new IllegalArgumentException("refresh token or family already stored");
      }
      makeRoom();
      Family family =
          new Family(record.familyId(), record.principal().subject(), record.familyExpiresAt());
      families.put(family.id, family);
      familiesBySubject.computeIfAbsent(family.subject, s -> new HashSet<>()).add(family.id);
      byEnd.add(family);
      add(family, new Entry(record));
    }
  }

  @Override
  public Rotation rotate(
      HashedId presented, HashedId successorId, Instant now, Duration lifetime, Duration grace) {
    Objects.requireNonNull(presented, "presented");
    Objects.requireNonNull(successorId, "successorId");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(lifetime, "lifetime");
    Objects.requireNonNull(grace, "grace");
    synchronized (lock) {
      pruneExpired();
      // Room for the one token a rotation adds, before looking up: making room may end a family.
      makeRoom();
      Entry entry = tokens.get(presented.hash());
      if (entry == null) {
        return new Rotation.Invalid();
      }
      Family family = families.get(entry.record.familyId());
      if (family == null || family.ended || !now.isBefore(family.expiresAt)) {
        return new Rotation.Invalid();
      }
      if (entry.consumedAt == null) {
        if (!now.isBefore(entry.record.expiresAt())) {
          return new Rotation.Invalid();
        }
        return new Rotation.Rotated(succeed(family, entry, successorId, now, lifetime));
      }
      boolean inGrace =
          !entry.retried && now.isBefore(entry.consumedAt.plus(grace));
      Entry firstSuccessor = entry.successor == null ? null : tokens.get(entry.successor);
      if (inGrace && firstSuccessor != null && firstSuccessor.consumedAt == null) {
        tokens.remove(entry.successor);
        family.members.remove(entry.successor);
        entry.retried = true;
        return new Rotation.Rotated(succeed(family, entry, successorId, now, lifetime));
      }
      end(family);
      return new Rotation.Reused(family.subject, family.id);
    }
  }

  private RefreshRecord succeed(
      Family family, Entry entry, HashedId successorId, Instant now, Duration lifetime) {
    if (tokens.containsKey(successorId.hash())) {
      throw new IllegalArgumentException("successor id already stored");
    }
    Instant end = now.plus(lifetime);
    RefreshRecord successor =
        new RefreshRecord(
            successorId,
            family.id,
            entry.record.principal(),
            now,
            end.isBefore(family.expiresAt) ? end : family.expiresAt,
            family.expiresAt);
    entry.consumedAt = now;
    entry.successor = successorId.hash();
    add(family, new Entry(successor));
    return successor;
  }

  @Override
  public boolean revokeFamily(HashedId id) {
    Objects.requireNonNull(id, "id");
    synchronized (lock) {
      pruneExpired();
      Entry entry = tokens.get(id.hash());
      if (entry == null) {
        return false;
      }
      Family family = families.get(entry.record.familyId());
      if (family == null || family.ended) {
        return false;
      }
      end(family);
      return true;
    }
  }

  @Override
  public boolean revokeFamilyById(String subject, String familyId) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(familyId, "familyId");
    synchronized (lock) {
      pruneExpired();
      Family family = families.get(familyId);
      if (family == null || family.ended || !family.subject.equals(subject)) {
        return false;
      }
      end(family);
      return true;
    }
  }

  @Override
  public List<String> revokeSubject(String subject) {
    Objects.requireNonNull(subject, "subject");
    synchronized (lock) {
      pruneExpired();
      Set<String> ids = familiesBySubject.get(subject);
      if (ids == null) {
        return List.of();
      }
      List<String> ended = new ArrayList<>();
      for (String id : List.copyOf(ids)) {
        Family family = families.get(id);
        if (family != null && !family.ended) {
          end(family);
          ended.add(id);
        }
      }
      return List.copyOf(ended);
    }
  }

  private void add(Family family, Entry entry) {
    tokens.put(entry.record.id().hash(), entry);
    family.members.add(entry.record.id().hash());
  }

  /** Forgets a family and all its tokens; later presentations of them are unknown, hence invalid. */
  private void end(Family family) {
    family.ended = true; // it stays in byEnd until its time, skipped there
    families.remove(family.id);
    for (String member : family.members) {
      tokens.remove(member);
    }
    family.members.clear();
    Set<String> ids = familiesBySubject.get(family.subject);
    if (ids != null) {
      ids.remove(family.id);
      if (ids.isEmpty()) {
        familiesBySubject.remove(family.subject);
      }
    }
  }

  private void pruneExpired() {
    Instant now = clock.instant();
    while (!byEnd.isEmpty() && !now.isBefore(byEnd.peek().expiresAt)) {
      Family family = byEnd.poll();
      if (!family.ended) {
        end(family);
      }
    }
  }

  private void makeRoom() {
    while (tokens.size() >= maximumTokens && !byEnd.isEmpty()) {
      Family family = byEnd.poll();
      if (!family.ended) {
        end(family);
      }
    }
  }

  /** How many tokens are held, consumed ones included; for tests and monitoring. */
  long size() {
    synchronized (lock) {
      pruneExpired();
      return tokens.size();
    }
  }

  @Override
  public String toString() {
    return "InMemoryRefreshTokenStore[maximumTokens=" + maximumTokens + "]";
  }
}

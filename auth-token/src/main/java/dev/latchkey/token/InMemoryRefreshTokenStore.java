package dev.latchkey.token;

import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.RefreshRecord;
import dev.latchkey.core.spi.RefreshTokenStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * A {@link RefreshTokenStore} in this process's memory: for a single node, or for tests.
 *
 * <p>Every operation runs under one lock, which makes {@link #rotate} atomic; every time it stamps
 * or compares is read from the injected clock, never from a caller. A family holds its live token
 * and its last {@value RefreshTokenStore#REMEMBERED_CONSUMED} consumed or replaced ones, so its
 * state is the same size after ten rotations or ten thousand. A family is forgotten at its absolute
 * end by the clock; an ended family is kept, as refused, until then (so every later presentation of
 * its consumed tokens is still reuse).
 *
 * <p>Bounded without evicting anyone: a subject holds at most {@link Policy#familiesPerSubject()}
 * families (its own oldest make room), and when {@code maximumFamilies} families are held an ended
 * one is forgotten to make room, or, when none is ended, the newcomer's login is refused with
 * {@link StoreUnavailableException} (fail closed): another user's live family is never dropped.
 * Thread-safe.
 */
final class InMemoryRefreshTokenStore implements RefreshTokenStore {
  /** The default bound on held families, ended ones included. */
  static final long DEFAULT_MAXIMUM_FAMILIES = 250_000;

  private static final class Family {
    final String id;
    final String subject;
    final Principal principal;
    final Instant expiresAt;
    boolean ended;
    boolean forgotten;
    HashedId current;
    Instant currentExpiresAt;

    /** Consumed or replaced tokens, newest first; at most REMEMBERED_CONSUMED. */
    final ArrayDeque<HashedId> consumed = new ArrayDeque<>(REMEMBERED_CONSUMED + 1);

    /** The token the last rotation consumed, when it was consumed, whether it was retried. */
    HashedId previous;

    Instant consumedAt;
    boolean retried;
    Instant windowStart;
    int windowCount;

    Family(String id, Principal principal, Instant expiresAt) {
      this.id = id;
      this.subject = principal.subject();
      this.principal = principal;
      this.expiresAt = expiresAt;
    }
  }

  private final Object lock = new Object();
  private final Clock clock;
  private final long maximumFamilies;
  private final Map<HashedId, Family> byToken = new HashMap<>();
  private final Map<String, Family> byId = new HashMap<>();

  /** Each subject's families, oldest first. */
  private final Map<String, ArrayDeque<Family>> bySubject = new HashMap<>();

  private final PriorityQueue<Family> byEnd =
      new PriorityQueue<>(Comparator.comparing((Family f) -> f.expiresAt));

  /** Ended families in the order they ended; forgotten ones are skipped. */
  private final ArrayDeque<Family> endedOrder = new ArrayDeque<>();

  private InMemoryRefreshTokenStore(Clock clock, long maximumFamilies) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maximumFamilies < 1) {
      throw new IllegalArgumentException("maximumFamilies must be at least 1: " + maximumFamilies);
    }
    this.maximumFamilies = maximumFamilies;
  }

  /** A store of at most {@value #DEFAULT_MAXIMUM_FAMILIES} families, on {@code clock}. */
  static InMemoryRefreshTokenStore create(Clock clock) {
    return new InMemoryRefreshTokenStore(clock, DEFAULT_MAXIMUM_FAMILIES);
  }

  /**
   * A store of at most {@code maximumFamilies} families, on {@code clock}.
   *
   * @throws IllegalArgumentException when {@code maximumFamilies} is below 1
   */
  static InMemoryRefreshTokenStore create(Clock clock, long maximumFamilies) {
    return new InMemoryRefreshTokenStore(clock, maximumFamilies);
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreUnavailableException when {@code maximumFamilies} live families are held
   */
  @Override
  public RefreshRecord create(HashedId id, String familyId, Principal principal, Policy policy) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(familyId, "familyId");
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(policy, "policy");
    if (familyId.isBlank()) {
      throw new IllegalArgumentException("familyId cannot be blank");
    }
    synchronized (lock) {
      Instant now = clock.instant();
      pruneExpired(now);
      if (byToken.containsKey(id) || byId.containsKey(familyId)) {
        throw new IllegalArgumentException("refresh token or family already stored");
      }
      ArrayDeque<Family> own = bySubject.get(principal.subject());
      // The subject's own families make room, ended ones first: never another subject's.
      while (own != null && own.size() >= policy.familiesPerSubject()) {
        forget(own.stream().filter(f -> f.ended).findFirst().orElse(own.peekFirst()));
        own = bySubject.get(principal.subject());
      }
      while (byId.size() >= maximumFamilies && !endedOrder.isEmpty()) {
        Family ended = endedOrder.poll();
        if (!ended.forgotten) {
          forget(ended);
        }
      }
      if (byId.size() >= maximumFamilies) {
        throw new StoreUnavailableException("refresh-token store full");
      }
      Family family = new Family(familyId, principal, now.plus(policy.familyLifetime()));
      byId.put(familyId, family);
      bySubject.computeIfAbsent(family.subject, s -> new ArrayDeque<>()).addLast(family);
      byEnd.add(family);
      return install(family, id, now, policy);
    }
  }

  @Override
  public Rotation rotate(HashedId presented, HashedId successorId, Policy policy) {
    Objects.requireNonNull(presented, "presented");
    Objects.requireNonNull(successorId, "successorId");
    Objects.requireNonNull(policy, "policy");
    synchronized (lock) {
      Instant now = clock.instant();
      pruneExpired(now);
      Family family = byToken.get(presented);
      if (family == null) {
        return new Rotation.Invalid();
      }
      if (presented.equals(family.current)) {
        if (family.ended || !now.isBefore(family.currentExpiresAt)) {
          return new Rotation.Invalid();
        }
        return rotateLive(family, presented, successorId, now, policy, false);
      }
      // A consumed or replaced token: reuse, but for one retry of the last rotation within grace.
      boolean graceRetry =
          !family.ended
              && !family.retried
              && presented.equals(family.previous)
              && !policy.grace().isZero()
              && now.isBefore(family.consumedAt.plus(policy.grace()));
      if (graceRetry) {
        return rotateLive(family, presented, successorId, now, policy, true);
      }
      end(family);
      return new Rotation.Reused(family.subject, family.id);
    }
  }

  private Rotation rotateLive(
      Family family,
      HashedId presented,
      HashedId successorId,
      Instant now,
      Policy policy,
      boolean retry) {
    if (byToken.containsKey(successorId)) {
      throw new IllegalArgumentException("successor id already stored");
    }
    if (family.windowStart == null
        || !now.isBefore(family.windowStart.plus(policy.rotationWindow()))) {
      family.windowStart = now;
      family.windowCount = 0;
    }
    if (family.windowCount >= policy.rotationsPerWindow()) {
      return new Rotation.Limited(family.windowStart.plus(policy.rotationWindow()));
    }
    family.windowCount++;
    if (retry) {
      // The first use's successor was never used: it is replaced, and presenting it is reuse.
      remember(family, family.current);
      family.retried = true;
    } else {
      remember(family, presented);
      family.previous = presented;
      family.consumedAt = now;
      family.retried = false;
    }
    return new Rotation.Rotated(install(family, successorId, now, policy));
  }

  /** Makes {@code id} the family's live token, issued now. */
  private RefreshRecord install(Family family, HashedId id, Instant now, Policy policy) {
    Instant end = now.plus(policy.tokenLifetime());
    family.current = id;
    family.currentExpiresAt = end.isBefore(family.expiresAt) ? end : family.expiresAt;
    byToken.put(id, family);
    return new RefreshRecord(
        id, family.id, family.principal, now, family.currentExpiresAt, family.expiresAt);
  }

  private void remember(Family family, HashedId token) {
    family.consumed.addFirst(token);
    if (family.consumed.size() > REMEMBERED_CONSUMED) {
      // Older consumed tokens become unknown: presenting one rotates nothing.
      byToken.remove(family.consumed.removeLast());
    }
  }

  @Override
  public Optional<EndedFamily> revokeFamily(HashedId id) {
    Objects.requireNonNull(id, "id");
    synchronized (lock) {
      pruneExpired(clock.instant());
      Family family = byToken.get(id);
      if (!endIfLive(family)) {
        return Optional.empty();
      }
      return Optional.of(new EndedFamily(family.subject, family.id));
    }
  }

  @Override
  public boolean revokeFamilyById(String subject, String familyId) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(familyId, "familyId");
    synchronized (lock) {
      pruneExpired(clock.instant());
      Family family = byId.get(familyId);
      return family != null && family.subject.equals(subject) && endIfLive(family);
    }
  }

  @Override
  public boolean familyLive(String subject, String familyId) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(familyId, "familyId");
    synchronized (lock) {
      pruneExpired(clock.instant());
      Family family = byId.get(familyId);
      return family != null && !family.ended && family.subject.equals(subject);
    }
  }

  @Override
  public List<String> revokeSubject(String subject) {
    Objects.requireNonNull(subject, "subject");
    synchronized (lock) {
      pruneExpired(clock.instant());
      ArrayDeque<Family> own = bySubject.get(subject);
      List<String> ended = new ArrayList<>();
      if (own != null) {
        for (Family family : own) {
          if (!family.ended) {
            end(family);
            ended.add(family.id);
          }
        }
      }
      return List.copyOf(ended);
    }
  }

  private boolean endIfLive(Family family) {
    if (family == null || family.ended) {
      return false;
    }
    end(family);
    return true;
  }

  /** Refuses the family from now on; its consumed tokens stay known (as reuse) until its end. */
  private void end(Family family) {
    if (family.ended) {
      return;
    }
    family.ended = true;
    byToken.remove(family.current);
    endedOrder.addLast(family);
  }

  /** Drops every trace of a family; its tokens become unknown. */
  private void forget(Family family) {
    family.forgotten = true;
    family.ended = true;
    byId.remove(family.id);
    byToken.remove(family.current);
    for (HashedId token : family.consumed) {
      byToken.remove(token);
    }
    family.consumed.clear();
    ArrayDeque<Family> own = bySubject.get(family.subject);
    if (own != null) {
      own.remove(family);
      if (own.isEmpty()) {
        bySubject.remove(family.subject);
      }
    }
    // byEnd and endedOrder skip forgotten families when they reach them.
  }

  private void pruneExpired(Instant now) {
    while (!byEnd.isEmpty() && !now.isBefore(byEnd.peek().expiresAt)) {
      Family family = byEnd.poll();
      if (!family.forgotten) {
        forget(family);
      }
    }
    for (Iterator<Family> it = endedOrder.iterator(); it.hasNext(); ) {
      if (!it.next().forgotten) {
        break;
      }
      it.remove();
    }
  }

  /** How many token hashes are held, consumed ones included; for tests and monitoring. */
  long tokens() {
    synchronized (lock) {
      pruneExpired(clock.instant());
      return byToken.size();
    }
  }

  /** How many families are held, ended ones included; for tests and monitoring. */
  long families() {
    synchronized (lock) {
      pruneExpired(clock.instant());
      return byId.size();
    }
  }

  @Override
  public String toString() {
    return "InMemoryRefreshTokenStore[maximumFamilies=" + maximumFamilies + "]";
  }
}

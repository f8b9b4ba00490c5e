package dev.latchkey.passkey;

import dev.latchkey.core.spi.PasskeyChallenge;
import dev.latchkey.core.spi.PasskeyRecord;
import dev.latchkey.core.spi.PasskeyStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link PasskeyStore} for one process. A challenge is taken by one atomic map removal and a use
 * recorded by one atomic compute on its passkey, so concurrent callers have one winner; creating
 * and deleting passkeys (rare) take a lock so that the per-subject cap and the subject index agree.
 *
 * <p>Ceremonies in progress are bounded: at most {@code maxChallenges} are kept; when full, expired
 * ones (judged by the clock given here) are dropped first, and a new one is refused while the live
 * ones still fill the store. Thread-safe.
 */
public final class InMemoryPasskeyStore implements PasskeyStore {
  /** How many ceremonies in progress {@link #InMemoryPasskeyStore(Clock)} keeps at most. */
  public static final int DEFAULT_MAX_CHALLENGES = 100_000;

  private static final Comparator<PasskeyRecord> OLDEST_FIRST =
      Comparator.comparing(PasskeyRecord::createdAt).thenComparing(PasskeyRecord::credentialId);

  private final Clock clock;
  private final int maxChallenges;
  private final ConcurrentHashMap<String, PasskeyChallenge> challenges = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, PasskeyRecord> passkeys = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Set<String>> bySubject = new ConcurrentHashMap<>();
  private final Object writeLock = new Object();

  /**
   * An empty store keeping at most {@link #DEFAULT_MAX_CHALLENGES} ceremonies in progress.
   *
   * @param clock the clock that judges which kept challenges have expired
   */
  public InMemoryPasskeyStore(Clock clock) {
    this(clock, DEFAULT_MAX_CHALLENGES);
  }

  /**
   * An empty store keeping at most {@code maxChallenges} ceremonies in progress.
   *
   * @param clock the clock that judges which kept challenges have expired
   * @param maxChallenges at least 1
   * @throws IllegalArgumentException when {@code maxChallenges} is below 1
   */
  public InMemoryPasskeyStore(Clock clock, int maxChallenges) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maxChallenges < 1) {
      throw new IllegalArgumentException("maxChallenges must be at least 1: " + maxChallenges);
    }
    this.maxChallenges = maxChallenges;
  }

  @Override
  public boolean putChallenge(String hash, PasskeyChallenge challenge) {
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(challenge, "challenge");
    if (challenges.size() >= maxChallenges) {
      Instant now = clock.instant();
      challenges.values().removeIf(c -> !now.isBefore(c.expiresAt()));
      if (challenges.size() >= maxChallenges) {
        return false;
      }
    }
    challenges.put(hash, challenge);
    return true;
  }

  @Override
  public Optional<PasskeyChallenge> takeChallenge(String hash, Instant now) {
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(now, "now");
    PasskeyChallenge c = challenges.remove(hash);
    return c != null && now.isBefore(c.expiresAt()) ? Optional.of(c) : Optional.empty();
  }

  @Override
  public boolean create(PasskeyRecord passkey, int maxPerSubject) {
    Objects.requireNonNull(passkey, "passkey");
    if (maxPerSubject < 1) {
      throw new IllegalArgumentException("maxPerSubject must be at least 1: " + maxPerSubject);
    }
    synchronized (writeLock) {
      Set<String> held = bySubject.getOrDefault(passkey.subject(), Set.of());
      if (passkeys.containsKey(passkey.credentialId()) || held.size() >= maxPerSubject) {
        return false;
      }
      passkeys.put(passkey.credentialId(), passkey);
      bySubject
          .computeIfAbsent(passkey.subject(), s -> ConcurrentHashMap.newKeySet())
          .add(passkey.credentialId());
      return true;
    }
  }

  @Override
  public Optional<PasskeyRecord> find(String credentialId) {
    Objects.requireNonNull(credentialId, "credentialId");
    return Optional.ofNullable(passkeys.get(credentialId));
  }

  @Override
  public List<PasskeyRecord> list(String subject) {
    Objects.requireNonNull(subject, "subject");
    List<PasskeyRecord> out = new ArrayList<>();
    for (String id : bySubject.getOrDefault(subject, Set.of())) {
      PasskeyRecord p = passkeys.get(id);
      if (p != null && p.subject().equals(subject)) {
        out.add(p);
      }
    }
    out.sort(OLDEST_FIRST);
    return List.copyOf(out);
  }

  @Override
  public boolean updateUse(String credentialId, long expectedCount, long newCount, Instant usedAt) {
    Objects.requireNonNull(credentialId, "credentialId");
    Objects.requireNonNull(usedAt, "usedAt");
    boolean[] done = {false};
    passkeys.computeIfPresent(
        credentialId,
        (id, p) -> {
          if (p.signCount() != expectedCount) {
            return p;
          }
          done[0] = true;
          return p.withUse(newCount, usedAt);
        });
    return done[0];
  }

  @Override
  public boolean rename(String subject, String credentialId, String name) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(credentialId, "credentialId");
    Objects.requireNonNull(name, "name");
    boolean[] done = {false};
    passkeys.computeIfPresent(
        credentialId,
        (id, p) -> {
          if (!p.subject().equals(subject)) {
            return p;
          }
          done[0] = true;
          return p.withName(name);
        });
    return done[0];
  }

  @Override
  public boolean delete(String subject, String credentialId) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(credentialId, "credentialId");
    synchronized (writeLock) {
      PasskeyRecord p = passkeys.get(credentialId);
      if (p == null || !p.subject().equals(subject)) {
        return false;
      }
      passkeys.remove(credentialId);
      Set<String> held = bySubject.get(subject);
      if (held != null) {
        held.remove(credentialId);
        if (held.isEmpty()) {
          bySubject.remove(subject);
        }
      }
      return true;
    }
  }

  /** {@return how many ceremonies are in progress, expired ones not yet dropped included} */
  int challengeCount() {
    return challenges.size();
  }

  @Override
  public String toString() {
    return "InMemoryPasskeyStore[passkeys=" + passkeys.size() + "]";
  }
}

package dev.latchkey.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.latchkey.core.spi.RevocationList;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A {@link RevocationList} in this process's memory, on Caffeine: for a single node, or for tests.
 * Tokens revoked here are refused only by services sharing this instance; use the Redis list to
 * revoke across nodes.
 *
 * <p>Everything revoked for one subject (its not-before, its revoked tokens and families) is one
 * entry keyed by the subject, so a check is one lookup. Each part ends at its own time (the token's
 * {@code exp}, the family's or the not-before's {@code retainUntil}) by the injected clock and
 * answers "not revoked" from then on; the subject's entry is removed once every part has ended.
 *
 * <p>Bounded without ever refusing: a subject holds at most {@code maximumEntriesPerSubject} token
 * and family entries, and all subjects together about {@code maximumEntries} (concurrent writers
 * for different subjects may pass it by one each). A revocation beyond either bound is folded into
 * its subject's not-before (see {@link RevocationList}): it refuses the revoked token and, as
 * collateral, that subject's older tokens, and never evicts or refuses anything of another subject.
 * Not-befores themselves are one per subject and count towards neither bound. Thread-safe.
 */
final class InMemoryRevocationList implements RevocationList {
  /** The default bound on held token and family entries, all subjects together. */
  static final long DEFAULT_MAXIMUM_ENTRIES = 1_000_000;

  /** The default bound on held token and family entries of one subject. */
  static final int DEFAULT_MAXIMUM_ENTRIES_PER_SUBJECT = 1_000;

  private record TokenKey(String issuer, String tokenId) {}

  /**
   * One subject's revocations; immutable, replaced whole on every write.
   *
   * @param notBefore tokens issued before it (epoch ms) are refused, while {@code notBeforeUntil}
   * @param tokens revoked tokens and the epoch ms until which each is refused
   * @param families revoked families and the epoch ms until which each is refused
   * @param until when every part has ended: the entry's expiry
   */
  private record Entries(
      long notBefore,
      long notBeforeUntil,
      Map<TokenKey, Long> tokens,
      Map<String, Long> families,
      long until) {
    static final Entries EMPTY = new Entries(Long.MIN_VALUE, Long.MIN_VALUE, Map.of(), Map.of(), 0);

    int size() {
      return tokens.size() + families.size();
    }

    /** Without the parts that have ended by {@code now}. */
    Entries live(long now) {
      boolean cutoff = notBeforeUntil > now;
      Map<TokenKey, Long> t = unexpired(tokens, now);
      Map<String, Long> f = unexpired(families, now);
      if (cutoff && t == tokens && f == families) {
        return this;
      }
      return of(
          cutoff ? notBefore : Long.MIN_VALUE, cutoff ? notBeforeUntil : Long.MIN_VALUE, t, f);
    }

    Entries withNotBefore(long before, long keep) {
      return of(Math.max(notBefore, before), Math.max(notBeforeUntil, keep), tokens, families);
    }

    static Entries of(
        long notBefore,
        long notBeforeUntil,
        Map<TokenKey, Long> tokens,
        Map<String, Long> families) {
      long until = notBeforeUntil;
      for (long u : tokens.values()) {
        until = Math.max(until, u);
      }
      for (long u : families.values()) {
        until = Math.max(until, u);
      }
      return new Entries(notBefore, notBeforeUntil, tokens, families, until);
    }

    private static <K> Map<K, Long> unexpired(Map<K, Long> m, long now) {
      for (long u : m.values()) {
        if (u <= now) {
          Map<K, Long> copy = new HashMap<>(m);
          copy.values().removeIf(v -> v <= now);
          return Map.copyOf(copy);
        }
      }
      return m;
    }

    static <K> Map<K, Long> with(Map<K, Long> m, K key, long until) {
      Map<K, Long> copy = new HashMap<>(m);
      copy.merge(key, until, Math::max);
      return Map.copyOf(copy);
    }
  }

  private final Clock clock;
  private final long maximumEntries;
  private final int maximumEntriesPerSubject;
  private final Cache<String, Entries> subjects;

  /** Token and family entries held, all subjects together: adjusted in every write and removal. */
  private final AtomicLong held = new AtomicLong();

  private InMemoryRevocationList(Clock clock, long maximumEntries, int maximumEntriesPerSubject) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maximumEntries < 1) {
      throw new IllegalArgumentException("maximumEntries must be at least 1: " + maximumEntries);
    }
    if (maximumEntriesPerSubject < 1) {
      throw new IllegalArgumentException(
          "maximumEntriesPerSubject must be at least 1: " + maximumEntriesPerSubject);
    }
    this.maximumEntries = maximumEntries;
    this.maximumEntriesPerSubject = maximumEntriesPerSubject;
    this.subjects =
        Caffeine.newBuilder()
            .ticker(() -> clock.millis() * 1_000_000L)
            .executor(Runnable::run)
            .expireAfter(expiringAt(Entries::until))
            // Called inside the removal, before a write to the same key sees it as absent.
            .<String, Entries>evictionListener(
                (subject, entries, cause) -> {
                  if (entries != null && cause == RemovalCause.EXPIRED) {
                    held.addAndGet(-entries.size());
                  }
                })
            .build();
  }

  /** Per-entry expiry at the time the value names, recomputed whenever the value is replaced. */
  private <K, V> Expiry<K, V> expiringAt(Function<V, Long> until) {
    return new Expiry<>() {
      @Override
      public long expireAfterCreate(K key, V value, long now) {
        return remaining(until.apply(value)).toNanos();
      }

      @Override
      public long expireAfterUpdate(K key, V value, long now, long currentDuration) {
        return remaining(until.apply(value)).toNanos();
      }

      @Override
      public long expireAfterRead(K key, V value, long now, long currentDuration) {
        return currentDuration;
      }
    };
  }

  /** A list with the default bounds, timed by {@code clock}. */
  static InMemoryRevocationList create(Clock clock) {
    return new InMemoryRevocationList(
        clock, DEFAULT_MAXIMUM_ENTRIES, DEFAULT_MAXIMUM_ENTRIES_PER_SUBJECT);
  }

  /**
   * A list holding about {@code maximumEntries} token and family entries in all.
   *
   * @throws IllegalArgumentException when {@code maximumEntries} is below 1
   */
  static InMemoryRevocationList create(Clock clock, long maximumEntries) {
    return new InMemoryRevocationList(clock, maximumEntries, DEFAULT_MAXIMUM_ENTRIES_PER_SUBJECT);
  }

  /**
   * A list holding about {@code maximumEntries} token and family entries in all, and at most {@code
   * maximumEntriesPerSubject} of one subject.
   *
   * @throws IllegalArgumentException when a bound is below 1
   */
  static InMemoryRevocationList create(
      Clock clock, long maximumEntries, int maximumEntriesPerSubject) {
    return new InMemoryRevocationList(clock, maximumEntries, maximumEntriesPerSubject);
  }

  private Duration remaining(long until) {
    long d = until - clock.millis();
    // Caffeine takes nanoseconds in a long: about 292 years.
    long max = Duration.ofDays(365L * 200).toMillis();
    return Duration.ofMillis(d < 0 ? 0 : Math.min(d, max));
  }

  @Override
  public void revokeToken(
      String issuer, String tokenId, String subject, Instant issuedAt, Instant expiresAt) {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    TokenKey key = new TokenKey(issuer, tokenId);
    long until = expiresAt.toEpochMilli();
    write(
        subject,
        until,
        issuedAt.toEpochMilli() + 1,
        e -> e.tokens().containsKey(key),
        e ->
            Entries.of(
                e.notBefore(),
                e.notBeforeUntil(),
                Entries.with(e.tokens(), key, until),
                e.families()));
  }

  @Override
  public void revokeFamily(
      String subject, String familyId, Instant issuedBefore, Instant retainUntil) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(familyId, "familyId");
    Objects.requireNonNull(issuedBefore, "issuedBefore");
    Objects.requireNonNull(retainUntil, "retainUntil");
    long until = retainUntil.toEpochMilli();
    write(
        subject,
        until,
        issuedBefore.toEpochMilli(),
        e -> e.families().containsKey(familyId),
        e ->
            Entries.of(
                e.notBefore(),
                e.notBeforeUntil(),
                e.tokens(),
                Entries.with(e.families(), familyId, until)));
  }

  /**
   * Adds one token or family entry to the subject's, or folds it into the not-before {@code
   * foldedBefore} when a bound is reached; an entry already held is only extended.
   */
  private void write(
      String subject,
      long until,
      long foldedBefore,
      Predicate<Entries> present,
      Function<Entries, Entries> add) {
    long now = clock.millis();
    if (until <= now) {
      return; // already over: nothing would accept the token
    }
    subjects
        .asMap()
        .compute(
            subject,
            (s, old) -> {
              Entries e = old == null ? Entries.EMPTY : old.live(now);
              Entries next;
              long others = held.get() - (old == null ? 0 : old.size());
              if (present.test(e)
                  || (e.size() < maximumEntriesPerSubject && others + e.size() < maximumEntries)) {
                next = add.apply(e);
              } else {
                next = e.withNotBefore(foldedBefore, until);
              }
              held.addAndGet(next.size() - (old == null ? 0 : old.size()));
              return next;
            });
  }

  @Override
  public void revokeSubject(String subject, Instant issuedBefore, Instant retainUntil) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(issuedBefore, "issuedBefore");
    Objects.requireNonNull(retainUntil, "retainUntil");
    long now = clock.millis();
    long keep = retainUntil.toEpochMilli();
    if (keep <= now) {
      return;
    }
    subjects
        .asMap()
        .compute(
            subject,
            (s, old) -> {
              // A later cut-off replaces an earlier one, never the reverse; the entry is kept as
              // long as either needed it.
              Entries e = old == null ? Entries.EMPTY : old.live(now);
              Entries next = e.withNotBefore(issuedBefore.toEpochMilli(), keep);
              held.addAndGet(next.size() - (old == null ? 0 : old.size()));
              return next;
            });
  }

  @Override
  public boolean isRevoked(
      String issuer, String tokenId, String subject, String familyId, Instant issuedAt) {
    Entries e = subjects.getIfPresent(subject);
    if (e == null) {
      return false;
    }
    long now = clock.millis();
    if (issuedAt.toEpochMilli() < e.notBefore() && now < e.notBeforeUntil()) {
      return true;
    }
    if (!e.tokens().isEmpty()) {
      Long until = e.tokens().get(new TokenKey(issuer, tokenId));
      if (until != null && now < until) {
        return true;
      }
    }
    if (familyId != null && !e.families().isEmpty()) {
      Long until = e.families().get(familyId);
      return until != null && now < until;
    }
    return false;
  }

  @Override
  public Optional<Instant> notBefore(String subject) {
    Objects.requireNonNull(subject, "subject");
    Entries e = subjects.getIfPresent(subject);
    if (e == null || e.notBeforeUntil() <= clock.millis()) {
      return Optional.empty();
    }
    return Optional.of(Instant.ofEpochMilli(e.notBefore()));
  }

  /** How many parts are held after removing ended ones; for tests and monitoring. */
  long size() {
    subjects.cleanUp();
    long now = clock.millis();
    long n = 0;
    for (Entries e : subjects.asMap().values()) {
      Entries live = e.live(now);
      n += live.size() + (live.notBeforeUntil() > now ? 1 : 0);
    }
    return n;
  }

  /** Token and family entries held, as the global bound counts them; for tests. */
  long heldEntries() {
    subjects.cleanUp();
    return held.get();
  }

  @Override
  public String toString() {
    return "InMemoryRevocationList[maximumEntries="
        + maximumEntries
        + ", maximumEntriesPerSubject="
        + maximumEntriesPerSubject
        + "]";
  }
}

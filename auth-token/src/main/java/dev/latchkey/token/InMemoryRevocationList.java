package dev.latchkey.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.latchkey.core.RevocationList;
import dev.latchkey.core.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A {@link RevocationList} in this process's memory, on Caffeine: for a single node, or for tests.
 * Tokens revoked here are refused only by services sharing this instance; use the Redis list to
 * revoke across nodes.
 *
 * <p>Each entry expires at its own time (the token's {@code exp}, the subject's {@code
 * retainUntil}) by the injected clock, so the list holds only entries that still matter; an entry
 * past its time answers "not revoked" at once, even before Caffeine has removed it.
 *
 * <p>Bounded: when {@code maximumEntries} live entries are held, a further revocation throws
 * {@link StoreUnavailableException} instead of silently evicting an older one (which would
 * un-revoke a live token). Thread-safe.
 */
public final class InMemoryRevocationList implements RevocationList {
  /** The default bound on held entries. */
  public static final long DEFAULT_MAXIMUM_ENTRIES = 1_000_000;

  private record SubjectCutoff(Instant issuedBefore, Instant retainUntil) {}

  private final Clock clock;
  private final long maximumEntries;
  private final Cache<TokenKey, Instant> tokens;
  private final Cache<String, SubjectCutoff> subjects;

  private record TokenKey(String issuer, String tokenId) {}

  private InMemoryRevocationList(Clock clock, long maximumEntries) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maximumEntries < 1) {
      throw new IllegalArgumentException("maximumEntries must be at least 1: " + maximumEntries);
    }
    this.maximumEntries = maximumEntries;
    Ticker ticker = () -> clock.millis() * 1_000_000L;
    this.tokens =
        Caffeine.newBuilder()
            .ticker(ticker)
            .executor(Runnable::run)
            .expireAfter(expiringAt((Instant until) -> until))
            .build();
    this.subjects =
        Caffeine.newBuilder()
            .ticker(ticker)
            .executor(Runnable::run)
            .expireAfter(expiringAt(SubjectCutoff::retainUntil))
            .build();
  }

  /** Per-entry expiry at the time the value names, recomputed whenever the value is replaced. */
  private <K, V> Expiry<K, V> expiringAt(java.util.function.Function<V, Instant> until) {
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

  /** A list bounded to {@value #DEFAULT_MAXIMUM_ENTRIES} entries, timed by {@code clock}. */
  public static InMemoryRevocationList create(Clock clock) {
    return new InMemoryRevocationList(clock, DEFAULT_MAXIMUM_ENTRIES);
  }

  /**
   * A list holding at most {@code maximumEntries} live entries (tokens and subjects together).
   *
   * @throws IllegalArgumentException when {@code maximumEntries} is below 1
   */
  public static InMemoryRevocationList create(Clock clock, long maximumEntries) {
    return new InMemoryRevocationList(clock, maximumEntries);
  }

  private Duration remaining(Instant until) {
    Duration d = Duration.between(clock.instant(), until);
    // Caffeine takes nanoseconds in a long: about 292 years.
    Duration max = Duration.ofDays(365L * 200);
    return d.isNegative() ? Duration.ZERO : (d.compareTo(max) > 0 ? max : d);
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreUnavailableException when the list is full of live entries
   */
  @Override
  public void revokeToken(String issuer, String tokenId, String subject, Instant expiresAt) {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (!clock.instant().isBefore(expiresAt)) {
      return; // already expired: nothing would accept it
    }
    ensureRoom();
    tokens.asMap().merge(new TokenKey(issuer, tokenId), expiresAt, (a, b) -> a.isAfter(b) ? a : b);
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreUnavailableException when the list is full of live entries
   */
  @Override
  public void revokeSubject(String subject, Instant issuedBefore, Instant retainUntil) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(issuedBefore, "issuedBefore");
    Objects.requireNonNull(retainUntil, "retainUntil");
    Instant now = clock.instant();
    if (!now.isBefore(retainUntil)) {
      return;
    }
    ensureRoom();
    subjects
        .asMap()
        .compute(
            subject,
            (s, old) -> {
              if (old == null || !now.isBefore(old.retainUntil())) {
                return new SubjectCutoff(issuedBefore, retainUntil);
              }
              // A later cut-off replaces an earlier one, never the reverse; keep the entry as long
              // as either needed it.
              Instant before =
                  old.issuedBefore().isAfter(issuedBefore) ? old.issuedBefore() : issuedBefore;
              Instant until =
                  old.retainUntil().isAfter(retainUntil) ? old.retainUntil() : retainUntil;
              return new SubjectCutoff(before, until);
            });
  }

  @Override
  public boolean isRevoked(String issuer, String tokenId, String subject, Instant issuedAt) {
    Instant now = clock.instant();
    Instant until = tokens.getIfPresent(new TokenKey(issuer, tokenId));
    if (until != null && now.isBefore(until)) {
      return true;
    }
    SubjectCutoff cutoff = subjects.getIfPresent(subject);
    return cutoff != null
        && now.isBefore(cutoff.retainUntil())
        && issuedAt.isBefore(cutoff.issuedBefore());
  }

  private void ensureRoom() {
    if (tokens.estimatedSize() + subjects.estimatedSize() >= maximumEntries) {
      tokens.cleanUp();
      subjects.cleanUp();
      if (tokens.estimatedSize() + subjects.estimatedSize() >= maximumEntries) {
        throw new StoreUnavailableException("revocation list is full");
      }
    }
  }

  /** How many entries are held after removing expired ones; for tests and monitoring. */
  long size() {
    tokens.cleanUp();
    subjects.cleanUp();
    return tokens.estimatedSize() + subjects.estimatedSize();
  }

  @Override
  public String toString() {
    return "InMemoryRevocationList[maximumEntries=" + maximumEntries + "]";
  }
}

package dev.latchkey.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Refresh-token families with rotation and reuse detection (OAuth 2.0 Security BCP): each use of a
 * refresh token consumes it and yields its successor; presenting a consumed token again is taken as
 * theft and ends the whole family. In memory ({@code auth-token}) or in Redis ({@code auth-redis}).
 *
 * <p>{@link #rotate} is atomic: of any number of concurrent rotations of one token, across
 * processes, exactly one yields {@link Rotation.Rotated} (a grace retry aside, see there). A store
 * keeps what reuse detection needs (a consumed token's family) until the family's end, and forgets
 * it then by itself.
 *
 * <p>Every method throws {@link StoreUnavailableException} when the backend cannot be reached.
 * Implementations must be safe for concurrent use.
 */
public interface RefreshTokenStore {

  /** The outcome of {@link #rotate}. */
  sealed interface Rotation {
    /** The token was live and unused: it is now consumed and {@code successor} is stored. */
    record Rotated(RefreshRecord successor) implements Rotation {
      public Rotated {
        Objects.requireNonNull(successor, "successor");
      }
    }

    /**
     * The token had been consumed already, outside any grace: the family is ended.
     *
     * @param subject whose family it was, for the caller's events
     */
    record Reused(String subject) implements Rotation {}

    /** The token is unknown, its family ended, or it or its family expired. */
    record Invalid() implements Rotation {}
  }

  /**
   * The shard tag to put in the first token of a new family of {@code subject} (see {@link
   * OpaqueIds}); every successor keeps its predecessor's tag, so a family stays in one place. It
   * must tell nothing about the subject to whoever lacks the store's own secrets: never a plain
   * hash of the subject.
   *
   * <p>The default, for a store that places nothing by subject (the in-memory one), is a fresh
   * {@linkplain OpaqueIds#randomShard() random tag} on every call. A store that keeps a subject's
   * families together (one Redis Cluster slot, so that {@link #revokeSubject} is one atomic step)
   * overrides it with a tag keyed by a secret of its own. May throw {@link
   * StoreUnavailableException} when the store must ask its backend for that secret.
   *
   * @return {@value OpaqueIds#SHARD_CHARS} base64url characters
   */
  default String shardFor(String subject) {
    return OpaqueIds.randomShard();
  }

  /**
   * Stores the first token of a new family. Its id carries a tag this store's {@link #shardFor}
   * gave for its subject; a store that places by subject may refuse another with {@link
   * IllegalArgumentException}.
   */
  void create(RefreshRecord record);

  /**
   * Consumes {@code presented} and stores {@code successorId} in its place, in one atomic step.
   * The successor gets {@code issuedAt = now}, {@code expiresAt = min(now + lifetime, family end)}.
   *
   * <p>Grace: when {@code presented} was consumed less than {@code grace} ago and has not been
   * retried before, the retry is honoured once: the successor minted by the first use is ended and
   * {@code successorId} replaces it, so one live token remains. With {@code grace} zero, any second
   * use is {@link Rotation.Reused}.
   */
  Rotation rotate(
      HashedId presented, HashedId successorId, Instant now, Duration lifetime, Duration grace);

  /**
   * Ends the family of {@code id} (logout with a refresh token).
   *
   * @return whether a live family was ended
   */
  boolean revokeFamily(HashedId id);

  /**
   * Ends every family of a subject.
   *
   * @return how many were ended
   */
  int revokeSubject(String subject);
}

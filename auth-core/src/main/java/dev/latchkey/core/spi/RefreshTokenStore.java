package dev.latchkey.core.spi;

import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.internal.OpaqueIds;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Refresh-token families with rotation and reuse detection (OAuth 2.0 Security BCP): each use of a
 * refresh token consumes it and yields its successor; presenting a consumed token again is taken as
 * theft and ends the whole family. In memory ({@code auth-token}) or in Redis ({@code auth-redis}).
 *
 * <p><b>One clock.</b> Every time a store stamps or compares (issue, expiry, grace, rate limit) is
 * read from the store's own clock: the in-memory store's injected {@link java.time.Clock}, Redis's
 * server time. No method takes a caller's time, so nodes whose clocks disagree, and requests whose
 * clock reads and store arrivals are in opposite orders, cannot change an outcome.
 *
 * <p><b>One winner.</b> {@link #rotate} is atomic: of any number of concurrent or replayed
 * presentations of one token, across processes, exactly one yields {@link Rotation.Rotated}; every
 * other is {@link Rotation.Reused} and ends the family (with a grace period, one retry aside: see
 * {@link #rotate}).
 *
 * <p><b>Bounded state.</b> A family holds its current token, a generation counter and the hashes of
 * its last {@value #REMEMBERED_CONSUMED} consumed or replaced tokens, however often it rotates; a
 * consumed token older than those is unknown ({@link Rotation.Invalid}), which rotates nothing. A
 * subject has at most {@link Policy#familiesPerSubject()} families (a new login ends the subject's
 * oldest), and a family rotates at most {@link Policy#rotationsPerWindow()} times per {@link
 * Policy#rotationWindow()}. No store ever drops another subject's family to make room. An ended
 * family is remembered, as refused, until its absolute end, and forgotten then by itself.
 *
 * <p>Every method throws {@link StoreUnavailableException} when the backend cannot be reached (or,
 * for a store with a global bound, when it is full: a newcomer is refused, nobody is evicted).
 * Implementations must be safe for concurrent use.
 */
public interface RefreshTokenStore {

  /** How many consumed or replaced tokens of a family are remembered for reuse detection. */
  int REMEMBERED_CONSUMED = 4;

  /**
   * What a store applies to a family: lifetimes, grace, and the bounds on one subject's state.
   *
   * @param tokenLifetime how long each refresh token is usable, capped by the family's end
   * @param familyLifetime the family's absolute lifetime from its creation
   * @param grace how long after a rotation the consumed token may be retried once (a lost
   *     response); zero means never
   * @param familiesPerSubject the most families one subject holds; a new one ends the oldest
   * @param rotationsPerWindow the most rotations of one family per {@code rotationWindow}
   * @param rotationWindow the fixed window the rotation count is kept over, by the store's clock
   */
  record Policy(
      Duration tokenLifetime,
      Duration familyLifetime,
      Duration grace,
      int familiesPerSubject,
      int rotationsPerWindow,
      Duration rotationWindow) {

    /**
     * Checks the policy.
     *
     * @param tokenLifetime how long each refresh token is usable, positive, at most {@code
     *     familyLifetime}
     * @param familyLifetime the family's absolute lifetime, positive
     * @param grace how long a consumed token may be retried once, zero or positive
     * @param familiesPerSubject the most families one subject holds, at least 1
     * @param rotationsPerWindow the most rotations of one family per window, at least 1
     * @param rotationWindow the window the rotation count is kept over, positive
     * @throws NullPointerException if a duration is null
     * @throws IllegalArgumentException if a value is out of its range, or {@code tokenLifetime}
     *     exceeds {@code familyLifetime}
     */
    public Policy {
      requirePositive(tokenLifetime, "tokenLifetime");
      requirePositive(familyLifetime, "familyLifetime");
      requirePositive(rotationWindow, "rotationWindow");
      Objects.requireNonNull(grace, "grace");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("grace cannot be negative: " + grace);
      }
      if (tokenLifetime.compareTo(familyLifetime) > 0) {
        throw new IllegalArgumentException(
            "tokenLifetime cannot exceed familyLifetime: "
                + tokenLifetime
                + " > "
                + familyLifetime);
      }
      if (familiesPerSubject < 1) {
        throw new IllegalArgumentException(
            "familiesPerSubject must be at least 1: " + familiesPerSubject);
      }
      if (rotationsPerWindow < 1) {
        throw new IllegalArgumentException(
            "rotationsPerWindow must be at least 1: " + rotationsPerWindow);
      }
    }

    private static void requirePositive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
    }
  }

  /** The outcome of {@link #rotate}. */
  sealed interface Rotation {
    /**
     * The token was live and unused: it is now consumed and {@code successor} is stored.
     *
     * @param successor the stored successor token
     */
    record Rotated(RefreshRecord successor) implements Rotation {
      /**
       * Reports a rotation.
       *
       * @param successor the stored successor token
       * @throws NullPointerException if {@code successor} is null
       */
      public Rotated {
        Objects.requireNonNull(successor, "successor");
      }
    }

    /**
     * The token had been consumed or replaced already, outside any grace: the family is ended (by
     * this call, or by an earlier one).
     *
     * @param subject whose family it was, for the caller's events
     * @param familyId the family that is ended
     */
    record Reused(String subject, String familyId) implements Rotation {
      /**
       * Reports a reuse.
       *
       * @param subject whose family it was
       * @param familyId the family that is ended
       * @throws NullPointerException if an argument is null
       */
      public Reused {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(familyId, "familyId");
      }
    }

    /** The token is unknown, its family ended, or it or its family expired. */
    record Invalid() implements Rotation {}

    /**
     * The family rotated {@link Policy#rotationsPerWindow()} times in the current window: nothing
     * changed, and the same token may be presented again from {@code retryAt} (store time).
     *
     * @param retryAt when the same token may be presented again, by the store's clock
     */
    record Limited(Instant retryAt) implements Rotation {
      /**
       * Reports a refusal by rate.
       *
       * @param retryAt when the same token may be presented again, by the store's clock
       * @throws NullPointerException if {@code retryAt} is null
       */
      public Limited {
        Objects.requireNonNull(retryAt, "retryAt");
      }
    }
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
   * @param subject the subject of the family being created
   * @return {@value OpaqueIds#SHARD_CHARS} base64url characters
   */
  default String shardFor(String subject) {
    return OpaqueIds.randomShard();
  }

  /**
   * Starts a family with its first token, whose id carries a tag this store's {@link #shardFor}
   * gave for its subject. The store stamps {@code issuedAt} with its own clock, {@code
   * familyExpiresAt = issuedAt + familyLifetime} and {@code expiresAt = issuedAt + tokenLifetime}.
   * When the subject already holds {@link Policy#familiesPerSubject()} families, its oldest are
   * ended first, never another subject's.
   *
   * @param id the hashed first token
   * @param familyId a fresh, unguessable id (e.g. {@link OpaqueIds#randomToken})
   * @param principal whom the family's access tokens are issued to
   * @param policy the lifetimes and bounds to apply
   * @return the stored first token
   * @throws IllegalArgumentException when the token or the family is already held, or (a store that
   *     places by subject) the id's tag is not the one {@link #shardFor} gives its subject
   */
  RefreshRecord create(HashedId id, String familyId, Principal principal, Policy policy);

  /**
   * Consumes {@code presented} and stores {@code successorId} in its place, in one atomic step,
   * deciding by the store's clock: the successor gets {@code issuedAt = now}, {@code expiresAt =
   * min(now + tokenLifetime, family end)}.
   *
   * <p>In order: an unknown token, or the live token of an ended or expired family, or an expired
   * token, is {@link Rotation.Invalid}. A consumed or replaced token is {@link Rotation.Reused} and
   * ends the family, unless all of these hold: it is the token consumed by the family's last
   * rotation, {@code grace} is positive and has not passed since that rotation, and no retry has
   * been honoured for it yet; then the retry is honoured once (subject to the rate limit): the
   * unused successor of the first use becomes a replaced token (presenting it later is reuse) and
   * {@code successorId} takes its place. A live token of a family over its rate is {@link
   * Rotation.Limited} and nothing changes.
   *
   * @param presented the hashed token the client presented
   * @param successorId the hashed new token, with the same shard as {@code presented}
   * @param policy the lifetimes, grace and rate limit to apply
   * @return what happened; never {@code null}
   */
  Rotation rotate(HashedId presented, HashedId successorId, Policy policy);

  /**
   * A family that {@link #revokeFamily} ended, so that its caller can refuse the family's access
   * tokens too.
   *
   * @param subject whose family it was
   * @param familyId the family that is ended
   */
  record EndedFamily(String subject, String familyId) {
    /**
     * Names an ended family.
     *
     * @param subject whose family it was
     * @param familyId the family that is ended
     * @throws NullPointerException if an argument is null
     */
    public EndedFamily {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(familyId, "familyId");
    }
  }

  /**
   * Ends the family of {@code id} (logout with a refresh token): {@code id} may be its live token
   * or a remembered consumed one.
   *
   * @param id the hashed refresh token presented
   * @return the family this call ended; empty when it ended none (an unknown or expired token, a
   *     family ended already, or one whose stored principal cannot be read: it is ended all the
   *     same)
   */
  Optional<EndedFamily> revokeFamily(HashedId id);

  /**
   * Ends the family {@code familyId} of {@code subject} (logout with an access token that names its
   * family).
   *
   * @param subject the subject the family must belong to
   * @param familyId the family to end
   * @return whether a live family was ended; false for an unknown or ended family, or one of
   *     another subject
   */
  boolean revokeFamilyById(String subject, String familyId);

  /**
   * Whether the family {@code familyId} of {@code subject} is live now, by the store's clock: not
   * ended and not past its absolute end. A read, changing nothing: a caller that acted on a
   * rotation (a session restored from a remember-me cookie) asks it afterwards, so that an end of
   * the family that came in between is never missed.
   *
   * @param subject the subject the family must belong to
   * @param familyId the family
   * @return true for a live family of {@code subject}; false for an unknown, ended or expired
   *     family, or one of another subject
   */
  boolean familyLive(String subject, String familyId);

  /**
   * Ends every family of a subject.
   *
   * @param subject whose families to end
   * @return the ids of the families this call ended (live ones only)
   */
  List<String> revokeSubject(String subject);
}

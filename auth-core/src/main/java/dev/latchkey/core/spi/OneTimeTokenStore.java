package dev.latchkey.core.spi;

import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.internal.OpaqueIds;
import java.time.Instant;
import java.util.Optional;

/**
 * One-time tokens and codes (password reset, email verification, magic links, email codes), keyed
 * by their hashes. A small store: which token is for what, how long it lives, how many a subject
 * may hold and how codes are digested is decided by the service ({@code OneTimeTokens} in {@code
 * auth-account}); the store keeps records, counts, and consumes atomically. In memory ({@code
 * auth-account}) or in Redis ({@code auth-redis}).
 *
 * <p><b>Time.</b> Every method takes the caller's {@code now}: expiry is judged by the service's
 * clock, and a record is forgotten by the store at its {@link OneTimeTokenRecord#retainUntil()}.
 *
 * <p><b>One winner.</b> {@link #consume} is atomic: of any number of concurrent consumes of one
 * token, across processes, exactly one receives the record. {@link #countAttempt} counts
 * atomically, so no more presentations of a code are counted than its limit.
 *
 * <p><b>Bounded state.</b> {@link #put} keeps at most {@code maxOutstanding} live tokens per
 * subject and purpose, ending the oldest first, and forgets the subject's expired ones: a flood of
 * requests for one user leaves at most that many behind.
 *
 * <p>Every method throws {@link StoreUnavailableException} when the backend cannot be reached (or,
 * for a store with a global bound, when it is full: a newcomer is refused, nobody is evicted).
 * Implementations must be safe for concurrent use.
 */
public interface OneTimeTokenStore {

  /** The tag {@link #shardFor} answers by default: one for every subject. */
  String UNPLACED = "AAA";

  /**
   * The shard tag for ids of {@code subject}'s tokens (see {@link HashedId}). It must be the same
   * on every call with one subject: a code is found again by its subject and binding. The default
   * is {@link #UNPLACED} for everyone, right for a store that places nothing by subject (one tag
   * shared by all reveals nothing); a clustered store answers a tag that keeps one subject's tokens
   * in one place.
   *
   * @param subject whose token is being issued or checked
   * @return a tag of {@link OpaqueIds#SHARD_CHARS} base64url characters
   * @throws StoreUnavailableException when the tag needs the backend and it cannot be reached
   */
  default String shardFor(String subject) {
    return UNPLACED;
  }

  /**
   * Stores {@code token} (replacing a record with the same id). First forgets the subject's tokens
   * that have expired at {@code now}; then, when the subject already holds {@code maxOutstanding}
   * live tokens of the same purpose, ends the oldest (by issue time) until {@code maxOutstanding -
   * 1} remain, so that with the new one there are at most {@code maxOutstanding}.
   *
   * @param token the record to store, with no attempts counted
   * @param maxOutstanding the most live tokens of this subject and purpose, at least 1
   * @param now the caller's time
   * @return how many earlier tokens it ended
   * @throws IllegalArgumentException when {@code maxOutstanding} is under 1, or (a store that
   *     places by subject) the id's tag is not the one {@link #shardFor} gives its subject
   */
  int put(OneTimeTokenRecord token, int maxOutstanding, Instant now);

  /**
   * The record with this id, live or expired, if the store still holds it. Never changes it.
   *
   * @param id the hashed token or binding
   * @param now the caller's time
   * @return the record, or empty when it is unknown, consumed, ended or forgotten
   */
  Optional<OneTimeTokenRecord> find(HashedId id, Instant now);

  /**
   * Removes the record with this id and answers it, in one atomic step: of concurrent calls with
   * one id, at most one receives it. An expired record is removed and answered as well (the caller
   * tells expired from valid).
   *
   * @param id the hashed token or binding
   * @param now the caller's time
   * @return the record as it was, or empty when it was not held
   */
  Optional<OneTimeTokenRecord> consume(HashedId id, Instant now);

  /**
   * Counts one presentation of a code, atomically: when the record has fewer than {@code
   * maxAttempts} attempts counted, counts one more and answers the record as counted; when it has
   * {@code maxAttempts} already, removes it (the code is dead) and answers empty.
   *
   * @param id the hashed binding of the code
   * @param maxAttempts the most presentations ever compared, at least 1
   * @param now the caller's time
   * @return the record with this attempt counted, or empty when it is unknown or spent
   * @throws IllegalArgumentException when {@code maxAttempts} is under 1
   */
  Optional<OneTimeTokenRecord> countAttempt(HashedId id, int maxAttempts, Instant now);

  /**
   * Ends every token of {@code subject}, of every purpose (after a password reset, or when the
   * account is closed).
   *
   * @param subject whose tokens to end
   * @param now the caller's time
   * @return how many it ended
   */
  int deleteAll(String subject, Instant now);
}

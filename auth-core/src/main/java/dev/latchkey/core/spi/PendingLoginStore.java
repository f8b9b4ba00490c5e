package dev.latchkey.core.spi;

import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.internal.OpaqueIds;
import java.time.Instant;
import java.util.Optional;

/**
 * Sign-ins with an OpenID provider between their start and their callback, keyed by the hash of
 * their {@code state}. Shared by every node, so that a callback may land on another node than the
 * one that started the login. A small store: the lifetime, the bound per client and every check of
 * the callback are the service's ({@code OidcLogin} in {@code auth-oidc}); the store keeps records,
 * bounds them per client, and consumes atomically. In memory ({@code auth-oidc}) or in Redis
 * ({@code auth-redis}).
 *
 * <p><b>Time.</b> Every method takes the caller's {@code now}; a record is forgotten by the store
 * at its {@link PendingLogin#expiresAt()}, and never answered once {@code now} has reached it.
 *
 * <p><b>One winner.</b> {@link #consume} is atomic: of any number of concurrent consumes of one
 * state, across processes, at most one receives the record; a state is used once.
 *
 * <p><b>Bounded state.</b> {@link #put} keeps at most {@code maxPerClient} live logins per client,
 * ending the oldest first, and forgets the client's expired ones: a flood of started logins from
 * one client leaves at most that many behind.
 *
 * <p>Every method throws {@link StoreUnavailableException} when the backend cannot be reached (or,
 * for a store with a global bound, when it is full: a newcomer is refused, nobody is evicted).
 * Implementations must be safe for concurrent use.
 */
public interface PendingLoginStore {

  /** The tag {@link #shardFor} answers by default: one for every client. */
  String UNPLACED = "AAA";

  /**
   * The shard tag for states started by {@code client} (see {@link HashedId}). The default is
   * {@link #UNPLACED}, right for a store that places nothing; a clustered store answers a tag that
   * keeps one client's logins and their index in one place, keyed so that it names no one.
   *
   * @param client who starts a login
   * @return a tag of {@link OpaqueIds#SHARD_CHARS} base64url characters
   * @throws StoreUnavailableException when the tag needs the backend and it cannot be reached
   */
  default String shardFor(String client) {
    return UNPLACED;
  }

  /**
   * Stores {@code login}. First forgets the client's logins that have expired at {@code now}; then,
   * when the client already holds {@code maxPerClient} live logins, ends the oldest (by start time)
   * until {@code maxPerClient - 1} remain, so that with the new one there are at most {@code
   * maxPerClient}.
   *
   * @param login the record to store
   * @param maxPerClient the most live logins of one client, at least 1
   * @param now the caller's time
   * @return how many earlier logins it ended
   * @throws IllegalArgumentException when {@code maxPerClient} is under 1, or (a store that places
   *     by client) the id's tag is not the one {@link #shardFor} gives its client
   */
  int put(PendingLogin login, int maxPerClient, Instant now);

  /**
   * Removes the login with this state and answers it, in one atomic step: of concurrent calls with
   * one id, at most one receives it. A login whose {@code expiresAt} is not after {@code now} is
   * removed and answered empty.
   *
   * @param id the hashed state
   * @param now the caller's time
   * @return the login as it was, or empty when it is unknown, used, ended or expired
   */
  Optional<PendingLogin> consume(HashedId id, Instant now);
}

package dev.latchkey.core.spi;

import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.internal.OpaqueIds;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where sessions live: in memory ({@code auth-session}) or in Redis ({@code auth-redis}). A dumb
 * store: ids arrive hashed, and timeouts, rotation and the cap policy are decided by the session
 * manager. What a store must do itself is what only it can do atomically: enforce the per-subject
 * cap while creating, renew while reading, change one attribute without rewriting the others, and
 * forget a record at its {@link SessionRecord#retainUntil()} without a cleanup job.
 *
 * <p>Every method throws {@link StoreUnavailableException} when the backend cannot be reached or
 * does not answer in time, and nothing else for a backend fault. Implementations must be safe for
 * concurrent use, also by several processes sharing one backend.
 */
public interface SessionStore {

  /** What {@link #create} does when the subject already holds the most sessions it may. */
  enum CapPolicy {
    /** Refuse the new session; existing ones stay. */
    REFUSE_NEW,
    /** End the subject's live session with the earliest {@code createdAt}, then create. */
    END_OLDEST
  }

  /**
   * The outcome of {@link #create}.
   *
   * @param created whether the session was stored
   * @param ended sessions ended to make room (with {@link CapPolicy#END_OLDEST}); never null
   */
  record CreateResult(boolean created, List<HashedId> ended) {
    /**
     * Copies {@code ended}.
     *
     * @param created whether the session was stored
     * @param ended sessions ended to make room; may be empty
     * @throws NullPointerException if {@code ended} or an element is null
     */
    public CreateResult {
      ended = List.copyOf(ended);
    }
  }

  /**
   * The shard tag to put in a new session id of {@code subject} (see {@link OpaqueIds}): the
   * manager asks for it at login and keeps it when the id rotates, so every id of one session
   * carries the tag {@link #create} was given. It must tell nothing about the subject to whoever
   * lacks the store's own secrets: never a plain hash of the subject.
   *
   * <p>The default, for a store that places nothing by subject (the in-memory one), is a fresh
   * {@linkplain OpaqueIds#randomShard() random tag} on every call. A store that keeps a subject's
   * records together (one Redis Cluster slot, so that the cap and "log out everywhere" stay
   * single-place operations) overrides it with a tag keyed by a secret of its own. Such a tag is
   * the same for every id of one subject: it names no one, but whoever sees two ids with one tag
   * may tell that they are one user's, so it should be short enough for many users to share it. May
   * throw {@link StoreUnavailableException} when the store must ask its backend for that secret.
   *
   * @param subject the subject of the session being created
   * @return {@value OpaqueIds#SHARD_CHARS} base64url characters
   */
  default String shardFor(String subject) {
    return OpaqueIds.randomShard();
  }

  /**
   * Stores a new session and indexes it under its subject, as one atomic step: of two concurrent
   * creates for one subject at its cap, at most one succeeds under {@link CapPolicy#REFUSE_NEW}.
   * Only sessions live at {@code session.createdAt()} count toward the cap. The session's id
   * carries a tag this store's {@link #shardFor} gave for its subject; a store that places by
   * subject may refuse another with {@link IllegalArgumentException}.
   *
   * @param session the new session, live at its {@code createdAt}
   * @param maxPerSubject the most live sessions the subject may hold, at least 1
   * @param policy what to do when the subject already holds {@code maxPerSubject} live sessions
   * @return whether the session was stored, and which sessions were ended to make room
   */
  CreateResult create(SessionRecord session, int maxPerSubject, CapPolicy policy);

  /**
   * Reads a session and applies {@code touch} to it, writing only when {@link SessionTouch#renews}
   * says so (for a remote store: one round trip when nothing renews, the common check). The renewal
   * is atomic with a check that the session is still held, live and due: a session deleted, moved
   * to another id or renewed by another caller after the read is never written back. Returns the
   * record as stored after the touch; empty when the store does not hold it (never created,
   * deleted, or past its {@code retainUntil}). A stored entry that cannot be decoded is answered as
   * empty.
   *
   * @param id the hashed session id
   * @param touch the renewal to apply while reading
   * @return the record after the touch, or empty when the store does not hold it
   */
  Optional<SessionRecord> read(HashedId id, SessionTouch touch);

  /**
   * Sets one attribute of a live session, leaving every other attribute as it is in the store (two
   * writers of different attributes both keep their write). A {@code null} value removes the
   * attribute.
   *
   * @param id the hashed session id
   * @param name the attribute name
   * @param value the new value, or {@code null} to remove the attribute
   * @param now the caller's current time, against which liveness is judged
   * @return false when the session is not held or not live at {@code now}
   */
  boolean setAttribute(HashedId id, String name, String value, Instant now);

  /**
   * Moves a live session to a new id atomically: afterwards the old id reads as empty and the new
   * one reads as the same session. Both ids have the same shard.
   *
   * @param from the session's current hashed id
   * @param to the new hashed id, with the same shard as {@code from}
   * @param now the caller's current time, against which liveness is judged
   * @return false when the old session is not held or not live at {@code now}
   */
  boolean changeId(HashedId from, HashedId to, Instant now);

  /**
   * Deletes a session and its index entry.
   *
   * @param id the hashed session id
   * @return whether it was held
   */
  boolean delete(HashedId id);

  /**
   * {@return the subject's sessions live at {@code now}, oldest first}, bounded by the cap; empty
   * when there are none.
   *
   * @param subject whose sessions to list
   * @param now the caller's current time, against which liveness is judged
   */
  List<SessionRecord> listBySubject(String subject, Instant now);

  /**
   * Deletes every session of a subject.
   *
   * @param subject whose sessions to delete
   * @return how many were deleted
   */
  int deleteBySubject(String subject);
}

package dev.latchkey.session;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthListener;
import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.internal.FailClosed;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.core.spi.SessionStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The administrative side of a {@link SessionManager}, from {@link SessionManager#admin()}: reads
 * that never renew a session, a subject's list of sessions, ending one of them, and "log out
 * everywhere". None of these is on a request's hot path, and none slides a session's idle end.
 *
 * <pre>{@code
 * SessionAdmin admin = sessions.admin();
 * List<SessionInfo> mine = admin.sessionsOf("alice");              // a "your sessions" page
 * admin.endSession("alice", mine.get(0).handle());                 // "sign out that device"
 * int ended = admin.logoutEverywhere("alice");                     // after a password change
 * }</pre>
 *
 * <p><b>Failures.</b> Every method throws {@link StoreUnavailableException} when the store cannot
 * be reached or fails in any other way, and never answers an outage with a value: the caller
 * answers 503. A malformed or unknown raw id is treated like a session that does not exist (empty),
 * never as an exception.
 *
 * <p><b>Events.</b> {@link #endSession} and {@link #logoutEverywhere} emit {@link
 * AuthEvent.LoggedOut} (method {@code "session"}); events never carry an id.
 *
 * <p>Thread-safe.
 */
public final class SessionAdmin {
  private static final String STORE = "session store";

  private final SessionStore store;
  private final SessionTimeouts timeouts;
  private final Clock clock;
  private final AuthListener listener;

  SessionAdmin(SessionStore store, SessionTimeouts timeouts, Clock clock, AuthListener listener) {
    this.store = store;
    this.timeouts = timeouts;
    this.clock = clock;
    this.listener = listener;
  }

  /**
   * The live session with this raw id, without renewing it.
   *
   * @param rawId the session cookie's value; null is treated as malformed
   * @return empty when the id is malformed, unknown, or its session is dead
   * @throws StoreUnavailableException when the store cannot be reached or fails
   */
  public Optional<SessionInfo> find(String rawId) {
    return readLive(rawId).map(SessionInfo::of);
  }

  /**
   * One attribute of the live session with this raw id, without renewing it.
   *
   * @param rawId the session cookie's value; null is treated as malformed
   * @param name the attribute's name
   * @return empty when the session is not live or has no such attribute
   * @throws NullPointerException when {@code name} is null
   * @throws StoreUnavailableException when the store cannot be reached or fails
   */
  public Optional<String> attribute(String rawId, String name) {
    Objects.requireNonNull(name, "name");
    return readLive(rawId).map(r -> r.attributes().get(name));
  }

  /**
   * {@return the live sessions of {@code subject}, oldest first, for a "your active sessions" page}
   *
   * @param subject the {@link Principal#subject()} whose sessions are listed
   * @throws NullPointerException when {@code subject} is null
   * @throws StoreUnavailableException when the store cannot be reached or fails
   */
  public List<SessionInfo> sessionsOf(String subject) {
    Objects.requireNonNull(subject, "subject");
    List<SessionRecord> records =
        FailClosed.manage(STORE, () -> store.listBySubject(subject, clock.instant()));
    List<SessionInfo> infos = new ArrayList<>(records.size());
    for (SessionRecord r : records) {
      infos.add(SessionInfo.of(r));
    }
    return List.copyOf(infos);
  }

  /**
   * Ends one session of {@code subject} by its {@linkplain SessionInfo#handle() handle}, e.g. from
   * a "your active sessions" page. A handle of another subject's session ends nothing, so a user
   * can end only their own sessions.
   *
   * @param subject the {@link Principal#subject()} of the user ending the session
   * @param handle the session's handle, as listed by {@link #sessionsOf}
   * @return whether a session was ended
   * @throws NullPointerException when {@code subject} or {@code handle} is null
   * @throws StoreUnavailableException when the store cannot be reached or fails
   */
  public boolean endSession(String subject, String handle) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(handle, "handle");
    List<SessionRecord> records =
        FailClosed.manage(STORE, () -> store.listBySubject(subject, clock.instant()));
    for (SessionRecord r : records) {
      if (OpaqueIds.constantTimeEquals(r.id().hash(), handle)) {
        boolean deleted = FailClosed.manage(STORE, () -> store.delete(r.id()));
        if (deleted) {
          listener.onEvent(
              new AuthEvent.LoggedOut(clock.instant(), subject, SessionManager.METHOD, false));
        }
        return deleted;
      }
    }
    return false;
  }

  /**
   * Ends every session of {@code subject} ("log out everywhere", or after a password change).
   *
   * @param subject the {@link Principal#subject()} whose sessions end
   * @return how many sessions were ended
   * @throws NullPointerException when {@code subject} is null
   * @throws StoreUnavailableException when the store cannot be reached or fails; sessions may then
   *     remain, and the call should be repeated
   */
  public int logoutEverywhere(String subject) {
    Objects.requireNonNull(subject, "subject");
    int ended = FailClosed.manage(STORE, () -> store.deleteBySubject(subject));
    listener.onEvent(
        new AuthEvent.LoggedOut(clock.instant(), subject, SessionManager.METHOD, true));
    return ended;
  }

  /** The live record with this raw id, read without renewing it; empty for a malformed id. */
  Optional<SessionRecord> readLive(String rawId) {
    Optional<HashedId> id = parse(rawId);
    return id.isEmpty() ? Optional.empty() : readLive(id.get());
  }

  /** The live record with this id, read without renewing it. */
  Optional<SessionRecord> readLive(HashedId id) {
    Instant now = clock.instant();
    return FailClosed.manage(STORE, () -> store.read(id, timeouts.read(now)))
        .filter(r -> r.isLiveAt(now));
  }

  /** The record with this id, live or recently dead, read without renewing it. */
  Optional<SessionRecord> read(HashedId id) {
    return FailClosed.manage(STORE, () -> store.read(id, timeouts.read(clock.instant())));
  }

  /** The hashed id of a raw one; empty when null or malformed. */
  static Optional<HashedId> parse(String rawId) {
    return rawId == null ? Optional.empty() : OpaqueIds.parse(rawId);
  }

  @Override
  public String toString() {
    return "SessionAdmin";
  }
}

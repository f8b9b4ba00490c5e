package dev.latchkey.session;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link SessionManager#login}: a {@link Created} session with its raw id, or a
 * {@link Refused} login because the subject holds the most sessions it may and the cap policy is
 * {@link dev.latchkey.core.spi.SessionStore.CapPolicy#REFUSE_NEW}.
 *
 * <pre>{@code
 * LoginOutcome outcome = manager.login(principal, Map.of("user-agent", userAgent));
 * if (outcome instanceof LoginOutcome.Created created) {
 *   response.addCookie(created.id());
 * } else if (outcome instanceof LoginOutcome.Refused refused) {
 *   response.sendError(409, refused.detail());
 * }
 * }</pre>
 */
public sealed interface LoginOutcome permits LoginOutcome.Created, LoginOutcome.Refused {

  /** Whether a session was created. */
  boolean created();

  /**
   * A new session. {@code id} is the only copy of the raw session id anywhere: put it in the
   * client's cookie and drop it; the store keeps only its hash. {@code toString()} does not show
   * it.
   *
   * @param id the raw session id, for the cookie
   * @param session the session's non-secret data
   * @param endedHandles handles of the subject's oldest sessions ended to make room under {@link
   *     dev.latchkey.core.spi.SessionStore.CapPolicy#END_OLDEST}; usually empty
   */
  record Created(String id, SessionInfo session, List<String> endedHandles)
      implements LoginOutcome {
    public Created {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(session, "session");
      endedHandles = List.copyOf(endedHandles);
    }

    @Override
    public boolean created() {
      return true;
    }

    @Override
    public String toString() {
      return "Created[id=<redacted>, session=" + session + ", endedHandles=" + endedHandles + "]";
    }
  }

  /**
   * No session was created: the subject already holds {@code limit} live sessions.
   *
   * @param limit the most sessions one subject may hold
   * @param detail a short text safe to log and show
   */
  record Refused(int limit, String detail) implements LoginOutcome {
    public Refused {
      Objects.requireNonNull(detail, "detail");
    }

    @Override
    public boolean created() {
      return false;
    }
  }
}

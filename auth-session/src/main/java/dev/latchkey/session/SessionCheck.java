package dev.latchkey.session;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import java.util.Objects;

/**
 * The outcome of checking a session cookie with {@link SessionManager#check}: an {@link Active}
 * session with its data, or a {@link Rejected} cookie with the {@link AuthResult.Failure} to
 * answer. One store read gives both the authentication and the session's data.
 */
public sealed interface SessionCheck permits SessionCheck.Active, SessionCheck.Rejected {

  /** The same outcome as an {@link AuthResult}, as the session strategy answers it. */
  AuthResult result();

  /**
   * The cookie names a live session.
   *
   * @param principal who is logged in
   * @param session the session's data after this check's renewal, if any
   */
  record Active(Principal principal, SessionInfo session) implements SessionCheck {
    public Active {
      Objects.requireNonNull(principal, "principal");
      Objects.requireNonNull(session, "session");
    }

    @Override
    public AuthResult result() {
      return AuthResult.success(principal);
    }
  }

  /**
   * The cookie was refused: {@code MALFORMED}, {@code INVALID_CREDENTIALS}, {@code EXPIRED} or
   * {@code UNAVAILABLE}.
   */
  record Rejected(AuthResult.Failure failure) implements SessionCheck {
    public Rejected {
      Objects.requireNonNull(failure, "failure");
    }

    @Override
    public AuthResult result() {
      return failure;
    }
  }
}

package dev.latchkey.session;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The outcome of checking a session cookie with {@link SessionManager#check}: an {@linkplain
 * #active() active session} with its data, or the {@linkplain #failure() refusal} to answer, read
 * without a cast. One store read gives both the authentication and the session's data:
 *
 * <pre>{@code
 * SessionCheck check = sessions.check(new SessionCookie(cookieValue));
 * int status = check.fold(active -> render(active.principal()), f -> f.reason().httpStatus());
 * }</pre>
 *
 * <p>Immutable.
 */
public final class SessionCheck {
  private final Active active;
  private final AuthResult.Failure failure;

  private SessionCheck(Active active, AuthResult.Failure failure) {
    this.active = active;
    this.failure = failure;
  }

  static SessionCheck active(Principal principal, SessionInfo session) {
    return new SessionCheck(new Active(principal, session), null);
  }

  static SessionCheck rejected(AuthResult.Failure failure) {
    return new SessionCheck(null, Objects.requireNonNull(failure, "failure"));
  }

  /** {@return the live session; empty when the cookie was refused} */
  public Optional<Active> active() {
    return Optional.ofNullable(active);
  }

  /** {@return who is logged in; empty when the cookie was refused} */
  public Optional<Principal> principal() {
    return active == null ? Optional.empty() : Optional.of(active.principal());
  }

  /**
   * {@return why the cookie was refused: {@code MALFORMED}, {@code INVALID_CREDENTIALS}, {@code
   * EXPIRED}, {@code REVOKED} (the principal resolver no longer knows the subject) or {@code
   * UNAVAILABLE}; empty when the session is live}
   */
  public Optional<AuthResult.Failure> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * Applies {@code onActive} to the live session or {@code onFailure} to the refusal, and answers
   * what it returns.
   *
   * @param <T> the type both functions answer
   * @param onActive applied to the live session
   * @param onFailure applied to the refusal
   * @return what the applied function returned
   */
  public <T> T fold(
      Function<? super Active, ? extends T> onActive,
      Function<? super AuthResult.Failure, ? extends T> onFailure) {
    return active != null ? onActive.apply(active) : onFailure.apply(failure);
  }

  /** {@return the same outcome as an {@link AuthResult}, as the session strategy answers it} */
  public AuthResult result() {
    return active != null ? AuthResult.success(active.principal()) : failure;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SessionCheck other
        && Objects.equals(active, other.active)
        && Objects.equals(failure, other.failure);
  }

  @Override
  public int hashCode() {
    return Objects.hash(active, failure);
  }

  @Override
  public String toString() {
    return active != null
        ? "SessionCheck[active=" + active + "]"
        : "SessionCheck[failure=" + failure + "]";
  }

  /**
   * A live session.
   *
   * @param principal who is logged in: the principal of the login, or, when the manager has a
   *     {@link dev.latchkey.core.PrincipalResolver}, the one it resolved for this check
   * @param session the session's data after this check's renewal, if any
   */
  public record Active(Principal principal, SessionInfo session) {
    /**
     * A live session with the given parts.
     *
     * @param principal who is logged in: the principal of the login, or, when the manager has a
     *     {@link dev.latchkey.core.PrincipalResolver}, the one it resolved for this check
     * @param session the session's data after this check's renewal, if any
     * @throws NullPointerException when {@code principal} or {@code session} is null
     */
    public Active {
      Objects.requireNonNull(principal, "principal");
      Objects.requireNonNull(session, "session");
    }
  }
}

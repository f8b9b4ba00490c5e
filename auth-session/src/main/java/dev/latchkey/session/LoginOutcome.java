package dev.latchkey.session;

import dev.latchkey.core.AuthResult;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The outcome of {@link SessionManager#login}: a {@linkplain #created() new session} with its raw
 * id, or a {@linkplain #failure() refusal}, read without a cast:
 *
 * <pre>{@code
 * LoginOutcome outcome = sessions.login(principal, Map.of("user-agent", userAgent));
 * int status = outcome.fold(
 *     created -> { response.addCookie(created.id()); return 200; },
 *     failure -> failure.reason().httpStatus());
 * }</pre>
 *
 * <p>A refusal is an {@link AuthResult.Failure}, like every refusal in Latchkey: {@link
 * AuthResult.Reason#LOCKED} (429, no retry time) when the subject already holds the most sessions
 * it may and the cap policy is {@link dev.latchkey.core.spi.SessionStore.CapPolicy#REFUSE_NEW},
 * {@link AuthResult.Reason#UNAVAILABLE} (503) when the session store could not be reached.
 *
 * <p>Immutable. {@code toString()} never shows the raw id.
 */
public final class LoginOutcome {
  private final NewSession created;
  private final AuthResult.Failure failure;

  private LoginOutcome(NewSession created, AuthResult.Failure failure) {
    this.created = created;
    this.failure = failure;
  }

  static LoginOutcome created(NewSession created) {
    return new LoginOutcome(Objects.requireNonNull(created, "created"), null);
  }

  static LoginOutcome refused(AuthResult.Failure failure) {
    return new LoginOutcome(null, Objects.requireNonNull(failure, "failure"));
  }

  /** {@return the new session; empty when the login was refused} */
  public Optional<NewSession> created() {
    return Optional.ofNullable(created);
  }

  /** {@return why no session was created; empty when one was} */
  public Optional<AuthResult.Failure> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * Applies {@code onCreated} to the new session or {@code onFailure} to the refusal, and answers
   * what it returns.
   *
   * @param <T> the type both functions answer
   * @param onCreated applied to the new session
   * @param onFailure applied to the refusal
   * @return what the applied function returned
   */
  public <T> T fold(
      Function<? super NewSession, ? extends T> onCreated,
      Function<? super AuthResult.Failure, ? extends T> onFailure) {
    return created != null ? onCreated.apply(created) : onFailure.apply(failure);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LoginOutcome other
        && Objects.equals(created, other.created)
        && Objects.equals(failure, other.failure);
  }

  @Override
  public int hashCode() {
    return Objects.hash(created, failure);
  }

  @Override
  public String toString() {
    return created != null
        ? "LoginOutcome[created=" + created + "]"
        : "LoginOutcome[failure=" + failure + "]";
  }

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
  public record NewSession(String id, SessionInfo session, List<String> endedHandles) {
    /**
     * A new session with the given parts; {@code endedHandles} is copied.
     *
     * @param id the raw session id, for the cookie
     * @param session the session's non-secret data
     * @param endedHandles handles of the subject's oldest sessions ended to make room under {@link
     *     dev.latchkey.core.spi.SessionStore.CapPolicy#END_OLDEST}; usually empty
     * @throws NullPointerException when any argument or ended handle is null
     */
    public NewSession {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(session, "session");
      endedHandles = List.copyOf(endedHandles);
    }

    @Override
    public String toString() {
      return "NewSession[id=<redacted>, session="
          + session
          + ", endedHandles="
          + endedHandles
          + "]";
    }
  }
}

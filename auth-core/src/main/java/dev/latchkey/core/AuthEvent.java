package dev.latchkey.core;

import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened to an authentication, for audit logs and metrics. Events carry who and
 * what, never a password, token or session id (raw or hashed).
 */
public sealed interface AuthEvent
    permits AuthEvent.Succeeded, AuthEvent.Failed, AuthEvent.LoggedOut, AuthEvent.Revoked {

  /** {@return when it happened, by the emitter's clock} */
  Instant at();

  /**
   * An authentication succeeded.
   *
   * @param at when, by the emitter's clock
   * @param subject who
   * @param method the strategy, e.g. {@code "password"}, {@code "session"}, {@code "bearer"}
   */
  record Succeeded(Instant at, String subject, String method) implements AuthEvent {
    /**
     * Creates the event.
     *
     * @param at when it happened, by the emitter's clock
     * @param subject who
     * @param method the strategy
     * @throws NullPointerException if {@code at}, {@code subject} or {@code method} is null
     */
    public Succeeded {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(method, "method");
    }
  }

  /**
   * An authentication failed.
   *
   * @param at when, by the emitter's clock
   * @param claimedIdentity the login name tried, or {@code null} when the credentials name none (a
   *     bad cookie or token)
   * @param method the strategy
   * @param reason why
   */
  record Failed(Instant at, String claimedIdentity, String method, AuthResult.Reason reason)
      implements AuthEvent {
    /**
     * Creates the event.
     *
     * @param at when it happened, by the emitter's clock
     * @param claimedIdentity the login name tried, or {@code null}
     * @param method the strategy
     * @param reason why
     * @throws NullPointerException if {@code at}, {@code method} or {@code reason} is null
     */
    public Failed {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Sessions or tokens of a subject were ended by logout.
   *
   * @param at when, by the emitter's clock
   * @param subject whose sessions or tokens were ended
   * @param method the strategy, e.g. {@code "session"} or {@code "bearer"}
   * @param everywhere whether every session or token of the subject was ended
   */
  record LoggedOut(Instant at, String subject, String method, boolean everywhere)
      implements AuthEvent {
    /**
     * Creates the event.
     *
     * @param at when it happened, by the emitter's clock
     * @param subject whose sessions or tokens were ended
     * @param method the strategy
     * @param everywhere whether every session or token of the subject was ended
     * @throws NullPointerException if {@code at}, {@code subject} or {@code method} is null
     */
    public LoggedOut {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(method, "method");
    }
  }

  /**
   * Credentials of a subject were revoked (a token, all tokens, a refresh family on reuse).
   *
   * @param at when, by the emitter's clock
   * @param subject whose credentials were revoked
   * @param what a short, secret-free description, e.g. {@code "refresh token reuse"}
   */
  record Revoked(Instant at, String subject, String what) implements AuthEvent {
    /**
     * Creates the event.
     *
     * @param at when it happened, by the emitter's clock
     * @param subject whose credentials were revoked
     * @param what a short, secret-free description
     * @throws NullPointerException if {@code at}, {@code subject} or {@code what} is null
     */
    public Revoked {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(what, "what");
    }
  }
}

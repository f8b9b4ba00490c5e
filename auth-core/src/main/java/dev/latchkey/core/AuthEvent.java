package dev.latchkey.core;

import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened to an authentication, for audit logs and metrics. Events carry who and
 * what, never a password, token or session id (raw or hashed).
 */
public sealed interface AuthEvent
    permits AuthEvent.Succeeded, AuthEvent.Failed, AuthEvent.LoggedOut, AuthEvent.Revoked {

  /** When it happened, by the emitter's clock. */
  Instant at();

  /**
   * An authentication succeeded.
   *
   * @param subject who
   * @param method the strategy, e.g. {@code "password"}, {@code "session"}, {@code "bearer"}
   */
  record Succeeded(Instant at, String subject, String method) implements AuthEvent {
    public Succeeded {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(method, "method");
    }
  }

  /**
   * An authentication failed.
   *
   * @param claimedIdentity the login name tried, or {@code null} when the credentials name none
   *     (a bad cookie or token)
   * @param method the strategy
   * @param reason why
   */
  record Failed(Instant at, String claimedIdentity, String method, AuthResult.Reason reason)
      implements AuthEvent {
    public Failed {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Sessions or tokens of a subject were ended by logout.
   *
   * @param everywhere whether every session or token of the subject was ended
   */
  record LoggedOut(Instant at, String subject, String method, boolean everywhere)
      implements AuthEvent {
    public LoggedOut {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(method, "method");
    }
  }

  /**
   * Credentials of a subject were revoked (a token, all tokens, a refresh family on reuse).
   *
   * @param what a short, secret-free description, e.g. {@code "refresh token reuse"}
   */
  record Revoked(Instant at, String subject, String what) implements AuthEvent {
    public Revoked {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(what, "what");
    }
  }
}

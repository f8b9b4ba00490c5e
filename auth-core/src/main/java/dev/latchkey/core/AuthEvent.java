package dev.latchkey.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened to an authentication, for audit logs and metrics. Events carry who and
 * what, never a password, token or session id (raw or hashed).
 *
 * <p>Each event carries the {@linkplain #client() client} it happened for when the caller said
 * which: the constructors without a {@code client} argument take {@link ClientInfo#current()}, so
 * an event emitted inside {@link ClientInfo#during} carries that scope's client, and one emitted
 * outside any scope carries none.
 */
public sealed interface AuthEvent
    permits AuthEvent.Succeeded,
        AuthEvent.Failed,
        AuthEvent.LoggedOut,
        AuthEvent.Revoked,
        AuthEvent.PasswordReset,
        AuthEvent.Issued,
        AuthEvent.CloneSuspected {

  /** {@return when it happened, by the emitter's clock} */
  Instant at();

  /** {@return the client the event happened for}, or empty when the emitter did not know it */
  Optional<ClientInfo> client();

  /**
   * An authentication succeeded.
   *
   * @param at when, by the emitter's clock
   * @param subject who
   * @param method the strategy, e.g. {@code "password"}, {@code "session"}, {@code "bearer"},
   *     {@code "refresh"}
   * @param client the client it happened for, or empty when unknown
   */
  record Succeeded(Instant at, String subject, String method, Optional<ClientInfo> client)
      implements AuthEvent {
    /**
     * Creates the event.
     *
     * @param at when it happened, by the emitter's clock
     * @param subject who
     * @param method the strategy
     * @param client the client it happened for, or empty when unknown
     * @throws NullPointerException if any argument is null
     */
    public Succeeded {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(client, "client");
    }

    /**
     * Creates the event for the {@linkplain ClientInfo#current() current client}, if any.
     *
     * @param at when it happened, by the emitter's clock
     * @param subject who
     * @param method the strategy
     * @throws NullPointerException if {@code at}, {@code subject} or {@code method} is null
     */
    public Succeeded(Instant at, String subject, String method) {
      this(at, subject, method, ClientInfo.current());
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
   * @param client the client it happened for, or empty when unknown
   */
  record Failed(
      Instant at,
      String claimedIdentity,
      String method,
      AuthResult.Reason reason,
      Optional<ClientInfo> client)
      implements AuthEvent {
    /**
     * Creates the event.
     *
     * @param at when it happened, by the emitter's clock
     * @param claimedIdentity the login name tried, or {@code null}
     * @param method the strategy
     * @param reason why
     * @param client the client it happened for, or empty when unknown
     * @throws NullPointerException if {@code at}, {@code method}, {@code reason} or {@code client}
     *     is null
     */
    public Failed {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(client, "client");
    }

    /**
     * Creates the event for the {@linkplain ClientInfo#current() current client}, if any.
     *
     * @param at when it happened, by the emitter's clock
     * @param claimedIdentity the login name tried, or {@code null}
     * @param method the strategy
     * @param reason why
     * @throws NullPointerException if {@code at}, {@code method} or {@code reason} is null
     */
    public Failed(Instant at, String claimedIdentity, String method, AuthResult.Reason reason) {
      this(at, claimedIdentity, method, reason, ClientInfo.current());
    }
  }

  /**
   * Sessions or tokens of a subject were ended by logout.
   *
   * @param at when, by the emitter's clock
   * @param subject whose sessions or tokens were ended
   * @param method the strategy, e.g. {@code "session"} or {@code "bearer"}
   * @param everywhere whether every session or token of the subject was ended
   * @param client the client it happened for, or empty when unknown
   */
  record LoggedOut(
      Instant at, String subject, String method, boolean everywhere, Optional<ClientInfo> client)
      implements AuthEvent {
    /**
     * Creates the event.
     *
     * @param at when it happened, by the emitter's clock
     * @param subject whose sessions or tokens were ended
     * @param method the strategy
     * @param everywhere whether every session or token of the subject was ended
     * @param client the client it happened for, or empty when unknown
     * @throws NullPointerException if {@code at}, {@code subject}, {@code method} or {@code client}
     *     is null
     */
    public LoggedOut {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(client, "client");
    }

    /**
     * Creates the event for the {@linkplain ClientInfo#current() current client}, if any.
     *
     * @param at when it happened, by the emitter's clock
     * @param subject whose sessions or tokens were ended
     * @param method the strategy
     * @param everywhere whether every session or token of the subject was ended
     * @throws NullPointerException if {@code at}, {@code subject} or {@code method} is null
     */
    public LoggedOut(Instant at, String subject, String method, boolean everywhere) {
      this(at, subject, method, everywhere, ClientInfo.current());
    }
  }

  /**
   * Credentials of a subject were revoked (a token, all tokens, a refresh family on reuse).
   *
   * @param at when, by the emitter's clock
   * @param subject whose credentials were revoked
   * @param what a short, secret-free description, e.g. {@code "refresh token reuse"}
   * @param client the client it happened for, or empty when unknown
   */
  record Revoked(Instant at, String subject, String what, Optional<ClientInfo> client)
      implements AuthEvent {
    /**
     * Creates the event.
     *
     * @param at when it happened, by the emitter's clock
     * @param subject whose credentials were revoked
     * @param what a short, secret-free description
     * @param client the client it happened for, or empty when unknown
     * @throws NullPointerException if any argument is null
     */
    public Revoked {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(what, "what");
      Objects.requireNonNull(client, "client");
    }

    /**
     * Creates the event for the {@linkplain ClientInfo#current() current client}, if any.
     *
     * @param at when it happened, by the emitter's clock
     * @param subject whose credentials were revoked
     * @param what a short, secret-free description
     * @throws NullPointerException if {@code at}, {@code subject} or {@code what} is null
     */
    public Revoked(Instant at, String subject, String what) {
      this(at, subject, what, ClientInfo.current());
    }
  }

  /**
   * A subject's password was replaced through a password-reset token; every session and token of
   * the subject was ended with it.
   *
   * @param at when, by the emitter's clock
   * @param subject whose password was replaced
   * @param client the client it happened for, or empty when unknown
   */
  record PasswordReset(Instant at, String subject, Optional<ClientInfo> client)
      implements AuthEvent {
    /**
     * Creates the event.
     *
     * @param at when it happened, by the emitter's clock
     * @param subject whose password was replaced
     * @param client the client it happened for, or empty when unknown
     * @throws NullPointerException if any argument is null
     */
    public PasswordReset {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(client, "client");
    }

    /**
     * Creates the event for the {@linkplain ClientInfo#current() current client}, if any.
     *
     * @param at when it happened, by the emitter's clock
     * @param subject whose password was replaced
     * @throws NullPointerException if an argument is null
     */
    public PasswordReset(Instant at, String subject) {
      this(at, subject, ClientInfo.current());
    }
  }

  /**
   * A long-lived credential was issued to a subject (an API key), so an audit log sees every
   * credential that can authenticate as it.
   *
   * @param at when, by the emitter's clock
   * @param subject to whom
   * @param what a short, secret-free description, e.g. {@code "api key"}
   * @param client the client it happened for, or empty when unknown
   */
  record Issued(Instant at, String subject, String what, Optional<ClientInfo> client)
      implements AuthEvent {
    /**
     * Creates the event.
     *
     * @param at when it happened, by the emitter's clock
     * @param subject to whom
     * @param what a short, secret-free description
     * @param client the client it happened for, or empty when unknown
     * @throws NullPointerException if any argument is null
     */
    public Issued {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(what, "what");
      Objects.requireNonNull(client, "client");
    }

    /**
     * Creates the event for the {@linkplain ClientInfo#current() current client}, if any.
     *
     * @param at when it happened, by the emitter's clock
     * @param subject to whom
     * @param what a short, secret-free description
     * @throws NullPointerException if {@code at}, {@code subject} or {@code what} is null
     */
    public Issued(Instant at, String subject, String what) {
      this(at, subject, what, ClientInfo.current());
    }
  }

  /**
   * A credential was presented in a way only a copy of it could explain: a passkey whose signature
   * counter did not increase. The presentation was refused; the subject or an administrator should
   * check the credential and may remove it.
   *
   * @param at when, by the emitter's clock
   * @param subject whose credential
   * @param what a short, secret-free description, e.g. {@code "passkey sign counter did not
   *     increase"}
   * @param client the client it happened for, or empty when unknown
   */
  record CloneSuspected(Instant at, String subject, String what, Optional<ClientInfo> client)
      implements AuthEvent {
    /**
     * Creates the event.
     *
     * @param at when it happened, by the emitter's clock
     * @param subject whose credential
     * @param what a short, secret-free description
     * @param client the client it happened for, or empty when unknown
     * @throws NullPointerException if any argument is null
     */
    public CloneSuspected {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(what, "what");
      Objects.requireNonNull(client, "client");
    }

    /**
     * Creates the event for the {@linkplain ClientInfo#current() current client}, if any.
     *
     * @param at when it happened, by the emitter's clock
     * @param subject whose credential
     * @param what a short, secret-free description
     * @throws NullPointerException if {@code at}, {@code subject} or {@code what} is null
     */
    public CloneSuspected(Instant at, String subject, String what) {
      this(at, subject, what, ClientInfo.current());
    }
  }
}

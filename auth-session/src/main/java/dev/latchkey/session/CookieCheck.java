package dev.latchkey.session;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthListener;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Principal;
import dev.latchkey.core.PrincipalResolver;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.internal.FailClosed;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.core.spi.SessionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The cookie check of {@link SessionManager#check} and {@link SessionManager#authenticate}: parse
 * the id, read and renew the session in one store read, refuse what is not live, ask the principal
 * resolver, emit the event. It never throws for the cookie's content or a fault of the store or the
 * resolver: those are refusals. Thread-safe.
 */
final class CookieCheck {
  // The answers a check refuses with (besides FailClosed's): immutable, so shared, not rebuilt.
  private static final AuthResult.Failure MALFORMED =
      AuthResult.failure(Reason.MALFORMED, "the session cookie is not a session id");
  private static final AuthResult.Failure UNKNOWN =
      AuthResult.failure(Reason.INVALID_CREDENTIALS, "unknown session");
  private static final AuthResult.Failure EXPIRED =
      AuthResult.failure(Reason.EXPIRED, "the session has expired");
  private static final AuthResult.Failure PENDING =
      AuthResult.failure(
          Reason.SECOND_FACTOR_REQUIRED, "the session waits for the account's second factor");
  private static final AuthResult.Failure PENDING_EXPIRED =
      AuthResult.failure(Reason.EXPIRED, "the second factor was not given in time");
  private static final AuthResult.Failure REVOKED =
      AuthResult.failure(Reason.REVOKED, "the subject may no longer sign in");

  private static final String STORE = "session store";
  private static final String RESOLVER = "principal resolver";

  private final SessionStore store;
  private final SessionTimeouts timeouts;
  private final Clock clock;
  private final AuthListener listener;
  // False when the manager has no listener: a check then builds no event at all.
  private final boolean hasListener;
  // Null when the manager has none: checks then answer the principal of the login.
  private final PrincipalResolver resolver;
  private final Duration secondFactorTimeout;

  CookieCheck(
      SessionStore store,
      SessionTimeouts timeouts,
      Clock clock,
      AuthListener listener,
      boolean hasListener,
      PrincipalResolver resolver,
      Duration secondFactorTimeout) {
    this.store = store;
    this.timeouts = timeouts;
    this.clock = clock;
    this.listener = listener;
    this.hasListener = hasListener;
    this.resolver = resolver;
    this.secondFactorTimeout = secondFactorTimeout;
  }

  /** Whether checks ask a principal resolver. */
  boolean resolves() {
    return resolver != null;
  }

  /**
   * Checks the cookie and answers {@code onLive} with the live record and the principal to answer,
   * or {@code onFailure} with the refusal; emits the event either way. The two answers are passed
   * as functions (non-capturing, so allocated once) to keep one code path for both outcome types.
   */
  <T> T verify(
      SessionCookie cookie,
      boolean allowPending,
      BiFunction<SessionRecord, Principal, T> onLive,
      Function<? super AuthResult.Failure, T> onFailure) {
    Objects.requireNonNull(cookie, "cookie");
    Optional<HashedId> id = OpaqueIds.parse(cookie.value());
    Instant now = clock.instant();
    if (id.isEmpty()) {
      return onFailure.apply(reject(now, MALFORMED));
    }
    Optional<SessionRecord> found;
    try {
      found = store.read(id.get(), timeouts.check(now));
    } catch (RuntimeException e) {
      return onFailure.apply(reject(now, FailClosed.onCheck(STORE, e)));
    }
    if (found.isEmpty()) {
      return onFailure.apply(reject(now, UNKNOWN));
    }
    SessionRecord record = found.get();
    if (!record.isLiveAt(now)) {
      return onFailure.apply(reject(now, EXPIRED));
    }
    if (SessionAssurance.isPending(record)) {
      if (!allowPending) {
        return onFailure.apply(reject(now, PENDING));
      }
      Instant started = SessionAssurance.of(record).authenticatedAt();
      if (!now.isBefore(started.plus(secondFactorTimeout))) {
        return onFailure.apply(reject(now, PENDING_EXPIRED));
      }
    }
    Principal principal = record.principal();
    if (resolver != null) {
      Optional<Principal> current;
      try {
        current = resolver.resolve(principal.subject());
        if (current == null) {
          return onFailure.apply(reject(now, FailClosed.onNull(RESOLVER)));
        }
        if (current.isPresent() && !current.get().subject().equals(principal.subject())) {
          // Answering another subject's principal would log the client in as someone else.
          throw new IllegalStateException("the principal resolver answered another subject");
        }
      } catch (RuntimeException e) {
        return onFailure.apply(reject(now, FailClosed.onCheck(RESOLVER, e)));
      }
      if (current.isEmpty()) {
        endRevoked(record.id());
        return onFailure.apply(reject(now, REVOKED));
      }
      principal = current.get();
    }
    if (hasListener) {
      listener.onEvent(new AuthEvent.Succeeded(now, principal.subject(), SessionManager.METHOD));
    }
    return onLive.apply(record, principal);
  }

  /**
   * Ends a session whose subject may no longer sign in. The refusal stands whether or not this
   * delete succeeds: the resolver refuses the session again at its next check.
   */
  private void endRevoked(HashedId id) {
    try {
      store.delete(id);
    } catch (RuntimeException e) {
      FailClosed.onCheck(STORE, e);
    }
  }

  private AuthResult.Failure reject(Instant now, AuthResult.Failure failure) {
    if (hasListener) {
      listener.onEvent(new AuthEvent.Failed(now, null, SessionManager.METHOD, failure.reason()));
    }
    return failure;
  }
}

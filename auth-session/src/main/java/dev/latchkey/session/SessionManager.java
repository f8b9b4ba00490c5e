package dev.latchkey.session;

import dev.latchkey.core.Assurance;
import dev.latchkey.core.Assurance.Level;
import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthListener;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Authenticator;
import dev.latchkey.core.Principal;
import dev.latchkey.core.PrincipalResolver;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.internal.CsrfTokens;
import dev.latchkey.core.internal.FailClosed;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.core.spi.SessionStore.CapPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

// Past 400 lines for a reason: the Builder is public API as SessionManager.Builder, so it and its
// setters' contracts live in this file. The work is done in parts of their own: SessionTimeouts
// (the time policy), CookieCheck (the cookie check) and SessionAdmin (administrative operations).

/**
 * The whole session lifecycle on a {@link SessionStore}: login with a fresh id, the cookie check
 * with idle and absolute timeouts and rate-limited sliding renewal, attributes, rotation, logout
 * and a cap on sessions per subject; the administrative operations ("log out everywhere", a
 * subject's sessions, reads that do not renew) are grouped behind {@link #admin()}. The store stays
 * dumb; every policy is here.
 *
 * <pre>{@code
 * SessionManager sessions = SessionManager.builder(SessionManager.inMemoryStore(Clock.systemUTC()))
 *     .idleTimeout(Duration.ofMinutes(30))
 *     .absoluteTimeout(Duration.ofHours(12))
 *     .maxSessionsPerSubject(5, SessionStore.CapPolicy.END_OLDEST)
 *     .principalResolver(subject -> users.currentPrincipal(subject)) // roles as they are now
 *     .csrfKey(csrfKeyFromYourSecretStore)                           // 32+ bytes, every node
 *     .build();
 *
 * // login: the raw id goes in the cookie; a refusal is an AuthResult.Failure
 * LoginOutcome login = sessions.login(principal, Map.of("user-agent", userAgent));
 * int status = login.fold(created -> 200, failure -> failure.reason().httpStatus());
 *
 * // each request: the cookie's value, checked in one store read
 * SessionCheck check = sessions.check(new SessionCookie(cookieValue));
 * Optional<Principal> who = check.principal();
 *
 * // forms: a token bound to the session, checked from the same cookie value on each POST
 * String csrf = sessions.csrfToken(cookieValue).orElseThrow();
 * boolean genuine = sessions.checkCsrf(cookieValue, request.getHeader("X-CSRF-Token"));
 *
 * // after a password change: every session of the subject ends
 * sessions.admin().logoutEverywhere(principal.subject());
 * }</pre>
 *
 * <p><b>Ids.</b> Every session id is made here (256 bits from {@link java.security.SecureRandom}),
 * on every login and every {@link #rotate}: an id a client brings is never adopted, so session
 * fixation is impossible. The raw id is returned exactly once and the store only ever receives its
 * SHA-256. Its shard tag is the store's choice ({@link SessionStore#shardFor}), never a hash of the
 * subject, so an id says nothing of whose it is.
 *
 * <p><b>Time.</b> A session dies {@code idleTimeout} after its last renewal or {@code
 * absoluteTimeout} after login, whichever is first. A successful check renews it, but writes to the
 * store at most once per {@code renewalInterval}, so a busy client does not cost a write per
 * request; a dead session stays known for {@code expiredNotice}, so its client is told {@code
 * EXPIRED} rather than {@code INVALID_CREDENTIALS}. Time comes from the builder's {@link Clock}.
 *
 * <p><b>Roles.</b> Without a {@link Builder#principalResolver principal resolver}, a check answers
 * the principal given to {@link #login}, unchanged for the session's whole life (up to the absolute
 * timeout): a role granted or withdrawn later is not seen until the user logs in again, and a
 * disabled account keeps its sessions until {@link SessionAdmin#logoutEverywhere}. With a resolver,
 * every check answers the principal the resolver gives now for the session's subject, so a role
 * change takes effect on the next request; when it gives none, the session is ended and the check
 * answers {@link Reason#REVOKED}.
 *
 * <p><b>CSRF.</b> {@link #csrfToken} issues a token bound to one session and {@link #checkCsrf}
 * checks one, both from the raw cookie value: a token passes only for the live session it was
 * issued for, and dies with it (also when its id {@linkplain #rotate rotates}: render the form
 * again). Tokens are an HMAC under the builder's {@link Builder#csrfKey CSRF key}, so nothing is
 * stored for them.
 *
 * <p><b>Failures.</b> Everything that answers an outcome ({@link #check}, {@link #authenticate},
 * {@link #login}) never throws for a client's input or a fault of the store or the resolver: any
 * {@link RuntimeException} from them is answered {@link Reason#UNAVAILABLE}, never success. The
 * management operations ({@link #setAttribute}, {@link #rotate}, {@link #logout}, {@link
 * #csrfToken}, {@link #checkCsrf} and every {@link SessionAdmin} operation) throw {@link
 * StoreUnavailableException} when the store cannot be reached or fails in any other way, and never
 * answer an outage with a value: the caller answers 503. They treat a malformed or unknown raw id
 * like a session that does not exist (empty or false), never as an exception.
 *
 * <p><b>Events.</b> Every check emits {@link AuthEvent.Succeeded} or {@link AuthEvent.Failed}
 * (method {@code "session"}); {@link #logout} and {@link SessionAdmin}'s ends of sessions emit
 * {@link AuthEvent.LoggedOut}. Events never carry an id.
 *
 * <p>Thread-safe.
 */
public final class SessionManager {
  /** The method name in events. */
  static final String METHOD = "session";

  private static final String STORE = "session store";
  private static final AuthResult.Failure STEP_UP =
      AuthResult.failure(
          Reason.STEP_UP_REQUIRED, "the operation needs a stronger or more recent authentication");

  private final SessionStore store;
  private final SessionTimeouts timeouts;
  private final int maxSessionsPerSubject;
  private final CapPolicy capPolicy;
  private final Clock clock;
  private final AuthListener listener;
  private final CookieCheck cookieCheck;
  private final SessionAdmin admin;
  private final Authenticator<SessionCookie> authenticator;
  private final CsrfTokens csrf;
  private final Duration secondFactorTimeout;

  private SessionManager(Builder b, SessionTimeouts timeouts) {
    this.store = b.store;
    this.timeouts = timeouts;
    this.maxSessionsPerSubject = b.maxSessionsPerSubject;
    this.capPolicy = b.capPolicy;
    this.clock = b.clock;
    boolean hasListener = b.listener != null;
    this.listener = hasListener ? AuthListener.guarded(b.listener) : AuthListener.none();
    this.secondFactorTimeout = b.secondFactorTimeout;
    this.cookieCheck =
        new CookieCheck(
            store, timeouts, clock, listener, hasListener, b.resolver, secondFactorTimeout);
    this.admin = new SessionAdmin(store, timeouts, clock, listener);
    this.authenticator = new SessionAuthenticator(this);
    this.csrf = b.csrfKey != null ? CsrfTokens.withKey(b.csrfKey) : CsrfTokens.withRandomKey();
  }

  /**
   * A session store for one process, holding at most 1,000,000 sessions in memory (the least
   * recently used go first when it is full). Give the same store to every manager that must see the
   * same sessions; a fleet shares a Redis store instead.
   *
   * @param clock the clock expiry is measured by; give the managers the same one
   * @return a new, empty store
   * @throws NullPointerException when {@code clock} is null
   */
  public static SessionStore inMemoryStore(Clock clock) {
    return InMemorySessionStore.builder().clock(clock).build();
  }

  /**
   * An in-memory session store holding at most {@code maximumSessions} sessions.
   *
   * @param clock the clock expiry is measured by; give the managers the same one
   * @param maximumSessions the most sessions held at once; past that the least recently used go
   *     first
   * @return a new, empty store
   * @throws NullPointerException when {@code clock} is null
   * @throws IllegalArgumentException when {@code maximumSessions} is below 1
   * @see #inMemoryStore(Clock)
   */
  public static SessionStore inMemoryStore(Clock clock, long maximumSessions) {
    return InMemorySessionStore.builder().clock(clock).maximumSize(maximumSessions).build();
  }

  /**
   * A builder for a manager on {@code store}, with defaults: idle timeout 30 minutes, absolute
   * timeout 12 hours, renewal interval a tenth of the idle timeout capped at one minute, expired
   * notice 15 minutes, at most 16 sessions per subject ending the oldest past that, the system UTC
   * clock, no listener, no principal resolver (checks answer the principal of the login) and a CSRF
   * key drawn at random for this manager.
   *
   * @param store where sessions are kept; managers that must see the same sessions share it
   * @return a new builder
   * @throws NullPointerException when {@code store} is null
   */
  public static Builder builder(SessionStore store) {
    return new Builder(store);
  }

  /** Builds a {@link SessionManager}. Setters check their value; {@link #build} checks the mix. */
  public static final class Builder {
    private final SessionStore store;
    private Duration idleTimeout = SessionTimeouts.DEFAULT_IDLE_TIMEOUT;
    private Duration absoluteTimeout = SessionTimeouts.DEFAULT_ABSOLUTE_TIMEOUT;
    private Duration renewalInterval; // null: a share of the idle timeout
    private Duration expiredNotice = SessionTimeouts.DEFAULT_EXPIRED_NOTICE;
    private Duration secondFactorTimeout = Duration.ofMinutes(5);
    private int maxSessionsPerSubject = 16;
    private CapPolicy capPolicy = CapPolicy.END_OLDEST;
    private Clock clock = Clock.systemUTC();
    private AuthListener listener;
    private PrincipalResolver resolver;
    private byte[] csrfKey;

    private Builder(SessionStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * How long a session lives without a request.
     *
     * @param idleTimeout the time from the last renewal to the session's end; default 30 minutes
     * @return this builder
     * @throws NullPointerException when {@code idleTimeout} is null
     * @throws IllegalArgumentException when not positive
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = SessionTimeouts.requirePositive(idleTimeout, "idleTimeout");
      return this;
    }

    /**
     * How long a session lives after login however active it is; at least the idle timeout.
     *
     * @param absoluteTimeout the time from login to the session's end; default 12 hours
     * @return this builder
     * @throws NullPointerException when {@code absoluteTimeout} is null
     * @throws IllegalArgumentException when not positive
     */
    public Builder absoluteTimeout(Duration absoluteTimeout) {
      this.absoluteTimeout = SessionTimeouts.requirePositive(absoluteTimeout, "absoluteTimeout");
      return this;
    }

    /**
     * The least time between two sliding-renewal writes of one session; less than the idle timeout.
     * Zero writes on every check.
     *
     * @param renewalInterval the least time between renewal writes; default a tenth of the idle
     *     timeout, capped at one minute
     * @return this builder
     * @throws NullPointerException when {@code renewalInterval} is null
     * @throws IllegalArgumentException when negative
     */
    public Builder renewalInterval(Duration renewalInterval) {
      this.renewalInterval = SessionTimeouts.requireNonNegative(renewalInterval, "renewalInterval");
      return this;
    }

    /**
     * How long a dead session stays known, so that its client is told {@code EXPIRED} rather than
     * {@code INVALID_CREDENTIALS}. Zero forgets it at once.
     *
     * @param expiredNotice how long after its end a session is still reported as expired; default
     *     15 minutes
     * @return this builder
     * @throws NullPointerException when {@code expiredNotice} is null
     * @throws IllegalArgumentException when negative
     */
    public Builder expiredNotice(Duration expiredNotice) {
      this.expiredNotice = SessionTimeouts.requireNonNegative(expiredNotice, "expiredNotice");
      return this;
    }

    /**
     * How long a login may wait for its second factor: a {@linkplain Level#PENDING_SECOND_FACTOR
     * pending} session older than this is refused as {@code EXPIRED} by {@link #checkPending} and
     * cannot be raised, so a half-finished login is not a standing invitation to guess codes.
     *
     * @param secondFactorTimeout how long a pending session lasts; default 5 minutes
     * @return this builder
     * @throws NullPointerException when {@code secondFactorTimeout} is null
     * @throws IllegalArgumentException when not positive
     */
    public Builder secondFactorTimeout(Duration secondFactorTimeout) {
      this.secondFactorTimeout =
          SessionTimeouts.requirePositive(secondFactorTimeout, "secondFactorTimeout");
      return this;
    }

    /**
     * The most live sessions one subject may hold, and what a login past that does.
     *
     * @param max the most live sessions per subject, at least 1; default 16
     * @param policy what a login past {@code max} does; default {@link CapPolicy#END_OLDEST}
     * @return this builder
     * @throws IllegalArgumentException when {@code max} is less than 1
     * @throws NullPointerException when {@code policy} is null
     */
    public Builder maxSessionsPerSubject(int max, CapPolicy policy) {
      if (max < 1) {
        throw new IllegalArgumentException("maxSessionsPerSubject must be at least 1: " + max);
      }
      this.maxSessionsPerSubject = max;
      this.capPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The clock every timeout and renewal is measured by. Default: the system UTC clock.
     *
     * @param clock the clock to read the time from; give it the store's clock
     * @return this builder
     * @throws NullPointerException when {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Receives events; wrapped with {@link AuthListener#guarded} so it cannot disturb a check.
     * Default: none.
     *
     * @param listener the listener told of logins, checks and ends of sessions
     * @return this builder
     * @throws NullPointerException when {@code listener} is null
     */
    public Builder listener(AuthListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Asked on every check for the session subject's principal as it is now: the check answers that
     * principal, so a change of roles or attributes takes effect on the next request. When it
     * answers empty, the session is ended and the check answers {@link Reason#REVOKED}; when it
     * throws, or answers another subject, the check answers {@link Reason#UNAVAILABLE} and ends
     * nothing. Without one, checks answer the principal given at {@link SessionManager#login}.
     *
     * @param resolver the resolver asked for the subject's current principal on every check
     * @return this builder
     * @throws NullPointerException when {@code resolver} is null
     */
    public Builder principalResolver(PrincipalResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /**
     * The key CSRF tokens are made with; copied. Every node that must accept another node's tokens
     * needs the same key: keep it with your other secrets, and use it for nothing else. Default: a
     * random key of this manager, whose tokens no other manager or process accepts.
     *
     * @param key the secret key, at least 32 bytes
     * @return this builder
     * @throws NullPointerException when {@code key} is null
     * @throws IllegalArgumentException when shorter than 32 bytes
     */
    public Builder csrfKey(byte[] key) {
      Objects.requireNonNull(key, "key");
      if (key.length < CsrfTokens.MIN_KEY_BYTES) {
        throw new IllegalArgumentException(
            "csrfKey must be at least "
                + CsrfTokens.MIN_KEY_BYTES
                + " bytes: got "
                + key.length
                + " (generate one with SecureRandom)");
      }
      this.csrfKey = key.clone();
      return this;
    }

    /**
     * {@return the manager}
     *
     * @throws IllegalStateException when the idle timeout exceeds the absolute timeout, or the
     *     renewal interval is not less than the idle timeout
     */
    public SessionManager build() {
      return new SessionManager(
          this, SessionTimeouts.of(idleTimeout, absoluteTimeout, renewalInterval, expiredNotice));
    }
  }

  /**
   * Creates a session for {@code principal}, who the application has just authenticated (e.g. with
   * the password strategy), under a fresh id. Call it on every login, also when the client already
   * presents a session: the new id replaces whatever the client held.
   *
   * @param principal who the application authenticated; the session answers it on each check unless
   *     a principal resolver is configured
   * @param attributes application attributes to store with the session (user agent, client
   *     address...); copied
   * @return the new session with its raw id; or a refusal: {@link Reason#LOCKED} (no retry time)
   *     when the subject is at its cap and the policy is {@link CapPolicy#REFUSE_NEW}, {@link
   *     Reason#UNAVAILABLE} when the store failed. Never throws for a store fault.
   * @throws NullPointerException when {@code principal} or {@code attributes} is null
   */
  public LoginOutcome login(Principal principal, Map<String, String> attributes) {
    return login(principal, attributes, Level.SINGLE_FACTOR);
  }

  /**
   * Creates a session for {@code principal} at the given assurance level, authenticated now: {@link
   * Level#SINGLE_FACTOR} after a password, {@link Level#MULTI_FACTOR} after a passkey, {@link
   * Level#REMEMBERED} when a remember-me cookie restores a session, or {@link
   * Level#PENDING_SECOND_FACTOR} when the password was right and the account's second factor is
   * still to come. A pending session is refused by {@link #check} and {@link #authenticate} with
   * {@link Reason#SECOND_FACTOR_REQUIRED}; only {@link #checkPending} answers it, for the
   * second-factor step, which ends with {@link #recordAuthentication}.
   *
   * @param principal who the application authenticated
   * @param attributes application attributes to store with the session; copied. Names starting with
   *     {@code latchkey.} are the manager's own
   * @param level how the user authenticated
   * @return the new session with its raw id, or a refusal as for {@link #login(Principal, Map)}
   * @throws NullPointerException when an argument is null
   * @throws IllegalArgumentException when an attribute name starts with {@code latchkey.}
   */
  public LoginOutcome login(Principal principal, Map<String, String> attributes, Level level) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(attributes, "attributes");
    Objects.requireNonNull(level, "level");
    attributes.keySet().forEach(SessionAssurance::requireApplicationName);
    try {
      // A plain password login stores nothing extra: a session without the attribute is single
      // factor, authenticated at its creation.
      return create(
          principal,
          level == Level.SINGLE_FACTOR
              ? attributes
              : SessionAssurance.withAssurance(attributes, level, clock.instant()));
    } catch (RuntimeException e) {
      return LoginOutcome.refused(FailClosed.onCheck(STORE, e));
    }
  }

  private LoginOutcome create(Principal principal, Map<String, String> attributes) {
    // Never take an id from the client: a fresh one on every login is what defeats fixation.
    String rawId = OpaqueIds.generateInShard(store.shardFor(principal.subject()));
    // Hashed as a cookie check will hash it, so that the stored id and a presented one are made
    // alike: the digest and the shard (the id's tail) as numbers.
    HashedId id = OpaqueIds.parse(rawId).orElseThrow();
    SessionRecord record = timeouts.start(id, principal, clock.instant(), attributes);
    SessionStore.CreateResult created = store.create(record, maxSessionsPerSubject, capPolicy);
    if (!created.created()) {
      return LoginOutcome.refused(
          AuthResult.failure(
              Reason.LOCKED, "the subject already holds " + maxSessionsPerSubject + " sessions"));
    }
    List<String> ended = new ArrayList<>(created.ended().size());
    for (HashedId e : created.ended()) {
      ended.add(e.hash());
    }
    return LoginOutcome.created(new LoginOutcome.NewSession(rawId, SessionInfo.of(record), ended));
  }

  /**
   * Checks a session cookie and renews the session (at most once per renewal interval), in one
   * store read. Never throws for the cookie's content or a fault of the store or the resolver.
   *
   * @param cookie the session cookie the request carries
   * @return the live session with its principal (the resolver's, when there is one); or a refusal:
   *     {@code MALFORMED} for a value that is not a session id (the store is not asked), {@code
   *     INVALID_CREDENTIALS} for an unknown or ended session, {@code EXPIRED} for one past its idle
   *     or absolute timeout, {@code REVOKED} when the principal resolver no longer knows its
   *     subject (the session is then ended), {@code UNAVAILABLE} when the store or the resolver
   *     failed
   * @throws NullPointerException when {@code cookie} is null
   */
  public SessionCheck check(SessionCookie cookie) {
    return cookieCheck.verify(cookie, false, SessionManager::activeCheck, SessionCheck::rejected);
  }

  /**
   * {@link #check}, answered as the strategy API does.
   *
   * @param cookie the session cookie the request carries
   * @return success with the principal, or a failure as described at {@link #check}
   * @throws NullPointerException when {@code cookie} is null
   */
  public AuthResult authenticate(SessionCookie cookie) {
    // The hot path: no SessionInfo is built when only the principal is wanted.
    return cookieCheck.verify(cookie, false, SessionManager::success, failure -> failure);
  }

  /**
   * {@link #check}, also answering a session that waits for its second factor: for the
   * second-factor step only, which reads {@link SessionInfo#assurance()} of the answer and, once
   * the factor is right, calls {@link #recordAuthentication}. Never use it to let a request reach
   * anything else.
   *
   * @param cookie the session cookie the request carries
   * @return the live session, pending or not, or a refusal as described at {@link #check}
   * @throws NullPointerException when {@code cookie} is null
   */
  public SessionCheck checkPending(SessionCookie cookie) {
    return cookieCheck.verify(cookie, true, SessionManager::activeCheck, SessionCheck::rejected);
  }

  /**
   * {@link #check}, refusing a live session whose assurance is weaker than {@code required} or
   * older than {@code maxAge} with {@link Reason#STEP_UP_REQUIRED}: for an operation that needs a
   * second factor, or a password typed again ("re-enter your password to change your email"). The
   * client answers the step-up, then the application calls {@link #recordAuthentication} and the
   * operation passes.
   *
   * @param cookie the session cookie the request carries
   * @param required the weakest assurance level the operation accepts
   * @param maxAge the oldest authentication it accepts; {@code null} for no age limit
   * @return the live session, or a refusal: {@code STEP_UP_REQUIRED}, or one described at {@link
   *     #check}
   * @throws NullPointerException when {@code cookie} or {@code required} is null
   * @throws IllegalArgumentException when {@code maxAge} is negative
   */
  public SessionCheck requireAssurance(SessionCookie cookie, Level required, Duration maxAge) {
    Objects.requireNonNull(required, "required");
    if (maxAge != null && maxAge.isNegative()) {
      throw new IllegalArgumentException("maxAge cannot be negative: " + maxAge);
    }
    SessionCheck check = check(cookie);
    Optional<SessionCheck.Active> active = check.active();
    if (active.isPresent()
        && !active.get().session().assurance().satisfies(required, maxAge, clock.instant())) {
      return SessionCheck.rejected(STEP_UP);
    }
    return check;
  }

  /**
   * Records that the holder of this live session has just authenticated again at {@code level} (the
   * second factor after a pending login, a password typed again for a step-up): moves the session
   * to a fresh id, then sets its assurance to this latest authentication, {@code level} as of now.
   * The id changes first, so an id seen before, at the lower level, never holds the higher one; the
   * old id is refused from the moment this returns.
   *
   * <p>The assurance describes the latest authentication, as OpenID Connect's {@code acr} and
   * {@code auth_time} do, also when it is weaker than the one before: a password typed again in a
   * multi-factor session makes it single factor as of now, so a password never renews the age of a
   * second factor. A session waiting for its second factor is raised only by {@link
   * Level#MULTI_FACTOR}: typing the password again proves nothing new.
   *
   * @param rawId the session cookie's value; null is treated as malformed
   * @param level the level just proven; not {@link Level#PENDING_SECOND_FACTOR}
   * @return the new raw id, for the cookie, returned only here; empty when the old id is malformed,
   *     unknown, or its session is dead (or moved by a concurrent call), or it waits for its second
   *     factor and {@code level} is not {@link Level#MULTI_FACTOR}, or it waited longer than the
   *     {@linkplain Builder#secondFactorTimeout second-factor timeout}
   * @throws NullPointerException when {@code level} is null
   * @throws IllegalArgumentException when {@code level} is {@link Level#PENDING_SECOND_FACTOR}
   * @throws StoreUnavailableException when the store cannot be reached or fails; the session may
   *     then have moved to an id nobody holds, so the user logs in again
   */
  public Optional<String> recordAuthentication(String rawId, Level level) {
    Objects.requireNonNull(level, "level");
    if (level == Level.PENDING_SECOND_FACTOR) {
      throw new IllegalArgumentException("a pending second factor is not an authentication");
    }
    Optional<SessionRecord> current = admin.readLive(rawId);
    if (current.isEmpty()) {
      return Optional.empty();
    }
    Assurance held = SessionAssurance.of(current.get());
    if (held.level() == Level.PENDING_SECOND_FACTOR
        && (level != Level.MULTI_FACTOR
            || !clock.instant().isBefore(held.authenticatedAt().plus(secondFactorTimeout)))) {
      return Optional.empty();
    }
    Optional<String> moved = rotate(rawId);
    if (moved.isEmpty()) {
      return moved;
    }
    HashedId to = OpaqueIds.parse(moved.get()).orElseThrow();
    String value = SessionAssurance.encode(level, clock.instant());
    boolean set =
        FailClosed.manage(
            STORE,
            () -> store.setAttribute(to, SessionAssurance.ATTRIBUTE, value, clock.instant()));
    return set ? moved : Optional.empty();
  }

  private static SessionCheck activeCheck(SessionRecord record, Principal principal) {
    return SessionCheck.active(principal, SessionInfo.of(record));
  }

  private static AuthResult success(SessionRecord record, Principal principal) {
    return AuthResult.success(principal);
  }

  /**
   * {@return the session-cookie strategy, for an authenticator chain} It answers as {@link
   * #authenticate}.
   */
  public Authenticator<SessionCookie> authenticator() {
    return authenticator;
  }

  /**
   * {@return the administrative operations: reads that do not renew, a subject's sessions, ending
   * one, and "log out everywhere"} The same instance on every call; it shares this manager's store,
   * clock and listener.
   */
  public SessionAdmin admin() {
    return admin;
  }

  /**
   * Sets one attribute of the live session with this raw id, leaving the others as they are in the
   * store: two concurrent writers of different attributes both keep their write.
   *
   * @param rawId the session cookie's value; null is treated as malformed
   * @param name the attribute's name
   * @param value the new value; {@code null} removes the attribute
   * @return false when the id is malformed, unknown, or its session is dead
   * @throws NullPointerException when {@code name} is null
   * @throws IllegalArgumentException when {@code name} starts with {@code latchkey.}, the prefix of
   *     the manager's own attributes
   * @throws StoreUnavailableException when the store cannot be reached or fails
   */
  public boolean setAttribute(String rawId, String name, String value) {
    Objects.requireNonNull(name, "name");
    SessionAssurance.requireApplicationName(name);
    Optional<HashedId> id = SessionAdmin.parse(rawId);
    return id.isPresent()
        && FailClosed.manage(
            STORE, () -> store.setAttribute(id.get(), name, value, clock.instant()));
  }

  /**
   * Moves the live session with this raw id to a fresh id, keeping its data: call it on every
   * privilege change (step-up, role change) so that an id seen before the change is worthless after
   * it. The old id is refused from the moment this returns.
   *
   * @param rawId the session cookie's value; null is treated as malformed
   * @return the new raw id, for the cookie, returned only here; empty when the old id is malformed,
   *     unknown, or its session is dead
   * @throws StoreUnavailableException when the store cannot be reached or fails
   */
  public Optional<String> rotate(String rawId) {
    Optional<HashedId> from = SessionAdmin.parse(rawId);
    if (from.isEmpty()) {
      return Optional.empty();
    }
    // The shard travels in the old id, so the new one lands on the same shard without a read.
    String newRaw = OpaqueIds.generateInShard(from.get().shard());
    HashedId to = OpaqueIds.parse(newRaw).orElseThrow();
    boolean moved = FailClosed.manage(STORE, () -> store.changeId(from.get(), to, clock.instant()));
    return moved ? Optional.of(newRaw) : Optional.empty();
  }

  /**
   * Ends the session with this raw id: it is refused from the moment this returns.
   *
   * @param rawId the session cookie's value; null is treated as malformed
   * @return whether a session was ended
   * @throws StoreUnavailableException when the store cannot be reached or fails
   */
  public boolean logout(String rawId) {
    Optional<HashedId> id = SessionAdmin.parse(rawId);
    if (id.isEmpty()) {
      return false;
    }
    // Read first only to name the subject in the event; the delete is what ends the session.
    Optional<SessionRecord> record = admin.read(id.get());
    boolean deleted = FailClosed.manage(STORE, () -> store.delete(id.get()));
    if (deleted && record.isPresent()) {
      listener.onEvent(
          new AuthEvent.LoggedOut(
              clock.instant(), record.get().principal().subject(), METHOD, false));
    }
    return deleted;
  }

  /**
   * A fresh CSRF token for the live session with this raw id (the session cookie's value), to put
   * in a form field or hand to a script for a request header. Each call draws a new random nonce,
   * so tokens differ from page to page; all of them pass {@link #checkCsrf} for as long as the
   * session lives under this id. Does not renew the session.
   *
   * @param rawSessionId the session cookie's value; null is treated as malformed
   * @return empty when the id is malformed, unknown, or its session is dead
   * @throws StoreUnavailableException when the store cannot be reached or fails
   */
  public Optional<String> csrfToken(String rawSessionId) {
    return admin.readLive(rawSessionId).map(r -> csrf.issue(r.id()));
  }

  /**
   * Whether {@code presentedToken} is a CSRF token this manager's key issued for the live session
   * with this raw id. The token is compared in constant time; a token issued for another session,
   * for this session under an id it has since {@linkplain #rotate rotated} from, or under another
   * key, never passes. Does not renew the session.
   *
   * @param rawSessionId the session cookie's value; null is treated as malformed
   * @param presentedToken the token the request carries (form field or header); null is refused
   * @return false for a malformed, unknown or dead session, or a missing, malformed or foreign
   *     token
   * @throws StoreUnavailableException when the store cannot be reached or fails, so that an outage
   *     is answered 503 rather than as a forged request
   */
  public boolean checkCsrf(String rawSessionId, String presentedToken) {
    Optional<HashedId> id = SessionAdmin.parse(rawSessionId);
    // The token is checked first: a forged one costs no store read.
    return id.isPresent()
        && csrf.verify(id.get(), presentedToken)
        && admin.readLive(id.get()).isPresent();
  }

  /**
   * {@code admin().find(rawId)}: see {@link SessionAdmin#find}.
   *
   * @param rawId the session cookie's value; null is treated as malformed
   * @return empty when the id is malformed, unknown, or its session is dead
   * @throws StoreUnavailableException when the store cannot be reached or fails
   */
  public Optional<SessionInfo> find(String rawId) {
    return admin.find(rawId);
  }

  /**
   * {@code admin().attribute(rawId, name)}: see {@link SessionAdmin#attribute}.
   *
   * @param rawId the session cookie's value; null is treated as malformed
   * @param name the attribute's name
   * @return empty when the session is not live or has no such attribute
   * @throws NullPointerException when {@code name} is null
   * @throws StoreUnavailableException when the store cannot be reached or fails
   */
  public Optional<String> attribute(String rawId, String name) {
    return admin.attribute(rawId, name);
  }

  /**
   * {@code admin().logoutEverywhere(subject)}: see {@link SessionAdmin#logoutEverywhere}.
   *
   * @param subject the {@link Principal#subject()} whose sessions end
   * @return how many sessions were ended
   * @throws NullPointerException when {@code subject} is null
   * @throws StoreUnavailableException when the store cannot be reached or fails
   */
  public int logoutEverywhere(String subject) {
    return admin.logoutEverywhere(subject);
  }

  /**
   * {@code admin().sessionsOf(subject)}: see {@link SessionAdmin#sessionsOf}.
   *
   * @param subject the {@link Principal#subject()} whose sessions are listed
   * @return the live sessions of {@code subject}, oldest first
   * @throws NullPointerException when {@code subject} is null
   * @throws StoreUnavailableException when the store cannot be reached or fails
   */
  public List<SessionInfo> sessionsOf(String subject) {
    return admin.sessionsOf(subject);
  }

  /**
   * {@code admin().endSession(subject, handle)}: see {@link SessionAdmin#endSession}.
   *
   * @param subject the {@link Principal#subject()} of the user ending the session
   * @param handle the session's handle, as listed by {@link #sessionsOf}
   * @return whether a session was ended
   * @throws NullPointerException when {@code subject} or {@code handle} is null
   * @throws StoreUnavailableException when the store cannot be reached or fails
   */
  public boolean endSession(String subject, String handle) {
    return admin.endSession(subject, handle);
  }

  @Override
  public String toString() {
    return "SessionManager[idleTimeout="
        + timeouts.idleTimeout()
        + ", absoluteTimeout="
        + timeouts.absoluteTimeout()
        + ", renewalInterval="
        + timeouts.renewalInterval()
        + ", expiredNotice="
        + timeouts.expiredNotice()
        + ", maxSessionsPerSubject="
        + maxSessionsPerSubject
        + ", capPolicy="
        + capPolicy
        + ", principalResolver="
        + cookieCheck.resolves()
        + "]";
  }
}

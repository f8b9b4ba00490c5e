package dev.latchkey.web;

import dev.latchkey.core.Assurance;
import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthListener;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SetCookie;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.internal.FailClosed;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.RefreshRecord;
import dev.latchkey.core.spi.RefreshTokenStore;
import dev.latchkey.session.LoginOutcome;
import dev.latchkey.session.SessionInfo;
import dev.latchkey.session.SessionManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

// Past 450 lines for a reason: Builder, Issued, Restored and Outcome are public API as nested
// types, so they and their contracts live here. The rotation and reuse detection are the
// RefreshTokenStore's; this class holds the policy around them (restore, theft, forgetting).

/**
 * "Remember me": a long-lived cookie that gives a browser whose session ended a new session, at the
 * lower assurance {@code REMEMBERED}, without the password. Built on refresh-token rotation with
 * reuse detection ({@link RefreshTokenStore}): a password login with "remember me" starts a family
 * ({@link #remember}); each {@link #restore} consumes the cookie presented, answers a new session
 * and the next cookie; presenting a consumed cookie again is taken as theft: the family ends, every
 * session it restored ends, and an {@link AuthEvent.Revoked} is emitted.
 *
 * <p><b>The cookie.</b> Its value is an opaque 256-bit token ({@link OpaqueIds}); the store keeps
 * only a hash of it, made apart from a refresh token's hash, so a remember-me cookie is never a
 * refresh token of the same store and the reverse. It is {@code __Host-remember} by default, {@code
 * Secure}, {@code HttpOnly}, {@code SameSite=Lax}, {@code Path=/}, and its {@code Max-Age} is the
 * time left to its token's end.
 *
 * <p><b>Two tabs.</b> A browser that opens several pages at once sends one cookie on each. With a
 * {@linkplain Builder#grace grace} (default 10 seconds), a second presentation within it restores a
 * second session of the same family and a replacement cookie (the store honours one retry); a third
 * is reuse. Never are two families live for one cookie, and never does a session restored from a
 * family survive the family's end: a restore asks the store, after its session exists, whether the
 * family is still live ({@link RefreshTokenStore#familyLive}), and ends its session if not, while a
 * reuse ends the sessions that exist by then. The two answers race to the browser, which keeps the
 * cookie it received last: when that is the first (replaced) one, its next presentation, once the
 * restored session has ended, counts as reuse and the user signs in again.
 *
 * <p><b>Store.</b> Give it a store of its own (another {@code RefreshTokens.inMemoryStore}, or
 * {@code RedisStores} built with its own {@code keyPrefix}): a store bounds each subject's families
 * across all it holds, and {@code RefreshTokens.logoutEverywhere} ends every family of the subject
 * in its store, so remember-me and refresh-token families sharing one would end one another. A
 * store that cannot be reached answers {@code UNAVAILABLE}, never a session.
 *
 * <p>Built once by {@link #builder}; immutable and safe for concurrent use.
 */
@SuppressWarnings("exports") // SessionManager: auth-session is optional for auth-web as a whole
public final class RememberMe {
  /**
   * The attribute of a restored session naming its family: a hash of the family's id, so a listing
   * of sessions shows nothing that could end or restore one.
   */
  public static final String FAMILY_ATTRIBUTE = "remember_family";

  /** The {@code method} of this service's events. */
  public static final String METHOD = "remember-me";

  /** Sets a remember-me token's stored hash apart from a refresh token's. */
  private static final String DOMAIN = "latchkey remember-me\u0000";

  /**
   * A new remember-me cookie's value and when its token stops being usable. {@code toString()}
   * never shows the value.
   *
   * @param value the raw token, the cookie's value; handed out once
   * @param expiresAt when the token stops being usable
   */
  public record Issued(String value, Instant expiresAt) {
    /**
     * Checks the parts.
     *
     * @param value the raw token
     * @param expiresAt when it stops being usable
     * @throws NullPointerException when an argument is null
     */
    public Issued {
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() {
      return "Issued[value=<redacted>, expiresAt=" + expiresAt + "]";
    }
  }

  /**
   * A session restored from a remember-me cookie. {@code toString()} shows neither secret.
   *
   * @param sessionId the new session's raw id, for the session cookie
   * @param principal whom the session is for
   * @param assurance the session's assurance: level {@code REMEMBERED}
   * @param next the rotated remember-me cookie, to replace the one presented
   */
  public record Restored(String sessionId, Principal principal, Assurance assurance, Issued next) {
    /**
     * Checks the parts.
     *
     * @param sessionId the new session's raw id
     * @param principal whom the session is for
     * @param assurance the session's assurance
     * @param next the rotated remember-me cookie
     * @throws NullPointerException when an argument is null
     */
    public Restored {
      Objects.requireNonNull(sessionId, "sessionId");
      Objects.requireNonNull(principal, "principal");
      Objects.requireNonNull(assurance, "assurance");
      Objects.requireNonNull(next, "next");
    }

    @Override
    public String toString() {
      return "Restored[sessionId=<redacted>, subject="
          + principal.subject()
          + ", next="
          + next
          + "]";
    }
  }

  /**
   * The outcome of {@link #restore}: a restored session, or a refusal. A refusal is an {@link
   * AuthResult.Failure}: MALFORMED (not shaped like a remember-me token), INVALID_CREDENTIALS
   * (unknown, expired, or its family ended), REVOKED (a reused cookie: the family and its sessions
   * are ended), LOCKED (the family restored too often: nothing changed), UNAVAILABLE (a store
   * failed). Immutable.
   */
  public static final class Outcome {
    private final Restored restored;
    private final AuthResult.Failure failure;

    private Outcome(Restored restored, AuthResult.Failure failure) {
      this.restored = restored;
      this.failure = failure;
    }

    static Outcome of(Restored restored) {
      return new Outcome(restored, null);
    }

    static Outcome refused(AuthResult.Failure failure) {
      return new Outcome(null, failure);
    }

    /** {@return the restored session}: empty for a refusal */
    public Optional<Restored> restored() {
      return Optional.ofNullable(restored);
    }

    /** {@return why it was refused}: empty when a session was restored */
    public Optional<AuthResult.Failure> failure() {
      return Optional.ofNullable(failure);
    }

    /**
     * Applies {@code onRestored} to the restored session or {@code onFailure} to the refusal.
     *
     * @param <T> what both answer
     * @param onRestored called with the restored session
     * @param onFailure called with the refusal
     * @return what the function called returns
     */
    public <T> T fold(
        Function<? super Restored, ? extends T> onRestored,
        Function<? super AuthResult.Failure, ? extends T> onFailure) {
      return restored != null ? onRestored.apply(restored) : onFailure.apply(failure);
    }

    @Override
    public String toString() {
      return restored != null ? "Outcome[" + restored + "]" : "Outcome[" + failure + "]";
    }
  }

  private final RefreshTokenStore store;
  private final SessionManager sessions;
  private final RefreshTokenStore.Policy policy;
  private final Clock clock;
  private final AuthListener listener;
  private final String cookieName;
  private final boolean secure;
  private final SetCookie.SameSite sameSite;
  private final String deletion;

  private RememberMe(Builder b) {
    this.store = b.store;
    this.sessions = b.sessions;
    this.policy =
        new RefreshTokenStore.Policy(
            b.unusedLifetime == null ? b.lifetime : b.unusedLifetime,
            b.lifetime,
            b.grace,
            b.familiesPerSubject,
            b.restoresPerWindow,
            b.restoreWindow);
    this.clock = b.clock;
    this.listener = b.listener;
    this.cookieName = b.secure && b.hostPrefix ? "__Host-" + b.cookieName : b.cookieName;
    this.secure = b.secure;
    this.sameSite = b.sameSite;
    // Validates the settings once: SetCookie refuses a __Host- cookie without Secure, and so on.
    this.deletion = cookie("", null).deletion().toHeaderValue();
  }

  /**
   * {@return a builder of a service keeping its families in {@code store} and restoring sessions
   * with {@code sessions}}
   *
   * @param store keeps the remember-me families; share one across a fleet, apart from the
   *     refresh-token store of {@code RefreshTokens}
   * @param sessions starts the restored sessions
   * @throws NullPointerException when an argument is null
   */
  public static Builder builder(RefreshTokenStore store, SessionManager sessions) {
    return new Builder(store, sessions);
  }

  /** {@return the cookie's name, with its prefix} */
  public String cookieName() {
    return cookieName;
  }

  /**
   * {@return the {@code Set-Cookie} value that sets {@code issued}}
   *
   * @param issued a cookie {@link #remember} or {@link #restore} issued
   */
  public String setCookie(Issued issued) {
    Duration left = Duration.between(clock.instant(), issued.expiresAt());
    return cookie(issued.value(), left.isNegative() ? Duration.ZERO : left).toHeaderValue();
  }

  /** {@return the {@code Set-Cookie} value that deletes the cookie} */
  public String deletion() {
    return deletion;
  }

  private SetCookie cookie(String value, Duration maxAge) {
    SetCookie.Builder b =
        SetCookie.builder(cookieName, value)
            .httpOnly(true)
            .secure(secure)
            .sameSite(sameSite)
            .path("/");
    if (maxAge != null) {
      b.maxAge(Duration.ofSeconds(maxAge.toSeconds()));
    }
    return b.build();
  }

  /**
   * Starts a family for {@code principal}, after a login with "remember me": the first cookie. When
   * the subject already holds {@link Builder#familiesPerSubject} families, its oldest ends.
   *
   * @param principal who logged in
   * @return the cookie to set
   * @throws NullPointerException when {@code principal} is null
   * @throws StoreUnavailableException when the store cannot be reached or failed
   */
  public Issued remember(Principal principal) {
    Objects.requireNonNull(principal, "principal");
    String raw =
        OpaqueIds.generateInShard(
            FailClosed.manage("remember-me store", () -> store.shardFor(principal.subject())));
    RefreshRecord first =
        FailClosed.manage(
            "remember-me store",
            () -> store.create(stored(raw), OpaqueIds.randomToken(), principal, policy));
    return new Issued(raw, first.expiresAt());
  }

  /**
   * Restores a session from a remember-me cookie: consumes the token, starts a session at level
   * {@code REMEMBERED} tagged with the family ({@link #FAMILY_ATTRIBUTE}), and answers it with the
   * next cookie. Never throws for the cookie's content or a store's fault (see {@link Outcome}).
   * Emits {@link AuthEvent.Succeeded} or {@link AuthEvent.Failed} with method {@value #METHOD}, and
   * {@link AuthEvent.Revoked} on reuse.
   *
   * @param rawCookie the cookie's value as the client sent it; null or misshapen is MALFORMED
   * @param attributes the new session's attributes (client address, user agent)
   * @return the restored session, or the refusal
   * @throws NullPointerException when {@code attributes} is null
   */
  public Outcome restore(String rawCookie, Map<String, String> attributes) {
    Objects.requireNonNull(attributes, "attributes");
    Outcome outcome;
    try {
      outcome = rotate(rawCookie, attributes);
    } catch (RuntimeException e) {
      outcome = Outcome.refused(FailClosed.onCheck("remember-me store", e));
    }
    outcome
        .failure()
        .ifPresent(
            f -> listener.onEvent(new AuthEvent.Failed(clock.instant(), null, METHOD, f.reason())));
    return outcome;
  }

  private Outcome rotate(String rawCookie, Map<String, String> attributes) {
    Optional<HashedId> parsed = OpaqueIds.parse(rawCookie);
    if (parsed.isEmpty()) {
      return Outcome.refused(
          AuthResult.failure(AuthResult.Reason.MALFORMED, "not a remember-me token"));
    }
    // The successor keeps the shard: a clustered store keeps a family in one slot.
    String successorRaw = OpaqueIds.generateInShard(parsed.get().shard());
    RefreshTokenStore.Rotation rotation =
        store.rotate(stored(rawCookie), stored(successorRaw), policy);
    if (rotation instanceof RefreshTokenStore.Rotation.Rotated r) {
      return startSession(r.successor(), successorRaw, attributes);
    }
    if (rotation instanceof RefreshTokenStore.Rotation.Reused reused) {
      listener.onEvent(
          new AuthEvent.Revoked(clock.instant(), reused.subject(), "remember-me cookie reuse"));
      endRestoredSessions(reused.subject(), reused.familyId());
      return Outcome.refused(
          AuthResult.failure(
              AuthResult.Reason.REVOKED, "remember-me cookie reused: family and sessions ended"));
    }
    if (rotation instanceof RefreshTokenStore.Rotation.Limited limited) {
      return Outcome.refused(
          new AuthResult.Failure(
              AuthResult.Reason.LOCKED,
              "too many restores: try again later",
              Optional.of(limited.retryAt())));
    }
    return Outcome.refused(
        AuthResult.failure(AuthResult.Reason.INVALID_CREDENTIALS, "remember-me cookie not valid"));
  }

  private Outcome startSession(
      RefreshRecord successor, String successorRaw, Map<String, String> attributes) {
    Principal principal = successor.principal();
    String subject = principal.subject();
    Map<String, String> tagged = new LinkedHashMap<>(attributes);
    tagged.put(FAMILY_ATTRIBUTE, tag(successor.familyId()));
    LoginOutcome login = sessions.login(principal, tagged, Assurance.Level.REMEMBERED);
    Optional<AuthResult.Failure> refused = login.failure();
    if (refused.isPresent()) {
      // The successor will never be handed out: end the family quietly, or the client's next
      // presentation of its cookie would look like theft.
      store.revokeFamilyById(subject, successor.familyId());
      return Outcome.refused(refused.get());
    }
    LoginOutcome.NewSession created = login.created().orElseThrow();
    String sessionId = created.id();
    // A reuse that ended the family after this rotation may have listed the subject's sessions
    // before this one existed: asking now closes that window.
    boolean live;
    try {
      live = store.familyLive(subject, successor.familyId());
    } catch (RuntimeException e) {
      sessions.logout(sessionId);
      throw e;
    }
    if (!live) {
      sessions.logout(sessionId);
      return Outcome.refused(
          AuthResult.failure(AuthResult.Reason.REVOKED, "remember-me family ended"));
    }
    listener.onEvent(new AuthEvent.Succeeded(clock.instant(), subject, METHOD));
    return Outcome.of(
        new Restored(
            sessionId,
            principal,
            created.session().assurance(),
            new Issued(successorRaw, successor.expiresAt())));
  }

  /**
   * Ends the family of a remember-me cookie and every session restored from it (logout).
   *
   * @param rawCookie the cookie's value; a malformed one ends nothing
   * @return whether a live family was ended
   * @throws StoreUnavailableException when a store cannot be reached or failed
   */
  public boolean forget(String rawCookie) {
    if (OpaqueIds.parse(rawCookie).isEmpty()) {
      return false;
    }
    Optional<RefreshTokenStore.EndedFamily> ended =
        FailClosed.manage("remember-me store", () -> store.revokeFamily(stored(rawCookie)));
    ended.ifPresent(
        f -> {
          endRestoredSessions(f.subject(), f.familyId());
          listener.onEvent(new AuthEvent.LoggedOut(clock.instant(), f.subject(), METHOD, false));
        });
    return ended.isPresent();
  }

  /**
   * Ends every remember-me family of {@code subject} ("log out everywhere"; the sessions are the
   * session manager's to end).
   *
   * @param subject whose families end
   * @return how many families were ended
   * @throws NullPointerException when {@code subject} is null
   * @throws StoreUnavailableException when the store cannot be reached or failed
   */
  public int forgetEverywhere(String subject) {
    Objects.requireNonNull(subject, "subject");
    int ended = FailClosed.manage("remember-me store", () -> store.revokeSubject(subject)).size();
    listener.onEvent(new AuthEvent.LoggedOut(clock.instant(), subject, METHOD, true));
    return ended;
  }

  /** Ends the live sessions of {@code subject} that were restored from {@code familyId}. */
  private void endRestoredSessions(String subject, String familyId) {
    String tag = tag(familyId);
    for (SessionInfo session : sessions.sessionsOf(subject)) {
      if (OpaqueIds.constantTimeEquals(tag, session.attributes().get(FAMILY_ATTRIBUTE))) {
        sessions.endSession(subject, session.handle());
      }
    }
  }

  /** What the store keeps of a raw remember-me token: its shard and a hash apart from refresh's. */
  private static HashedId stored(String raw) {
    return new HashedId(
        raw.substring(raw.length() - OpaqueIds.SHARD_CHARS), OpaqueIds.hash(DOMAIN + raw));
  }

  private static String tag(String familyId) {
    return OpaqueIds.hash(DOMAIN + "family\u0000" + familyId);
  }

  @Override
  public String toString() {
    return "RememberMe[cookie="
        + cookieName
        + ", lifetime="
        + policy.familyLifetime()
        + ", unusedLifetime="
        + policy.tokenLifetime()
        + ", grace="
        + policy.grace()
        + "]";
  }

  /**
   * Configures a {@link RememberMe}. Defaults: the cookie {@code __Host-remember}, {@code Secure},
   * {@code HttpOnly}, {@code SameSite=Lax}, {@code Path=/}; a family lives 30 days from its login,
   * and a cookie unused for that long is dead; a grace of 10 seconds for two tabs; at most 8
   * families per subject; at most 10 restores of one family per minute. Not thread-safe; build
   * once.
   */
  @SuppressWarnings("exports")
  public static final class Builder {
    private final RefreshTokenStore store;
    private final SessionManager sessions;
    private Duration lifetime = Duration.ofDays(30);
    private Duration unusedLifetime;
    private Duration grace = Duration.ofSeconds(10);
    private int familiesPerSubject = 8;
    private int restoresPerWindow = 10;
    private Duration restoreWindow = Duration.ofMinutes(1);
    private Clock clock = Clock.systemUTC();
    private AuthListener listener = AuthListener.none();
    private String cookieName = "remember";
    private boolean secure = true;
    private boolean hostPrefix = true;
    private SetCookie.SameSite sameSite = SetCookie.SameSite.LAX;

    private Builder(RefreshTokenStore store, SessionManager sessions) {
      this.store = Objects.requireNonNull(store, "store");
      this.sessions = Objects.requireNonNull(sessions, "sessions");
    }

    /**
     * How long a family lives from its login, however often it restores a session.
     *
     * @param lifetime positive; default 30 days
     * @return this builder
     * @throws IllegalArgumentException when not positive
     */
    public Builder lifetime(Duration lifetime) {
      this.lifetime = requirePositive(lifetime, "lifetime");
      return this;
    }

    /**
     * How long one cookie stays usable without a restore; at most {@link #lifetime}.
     *
     * @param unusedLifetime positive; default the whole lifetime
     * @return this builder
     * @throws IllegalArgumentException when not positive
     */
    public Builder unusedLifetime(Duration unusedLifetime) {
      this.unusedLifetime = requirePositive(unusedLifetime, "unusedLifetime");
      return this;
    }

    /**
     * How long after a restore the same cookie may be presented once more (a second tab, a lost
     * response) and restore a second session of the same family instead of counting as theft.
     *
     * @param grace 0 to 1 minute; default 10 seconds; 0 makes every second use reuse
     * @return this builder
     * @throws IllegalArgumentException when negative or longer than 1 minute
     */
    public Builder grace(Duration grace) {
      Objects.requireNonNull(grace, "grace");
      if (grace.isNegative() || grace.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("grace must be from 0 to 1 minute: " + grace);
      }
      this.grace = grace;
      return this;
    }

    /**
     * The most remember-me families one subject holds (browsers); a new one ends the oldest.
     *
     * @param max at least 1; default 8
     * @return this builder
     * @throws IllegalArgumentException when below 1
     */
    public Builder familiesPerSubject(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("familiesPerSubject must be at least 1: " + max);
      }
      this.familiesPerSubject = max;
      return this;
    }

    /**
     * At most {@code count} restores of one family per {@code window}; more are refused (LOCKED)
     * and change nothing.
     *
     * @param count at least 1; default 10
     * @param window positive; default 1 minute
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder restoreLimit(int count, Duration window) {
      if (count < 1) {
        throw new IllegalArgumentException("restore limit count must be at least 1: " + count);
      }
      this.restoreWindow = requirePositive(window, "restore limit window");
      this.restoresPerWindow = count;
      return this;
    }

    /**
     * The clock of event times and of the cookie's {@code Max-Age}; expiry is the store's.
     *
     * @param clock the clock; default the system UTC clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Receives the events: restores, reuse, logouts.
     *
     * @param listener wrapped so that nothing it throws reaches the caller; default none
     * @return this builder
     */
    public Builder listener(AuthListener listener) {
      this.listener = AuthListener.guarded(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * The cookie's name without prefix (default {@code remember}); with {@link #secureCookies} and
     * {@link #hostPrefix} it is sent as {@code __Host-<name>}.
     *
     * @param name an RFC 6265 token
     * @return this builder
     * @throws IllegalArgumentException when empty or already prefixed
     */
    public Builder cookieName(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty() || name.toLowerCase(Locale.ROOT).startsWith("__")) {
        throw new IllegalArgumentException(
            "give the cookie name without a __Host- or __Secure- prefix: hostPrefix adds it");
      }
      this.cookieName = name;
      return this;
    }

    /**
     * Whether the cookie is {@code Secure} (default true); only a plain-HTTP demo turns it off, and
     * the {@code __Host-} prefix goes with it.
     *
     * @param secure whether the cookie is sent over HTTPS only
     * @return this builder
     */
    public Builder secureCookies(boolean secure) {
      this.secure = secure;
      return this;
    }

    /**
     * Whether a secure cookie takes the {@code __Host-} prefix (default true).
     *
     * @param hostPrefix whether to prefix
     * @return this builder
     */
    public Builder hostPrefix(boolean hostPrefix) {
      this.hostPrefix = hostPrefix;
      return this;
    }

    /**
     * The cookie's {@code SameSite} (default {@code LAX}: a link from another site still restores).
     *
     * @param sameSite the attribute
     * @return this builder
     */
    public Builder sameSite(SetCookie.SameSite sameSite) {
      this.sameSite = Objects.requireNonNull(sameSite, "sameSite");
      return this;
    }

    /**
     * {@return the service}
     *
     * @throws IllegalArgumentException when the unused lifetime exceeds the lifetime, or the cookie
     *     settings contradict each other
     */
    public RememberMe build() {
      if (unusedLifetime != null && unusedLifetime.compareTo(lifetime) > 0) {
        throw new IllegalArgumentException(
            "unusedLifetime cannot exceed lifetime: " + unusedLifetime + " > " + lifetime);
      }
      return new RememberMe(this);
    }

    private static Duration requirePositive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}

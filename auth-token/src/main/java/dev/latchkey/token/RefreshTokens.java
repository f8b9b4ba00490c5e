package dev.latchkey.token;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthListener;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import dev.latchkey.core.PrincipalResolver;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TokenService;
import dev.latchkey.core.internal.FailClosed;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.RefreshTokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

// Past 400 lines for a reason: TokenPair, Result and Builder are public API as nested types
// (RefreshTokens.Result...), so they and their contracts live in this file. The work is done in
// parts of their own: FamilyIssuer (a family's start and every pair minted), FamilyRotation (one
// refresh: the store's verdict, reuse ending the family) and FamilyRevocation (the logouts).

/**
 * Login with a pair of tokens, and refresh-token rotation with reuse detection (OAuth 2.0 Security
 * BCP): each login starts a family; each {@link #refresh} consumes the refresh token presented and
 * returns a new access token and a new refresh token; presenting a consumed refresh token again is
 * taken as theft and ends the whole family (an {@link AuthEvent.Revoked} is emitted). A family ends
 * at its absolute lifetime however often it rotates. With a grace period, a client whose refresh
 * response was lost may retry the same refresh token once within it.
 *
 * <p>Every decision about time (expiry, grace, the rotation rate) is the store's, on the store's
 * clock: nodes whose clocks disagree share one outcome. One user cannot exhaust the store: a
 * family's state is bounded however often it rotates, a family rotates at most {@link
 * Builder#rotationLimit} times per window (more is refused with {@link AuthResult.Reason#LOCKED}
 * and changes nothing), and a subject holds at most {@link Builder#familiesPerSubject} families.
 *
 * <p>Refresh tokens are opaque 256-bit values ({@link OpaqueIds}); the store keeps only their hash,
 * and chooses their shard tag ({@link RefreshTokenStore#shardFor}), so a token says nothing of
 * whose it is. Every access token names its family ({@link TokenService#issue(Principal, String,
 * Map)}), and ending a family by reuse, by {@link #logout}, by {@link #logoutByAccessToken} or by
 * {@link #logoutEverywhere} also refuses the family's access tokens ({@link
 * TokenService#revokeFamily}). Built by {@link #builder}; thread-safe.
 *
 * <p><b>Roles at refresh.</b> An access token carries the principal given at {@link #login}, or,
 * with a {@link Builder#principalResolver}, the principal the resolver answers at each refresh: a
 * role change reaches a client by its next refresh, and a disabled subject's family ends there.
 *
 * <p><b>Nothing in flight survives a family's end.</b> A refresh whose rotation reached the store
 * after the family ended gets nothing. One whose rotation came first mints an access token naming
 * the family, possibly after the family was ended; that token is refused by the family entry
 * written after the end, provided the entry covers every {@code iat} such a token can have: the
 * refresh started before the end, and hands its pair out only if this node's clock shows at most
 * {@link Builder#maxIssueDelay} since it started (otherwise it answers UNAVAILABLE), so the token
 * was minted before the ending node's clock, read after the end, plus that delay (plus the fleet
 * clock skew, which the token service adds). Login is bounded the same way. So after {@link
 * #logoutEverywhere} returns, tokens from every family live when it ran are refused (by family),
 * tokens minted before it returned are refused (by the token service's cut-off, see {@link
 * JwtTokenService#revokeAll}), and no refresh token of the subject rotates.
 */
public final class RefreshTokens {

  /**
   * An access token and a refresh token, as a login or refresh returns them. {@code toString()}
   * never shows either token.
   *
   * @param accessToken the JWT to send as {@code Authorization: Bearer}
   * @param accessTokenExpiresAt its {@code exp}
   * @param refreshToken the opaque refresh token, to present once to {@link #refresh}
   * @param refreshTokenExpiresAt when the refresh token stops being usable
   */
  public record TokenPair(
      String accessToken,
      Instant accessTokenExpiresAt,
      String refreshToken,
      Instant refreshTokenExpiresAt) {
    /**
     * Checks that every component is present.
     *
     * @param accessToken the JWT to send as {@code Authorization: Bearer}
     * @param accessTokenExpiresAt its {@code exp}
     * @param refreshToken the opaque refresh token, to present once to {@link
     *     RefreshTokens#refresh}
     * @param refreshTokenExpiresAt when the refresh token stops being usable
     * @throws NullPointerException when any component is null
     */
    public TokenPair {
      Objects.requireNonNull(accessToken, "accessToken");
      Objects.requireNonNull(accessTokenExpiresAt, "accessTokenExpiresAt");
      Objects.requireNonNull(refreshToken, "refreshToken");
      Objects.requireNonNull(refreshTokenExpiresAt, "refreshTokenExpiresAt");
    }

    /**
     * {@return seconds until the access token expires, for an OAuth {@code expires_in}; 0 once it
     * has expired}
     *
     * @param clock the clock that says what time it is now
     */
    public long expiresIn(Clock clock) {
      return Math.max(0, Duration.between(clock.instant(), accessTokenExpiresAt).toSeconds());
    }

    @Override
    public String toString() {
      return "TokenPair[accessToken=<redacted>, accessTokenExpiresAt="
          + accessTokenExpiresAt
          + ", refreshToken=<redacted>, refreshTokenExpiresAt="
          + refreshTokenExpiresAt
          + "]";
    }
  }

  /**
   * The outcome of {@link #refresh}: a new pair, or a refusal. Read it without a cast:
   *
   * <pre>{@code
   * RefreshTokens.Result result = refreshTokens.refresh(presented);
   * int status = result.fold(pair -> 200, failure -> failure.httpStatus());
   * Optional<RefreshTokens.TokenPair> pair = result.tokens();
   * }</pre>
   *
   * <p>A refusal is an {@link AuthResult.Failure}: MALFORMED (not shaped like a refresh token),
   * INVALID_CREDENTIALS (unknown, expired, or its family ended or expired), REVOKED (a reused
   * token, or a subject the {@linkplain Builder#principalResolver resolver} no longer knows: the
   * family is now ended), LOCKED (the family rotated too often: nothing changed, the same token
   * works again from {@link AuthResult.Failure#retryAt()}), UNAVAILABLE (a store, the token service
   * or the resolver failed). Immutable.
   */
  public static final class Result {
    private final TokenPair tokens;
    private final AuthResult.Failure failure;

    private Result(TokenPair tokens, AuthResult.Failure failure) {
      this.tokens = tokens;
      this.failure = failure;
    }

    /**
     * A refresh that succeeded.
     *
     * @param tokens the pair it answers
     * @return the outcome holding the pair
     * @throws NullPointerException when {@code tokens} is null
     */
    public static Result refreshed(TokenPair tokens) {
      return new Result(Objects.requireNonNull(tokens, "tokens"), null);
    }

    /**
     * A refused refresh.
     *
     * @param failure why it was refused
     * @return the outcome holding the refusal
     * @throws NullPointerException when {@code failure} is null
     */
    public static Result refused(AuthResult.Failure failure) {
      return new Result(null, Objects.requireNonNull(failure, "failure"));
    }

    /**
     * Whether the refresh succeeded.
     *
     * @return true when the refresh token was consumed and {@link #tokens()} replace it
     */
    public boolean succeeded() {
      return tokens != null;
    }

    /**
     * The new pair.
     *
     * @return the pair that replaces the refresh token presented; empty for a refusal
     */
    public Optional<TokenPair> tokens() {
      return Optional.ofNullable(tokens);
    }

    /**
     * The refusal.
     *
     * @return why the refresh was refused; empty when it succeeded
     */
    public Optional<AuthResult.Failure> failure() {
      return Optional.ofNullable(failure);
    }

    /**
     * Applies {@code onSuccess} to the new pair or {@code onFailure} to the refusal.
     *
     * @param <T> what both answer
     * @param onSuccess called with the new pair
     * @param onFailure called with the refusal
     * @return what the function called returns
     */
    public <T> T fold(
        Function<? super TokenPair, ? extends T> onSuccess,
        Function<? super AuthResult.Failure, ? extends T> onFailure) {
      return tokens != null ? onSuccess.apply(tokens) : onFailure.apply(failure);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Result r
          && Objects.equals(tokens, r.tokens)
          && Objects.equals(failure, r.failure);
    }

    @Override
    public int hashCode() {
      return Objects.hash(tokens, failure);
    }

    /** Never shows a token: {@link TokenPair#toString()} redacts both. */
    @Override
    public String toString() {
      return tokens != null ? "Result[" + tokens + "]" : "Result[" + failure + "]";
    }
  }

  /** The {@code method} of this service's refresh and logout events. */
  static final String METHOD = "refresh";

  private final FamilyIssuer issuer;
  private final FamilyRotation rotation;
  private final FamilyRevocation revocation;
  private final AuthListener listener;
  private final Clock clock;

  private RefreshTokens(Builder b) {
    RefreshTokenStore.Policy policy =
        new RefreshTokenStore.Policy(
            b.refreshTokenLifetime,
            b.familyLifetime,
            b.grace,
            b.familiesPerSubject,
            b.rotationsPerWindow,
            b.rotationWindow);
    this.issuer = new FamilyIssuer(b.accessTokens, b.store, policy, b.maxIssueDelay, b.clock);
    this.rotation = new FamilyRotation(b.store, issuer, b.clock, b.listener, b.resolver);
    this.revocation = new FamilyRevocation(b.accessTokens, b.store, issuer, b.clock, b.listener);
    this.listener = b.listener;
    this.clock = b.clock;
  }

  /**
   * A refresh-token store for one process, in memory, holding at most 250,000 token families (when
   * full it refuses new families rather than evicting another user's). A fleet shares a Redis store
   * instead.
   *
   * @param clock the store's clock: it alone decides expiry and the reuse grace
   * @return a new, empty store
   */
  public static RefreshTokenStore inMemoryStore(Clock clock) {
    return InMemoryRefreshTokenStore.create(clock);
  }

  /**
   * An in-memory refresh-token store holding at most {@code maximumFamilies} families.
   *
   * @param clock the store's clock: it alone decides expiry and the reuse grace
   * @param maximumFamilies the most token families the store holds at once, at least 1
   * @return a new, empty store
   * @throws IllegalArgumentException when {@code maximumFamilies} is below 1
   * @see #inMemoryStore(Clock)
   */
  public static RefreshTokenStore inMemoryStore(Clock clock, long maximumFamilies) {
    return InMemoryRefreshTokenStore.create(clock, maximumFamilies);
  }

  /**
   * {@return a builder of a service issuing access tokens with {@code accessTokens} and keeping
   * token families in {@code store}}
   *
   * @param accessTokens mints, verifies and revokes the access tokens of every family
   * @param store keeps the refresh-token families; share one across a fleet
   * @throws NullPointerException when either argument is null
   */
  public static Builder builder(TokenService accessTokens, RefreshTokenStore store) {
    return new Builder(accessTokens, store);
  }

  /**
   * Starts a family for {@code principal}: a fresh refresh token and an access token. When the
   * subject already holds {@link Builder#familiesPerSubject} families, its oldest one ends.
   *
   * @param principal who logged in; the subject the family belongs to
   * @return the new refresh token and its first access token
   * @throws NullPointerException when {@code principal} is null
   * @throws StoreUnavailableException when the store cannot be reached (or is full), or the login
   *     took longer than {@link Builder#maxIssueDelay} (its access token could outlive a revocation
   *     of the family made meanwhile)
   */
  public TokenPair login(Principal principal) {
    Objects.requireNonNull(principal, "principal");
    return issuer.login(principal);
  }

  /**
   * Rotates a refresh token. Never throws: bad input is refused, and an exception from the store,
   * the token service or the {@linkplain Builder#principalResolver resolver} answers UNAVAILABLE
   * (see {@link Result}).
   *
   * <p>With a {@linkplain Builder#principalResolver principal resolver}, the new access token
   * carries the principal the resolver answers now, so a change of roles takes effect at the next
   * refresh; a subject it no longer knows ends the family (REVOKED). The resolver is asked once the
   * store has consumed the token presented (only the store knows whose it is), so when the resolver
   * fails that token is consumed all the same: a client's retry then counts as reuse unless it
   * comes within the {@linkplain Builder#grace grace}.
   *
   * <p>Each refresh emits one {@link AuthEvent.Succeeded} or {@link AuthEvent.Failed} with method
   * {@code "refresh"} (reuse also emits its {@link AuthEvent.Revoked}).
   *
   * @param rawRefreshToken the refresh token as the client sent it; null or misshapen is MALFORMED
   * @return the new pair, or the refusal
   */
  public Result refresh(String rawRefreshToken) {
    Result result = rotate(rawRefreshToken);
    // A success is reported by the rotation, which alone knows whose family it was.
    result
        .failure()
        .ifPresent(
            f -> listener.onEvent(new AuthEvent.Failed(clock.instant(), null, METHOD, f.reason())));
    return result;
  }

  private Result rotate(String rawRefreshToken) {
    Optional<HashedId> presented = OpaqueIds.parse(rawRefreshToken);
    if (presented.isEmpty()) {
      return Result.refused(AuthResult.failure(AuthResult.Reason.MALFORMED, "not a refresh token"));
    }
    try {
      return rotation.rotate(presented.get());
    } catch (RuntimeException e) {
      return Result.refused(FailClosed.onCheck("refresh", e));
    }
  }

  /**
   * Ends the family of a refresh token (logout) and refuses every access token of that family, on
   * every node sharing the revocation list, in flight too (as {@link #logoutByAccessToken}).
   *
   * @param rawRefreshToken the refresh token as the client holds it; a malformed one ends nothing
   * @return whether a live family was ended
   * @throws StoreUnavailableException when the store or the token service could not be reached or
   *     failed in any other way (when only the token service failed, the family is ended all the
   *     same)
   */
  public boolean logout(String rawRefreshToken) {
    return revocation.logout(rawRefreshToken);
  }

  /**
   * Ends the refresh family an access token names (logout with only the bearer) and refuses every
   * access token of that family. Both are attempted even when one fails.
   *
   * @param accessToken the access token as the client presents it (without a {@code Bearer }
   *     prefix)
   * @return whether a live family was ended; false also when the token service does not accept the
   *     token or it names no family
   * @throws StoreUnavailableException when the store, the revocation list or the token service's
   *     check could not be reached or failed in any other way (whatever else could be done was
   *     done)
   */
  public boolean logoutByAccessToken(String accessToken) {
    return revocation.logoutByAccessToken(accessToken);
  }

  /**
   * Ends every family of {@code subject} and refuses every access token of it minted before the
   * call returns, on any node within the fleet clock skew, and every access token of those families
   * (see the class comment for why nothing in flight survives). The families are ended first, and
   * every part is attempted even when another fails: a revocation list that is down never leaves
   * the refresh tokens usable.
   *
   * @param subject the subject whose families and access tokens end
   * @return how many families were ended
   * @throws NullPointerException when {@code subject} is null
   * @throws StoreUnavailableException when the store or the token service could not be reached or
   *     failed in any other way (every other part was done); the first failure, later ones
   *     suppressed in it
   */
  public int logoutEverywhere(String subject) {
    Objects.requireNonNull(subject, "subject");
    return revocation.logoutEverywhere(subject);
  }

  @Override
  public String toString() {
    RefreshTokenStore.Policy policy = issuer.policy();
    return "RefreshTokens[refreshTokenLifetime="
        + policy.tokenLifetime()
        + ", familyLifetime="
        + policy.familyLifetime()
        + ", grace="
        + policy.grace()
        + ", familiesPerSubject="
        + policy.familiesPerSubject()
        + ", rotationLimit="
        + policy.rotationsPerWindow()
        + " per "
        + policy.rotationWindow()
        + ", maxIssueDelay="
        + issuer.maxIssueDelay()
        + "]";
  }

  /** Builds {@link RefreshTokens}. Not thread-safe. */
  public static final class Builder {
    /** The default {@link #rotationLimit} count, per {@link #DEFAULT_ROTATION_WINDOW}. */
    public static final int DEFAULT_ROTATIONS_PER_WINDOW = 10;

    /** The default {@link #rotationLimit} window. */
    public static final Duration DEFAULT_ROTATION_WINDOW = Duration.ofMinutes(1);

    /** The default {@link #familiesPerSubject}. */
    public static final int DEFAULT_FAMILIES_PER_SUBJECT = 16;

    private final TokenService accessTokens;
    private final RefreshTokenStore store;
    private Duration refreshTokenLifetime = Duration.ofDays(14);
    private Duration familyLifetime = Duration.ofDays(30);
    private Duration grace = Duration.ZERO;
    private int familiesPerSubject = DEFAULT_FAMILIES_PER_SUBJECT;
    private int rotationsPerWindow = DEFAULT_ROTATIONS_PER_WINDOW;
    private Duration rotationWindow = DEFAULT_ROTATION_WINDOW;
    private Duration maxIssueDelay = Duration.ofSeconds(10);
    private Clock clock = Clock.systemUTC();
    private AuthListener listener = AuthListener.none();
    private PrincipalResolver resolver;

    private Builder(TokenService accessTokens, RefreshTokenStore store) {
      this.accessTokens = Objects.requireNonNull(accessTokens, "accessTokens");
      this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Sets how long each refresh token is usable.
     *
     * @param lifetime how long a refresh token is usable from its issue, capped by the family's
     *     end; positive, default 14 days
     * @return this builder
     * @throws IllegalArgumentException when {@code lifetime} is zero or negative
     */
    public Builder refreshTokenLifetime(Duration lifetime) {
      this.refreshTokenLifetime = requirePositive(lifetime, "refreshTokenLifetime");
      return this;
    }

    /**
     * Sets the absolute lifetime of a family.
     *
     * @param lifetime how long a family lives from its login, however often it is refreshed;
     *     positive, default 30 days
     * @return this builder
     * @throws IllegalArgumentException when {@code lifetime} is zero or negative
     */
    public Builder familyLifetime(Duration lifetime) {
      this.familyLifetime = requirePositive(lifetime, "familyLifetime");
      return this;
    }

    /**
     * How long after a refresh the same refresh token may be retried once without ending the family
     * (a lost response).
     *
     * @param grace the retry window after a refresh; 0 to 1 minute, default 0 (every second use is
     *     reuse)
     * @return this builder
     * @throws NullPointerException when {@code grace} is null
     * @throws IllegalArgumentException when {@code grace} is negative or longer than 1 minute
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
     * At most {@code count} refreshes of one family per {@code window} (a fixed window on the
     * store's clock); more are refused with {@link AuthResult.Reason#LOCKED} and change nothing.
     * Default {@value #DEFAULT_ROTATIONS_PER_WINDOW} per minute: a client refreshes once per
     * access-token lifetime, and a loop must not turn one family into a write per request.
     *
     * @param count the most refreshes of one family per window, at least 1
     * @param window the length of each fixed window, positive
     * @return this builder
     * @throws IllegalArgumentException when {@code count} is below 1 or {@code window} is zero or
     *     negative
     */
    public Builder rotationLimit(int count, Duration window) {
      if (count < 1) {
        throw new IllegalArgumentException("rotation limit count must be at least 1: " + count);
      }
      this.rotationWindow = requirePositive(window, "rotation limit window");
      this.rotationsPerWindow = count;
      return this;
    }

    /**
     * The most refresh families one subject holds at once (devices, browsers); a login past it ends
     * the subject's oldest family, never anyone else's. Default {@value
     * #DEFAULT_FAMILIES_PER_SUBJECT}.
     *
     * @param max the most families one subject holds at once, at least 1
     * @return this builder
     * @throws IllegalArgumentException when {@code max} is below 1
     */
    public Builder familiesPerSubject(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("familiesPerSubject must be at least 1: " + max);
      }
      this.familiesPerSubject = max;
      return this;
    }

    /**
     * The longest a login or refresh may take, by this node's clock, from its start to its access
     * token being minted; a slower one hands nothing out (a login throws, a refresh answers
     * UNAVAILABLE). This bounds how late a token of an ended family can be minted, so the family's
     * revocation covers it (see the class comment).
     *
     * @param delay the longest issue time; 1 second to 1 minute, default 10 seconds
     * @return this builder
     * @throws NullPointerException when {@code delay} is null
     * @throws IllegalArgumentException when {@code delay} is outside 1 second to 1 minute
     */
    public Builder maxIssueDelay(Duration delay) {
      Objects.requireNonNull(delay, "delay");
      if (delay.compareTo(Duration.ofSeconds(1)) < 0
          || delay.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(
            "maxIssueDelay must be from 1 second to 1 minute: " + delay);
      }
      this.maxIssueDelay = delay;
      return this;
    }

    /**
     * The clock of event times and of {@link #maxIssueDelay}; expiry and rotation are decided on
     * the store's clock.
     *
     * @param clock this service's clock; default the system UTC clock
     * @return this builder
     * @throws NullPointerException when {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets who receives the events: each refresh's outcome ({@link AuthEvent.Succeeded} or {@link
     * AuthEvent.Failed}, method {@code "refresh"}), reuse and logouts.
     *
     * @param listener receives the events; wrapped so that nothing it throws reaches the caller;
     *     default none
     * @return this builder
     */
    public Builder listener(AuthListener listener) {
      this.listener = AuthListener.guarded(listener);
      return this;
    }

    /**
     * Asked on every successful rotation for the subject's current principal, which the new access
     * token then carries: a role change takes effect at the next refresh, and a subject the
     * resolver answers empty for has its family ended (the refresh answers REVOKED). When the
     * resolver throws, or answers a principal of another subject, the refresh answers UNAVAILABLE
     * and hands nothing out. Without one (the default), every access token of a family carries the
     * principal given at {@link RefreshTokens#login}.
     *
     * @param resolver asked for the subject's current principal at each refresh
     * @return this builder
     */
    public Builder principalResolver(PrincipalResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /**
     * {@return a new service with this builder's settings}
     *
     * @throws IllegalArgumentException when the refresh-token lifetime exceeds the family's
     */
    public RefreshTokens build() {
      if (refreshTokenLifetime.compareTo(familyLifetime) > 0) {
        throw new IllegalArgumentException(
            "refreshTokenLifetime cannot exceed familyLifetime: "
                + refreshTokenLifetime
                + " > "
                + familyLifetime);
      }
      return new RefreshTokens(this);
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

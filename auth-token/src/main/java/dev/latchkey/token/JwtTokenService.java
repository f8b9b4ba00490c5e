package dev.latchkey.token;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthListener;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Authenticator;
import dev.latchkey.core.BearerToken;
import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TokenService;
import dev.latchkey.core.internal.FailClosed;
import dev.latchkey.core.spi.RevocationList;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

// Longer than 400 lines for its public surface alone: the nested Builder and Verification are
// part of the API and each public method carries its contract, while the work happens in the parts
// it calls directly (TokenIssuer, SignedTokenVerifier and its steps, VerifiedTokenCache,
// RevocationCheck, Revocations).
/**
 * A {@link TokenService} issuing and verifying JWT access tokens (RFC 9068 profile) signed with a
 * {@link KeyRing}.
 *
 * <p><b>Issue.</b> Header: {@code alg} of the signing key, its {@code kid}, {@code typ: at+jwt}.
 * Claims: {@code iss}, {@code sub}, {@code aud}, {@code iat} (with milliseconds, e.g. {@code
 * 1764064800.123}: RFC 7519's NumericDate allows fractions), {@code exp}, {@code jti} (128 random
 * bits), {@code roles} (array), {@code attrs} (the principal's attributes, when any), {@code sid}
 * (the refresh family, for tokens issued for one), then the caller's extra claims, which may not
 * reuse any of those names nor {@code nbf}. A token is minted at the subject's "log out everywhere"
 * cut-off rather than at the clock's time when that cut-off lies ahead (see {@link Revocations}).
 *
 * <p><b>Verify</b> never throws and refuses, in this order: input longer than {@code
 * maxTokenLength}, not three canonical base64url parts (no padding, no spare bit set), bad header
 * JSON (MALFORMED); unknown or missing {@code kid}, an {@code alg} other than that key's (so {@code
 * none} and HMAC-with-a-public-key), {@code jwk}/{@code jku}/{@code x5u}/{@code x5c}/{@code crit}
 * headers, a bad signature (for ES256 under a key the ring can sign with, also the high-s spelling:
 * see {@link SigningKey}), a {@code typ} other than {@code at+jwt} or {@code application/at+jwt}
 * (case-insensitive) (INVALID_CREDENTIALS); bad payload JSON or a missing or mistyped {@code iss},
 * {@code sub}, {@code aud}, {@code exp}, {@code iat} or {@code jti}, or a {@code scope} that is not
 * a string (MALFORMED); a wrong issuer or audience (INVALID_CREDENTIALS); {@code exp} at or before
 * now minus the skew (EXPIRED); {@code nbf} or {@code iat} after now plus the skew
 * (INVALID_CREDENTIALS); a revoked token (REVOKED); a revocation list that cannot answer or fails
 * otherwise (UNAVAILABLE). The success carries the principal as issued: subject, roles and
 * attributes; {@link #verifyToken} answers the same checks with an {@link AccessToken} that also
 * carries the scopes and every extra claim. Every time check uses the injected clock.
 *
 * <p>The header, and the payload once the signature holds, are read by one strict RFC 8259 JSON
 * reader with a few narrower rules besides: one top-level object, well-formed UTF-8 only (no
 * byte-order mark), no member name twice in any object, no {@code \}{@code u} escape leaving a
 * surrogate unpaired, at most 32 levels of nesting and numbers of at most 256 characters; anything
 * else is bad header or bad payload JSON.
 *
 * <p><b>Revocation.</b> {@link #revoke} lists the token's ({@code iss}, {@code jti}) until its
 * {@code exp} plus the clock skew (as long as it could be accepted). {@link #revokeFamily} refuses
 * every token whose {@code sid} names the family. {@link #revokeAll} refuses every token of the
 * subject minted before the call returned on any node whose clock is within the {@linkplain
 * Builder#fleetClockSkew fleet clock skew}, by a cut-off up to that skew ahead of the current
 * millisecond; a token minted after the call where the cut-off is visible is minted at the cut-off
 * and accepted, so a user who logs out everywhere and logs straight back in gets a working token
 * ({@link Revocations} gives the argument). (Tokens of other issuers with whole-second {@code iat}
 * are compared as issued at the start of their second.)
 *
 * <p><b>Cache.</b> With {@link Builder#verifiedTokenCacheSize} above zero, tokens that passed the
 * signature and claims checks are kept (keyed by the exact token string), and a repeated verify
 * skips parsing and the signature but still checks expiry, {@code nbf} and revocation. It is off by
 * default: it holds live bearer tokens in the heap, where a heap dump would show them.
 *
 * <p><b>Keys.</b> Rotate them in place with {@link #rotateKeys(UnaryOperator)}: everything built on
 * this service sees the new ring at once.
 *
 * <p>Built once by {@link #builder}; thread-safe. Only the key ring changes after building.
 */
public final class JwtTokenService implements TokenService {
  /** The {@code typ} header of every token issued (RFC 9068). */
  public static final String TOKEN_TYPE = "at+jwt";

  // Volatile, not an AtomicReference: the cached verify reads it on every call, and one load
  // fewer shows there. Writers hold rotationLock.
  private volatile Keys keys;
  private final Object rotationLock = new Object();
  private final String issuer;
  private final String audience;
  private final Duration accessTokenLifetime;
  private final Duration clockSkew;
  private final Duration fleetClockSkew;
  private final Clock clock;
  private final RevocationList revocations;
  private final RevocationCheck revocationCheck;
  private final ClaimsRules claimsRules;
  private final int maxTokenLength;
  private final AuthListener listener;
  // False without a listener: the bearer strategy then builds no event at all.
  private final boolean hasListener;
  private final long cacheSize;

  private JwtTokenService(Builder b) {
    this.issuer = b.issuer;
    this.audience = b.audience;
    this.accessTokenLifetime = b.accessTokenLifetime;
    this.clockSkew = b.clockSkew;
    this.fleetClockSkew = b.fleetClockSkew;
    this.clock = b.clock;
    this.revocations = b.revocationList;
    this.revocationCheck = new RevocationCheck(b.revocationList);
    this.claimsRules = new ClaimsRules(issuer, audience, b.clockSkew.toMillis());
    this.maxTokenLength = b.maxTokenLength;
    this.listener = b.listener;
    this.hasListener = b.hasListener;
    this.cacheSize = b.cacheSize;
    this.keys = keysFor(b.keys);
  }

  /**
   * The parts built over one key ring, swapped as one value so that no call mixes two rings: the
   * issuer of its signing key, the verifier over its keys, and the verified-token cache. The cache
   * is fresh per ring: a token cached under a key that a new ring dropped must not outlive the key.
   *
   * @param issuer null for a verify-only ring
   * @param cache null when the service keeps no cache
   */
  private record Keys(
      KeyRing ring, TokenIssuer issuer, SignedTokenVerifier verifier, VerifiedTokenCache cache) {}

  private Keys keysFor(KeyRing ring) {
    Objects.requireNonNull(ring, "keys");
    TokenIssuer tokenIssuer =
        ring.canSign()
            ? new TokenIssuer(
                ring.signingKey(),
                issuer,
                audience,
                accessTokenLifetime.toSeconds(),
                clock,
                revocations,
                clockSkew.toMillis() - fleetClockSkew.toMillis(),
                maxTokenLength)
            : null;
    // The issuer's own header passes the header rules: the key's alg and kid, typ at+jwt.
    KeySelector selector =
        new KeySelector(ring, tokenIssuer == null ? null : tokenIssuer.headerSegment());
    SignedTokenVerifier verifier = new SignedTokenVerifier(selector, claimsRules, maxTokenLength);
    return new Keys(
        ring,
        tokenIssuer,
        verifier,
        cacheSize == 0 ? null : new VerifiedTokenCache(verifier, cacheSize));
  }

  /**
   * A revocation list for one process, in memory: at most 1,000,000 entries in all and 1,000 per
   * subject (a subject's further revocations fold into its not-before time, so nothing is ever
   * forgotten early). Give the same list to every service that must see the same revocations; a
   * fleet shares a Redis list instead. {@link Builder#build()} makes one when none is given.
   *
   * @param clock the clock entry lifetimes are measured by
   * @return a new, empty revocation list
   */
  public static RevocationList inMemoryRevocationList(Clock clock) {
    return InMemoryRevocationList.create(clock);
  }

  /**
   * An in-memory revocation list holding about {@code maximumEntries} entries in all.
   *
   * @param clock the clock entry lifetimes are measured by
   * @param maximumEntries about the most entries the list holds, at least 1
   * @return a new, empty revocation list
   * @throws IllegalArgumentException when {@code maximumEntries} is below 1
   * @see #inMemoryRevocationList(Clock)
   */
  public static RevocationList inMemoryRevocationList(Clock clock, long maximumEntries) {
    return InMemoryRevocationList.create(clock, maximumEntries);
  }

  /**
   * A builder for a service signing with {@code keys}, naming itself {@code issuer} and accepting
   * only tokens whose {@code aud} contains {@code audience}.
   *
   * @param keys the key ring to sign and verify with; {@link #rotateKeys(KeyRing)} replaces it
   * @param issuer the {@code iss} of issued tokens, and the only one accepted; not blank
   * @param audience the {@code aud} of issued tokens, and the one an accepted token must name; not
   *     blank
   * @return a new builder
   * @throws NullPointerException when an argument is null
   * @throws IllegalArgumentException when {@code issuer} or {@code audience} is blank
   */
  public static Builder builder(KeyRing keys, String issuer, String audience) {
    return new Builder(keys, issuer, audience);
  }

  /** {@return the {@code iss} of the tokens this service issues and accepts} */
  public String issuer() {
    return issuer;
  }

  /**
   * The key ring in use.
   *
   * @return the ring the service signs and verifies with now
   */
  public KeyRing keyRing() {
    return keys.ring();
  }

  /**
   * Replaces the key ring in place: every token issued after this returns is signed by {@code
   * newKeys}'s signing key, and every verification that starts after it uses {@code newKeys} only,
   * in this service and in everything built on it ({@link #authenticator()}, {@link
   * RefreshTokens}), with nothing rebuilt. Tokens of a key the new ring still holds (as {@linkplain
   * KeyRing#rotate verify-only} after a rotation) stay valid; tokens of a key it dropped are
   * refused from then on. The verified-token cache starts empty. Safe to call while other threads
   * issue and verify; a call in flight finishes with the ring it started with.
   *
   * <p>To derive the new ring from the current one without losing a concurrent rotation, use {@link
   * #rotateKeys(UnaryOperator)}.
   *
   * @param newKeys the ring to sign and verify with from now on
   * @throws NullPointerException when {@code newKeys} is null
   */
  public void rotateKeys(KeyRing newKeys) {
    Keys next = keysFor(newKeys);
    synchronized (rotationLock) {
      keys = next;
    }
  }

  /**
   * Replaces the key ring in place with {@code change} applied to the current one, atomically (see
   * {@link #rotateKeys(KeyRing)} for what callers see), e.g. {@code rotateKeys(ring ->
   * ring.rotate(next))}, then later {@code rotateKeys(ring -> ring.without(oldKid))}. Rotations run
   * one at a time, so {@code change} sees the ring the previous rotation left.
   *
   * @param change derives the new ring from the current one
   * @return the new key ring
   * @throws RuntimeException whatever {@code change} throws (e.g. {@link IllegalArgumentException}
   *     from {@link KeyRing#rotate}); the ring is then unchanged
   */
  public KeyRing rotateKeys(UnaryOperator<KeyRing> change) {
    Objects.requireNonNull(change, "change");
    synchronized (rotationLock) {
      Keys next = keysFor(change.apply(keys.ring()));
      keys = next;
      return next.ring();
    }
  }

  /** {@return how long issued access tokens live} */
  public Duration accessTokenLifetime() {
    return accessTokenLifetime;
  }

  /**
   * {@return the bearer strategy on this service: {@link #verify} with a {@code "bearer"} event}
   */
  public Authenticator<BearerToken> authenticator() {
    return new BearerAuthenticator(this::verify, this, hasListener ? listener : null, clock);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException naming the claim (never its value) when an extra claim reuses
   *     a registered name ({@code iss}, {@code sub}, {@code aud}, {@code exp}, {@code nbf}, {@code
   *     iat}, {@code jti}, {@code roles}, {@code attrs}, {@code sid}), or holds anything verify
   *     would not read back: a value other than a string, a boolean, a number (an {@code Integer},
   *     {@code Long}, {@code Short}, {@code Byte}, {@code AtomicInteger}, {@code AtomicLong},
   *     finite {@code Double} or {@code Float}, or a {@code BigInteger} or {@code BigDecimal}
   *     within {@code double} range and 256 characters), or a list or map of those; a string or key
   *     with an unpaired UTF-16 surrogate; a member name twice in one map; lists and maps nested
   *     deeper than verify reads (31 levels inside the claims); or when the token would exceed
   *     {@code maxTokenLength}; or when a {@code scope} claim is not a string (RFC 9068: the scopes
   *     separated by spaces). Whatever issue returns, {@link #verify} accepts until it expires or
   *     is revoked, and {@link #verifyToken} answers with every extra claim.
   * @throws IllegalStateException when the key ring is {@linkplain KeyRing#verifyOnly verify-only}
   */
  @Override
  public IssuedToken issue(Principal principal, Map<String, Object> extraClaims) {
    return mint(principal, null, extraClaims);
  }

  /**
   * {@inheritDoc} The family is the {@code sid} claim.
   *
   * @throws IllegalArgumentException as {@link #issue(Principal, Map)} does, and for an empty
   *     {@code familyId}
   * @throws IllegalStateException when the key ring is {@linkplain KeyRing#verifyOnly verify-only}
   */
  @Override
  public IssuedToken issue(Principal principal, String familyId, Map<String, Object> extraClaims) {
    Objects.requireNonNull(familyId, "familyId");
    if (familyId.isEmpty()) {
      throw new IllegalArgumentException("familyId cannot be empty");
    }
    ClaimValues.checkUtf8("sid", familyId);
    return mint(principal, familyId, extraClaims);
  }

  private IssuedToken mint(Principal principal, String familyId, Map<String, Object> extraClaims) {
    TokenIssuer tokenIssuer = keys.issuer(); // one ring for the header and the signature
    if (tokenIssuer == null) {
      throw new IllegalStateException(
          "this service only verifies: its key ring has no signing key (KeyRing.verifyOnly)");
    }
    return tokenIssuer.issue(principal, familyId, extraClaims);
  }

  /**
   * {@link #issue(Principal, Map)} without extra claims.
   *
   * @param principal who the token is for: its subject, roles and attributes become claims
   * @return the signed token and when it expires
   * @throws IllegalArgumentException when the token would exceed {@code maxTokenLength}
   * @throws IllegalStateException when the key ring is {@linkplain KeyRing#verifyOnly verify-only}
   */
  public IssuedToken issue(Principal principal) {
    return issue(principal, Map.of());
  }

  /**
   * {@inheritDoc} A success carries the principal as issued; {@link #verifyToken} also answers the
   * token's scopes and extra claims. A revocation list that cannot answer, or fails in any other
   * way, is UNAVAILABLE.
   */
  @Override
  public AuthResult verify(String token) {
    try {
      VerifiedClaims claims = check(token, true);
      return AuthResult.success(claims.principal());
    } catch (Refusal r) {
      return r.toFailure();
    } catch (RuntimeException e) {
      // Every known path answers with a Refusal; anything else is a bug, and a bug refuses.
      return FailClosed.onCheck("token verifier", e);
    }
  }

  /**
   * Verifies a token exactly as {@link #verify} does (the same checks, refusals and revocation
   * lookup) and answers what it carries: principal, scopes, extra claims, times and ids. Never
   * throws.
   *
   * <pre>{@code
   * JwtTokenService.Verification v = tokens.verifyToken(bearer);
   * boolean mayWrite = v.accessToken().map(t -> t.scopes().contains("write")).orElse(false);
   * }</pre>
   *
   * @param token the compact JWS, as sent after {@code Bearer }; null or empty is MALFORMED
   * @return the token's contents, or the refusal {@link #verify} answers for it
   */
  public Verification verifyToken(String token) {
    try {
      return Verification.verified(AccessToken.of(check(token, true)));
    } catch (Refusal r) {
      return Verification.refused(r.toFailure());
    } catch (RuntimeException e) {
      return Verification.refused(FailClosed.onCheck("token verifier", e));
    }
  }

  /**
   * The outcome of {@link #verifyToken}: the {@link AccessToken} a valid token carries, or the
   * refusal {@link #verify} answers for it. Read it without a cast, through {@link #accessToken()},
   * {@link #failure()} or {@link #fold}. Immutable.
   */
  public static final class Verification {
    private final AccessToken accessToken;
    private final AuthResult.Failure failure;

    private Verification(AccessToken accessToken, AuthResult.Failure failure) {
      this.accessToken = accessToken;
      this.failure = failure;
    }

    /**
     * A token that verified.
     *
     * @param accessToken what it carries
     * @return the outcome holding it
     * @throws NullPointerException when {@code accessToken} is null
     */
    public static Verification verified(AccessToken accessToken) {
      return new Verification(Objects.requireNonNull(accessToken, "accessToken"), null);
    }

    /**
     * A refused token.
     *
     * @param failure why it was refused
     * @return the outcome holding the refusal
     * @throws NullPointerException when {@code failure} is null
     */
    public static Verification refused(AuthResult.Failure failure) {
      return new Verification(null, Objects.requireNonNull(failure, "failure"));
    }

    /**
     * Whether the token verified.
     *
     * @return true when {@link #accessToken()} is present
     */
    public boolean succeeded() {
      return accessToken != null;
    }

    /**
     * What the token carries.
     *
     * @return the verified token; empty when it was refused
     */
    public Optional<AccessToken> accessToken() {
      return Optional.ofNullable(accessToken);
    }

    /**
     * The refusal.
     *
     * @return why the token was refused; empty when it verified
     */
    public Optional<AuthResult.Failure> failure() {
      return Optional.ofNullable(failure);
    }

    /**
     * Applies {@code onSuccess} to the verified token or {@code onFailure} to the refusal.
     *
     * @param <T> what both answer
     * @param onSuccess called with the verified token
     * @param onFailure called with the refusal
     * @return what the function called returns
     */
    public <T> T fold(
        Function<? super AccessToken, ? extends T> onSuccess,
        Function<? super AuthResult.Failure, ? extends T> onFailure) {
      return accessToken != null ? onSuccess.apply(accessToken) : onFailure.apply(failure);
    }

    /**
     * This outcome as {@link #verify} answers it.
     *
     * @return a success with the token's principal, or the same refusal
     */
    public AuthResult toAuthResult() {
      return accessToken != null ? AuthResult.success(accessToken.principal()) : failure;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Verification v
          && Objects.equals(accessToken, v.accessToken)
          && Objects.equals(failure, v.failure);
    }

    @Override
    public int hashCode() {
      return Objects.hash(accessToken, failure);
    }

    /** Shows no claim value (see {@link AccessToken#toString()}). */
    @Override
    public String toString() {
      return "Verification[" + (accessToken != null ? accessToken : failure) + "]";
    }
  }

  /**
   * {@inheritDoc}
   *
   * @return false when the token is malformed, not signed by a key of the ring, not for this issuer
   *     and audience, or expired; true also for a token revoked before (revoking is idempotent, and
   *     the list is not read first)
   * @throws StoreUnavailableException when the revocation list cannot be written, or fails in any
   *     other way (its exception is the cause)
   */
  @Override
  public boolean revoke(String token) {
    VerifiedClaims claims;
    try {
      claims = check(token, false);
    } catch (Refusal r) {
      return false;
    }
    Instant until = Instant.ofEpochMilli(claims.expiresAtMillis()).plus(clockSkew);
    manage(
        () ->
            revocations.revokeToken(
                claims.issuer(),
                claims.tokenId(),
                claims.principal().subject(),
                claims.issuedAt(),
                until));
    listener.onEvent(
        new AuthEvent.Revoked(clock.instant(), claims.principal().subject(), "access token"));
    return true;
  }

  /**
   * {@inheritDoc} See {@link Revocations#revokeAll} for the cut-off and why it holds under skew.
   *
   * @throws StoreUnavailableException when the revocation list cannot be written or fails in any
   *     other way (its exception is the cause), or its writes kept taking longer than the margin
   *     that makes the cut-off cover tokens minted meanwhile
   */
  @Override
  public void revokeAll(String subject) {
    Objects.requireNonNull(subject, "subject");
    Instant now = clock.instant();
    manage(
        () ->
            Revocations.revokeAll(
                revocations, clock, subject, fleetClockSkew, accessTokenLifetime.plus(clockSkew)));
    listener.onEvent(new AuthEvent.Revoked(now, subject, "all access tokens"));
  }

  /**
   * {@inheritDoc} The latest {@code iat} a token of the family can have is {@code issuedUntil} plus
   * the clock skew: the minting node's clock may be the fleet clock skew ahead, and {@link
   * Revocations#mintTime} may raise an {@code iat} by the rest of the clock skew. The entry is kept
   * until such a token has expired, plus the clock skew and the fleet clock skew.
   *
   * @throws StoreUnavailableException when the revocation list cannot be written, or fails in any
   *     other way (its exception is the cause)
   */
  @Override
  public void revokeFamily(String subject, String familyId, Instant issuedUntil) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(familyId, "familyId");
    Objects.requireNonNull(issuedUntil, "issuedUntil");
    Instant issuedBefore = issuedUntil.plus(clockSkew).plusMillis(1);
    manage(
        () ->
            revocations.revokeFamily(
                subject,
                familyId,
                issuedBefore,
                issuedBefore.plus(accessTokenLifetime).plus(clockSkew).plus(fleetClockSkew)));
    listener.onEvent(new AuthEvent.Revoked(clock.instant(), subject, "refresh family"));
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreUnavailableException when the revocation list cannot answer, or fails in any other
   *     way
   */
  @Override
  public Optional<TokenFamily> familyOf(String token) {
    VerifiedClaims claims;
    try {
      claims = check(token, true);
    } catch (Refusal r) {
      if (r.reason == AuthResult.Reason.UNAVAILABLE) {
        throw new StoreUnavailableException("revocation list unavailable");
      }
      return Optional.empty();
    }
    return claims.familyId() == null
        ? Optional.empty()
        : Optional.of(new TokenFamily(claims.principal().subject(), claims.familyId()));
  }

  /** A write to the revocation list, under the management rule: any failure is an outage. */
  private static void manage(Runnable write) {
    FailClosed.manage(
        "revocation list",
        () -> {
          write.run();
          return null;
        });
  }

  /**
   * Every check of {@link #verify}, as a pipeline of direct calls: the length limit, then the cache
   * or the signed-token verifier (parse, key, signature, claims, times), then revocation, the list
   * asked only when {@code revocation}.
   */
  VerifiedClaims check(String token, boolean revocation) throws Refusal {
    CompactJws.checkLength(token, maxTokenLength);
    long now = clock.millis();
    Keys current = keys; // one ring for the whole check
    VerifiedTokenCache cache = current.cache();
    VerifiedClaims claims =
        cache != null ? cache.verify(token, now) : current.verifier().verify(token, now);
    if (revocation) {
      revocationCheck.require(claims);
    }
    return claims;
  }

  @Override
  public String toString() {
    return "JwtTokenService[issuer="
        + issuer
        + ", audience="
        + audience
        + ", keys="
        + keys.ring()
        + "]";
  }

  /** Builds a {@link JwtTokenService}. Not thread-safe. */
  public static final class Builder {
    private static final Duration DEFAULT_FLEET_CLOCK_SKEW = Duration.ofSeconds(5);

    private final KeyRing keys;
    private final String issuer;
    private final String audience;
    private Duration accessTokenLifetime = Duration.ofMinutes(15);
    private Duration clockSkew = Duration.ofSeconds(60);
    private Duration fleetClockSkew;
    private Clock clock = Clock.systemUTC();
    private RevocationList revocationList;
    private int maxTokenLength = 8 * 1024;
    private AuthListener listener = AuthListener.none();
    private boolean hasListener;
    private long cacheSize;

    private Builder(KeyRing keys, String issuer, String audience) {
      this.keys = Objects.requireNonNull(keys, "keys");
      this.issuer = requireText(issuer, "issuer");
      this.audience = requireText(audience, "audience");
    }

    /**
     * Sets how long access tokens live.
     *
     * @param lifetime from issue to {@code exp}; whole seconds, 1 second to 24 hours, default 15
     *     minutes
     * @return this builder
     * @throws NullPointerException when {@code lifetime} is null
     * @throws IllegalArgumentException when {@code lifetime} is not whole seconds or is outside 1
     *     second to 24 hours
     */
    public Builder accessTokenLifetime(Duration lifetime) {
      Objects.requireNonNull(lifetime, "lifetime");
      if (lifetime.getSeconds() < 1
          || lifetime.getNano() != 0
          || lifetime.compareTo(Duration.ofHours(24)) > 0) {
        throw new IllegalArgumentException(
            "accessTokenLifetime must be whole seconds from 1s to 24h: " + lifetime);
      }
      this.accessTokenLifetime = lifetime;
      return this;
    }

    /**
     * How far clocks may disagree: {@code exp} is honoured until this much after it, {@code nbf}
     * and {@code iat} from this much before.
     *
     * @param skew the tolerance; 0 to 5 minutes, default 60 seconds
     * @return this builder
     * @throws NullPointerException when {@code skew} is null
     * @throws IllegalArgumentException when {@code skew} is negative or longer than 5 minutes
     */
    public Builder clockSkew(Duration skew) {
      this.clockSkew = TokenLimits.requireSkew(skew, "clockSkew");
      return this;
    }

    /**
     * How far apart the clocks of the nodes issuing, verifying and revoking this service's tokens
     * (and of a shared revocation list) may be: 0 up to half the clock skew (checked by {@link
     * #build}); default 5 seconds, or a quarter of the clock skew when that is less. "Log out
     * everywhere" refuses tokens issued up to this far ahead of the revoking node's clock (see
     * {@link JwtTokenService#revokeAll}); a node that does not yet see its cut-off mints tokens
     * refused for about this long after it. 0 when every node reads one clock.
     *
     * @param skew the largest disagreement between the nodes' clocks
     * @return this builder
     * @throws NullPointerException when {@code skew} is null
     * @throws IllegalArgumentException when {@code skew} is negative or longer than 5 minutes (more
     *     than half the clock skew is refused by {@link #build})
     */
    public Builder fleetClockSkew(Duration skew) {
      this.fleetClockSkew = TokenLimits.requireSkew(skew, "fleetClockSkew");
      return this;
    }

    /**
     * Sets the clock of every time check and of {@code iat}/{@code exp}.
     *
     * @param clock the service's clock; default the system UTC clock
     * @return this builder
     * @throws NullPointerException when {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Where revocations are kept; default a new {@link InMemoryRevocationList} on the clock (fine
     * for one node, not shared across nodes).
     *
     * @param list keeps revoked token ids and subjects' cut-offs; give every node of a fleet the
     *     same shared list
     * @return this builder
     * @throws NullPointerException when {@code list} is null
     */
    public Builder revocationList(RevocationList list) {
      this.revocationList = Objects.requireNonNull(list, "list");
      return this;
    }

    /**
     * Sets the longest token accepted or issued.
     *
     * @param chars the limit in characters; 512 to 1 MiB, default 8 KiB
     * @return this builder
     * @throws IllegalArgumentException when {@code chars} is outside 512 to 1,048,576
     */
    public Builder maxTokenLength(int chars) {
      this.maxTokenLength = TokenLimits.requireMaxTokenLength(chars);
      return this;
    }

    /**
     * Sets who receives revocation events and the bearer strategy's events.
     *
     * @param listener receives the events; wrapped so that nothing it throws reaches the caller;
     *     default none
     * @return this builder
     */
    public Builder listener(AuthListener listener) {
      this.listener = AuthListener.guarded(listener);
      this.hasListener = true;
      return this;
    }

    /**
     * How many verified tokens to keep so that a repeated verify skips parsing and the signature
     * (expiry and revocation are still checked on every call).
     *
     * @param size the most verified tokens kept; 0, the default, keeps none
     * @return this builder
     * @throws IllegalArgumentException when {@code size} is negative
     */
    public Builder verifiedTokenCacheSize(long size) {
      if (size < 0) {
        throw new IllegalArgumentException("verifiedTokenCacheSize cannot be negative: " + size);
      }
      this.cacheSize = size;
      return this;
    }

    /**
     * {@return a new service with this builder's settings}
     *
     * @throws IllegalArgumentException when the fleet clock skew exceeds half the clock skew
     */
    public JwtTokenService build() {
      Duration quarter = clockSkew.dividedBy(4);
      if (fleetClockSkew == null) {
        fleetClockSkew =
            DEFAULT_FLEET_CLOCK_SKEW.compareTo(quarter) < 0 ? DEFAULT_FLEET_CLOCK_SKEW : quarter;
      } else if (fleetClockSkew.multipliedBy(2).compareTo(clockSkew) > 0) {
        // A token minted at a cut-off up to the fleet skew ahead must still be accepted by a
        // verifier whose clock lags by the fleet skew.
        throw new IllegalArgumentException(
            "fleetClockSkew cannot exceed half the clockSkew: "
                + fleetClockSkew
                + " > "
                + clockSkew
                + " / 2");
      }
      if (revocationList == null) {
        revocationList = InMemoryRevocationList.create(clock);
      }
      return new JwtTokenService(this);
    }

    private static String requireText(String value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isBlank()) {
        throw new IllegalArgumentException(name + " cannot be blank");
      }
      return value;
    }
  }
}

package dev.latchkey.token;

import dev.latchkey.core.AuthListener;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Authenticator;
import dev.latchkey.core.BearerToken;
import dev.latchkey.core.Principal;
import dev.latchkey.core.internal.FailClosed;
import dev.latchkey.core.spi.RevocationList;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Verifies access tokens issued by other services (a resource server's side of OAuth 2.0): tokens
 * of one or more {@link TrustedIssuer}s, each signed with a key from the issuer's published JWK
 * Set.
 *
 * <p><b>Verify</b> never throws and refuses, in this order: input longer than {@code
 * maxTokenLength}, not three canonical base64url parts, bad header or payload JSON, a missing or
 * mistyped {@code iss} (MALFORMED); an {@code iss} that is not a trusted issuer's, before any fetch
 * (INVALID_CREDENTIALS); no usable key set of that issuer at hand (UNAVAILABLE); a missing or
 * unknown {@code kid}, an {@code alg} other than that key's (so never {@code none} nor HMAC with a
 * public key), a {@code jwk}/{@code jku}/{@code x5u}/{@code x5c}/{@code crit} header, a {@code typ}
 * other than the issuer's {@linkplain TrustedIssuer.TokenType token type}, a bad signature
 * (INVALID_CREDENTIALS); then the claims exactly as {@link JwtTokenService#verify} checks them
 * ({@code sub}, {@code aud}, {@code exp}, {@code iat} and {@code jti} required, the audience the
 * issuer's, the times against the injected clock with the clock skew), a scope claim that is
 * neither a string nor an array of strings (MALFORMED), and, when a revocation list is given, a
 * revoked token (REVOKED) or a list that cannot answer (UNAVAILABLE). Keys and URLs come only from
 * the configuration, never from the token. How keys are fetched, cached, refreshed and kept through
 * an outage: see {@link TrustedIssuer}.
 *
 * <p>A success carries the principal with subject {@code sub}, the roles and attributes the token's
 * {@code roles} and {@code attrs} claims hold, the attribute {@value #ISSUER_ATTRIBUTE} set to the
 * issuer and the attribute {@value #SCOPE_ATTRIBUTE} to its scopes; {@link #verifyToken} also
 * answers the scopes (read from the issuer's scope claim) and every other claim.
 *
 * <p>Built once by {@link #builder}; thread-safe.
 */
public final class IssuerVerifier {
  /** The principal attribute that names the issuer of a verified token. */
  public static final String ISSUER_ATTRIBUTE = "iss";

  /**
   * The principal attribute that holds the scopes of a verified token, read from its issuer's scope
   * claim: sorted, separated by single spaces, empty when the token grants none.
   */
  public static final String SCOPE_ATTRIBUTE = "scope";

  private final Map<String, Issuer> issuers;
  private final Clock clock;
  private final RevocationCheck revocationCheck; // null: revocation not checked
  private final int maxTokenLength;
  private final AuthListener listener;

  /** One trusted issuer's policy and keys. */
  private record Issuer(TrustedIssuer trusted, RemoteKeySet keys, ClaimsRules rules) {}

  private IssuerVerifier(Builder b) {
    HttpClient http =
        b.http != null
            ? b.http
            : HttpClient.newBuilder()
                .connectTimeout(b.longestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    Map<String, Issuer> map = new HashMap<>();
    for (TrustedIssuer t : b.issuers) {
      map.put(
          t.issuer(),
          new Issuer(
              t,
              new RemoteKeySet(t, http, b.clock),
              new ClaimsRules(t.issuer(), t.audience(), b.clockSkew.toMillis())));
    }
    this.issuers = Map.copyOf(map);
    this.clock = b.clock;
    this.revocationCheck = b.revocationList == null ? null : new RevocationCheck(b.revocationList);
    this.maxTokenLength = b.maxTokenLength;
    this.listener = b.listener;
  }

  /**
   * A builder for a verifier trusting {@code first} and {@code more}.
   *
   * @param first a trusted issuer
   * @param more further trusted issuers, each with its own {@code iss}
   * @return a new builder
   * @throws NullPointerException when an issuer is null
   * @throws IllegalArgumentException when two issuers share an {@code iss}
   */
  public static Builder builder(TrustedIssuer first, TrustedIssuer... more) {
    return new Builder(first, more);
  }

  /**
   * Verifies {@code token} as the class comment says.
   *
   * @param token the compact JWS, as sent after {@code Bearer }; null or empty is MALFORMED
   * @return a success with the token's principal, or the refusal
   */
  public AuthResult verify(String token) {
    try {
      Checked c = check(token);
      return AuthResult.success(principal(c.claims(), c.scopes()));
    } catch (Refusal r) {
      return r.toFailure();
    } catch (RuntimeException e) {
      return FailClosed.onCheck("issuer verifier", e);
    }
  }

  /**
   * Verifies {@code token} exactly as {@link #verify} does and answers what it carries: principal,
   * scopes (from the issuer's scope claim), every claim but the registered ones, times and ids.
   * Never throws.
   *
   * @param token the compact JWS, as sent after {@code Bearer }
   * @return the token's contents, or the refusal {@link #verify} answers for it
   */
  public JwtTokenService.Verification verifyToken(String token) {
    try {
      Checked c = check(token);
      return JwtTokenService.Verification.verified(accessToken(c.claims(), c.scopes()));
    } catch (Refusal r) {
      return JwtTokenService.Verification.refused(r.toFailure());
    } catch (RuntimeException e) {
      return JwtTokenService.Verification.refused(FailClosed.onCheck("issuer verifier", e));
    }
  }

  /**
   * {@return the bearer strategy on this verifier: {@link #verify} with a {@code "bearer"} event}
   */
  public Authenticator<BearerToken> authenticator() {
    return new BearerAuthenticator(this::verify, this, listener, clock);
  }

  /**
   * Whether {@code token} names one of the trusted issuers in its {@code iss}, read without any
   * verification: for choosing, among several verifiers, the one whose issuer a token claims (as
   * RFC 8725 section 3.8 describes), never a reason to accept it. False for text that is not a
   * compact JWS with a JSON payload of at most the length bound. Never throws.
   *
   * @param token the compact JWS, as sent after {@code Bearer }
   * @return whether {@link #verify} would go on to this issuer's keys
   */
  public boolean claimsTrustedIssuer(String token) {
    try {
      Object iss = CompactJws.parse(token, maxTokenLength).payload().get("iss");
      return iss instanceof String name && issuers.containsKey(name);
    } catch (Refusal | RuntimeException e) {
      return false;
    }
  }

  /** {@return the {@code iss} of every trusted issuer} */
  public Set<String> issuers() {
    return issuers.keySet();
  }

  /** The claims of a token that passed every check, and the scopes its issuer's claim grants. */
  private record Checked(VerifiedClaims claims, Set<String> scopes) {}

  private Checked check(String token) throws Refusal {
    CompactJws jws = CompactJws.parse(token, maxTokenLength);
    // Read before the signature only to choose among configured issuers; nothing else is trusted
    // until the signature holds, and the issuer's rules read the same map again after it.
    Map<String, Object> payload = jws.payload();
    Object iss = payload.get("iss");
    if (!(iss instanceof String name)) {
      throw Refusal.malformed(iss == null ? "missing claim: iss" : "claim is not a string: iss");
    }
    Issuer issuer = issuers.get(name);
    if (issuer == null) {
      throw Refusal.invalid("untrusted issuer");
    }
    String kid = jws.kid();
    if (kid == null) {
      throw Refusal.invalid("missing kid");
    }
    SigningKey key = issuer.keys().key(kid);
    KeySelector.checkHeader(jws, key);
    if (!issuer.trusted().tokenType().accepts(jws.typ())) {
      throw Refusal.invalid("wrong typ");
    }
    key.signatureCheck().require(jws);
    VerifiedClaims claims = issuer.rules().read(payload);
    issuer.rules().checkTime(claims, clock.millis());
    String scopeClaim = issuer.trusted().scopeClaim();
    Set<String> scopes = scopes(claims.claims().get(scopeClaim), scopeClaim);
    if (revocationCheck != null) {
      revocationCheck.require(claims);
    }
    return new Checked(claims, scopes);
  }

  /** The principal of verified claims, with the issuer and the scopes as attributes. */
  private static Principal principal(VerifiedClaims c, Set<String> scopes) {
    Map<String, String> attrs = new HashMap<>(c.principal().attributes());
    attrs.put(ISSUER_ATTRIBUTE, c.issuer());
    attrs.put(SCOPE_ATTRIBUTE, String.join(" ", scopes)); // sorted: read into a TreeSet
    return new Principal(c.principal().subject(), c.principal().roles(), attrs);
  }

  private static AccessToken accessToken(VerifiedClaims c, Set<String> scopes) {
    Map<String, Object> extra = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : c.claims().entrySet()) {
      if (!ClaimsRules.REGISTERED.contains(e.getKey()) && e.getValue() != null) {
        extra.put(e.getKey(), e.getValue());
      }
    }
    return new AccessToken(
        principal(c, scopes),
        scopes,
        extra,
        c.issuedAt(),
        Instant.ofEpochMilli(c.expiresAtMillis()),
        c.tokenId(),
        Optional.ofNullable(c.familyId()));
  }

  private static Set<String> scopes(Object value, String claim) throws Refusal {
    Set<String> scopes = new TreeSet<>();
    if (value == null) {
      return scopes;
    }
    if (value instanceof String s) {
      for (String part : s.split(" ", -1)) {
        if (!part.isEmpty()) {
          scopes.add(part);
        }
      }
      return scopes;
    }
    if (value instanceof List<?> list) {
      for (Object o : list) {
        if (!(o instanceof String s) || s.isEmpty()) {
          throw Refusal.malformed("claim is not a string array: " + claim);
        }
        scopes.add(s);
      }
      return scopes;
    }
    throw Refusal.malformed("claim is not a string or array: " + claim);
  }

  /** {@return how many key-set fetches {@code issuer}'s keys started, for tests} */
  int fetches(String issuer) {
    return issuers.get(issuer).keys().fetches();
  }

  /** Waits for every background refresh in flight to finish, for tests. */
  void awaitRefreshes() {
    for (Issuer i : issuers.values()) {
      i.keys().refreshInFlight().join();
    }
  }

  @Override
  public String toString() {
    return "IssuerVerifier[issuers=" + new TreeSet<>(issuers.keySet()) + "]";
  }

  /** Builds an {@link IssuerVerifier}. Not thread-safe. */
  public static final class Builder {
    private final List<TrustedIssuer> issuers = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private Duration clockSkew = Duration.ofSeconds(60);
    private RevocationList revocationList;
    private int maxTokenLength = 8 * 1024;
    private AuthListener listener;
    private HttpClient http;

    private Builder(TrustedIssuer first, TrustedIssuer... more) {
      add(first);
      for (TrustedIssuer t : more) {
        add(t);
      }
    }

    private void add(TrustedIssuer t) {
      Objects.requireNonNull(t, "issuer");
      for (TrustedIssuer other : issuers) {
        if (other.issuer().equals(t.issuer())) {
          throw new IllegalArgumentException("issuer configured twice: " + t.issuer());
        }
      }
      issuers.add(t);
    }

    /**
     * Sets the clock of every time check and of key-set ages.
     *
     * @param clock the verifier's clock; default the system UTC clock
     * @return this builder
     * @throws NullPointerException when {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
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
     * Checks every verified token against {@code list} by its ({@code iss}, {@code jti}), its
     * subject's cut-off and its {@code sid}; default no revocation check.
     *
     * @param list the revocation list to ask
     * @return this builder
     * @throws NullPointerException when {@code list} is null
     */
    public Builder revocationList(RevocationList list) {
      this.revocationList = Objects.requireNonNull(list, "list");
      return this;
    }

    /**
     * Sets the longest token accepted.
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
     * Sets who receives the bearer strategy's events.
     *
     * @param listener receives the events; wrapped so that nothing it throws reaches the caller
     * @return this builder
     * @throws NullPointerException when {@code listener} is null
     */
    public Builder listener(AuthListener listener) {
      this.listener = AuthListener.guarded(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Uses {@code client} for fetches: for tests that count or fault them. */
    Builder httpClient(HttpClient client) {
      this.http = Objects.requireNonNull(client, "client");
      return this;
    }

    private Duration longestTimeout() {
      Duration longest = Duration.ofMillis(1);
      for (TrustedIssuer t : issuers) {
        if (t.fetchTimeout().compareTo(longest) > 0) {
          longest = t.fetchTimeout();
        }
      }
      return longest;
    }

    /** {@return a new verifier with this builder's settings} */
    public IssuerVerifier build() {
      return new IssuerVerifier(this);
    }
  }
}

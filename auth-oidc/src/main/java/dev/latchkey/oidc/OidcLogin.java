package dev.latchkey.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import dev.latchkey.core.Assurance;
import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthListener;
import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.PendingLogin;
import dev.latchkey.core.spi.PendingLoginStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

// Past 450 lines for a reason: the public Builder (OidcLogin.Builder) and its setters' contracts
// live here, about a third of the file; the rest is one flow, begin then complete, whose steps
// (state, binding, code exchange, ID token rules) are checked in order. Discovery and the key set
// are in Provider, the claim rules in IdTokenRules.
/**
 * Sign in with an OpenID provider: the OpenID Connect authorization code flow for a confidential
 * client (OpenID Connect Core 1.0, section 3.1), with PKCE ({@code S256} only, RFC 7636), {@code
 * state} and {@code nonce}, ending in a {@link Principal} the application maps from the provider's
 * {@code iss} and {@code sub}.
 *
 * <pre>{@code
 * OidcLogin oidc = OidcLogin.builder(
 *         URI.create("https://accounts.example.com"), "my-client-id", clientSecret,
 *         URI.create("https://app.example/oidc/callback"), InMemoryPendingLoginStore.create())
 *     .build();
 * OidcOutcome start = oidc.begin(clientAddress);          // 302 to start.redirect().location()
 * OidcOutcome done = oidc.complete(callbackQuery, cookie);   // at the redirect URI
 * }</pre>
 *
 * <p><b>{@link #begin}</b> makes a {@code state} and a {@code nonce} (each 256 bits from {@link
 * java.security.SecureRandom}, base64url), a PKCE verifier, and a browser binding (a value for a
 * short-lived cookie), stores the login under the hash of its state in the {@link
 * PendingLoginStore} (bounded per client, expiring after {@link Builder#loginTimeout}), and answers
 * where to send the browser.
 *
 * <p><b>{@link #complete}</b> consumes the login of the callback's {@code state} (once: a second
 * callback with it is {@link OidcOutcome.Problem#INVALID_STATE}), requires the browser binding
 * whose hash was stored with it (compared in constant time), exchanges the code at the token
 * endpoint with the verifier and the client secret ({@code client_secret_basic}, or {@code
 * client_secret_post} when the provider offers only that), and verifies the ID token: its signature
 * by a key of the provider's published JWK Set with an algorithm of {@link Builder#algorithms}
 * only, its issuer, audience and {@code azp}, its expiry and issue time by the injected {@link
 * Clock} within {@link Builder#maxClockSkew}, and its nonce. Optionally it reads the userinfo
 * endpoint, whose {@code sub} must be the ID token's. Then the {@link SubjectMapper} names the
 * principal.
 *
 * <p>The provider's metadata is discovered once, on first use, from {@code
 * <issuer>/.well-known/openid-configuration}; its issuer must be the configured one. Every call to
 * the provider has a bounded connect and read timeout ({@link Builder#timeouts}): a provider that
 * is down or slow is {@link OidcOutcome.Problem#UNAVAILABLE} within them, never a hang. Neither a
 * code, a token, the client secret nor a state appears in a log, an exception message or a {@code
 * toString()}.
 *
 * <p>Built once by {@link #builder}; immutable and safe for concurrent use.
 */
public final class OidcLogin {
  /** The {@code method} of this service's {@link AuthEvent}s. */
  public static final String METHOD = "oidc";

  /** A callback query longer than this is refused before it is parsed. */
  static final int MAX_QUERY_CHARS = 8192;

  private final Provider provider;
  private final ClientID clientId;
  private final Secret secret;
  private final URI redirectUri;
  private final Scope scope;
  private final PendingLoginStore store;
  private final Clock clock;
  private final Duration loginTimeout;
  private final int maxPerClient;
  private final int connectMillis;
  private final int readMillis;
  private final SubjectMapper mapper;
  private final boolean userInfo;
  private final boolean multiFactorFromAmr;
  private final IdTokenRules rules;
  private final AuthListener listener;

  private OidcLogin(Builder b) {
    this.provider = new Provider(b.issuer, b.algorithms, b.connectTimeout, b.readTimeout, b.clock);
    this.clientId = new ClientID(b.clientId);
    this.secret = new Secret(b.clientSecret);
    this.redirectUri = b.redirectUri;
    this.scope = new Scope();
    this.scope.add("openid");
    for (String s : b.scopes) {
      this.scope.add(s);
    }
    this.store = b.store;
    this.clock = b.clock;
    this.loginTimeout = b.loginTimeout;
    this.maxPerClient = b.maxPerClient;
    this.connectMillis = Math.toIntExact(b.connectTimeout.toMillis());
    this.readMillis = Math.toIntExact(b.readTimeout.toMillis());
    this.mapper = b.mapper;
    this.userInfo = b.userInfo;
    this.multiFactorFromAmr = b.multiFactorFromAmr;
    this.rules = new IdTokenRules(b.issuer.toString(), b.clientId, b.skew);
    this.listener = b.listener == null ? AuthListener.none() : AuthListener.guarded(b.listener);
  }

  /**
   * A builder with the required settings.
   *
   * @param issuer the provider's issuer identifier, exactly as its metadata names it: {@code https}
   *     (plain {@code http} only on a loopback host), no query, no fragment
   * @param clientId the client id the provider registered for this application
   * @param clientSecret the client secret the provider issued
   * @param redirectUri the redirect URI registered with the provider, where the callback arrives
   * @param store where started logins wait for their callback (shared by every node)
   * @return the builder
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException when the issuer or the redirect URI is not usable, or the
   *     client id or secret is empty
   */
  public static Builder builder(
      URI issuer, String clientId, String clientSecret, URI redirectUri, PendingLoginStore store) {
    return new Builder(issuer, clientId, clientSecret, redirectUri, store);
  }

  /** {@return the provider's issuer identifier} */
  public String issuer() {
    return provider.issuer().getValue();
  }

  /** {@return the redirect URI the callback arrives at} */
  public URI redirectUri() {
    return redirectUri;
  }

  /**
   * {@return how long a started login waits for its callback}; the browser-binding cookie lives as
   * long
   */
  public Duration loginTimeout() {
    return loginTimeout;
  }

  /**
   * Starts a login: a {@link OidcOutcome.Redirect} to the provider's authorization endpoint with
   * {@code response_type=code}, {@code client_id}, {@code redirect_uri}, {@code scope}, {@code
   * state}, {@code nonce}, {@code code_challenge} and {@code code_challenge_method=S256}, and the
   * browser binding to set as a cookie; or {@link OidcOutcome.Problem#UNAVAILABLE} when the
   * provider's metadata or the store cannot be had. Ends the client's oldest pending login beyond
   * {@link Builder#maxPendingPerClient}.
   *
   * @param client who starts it (the client address): the bound on pending logins is per client
   * @return the redirect or the refusal
   */
  public OidcOutcome begin(String client) {
    Objects.requireNonNull(client, "client");
    Provider.Discovered op;
    try {
      op = provider.get();
    } catch (Provider.Unreachable e) {
      return refused(OidcOutcome.Problem.UNAVAILABLE);
    }
    Instant now = clock.instant();
    Instant expiresAt = now.plus(loginTimeout);
    try {
      String state = OpaqueIds.generateInShard(store.shardFor(client));
      String nonce = OpaqueIds.randomToken();
      // 32 bytes from SecureRandom, base64url: the verifier's recommended form (RFC 7636, 4.1).
      CodeVerifier verifier = new CodeVerifier(OpaqueIds.randomToken());
      String binding = OpaqueIds.randomToken();
      HashedId id = OpaqueIds.parse(state).orElseThrow();
      store.put(
          new PendingLogin(
              id,
              client,
              nonce,
              verifier.getValue(),
              redirectUri.toString(),
              OpaqueIds.hash(binding),
              now,
              expiresAt),
          maxPerClient,
          now);
      URI location =
          new AuthenticationRequest.Builder(ResponseType.CODE, scope, clientId, redirectUri)
              .endpointURI(op.authorizationEndpoint())
              .state(new State(state))
              .nonce(new Nonce(nonce))
              .codeChallenge(verifier, CodeChallengeMethod.S256)
              .build()
              .toURI();
      return new OidcOutcome.Redirect(location, binding, expiresAt);
    } catch (StoreUnavailableException e) {
      return refused(OidcOutcome.Problem.UNAVAILABLE);
    }
  }

  /**
   * Finishes a login at the redirect URI. Every failure is a {@link OidcOutcome.Refused} with its
   * {@link OidcOutcome.Problem}; nothing is thrown for anything the browser or the provider sent.
   *
   * @param query the callback's raw query string (still percent-encoded, without {@code ?}), as
   *     received; attacker-controlled, may be null
   * @param browserBinding the browser-binding cookie's value as received, or null when absent
   * @return the signed-in user or the refusal; either is also emitted as an {@link AuthEvent}
   *     (method {@value #METHOD}) to {@link Builder#listener}
   */
  public OidcOutcome complete(String query, String browserBinding) {
    OidcOutcome outcome = finish(query, browserBinding);
    Instant now = clock.instant();
    outcome
        .signedIn()
        .ifPresentOrElse(
            in -> listener.onEvent(new AuthEvent.Succeeded(now, in.principal().subject(), METHOD)),
            () ->
                listener.onEvent(
                    new AuthEvent.Failed(
                        now, null, METHOD, outcome.refusal().orElseThrow().problem().reason())));
    return outcome;
  }

  private OidcOutcome finish(String query, String browserBinding) {
    Map<String, List<String>> params =
        query == null || query.length() > MAX_QUERY_CHARS
            ? Map.of()
            : URLUtils.parseParameters(query);
    Optional<String> state = single(params, "state");
    Optional<HashedId> id = state.flatMap(OpaqueIds::parse);
    if (id.isEmpty()) {
      return refused(OidcOutcome.Problem.INVALID_STATE);
    }
    Instant now = clock.instant();
    PendingLogin login;
    try {
      // Consumed before anything else is looked at: whatever the callback says, its state is
      // used up, so no second callback can try it.
      Optional<PendingLogin> held = store.consume(id.get(), now);
      if (held.isEmpty()) {
        return refused(OidcOutcome.Problem.INVALID_STATE);
      }
      login = held.get();
    } catch (StoreUnavailableException e) {
      return refused(OidcOutcome.Problem.UNAVAILABLE);
    }
    if (!login.liveAt(now)) {
      // The store answers no expired login; checked again here, by this service's clock.
      return refused(OidcOutcome.Problem.INVALID_STATE);
    }
    if (browserBinding == null
        || !OpaqueIds.constantTimeEquals(login.browserHash(), OpaqueIds.hash(browserBinding))) {
      return refused(OidcOutcome.Problem.BROWSER_MISMATCH);
    }
    // RFC 9207: a response that names its issuer must name this one (mix-up defence).
    Optional<String> iss = single(params, "iss");
    if (params.containsKey("iss") && (iss.isEmpty() || !iss.get().equals(issuer()))) {
      return refused(OidcOutcome.Problem.MALFORMED_CALLBACK);
    }
    if (params.containsKey("error")) {
      return refused(OidcOutcome.Problem.PROVIDER_ERROR);
    }
    Optional<String> code = single(params, "code");
    if (code.isEmpty() || code.get().isEmpty()) {
      return refused(OidcOutcome.Problem.MALFORMED_CALLBACK);
    }
    Provider.Discovered op;
    try {
      op = provider.get();
    } catch (Provider.Unreachable e) {
      return refused(OidcOutcome.Problem.UNAVAILABLE);
    }
    return exchange(op, login, code.get());
  }

  private OidcOutcome exchange(Provider.Discovered op, PendingLogin login, String code) {
    ClientAuthentication auth =
        op.secretPost()
            ? new ClientSecretPost(clientId, secret)
            : new ClientSecretBasic(clientId, secret);
    TokenRequest request =
        new TokenRequest.Builder(
                op.tokenEndpoint(),
                auth,
                new AuthorizationCodeGrant(
                    new AuthorizationCode(code),
                    URI.create(login.redirectUri()),
                    new CodeVerifier(login.codeVerifier())))
            .build();
    TokenResponse response;
    try {
      HTTPResponse http = send(request.toHTTPRequest());
      if (http.getStatusCode() >= 500) {
        return refused(OidcOutcome.Problem.UNAVAILABLE);
      }
      response = OIDCTokenResponseParser.parse(http);
    } catch (IOException | ParseException | RuntimeException e) {
      // Unreachable, too slow, or not a token response: nothing was decided.
      return refused(OidcOutcome.Problem.UNAVAILABLE);
    }
    if (!response.indicatesSuccess()) {
      return refused(OidcOutcome.Problem.CODE_REJECTED);
    }
    if (!(response instanceof OIDCTokenResponse tokens)) {
      return refused(OidcOutcome.Problem.INVALID_ID_TOKEN);
    }
    JWT idToken = tokens.getOIDCTokens().getIDToken();
    if (idToken == null) {
      return refused(OidcOutcome.Problem.INVALID_ID_TOKEN);
    }
    JWTClaimsSet claims;
    try {
      claims = op.idTokens().process(idToken.getParsedString(), null);
    } catch (KeySourceException e) {
      // The JWK Set could not be fetched: the token may be good, so not a refusal of it.
      return refused(OidcOutcome.Problem.UNAVAILABLE);
    } catch (BadJOSEException | JOSEException | java.text.ParseException | RuntimeException e) {
      return refused(OidcOutcome.Problem.INVALID_ID_TOKEN);
    }
    Instant now = clock.instant();
    if (!rules.accept(claims, login.nonce(), login.createdAt(), now)) {
      return refused(OidcOutcome.Problem.INVALID_ID_TOKEN);
    }
    Map<String, Object> all = new LinkedHashMap<>();
    if (userInfo && op.userInfoEndpoint() != null) {
      Optional<OidcOutcome> refusal =
          userInfo(op, tokens.getOIDCTokens().getBearerAccessToken(), claims, all);
      if (refusal.isPresent()) {
        return refusal.get();
      }
    }
    // The ID token's claims win over userinfo's: only they are signed.
    all.putAll(claims.getClaims());
    return signIn(claims, Collections.unmodifiableMap(all));
  }

  /** Reads userinfo into {@code into}; a refusal when it fails or names another user. */
  private Optional<OidcOutcome> userInfo(
      Provider.Discovered op,
      BearerAccessToken token,
      JWTClaimsSet idClaims,
      Map<String, Object> into) {
    if (token == null) {
      return Optional.of(refused(OidcOutcome.Problem.INVALID_ID_TOKEN));
    }
    UserInfoResponse response;
    try {
      HTTPResponse http = send(new UserInfoRequest(op.userInfoEndpoint(), token).toHTTPRequest());
      if (http.getStatusCode() >= 500) {
        return Optional.of(refused(OidcOutcome.Problem.UNAVAILABLE));
      }
      response = UserInfoResponse.parse(http);
    } catch (IOException | ParseException | RuntimeException e) {
      return Optional.of(refused(OidcOutcome.Problem.UNAVAILABLE));
    }
    if (!response.indicatesSuccess()) {
      return Optional.of(refused(OidcOutcome.Problem.INVALID_ID_TOKEN));
    }
    var info = response.toSuccessResponse().getUserInfo();
    // OpenID Connect Core 1.0, 5.3.2: a userinfo response of another subject must not be used.
    if (info == null
        || info.getSubject() == null
        || !info.getSubject().getValue().equals(idClaims.getSubject())) {
      return Optional.of(refused(OidcOutcome.Problem.INVALID_ID_TOKEN));
    }
    into.putAll(info.toJSONObject());
    return Optional.empty();
  }

  private OidcOutcome signIn(JWTClaimsSet claims, Map<String, Object> all) {
    Optional<Principal> principal;
    try {
      principal = mapper.map(issuer(), claims.getSubject(), all);
    } catch (StoreUnavailableException e) {
      return refused(OidcOutcome.Problem.UNAVAILABLE);
    }
    if (principal.isEmpty()) {
      return refused(OidcOutcome.Problem.NOT_LINKED);
    }
    return new OidcOutcome.SignedIn(principal.get(), level(claims), issuer(), claims.getSubject());
  }

  /**
   * Multi-factor only when the application opted in and the provider says so in {@code amr} (RFC
   * 8176: {@code mfa}, or {@code hwk} for a hardware key); the provider's word is all there is.
   */
  private Assurance.Level level(JWTClaimsSet claims) {
    if (multiFactorFromAmr) {
      try {
        List<String> amr = claims.getStringListClaim("amr");
        if (amr != null && (amr.contains("mfa") || amr.contains("hwk"))) {
          return Assurance.Level.MULTI_FACTOR;
        }
      } catch (java.text.ParseException e) {
        // Not a list of strings: no claim of a second factor.
      }
    }
    return Assurance.Level.SINGLE_FACTOR;
  }

  private HTTPResponse send(HTTPRequest http) throws IOException {
    http.setConnectTimeout(connectMillis);
    http.setReadTimeout(readMillis);
    // A token or userinfo answer is never a redirect; following one could send the code on.
    http.setFollowRedirects(false);
    return http.send();
  }

  /** The one value of a parameter; empty when absent or repeated. */
  private static Optional<String> single(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    return values == null || values.size() != 1
        ? Optional.empty()
        : Optional.ofNullable(values.get(0));
  }

  private static OidcOutcome refused(OidcOutcome.Problem problem) {
    return new OidcOutcome.Refused(problem);
  }

  @Override
  public String toString() {
    return "OidcLogin[issuer=" + issuer() + ", clientId=" + clientId + "]";
  }

  /** Configures an {@link OidcLogin}; not safe for concurrent use. */
  public static final class Builder {
    private final URI issuer;
    private final String clientId;
    private final String clientSecret;
    private final URI redirectUri;
    private final PendingLoginStore store;
    private final Set<String> scopes = new LinkedHashSet<>(List.of("profile", "email"));
    private Set<JWSAlgorithm> algorithms = Set.of(JWSAlgorithm.RS256);
    private Clock clock = Clock.systemUTC();
    private Duration loginTimeout = Duration.ofMinutes(10);
    private int maxPerClient = 50;
    private Duration skew = Duration.ofSeconds(60);
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration readTimeout = Duration.ofSeconds(5);
    private SubjectMapper mapper = SubjectMapper.issuerQualified();
    private boolean userInfo;
    private boolean multiFactorFromAmr;
    private AuthListener listener;

    private Builder(
        URI issuer,
        String clientId,
        String clientSecret,
        URI redirectUri,
        PendingLoginStore store) {
      this.issuer = checkIssuer(Objects.requireNonNull(issuer, "issuer"));
      this.clientId = requireText(clientId, "clientId");
      this.clientSecret = requireText(clientSecret, "clientSecret");
      this.redirectUri = checkRedirect(Objects.requireNonNull(redirectUri, "redirectUri"));
      this.store = Objects.requireNonNull(store, "store");
    }

    private static String requireText(String value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isEmpty()) {
        throw new IllegalArgumentException(name + " cannot be empty");
      }
      return value;
    }

    private static URI checkIssuer(URI issuer) {
      requireHttps(issuer, "issuer");
      if (issuer.getRawQuery() != null || issuer.getRawFragment() != null) {
        throw new IllegalArgumentException("an issuer has no query and no fragment: " + issuer);
      }
      return issuer;
    }

    private static URI checkRedirect(URI redirect) {
      requireHttps(redirect, "redirectUri");
      if (redirect.getRawFragment() != null) {
        throw new IllegalArgumentException("a redirect URI has no fragment: " + redirect);
      }
      return redirect;
    }

    /** Plain HTTP would hand codes and tokens to the network: allowed on loopback only. */
    private static void requireHttps(URI uri, String name) {
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!uri.isAbsolute() || uri.getHost() == null) {
        throw new IllegalArgumentException(name + " must be an absolute URL with a host: " + uri);
      }
      if ("https".equals(scheme)) {
        return;
      }
      if ("http".equals(scheme) && loopback(uri.getHost())) {
        return;
      }
      throw new IllegalArgumentException(
          name + " must be https (http only on a loopback host): " + uri);
    }

    private static boolean loopback(String host) {
      if ("localhost".equalsIgnoreCase(host)) {
        return true;
      }
      String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      // Only address literals: a name is not resolved here.
      if (!literal.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
        return false;
      }
      try {
        return InetAddress.getByName(literal).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }

    /**
     * The scopes asked for besides {@code openid}, which is always sent (default {@code profile
     * email}).
     *
     * @param scopes scope tokens
     * @return this builder
     * @throws IllegalArgumentException when a scope is empty or holds a space or a quote
     */
    public Builder scopes(String... scopes) {
      this.scopes.clear();
      for (String s : scopes) {
        Objects.requireNonNull(s, "scope");
        if (s.isEmpty() || s.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '\\' || c > 126)) {
          throw new IllegalArgumentException("not a scope token: " + s);
        }
        if (!"openid".equals(s)) {
          this.scopes.add(s);
        }
      }
      return this;
    }

    /**
     * The ID-token signature algorithms accepted (default {@code RS256}, which every provider must
     * support); any other, {@code none} included, is refused.
     *
     * @param names JWS algorithm names, e.g. {@code RS256}, {@code ES256}, {@code PS256}
     * @return this builder
     * @throws IllegalArgumentException when none is given, or one is not an asymmetric JWS
     *     algorithm
     */
    public Builder algorithms(String... names) {
      Set<JWSAlgorithm> algs = new LinkedHashSet<>();
      for (String n : names) {
        JWSAlgorithm alg = JWSAlgorithm.parse(Objects.requireNonNull(n, "algorithm"));
        // A client secret as an HMAC key would let anyone with it mint ID tokens: asymmetric only.
        if (!JWSAlgorithm.Family.SIGNATURE.contains(alg)) {
          throw new IllegalArgumentException("not an asymmetric JWS algorithm: " + n);
        }
        algs.add(alg);
      }
      if (algs.isEmpty()) {
        throw new IllegalArgumentException("give at least one algorithm");
      }
      this.algorithms = Set.copyOf(algs);
      return this;
    }

    /**
     * The clock every expiry is judged by (default the system's, UTC).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How long a started login waits for its callback (default ten minutes; from ten seconds to an
     * hour).
     *
     * @param timeout the lifetime of a pending login
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder loginTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.compareTo(Duration.ofSeconds(10)) < 0
          || timeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(
            "loginTimeout must be from 10 seconds to an hour: " + timeout);
      }
      this.loginTimeout = timeout;
      return this;
    }

    /**
     * The most pending logins one client holds at once (default 50); a further start ends its
     * oldest. A client is what the caller passes to {@link OidcLogin#begin}, typically an address,
     * which many users behind one NAT share: keep room for them.
     *
     * @param max at least 1
     * @return this builder
     * @throws IllegalArgumentException when under 1
     */
    public Builder maxPendingPerClient(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxPendingPerClient must be at least 1: " + max);
      }
      this.maxPerClient = max;
      return this;
    }

    /**
     * How far the provider's clock may be from ours when judging {@code exp} and {@code iat}
     * (default 60 seconds; at most five minutes).
     *
     * @param skew the tolerance, not negative
     * @return this builder
     * @throws IllegalArgumentException when negative or over five minutes
     */
    public Builder maxClockSkew(Duration skew) {
      Objects.requireNonNull(skew, "skew");
      if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException("maxClockSkew must be from 0 to 5 minutes: " + skew);
      }
      this.skew = skew;
      return this;
    }

    /**
     * The connect and read timeouts of every call to the provider: discovery, JWK Set, token and
     * userinfo (default 2 and 5 seconds; each from 10 ms to 30 seconds).
     *
     * @param connect the connect timeout
     * @param read the read timeout
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder timeouts(Duration connect, Duration read) {
      this.connectTimeout = checkTimeout(connect, "connect");
      this.readTimeout = checkTimeout(read, "read");
      return this;
    }

    private static Duration checkTimeout(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.compareTo(Duration.ofMillis(10)) < 0 || d.compareTo(Duration.ofSeconds(30)) > 0) {
        throw new IllegalArgumentException(
            "the " + name + " timeout must be from 10 ms to 30 seconds: " + d);
      }
      return d;
    }

    /**
     * How a provider user becomes the application's principal (default {@link
     * SubjectMapper#issuerQualified()}).
     *
     * @param mapper the mapping
     * @return this builder
     */
    public Builder subjectMapper(SubjectMapper mapper) {
      this.mapper = Objects.requireNonNull(mapper, "mapper");
      return this;
    }

    /**
     * Whether to read the userinfo endpoint after the ID token (default false); its {@code sub}
     * must be the ID token's, and its claims are given to the {@link SubjectMapper} beside the ID
     * token's (which win).
     *
     * @param read whether to read it
     * @return this builder
     */
    public Builder userInfo(boolean read) {
      this.userInfo = read;
      return this;
    }

    /**
     * Whether an ID token whose {@code amr} holds {@code mfa} or {@code hwk} (RFC 8176) signs in at
     * multi-factor assurance (default false: every login is single factor). Turn on only for a
     * provider whose {@code amr} you trust.
     *
     * @param trust whether to trust the provider's {@code amr}
     * @return this builder
     */
    public Builder multiFactorFromAmr(boolean trust) {
      this.multiFactorFromAmr = trust;
      return this;
    }

    /**
     * Who receives an {@link AuthEvent} per finished callback: {@link AuthEvent.Succeeded} with the
     * mapped subject, or {@link AuthEvent.Failed} with the refusal's reason (method {@value
     * #METHOD}); a listener that throws is ignored.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(AuthListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the service. The provider's metadata is fetched on first use, not here: an application
     * starts while its provider is down and signs in once it is back.
     *
     * @return the service
     */
    public OidcLogin build() {
      return new OidcLogin(this);
    }
  }
}

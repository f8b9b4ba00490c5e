package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.BearerToken;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.spi.RevocationList;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IssuerVerifierTest {
  private static final String ISS = "https://issuer.example";
  private static final String AUD = "orders-api";
  private static final SigningKey RSA_1 = SigningKey.generateRsa("rsa-1", SigningAlgorithm.RS256);
  private static final SigningKey RSA_2 = SigningKey.generateRsa("rsa-2", SigningAlgorithm.RS256);
  private static final SigningKey EC = SigningKey.generateEc("ec-1");
  private static final SigningKey ED = SigningKey.generateEd25519("ed-1");

  private final TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
  private LoopbackJwks jwks;

  @BeforeEach
  void start() throws Exception {
    jwks = new LoopbackJwks();
    jwks.serve(List.of(RSA_1));
  }

  @AfterEach
  void stop() {
    jwks.close();
  }

  private TrustedIssuer.Builder trusted() {
    return TrustedIssuer.builder(ISS, jwks.uri(), AUD)
        .refreshInterval(Duration.ofMinutes(5))
        .unknownKidInterval(Duration.ofSeconds(30))
        .outageGrace(Duration.ofMinutes(10))
        .fetchTimeout(Duration.ofSeconds(2));
  }

  private IssuerVerifier verifier(TrustedIssuer t) {
    return IssuerVerifier.builder(t).clock(clock).build();
  }

  private Map<String, Object> claims() {
    long now = clock.instant().getEpochSecond();
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("iss", ISS);
    c.put("sub", "alice");
    c.put("aud", AUD);
    c.put("iat", now);
    c.put("exp", now + 86_400);
    c.put("jti", UUID.randomUUID().toString());
    c.put("scope", "orders:read orders:write");
    return c;
  }

  private static String header(SigningKey key, String typ) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("alg", key.algorithm().jwsName());
    h.put("kid", key.kid());
    if (typ != null) {
      h.put("typ", typ);
    }
    return Forge.json(h);
  }

  private String token(SigningKey key) {
    return Forge.sign(key, header(key, "at+jwt"), Forge.json(claims()));
  }

  @Test
  void verifiesATokenOfTheTrustedIssuerWithItsSubjectIssuerAndScopes() {
    IssuerVerifier v = verifier(trusted().build());

    JwtTokenService.Verification result = v.verifyToken(token(RSA_1));

    AccessToken t = result.accessToken().orElseThrow();
    assertThat(t.subject()).isEqualTo("alice");
    assertThat(t.principal().attributes()).containsEntry(IssuerVerifier.ISSUER_ATTRIBUTE, ISS);
    assertThat(t.scopes()).containsExactlyInAnyOrder("orders:read", "orders:write");
    assertThat(v.verify(token(RSA_1)).principal()).isPresent();
    assertThat(jwks.requests()).isEqualTo(1);
  }

  @Test
  void thePrincipalCarriesTheIssuerAndTheSortedScopes() {
    IssuerVerifier v = verifier(trusted().build());
    Map<String, Object> c = claims();
    c.put("scope", "orders:write orders:read");

    var principal =
        v.verify(Forge.sign(RSA_1, header(RSA_1, "at+jwt"), Forge.json(c)))
            .principal()
            .orElseThrow();

    assertThat(principal.attributes())
        .containsEntry(IssuerVerifier.ISSUER_ATTRIBUTE, ISS)
        .containsEntry(IssuerVerifier.SCOPE_ATTRIBUTE, "orders:read orders:write");
  }

  @Test
  void tellsWhetherATokenClaimsATrustedIssuerWithoutFetchingOrVerifying() {
    IssuerVerifier v = verifier(trusted().build());
    Map<String, Object> other = claims();
    other.put("iss", "https://elsewhere.example");
    String forgedButTrustedIss = Forge.sign(RSA_2, header(RSA_2, "at+jwt"), Forge.json(claims()));

    assertThat(v.claimsTrustedIssuer(token(RSA_1))).isTrue();
    assertThat(v.claimsTrustedIssuer(forgedButTrustedIss)).isTrue();
    assertThat(v.claimsTrustedIssuer(Forge.sign(RSA_1, header(RSA_1, "at+jwt"), Forge.json(other))))
        .isFalse();
    assertThat(v.claimsTrustedIssuer("not.a.jwt")).isFalse();
    assertThat(v.claimsTrustedIssuer(null)).isFalse();
    assertThat(v.issuers()).containsExactly(ISS);
    assertThat(jwks.requests()).isZero();
    // Claiming is not verifying: the forged token is still refused.
    assertThat(reason(v, forgedButTrustedIss)).isEqualTo(Reason.INVALID_CREDENTIALS);
  }

  @Test
  void verifiesEs256AndEdDsaKeysWhenTheIssuerAllowsThem() {
    jwks.serve(List.of(RSA_1, EC, ED));
    IssuerVerifier v =
        verifier(
            trusted()
                .algorithms(SigningAlgorithm.RS256, SigningAlgorithm.ES256, SigningAlgorithm.EDDSA)
                .build());

    assertThat(v.verify(token(EC)).principal()).isPresent();
    assertThat(v.verify(token(ED)).principal()).isPresent();
    assertThat(v.verify(token(RSA_1)).principal()).isPresent();
  }

  @Test
  void readsScopesFromTheConfiguredClaimAsAnArray() {
    IssuerVerifier v = verifier(trusted().scopeClaim("scp").build());
    Map<String, Object> c = claims();
    c.remove("scope");
    c.put("scp", List.of("a", "b"));

    AccessToken t =
        v.verifyToken(Forge.sign(RSA_1, header(RSA_1, "at+jwt"), Forge.json(c)))
            .accessToken()
            .orElseThrow();

    assertThat(t.scopes()).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void discoversTheKeySetUrlFromTheIssuerMetadata() {
    String issuer = jwks.issuer();
    jwks.metadata("{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + jwks.uri() + "\"}");

    TrustedIssuer t = TrustedIssuer.discover(issuer, AUD, Duration.ofSeconds(2)).build();

    assertThat(t.jwksUri()).isEqualTo(jwks.uri());
    Map<String, Object> c = claims();
    c.put("iss", issuer);
    assertThat(reason(verifier(t), Forge.sign(RSA_1, header(RSA_1, "at+jwt"), Forge.json(c))))
        .isNull();
  }

  @Test
  void refusesMetadataThatNamesAnotherIssuer() {
    jwks.metadata("{\"issuer\":\"https://evil.example\",\"jwks_uri\":\"" + jwks.uri() + "\"}");

    assertThatThrownBy(() -> TrustedIssuer.discover(jwks.issuer(), AUD, Duration.ofSeconds(2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("another issuer");
  }

  @Test
  void refusesAnUntrustedIssuerWithoutFetchingAnything() {
    IssuerVerifier v = verifier(trusted().build());
    Map<String, Object> c = claims();
    c.put("iss", "https://evil.example");

    AuthResult r = v.verify(Forge.sign(RSA_1, header(RSA_1, "at+jwt"), Forge.json(c)));

    assertThat(r.failure().orElseThrow().reason()).isEqualTo(Reason.INVALID_CREDENTIALS);
    assertThat(jwks.requests()).isZero();
  }

  @Test
  void refusesAWrongAudience() {
    IssuerVerifier v = verifier(trusted().build());
    Map<String, Object> c = claims();
    c.put("aud", "other-api");

    assertThat(reason(v, Forge.sign(RSA_1, header(RSA_1, "at+jwt"), Forge.json(c))))
        .isEqualTo(Reason.INVALID_CREDENTIALS);
  }

  @Test
  void refusesAKeyOfAnAlgorithmTheIssuerDoesNotAllow() {
    jwks.serve(List.of(RSA_1, EC));
    IssuerVerifier v = verifier(trusted().build()); // RS256 only

    assertThat(reason(v, token(EC))).isEqualTo(Reason.INVALID_CREDENTIALS);
    assertThat(reason(v, token(RSA_1))).isNull();
  }

  @Test
  void refusesAnAlgOtherThanTheKeysNoneAndHmacOverThePublicKey() {
    IssuerVerifier v = verifier(trusted().build());
    String payload = Forge.json(claims());
    String none =
        Forge.b64("{\"alg\":\"none\",\"kid\":\"rsa-1\",\"typ\":\"at+jwt\"}")
            + "."
            + Forge.b64(payload)
            + ".";
    String hs =
        Forge.hs256(
            RSA_1.publicJwkJson().orElseThrow().getBytes(StandardCharsets.UTF_8),
            "{\"alg\":\"HS256\",\"kid\":\"rsa-1\",\"typ\":\"at+jwt\"}",
            payload);
    String ps =
        Forge.sign(RSA_1, "{\"alg\":\"PS256\",\"kid\":\"rsa-1\",\"typ\":\"at+jwt\"}", payload);

    assertThat(reason(v, none)).isIn(Reason.INVALID_CREDENTIALS, Reason.MALFORMED);
    assertThat(reason(v, hs)).isEqualTo(Reason.INVALID_CREDENTIALS);
    assertThat(reason(v, ps)).isEqualTo(Reason.INVALID_CREDENTIALS);
  }

  @Test
  void appliesTheIssuersTypPolicy() {
    IssuerVerifier atJwt = verifier(trusted().build());
    IssuerVerifier plain = verifier(trusted().tokenType(TrustedIssuer.TokenType.JWT).build());
    String payload = Forge.json(claims());
    String typAt = Forge.sign(RSA_1, header(RSA_1, "application/AT+JWT"), payload);
    String typJwt = Forge.sign(RSA_1, header(RSA_1, "JWT"), payload);
    String noTyp = Forge.sign(RSA_1, header(RSA_1, null), payload);

    assertThat(reason(atJwt, typAt)).isNull();
    assertThat(reason(atJwt, typJwt)).isEqualTo(Reason.INVALID_CREDENTIALS);
    assertThat(reason(atJwt, noTyp)).isEqualTo(Reason.INVALID_CREDENTIALS);
    assertThat(reason(plain, typJwt)).isNull();
    assertThat(reason(plain, noTyp)).isNull();
    assertThat(reason(plain, typAt)).isEqualTo(Reason.INVALID_CREDENTIALS);
  }

  @Test
  void neverFetchesAKeyOrUrlNamedByTheTokenHeader() throws Exception {
    try (LoopbackJwks attacker = new LoopbackJwks()) {
      SigningKey forged = SigningKey.generateRsa("rsa-1", SigningAlgorithm.RS256);
      attacker.serve(List.of(forged));
      IssuerVerifier v = verifier(trusted().build());
      String payload = Forge.json(claims());
      String jwk = forged.publicJwkJson().orElseThrow();
      for (String extra :
          List.of(
              "\"jku\":\"" + attacker.uri() + "\"",
              "\"x5u\":\"" + attacker.uri() + "\"",
              "\"jwk\":" + jwk)) {
        String h = "{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"typ\":\"at+jwt\"," + extra + "}";
        assertThat(reason(v, Forge.sign(forged, h, payload))).isEqualTo(Reason.INVALID_CREDENTIALS);
        assertThat(reason(v, Forge.sign(RSA_1, h, payload))).isEqualTo(Reason.INVALID_CREDENTIALS);
      }
      assertThat(attacker.requests()).isZero();
    }
  }

  @Test
  void aRotatedInKeyVerifiesAfterARefetchAndARemovedKeyStopsAfterTheNextRefresh() {
    IssuerVerifier v = verifier(trusted().build());
    String old = token(RSA_1);
    assertThat(reason(v, old)).isNull();

    jwks.serve(List.of(RSA_1, RSA_2));
    clock.advance(Duration.ofSeconds(30));
    assertThat(reason(v, token(RSA_2))).isNull();
    assertThat(jwks.requests()).isEqualTo(2);

    jwks.serve(List.of(RSA_2));
    assertThat(reason(v, old)).as("before the refresh").isNull();
    clock.advance(Duration.ofMinutes(5));
    assertThat(reason(v, old)).as("the verify that starts the refresh").isNull();
    v.awaitRefreshes();
    assertThat(reason(v, old)).isEqualTo(Reason.INVALID_CREDENTIALS);
    assertThat(reason(v, token(RSA_2))).isNull();
  }

  @Test
  void keepsTheLastGoodKeysThroughAnOutageForTheGraceThenFailsClosed() {
    IssuerVerifier v = verifier(trusted().build());
    String t = token(RSA_1);
    assertThat(reason(v, t)).isNull();

    jwks.mode(LoopbackJwks.Mode.FAIL);
    clock.advance(Duration.ofMinutes(5));
    assertThat(reason(v, t)).as("refresh failed, within grace").isNull();
    clock.advance(Duration.ofMinutes(9));
    assertThat(reason(v, t)).as("still within grace").isNull();
    clock.advance(Duration.ofMinutes(1));
    assertThat(reason(v, t)).as("past grace").isEqualTo(Reason.UNAVAILABLE);
    int during = jwks.requests();
    assertThat(during).as("retries spaced by the interval").isLessThanOrEqualTo(4);

    jwks.mode(LoopbackJwks.Mode.SERVE);
    clock.advance(Duration.ofSeconds(30));
    assertThat(reason(v, t)).as("issuer back").isNull();
  }

  @Test
  void anUnreachableIssuerIsUnavailableNotInvalid() {
    IssuerVerifier v = verifier(trusted().build());
    String t = token(RSA_1);
    jwks.close();

    assertThat(reason(v, t)).isEqualTo(Reason.UNAVAILABLE);
  }

  @Test
  void aStalledEndpointIsGivenUpWithinTheFetchTimeout() {
    jwks.mode(LoopbackJwks.Mode.STALL);
    IssuerVerifier v = verifier(trusted().fetchTimeout(Duration.ofMillis(300)).build());

    long start = System.nanoTime();
    Reason r = reason(v, token(RSA_1));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(r).isEqualTo(Reason.UNAVAILABLE);
    assertThat(tookMillis).isLessThan(3_000);
  }

  @Test
  void aStalledRefreshHoldsUpNoVerifyNotEvenTheOneThatStartedIt() throws Exception {
    IssuerVerifier v = verifier(trusted().fetchTimeout(Duration.ofSeconds(5)).build());
    String t = token(RSA_1);
    assertThat(reason(v, t)).isNull();
    jwks.mode(LoopbackJwks.Mode.STALL);
    clock.advance(Duration.ofMinutes(5));

    long start = System.nanoTime();
    assertThat(reason(v, t)).as("starts the refresh").isNull();
    assertThat(reason(v, t)).isNull();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (jwks.requests() < 2 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(jwks.requests()).as("one refresh, in flight").isEqualTo(2);
    assertThat(v.fetches(ISS)).isEqualTo(2);

    jwks.close(); // releases the stalled request: the refresh fails, the cached keys stay
    v.awaitRefreshes();
    assertThat(reason(v, t)).isNull();
  }

  @Test
  void aRefreshThatBringsARotatedSetIsUsedOnceItLands() {
    IssuerVerifier v = verifier(trusted().build());
    assertThat(reason(v, token(RSA_1))).isNull();
    jwks.serve(List.of(RSA_2));
    clock.advance(Duration.ofMinutes(6));

    assertThat(reason(v, token(RSA_1))).as("the cached set, while the refresh runs").isNull();
    v.awaitRefreshes();
    assertThat(reason(v, token(RSA_2))).isNull();
    assertThat(reason(v, token(RSA_1))).isEqualTo(Reason.INVALID_CREDENTIALS);
    assertThat(v.fetches(ISS)).isEqualTo(2);
  }

  @Test
  void aFloodOfMadeUpKidsMakesAtMostOneFetchPerInterval() throws Exception {
    IssuerVerifier v = verifier(trusted().build());
    assertThat(reason(v, token(RSA_1))).isNull();
    int threads = 8;
    int perThread = 125; // 1,000 made-up kids per round
    String signed = token(RSA_1);
    String body = signed.substring(signed.indexOf('.') + 1, signed.lastIndexOf('.'));
    String signature = signed.substring(signed.lastIndexOf('.') + 1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 1; round <= 5; round++) {
        clock.advance(Duration.ofSeconds(30));
        int before = jwks.requests();
        CyclicBarrier barrier = new CyclicBarrier(threads);
        List<Future<List<Reason>>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          futures.add(
              pool.submit(
                  () -> {
                    List<Reason> reasons = new ArrayList<>();
                    barrier.await();
                    for (int k = 0; k < perThread; k++) {
                      // The kid is refused before the signature is looked at: any well-formed
                      // signature will do, and signing each one would only slow the flood.
                      String h =
                          "{\"alg\":\"RS256\",\"kid\":\""
                              + UUID.randomUUID()
                              + "\",\"typ\":\"at+jwt\"}";
                      reasons.add(reason(v, Forge.b64(h) + "." + body + "." + signature));
                    }
                    return reasons;
                  }));
        }
        for (Future<List<Reason>> f : futures) {
          assertThat(f.get(60, TimeUnit.SECONDS)).containsOnly(Reason.INVALID_CREDENTIALS);
        }
        assertThat(jwks.requests() - before).as("round " + round).isLessThanOrEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentVerifiesPastTheRefreshPointRefreshOnceAndAllVerify() throws Exception {
    IssuerVerifier v = verifier(trusted().build());
    String t = token(RSA_1);
    assertThat(reason(v, t)).isNull();
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 1; round <= 10; round++) {
        clock.advance(Duration.ofMinutes(5));
        int before = jwks.requests();
        CyclicBarrier barrier = new CyclicBarrier(threads);
        List<Future<Reason>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          futures.add(
              pool.submit(
                  () -> {
                    barrier.await();
                    return reason(v, t);
                  }));
        }
        for (Future<Reason> f : futures) {
          assertThat(f.get(60, TimeUnit.SECONDS)).isNull();
        }
        v.awaitRefreshes();
        assertThat(jwks.requests() - before).as("round " + round).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aKeySetLargerThanOneMebibyteIsAFailedFetch() {
    String key = RSA_1.publicJwkJson().orElseThrow();
    jwks.serveRaw("{\"keys\":[" + key + "],\"pad\":\"" + "x".repeat(1 << 20) + "\"}");
    IssuerVerifier v = verifier(trusted().build());

    assertThat(reason(v, token(RSA_1))).isEqualTo(Reason.UNAVAILABLE);
  }

  @Test
  void aSetPublishingAPrivateKeyIsNotTrusted() {
    SigningKey priv = SigningKey.generateRsa("rsa-1", SigningAlgorithm.RS256);
    jwks.serveRaw("{\"keys\":[" + privateJwk(priv) + "]}");
    IssuerVerifier v = verifier(trusted().build());

    assertThat(reason(v, Forge.sign(priv, header(priv, "at+jwt"), Forge.json(claims()))))
        .isEqualTo(Reason.UNAVAILABLE);
  }

  @Test
  void refusesARevokedTokenWhenARevocationListIsGiven() {
    RevocationList list = JwtTokenService.inMemoryRevocationList(clock);
    IssuerVerifier v =
        IssuerVerifier.builder(trusted().build()).clock(clock).revocationList(list).build();
    Map<String, Object> c = claims();
    String t = Forge.sign(RSA_1, header(RSA_1, "at+jwt"), Forge.json(c));
    assertThat(reason(v, t)).isNull();

    list.revokeToken(ISS, (String) c.get("jti"), "alice", clock.instant().plus(Duration.ofDays(2)));

    assertThat(reason(v, t)).isEqualTo(Reason.REVOKED);
  }

  @Test
  void refusesAnOversizeTokenBeforeAnyFetch() {
    IssuerVerifier v =
        IssuerVerifier.builder(trusted().build()).clock(clock).maxTokenLength(512).build();

    assertThat(reason(v, "a".repeat(513))).isEqualTo(Reason.MALFORMED);
    assertThat(jwks.requests()).isZero();
  }

  @Test
  void theBearerStrategyAnswersAsVerify() {
    IssuerVerifier v = verifier(trusted().build());

    assertThat(v.authenticator().authenticate(new BearerToken(token(RSA_1))).principal())
        .isPresent();
    assertThat(v.authenticator().credentialType()).isEqualTo(BearerToken.class);
  }

  @Test
  void anExpiredTokenIsExpired() {
    IssuerVerifier v = verifier(trusted().build());
    String t = token(RSA_1);
    clock.advance(Duration.ofDays(2));
    jwks.serve(List.of(RSA_1));

    assertThat(reason(v, t)).isEqualTo(Reason.EXPIRED);
  }

  /** The key's JWK with its private part, as a careless issuer might publish it. */
  private static String privateJwk(SigningKey key) {
    RSAKey pub = (RSAKey) key.exportable();
    return new RSAKey.Builder(pub)
        .privateKey(((RSASSASigner) key.signer()).getPrivateKey())
        .build()
        .toJSONString();
  }

  private static Reason reason(IssuerVerifier v, String token) {
    return v.verify(token).failure().map(AuthResult.Failure::reason).orElse(null);
  }
}

package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Authenticator;
import dev.latchkey.core.BearerToken;
import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.TokenService.IssuedToken;
import dev.latchkey.core.spi.RevocationList;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JwtTokenServiceTest {
  static final String ISS = "https://auth.example";
  static final String AUD = "api";
  static final Principal ALICE =
      new Principal("alice", Set.of("user", "admin"), Map.of("tenant", "acme", "name", "Alice"));

  TestClock clock;
  SigningKey hmac;
  JwtTokenService service;

  @BeforeEach
  void setUp() {
    clock = new TestClock(Instant.parse("2026-01-01T00:00:00.250Z"));
    hmac = SigningKey.hmac("k1", new byte[32], SigningAlgorithm.HS256);
    service = builder(KeyRing.of(hmac)).build();
  }

  JwtTokenService.Builder builder(KeyRing ring) {
    return JwtTokenService.builder(ring, ISS, AUD)
        .clock(clock)
        .accessTokenLifetime(Duration.ofMinutes(10));
  }

  static Stream<SigningKey> everyAlgorithm() {
    return Stream.of(
        SigningKey.hmac("hs256", new byte[32], SigningAlgorithm.HS256),
        SigningKey.hmac("hs384", new byte[48], SigningAlgorithm.HS384),
        SigningKey.hmac("hs512", new byte[64], SigningAlgorithm.HS512),
        SigningKey.generateRsa("rs256", SigningAlgorithm.RS256),
        SigningKey.generateRsa("rs384", SigningAlgorithm.RS384),
        SigningKey.generateRsa("rs512", SigningAlgorithm.RS512),
        SigningKey.generateRsa("ps256", SigningAlgorithm.PS256),
        SigningKey.generateRsa("ps384", SigningAlgorithm.PS384),
        SigningKey.generateRsa("ps512", SigningAlgorithm.PS512),
        SigningKey.generateEc("es256"),
        SigningKey.generateEc("es384", SigningAlgorithm.ES384),
        SigningKey.generateEc("es512", SigningAlgorithm.ES512),
        SigningKey.generateEd25519("eddsa"));
  }

  static Map<String, Object> header(String token) throws Exception {
    String h = token.substring(0, token.indexOf('.'));
    return JSONObjectUtils.parse(
        new String(Base64.getUrlDecoder().decode(h), StandardCharsets.UTF_8));
  }

  static Map<String, Object> payload(String token) throws Exception {
    String p = token.split("\\.", -1)[1];
    return JSONObjectUtils.parse(
        new String(Base64.getUrlDecoder().decode(p), StandardCharsets.UTF_8));
  }

  static void refused(AuthResult result, Reason reason) {
    assertThat(result.failure()).isPresent();
    assertThat(result.failure().orElseThrow().reason()).isEqualTo(reason);
  }

  @ParameterizedTest
  @MethodSource("everyAlgorithm")
  void issuedTokenVerifiesToTheSamePrincipal(SigningKey key) throws Exception {
    JwtTokenService s = builder(KeyRing.of(key)).build();

    IssuedToken token = s.issue(ALICE, Map.of());

    assertThat(s.verify(token.value())).isEqualTo(AuthResult.success(ALICE));
    assertThat(header(token.value()))
        .containsEntry("alg", key.algorithm().jwsName())
        .containsEntry("kid", key.kid())
        .containsEntry("typ", "at+jwt");
  }

  @ParameterizedTest
  @MethodSource("everyAlgorithm")
  void tokenOfOneAlgorithmIsRefusedByAServiceOfAnother(SigningKey key) {
    JwtTokenService s = builder(KeyRing.of(key)).build();
    SigningKey other = SigningKey.generateEd25519(key.kid());
    JwtTokenService stranger = builder(KeyRing.of(other)).build();
    // Same kid, another key (and for all but EdDSA another algorithm): refused both ways.
    refused(stranger.verify(s.issue(ALICE).value()), Reason.INVALID_CREDENTIALS);
    refused(s.verify(stranger.issue(ALICE).value()), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void issuedTokenCarriesTheRegisteredClaims() throws Exception {
    IssuedToken token = service.issue(ALICE, Map.of("scope", "read write"));
    Map<String, Object> claims = payload(token.value());
    long iat = clock.instant().getEpochSecond();

    assertThat(((Number) claims.get("iat")).doubleValue())
        .as("iat carries the issuing millisecond")
        .isEqualTo(clock.millis() / 1000.0);
    assertThat(claims)
        .containsEntry("iss", ISS)
        .containsEntry("sub", "alice")
        .containsEntry("aud", AUD)
        .containsEntry("exp", iat + 600)
        .containsEntry("roles", List.of("admin", "user"))
        .containsEntry("scope", "read write")
        .containsEntry("attrs", Map.of("name", "Alice", "tenant", "acme"));
    assertThat((String) claims.get("jti")).hasSizeGreaterThanOrEqualTo(22);
    assertThat(token.expiresAt()).isEqualTo(Instant.ofEpochSecond(iat + 600));
    assertThat(token.toString()).doesNotContain(token.value());
  }

  @Test
  void everyTokenHasItsOwnJti() throws Exception {
    List<Object> ids = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      ids.add(payload(service.issue(ALICE).value()).get("jti"));
    }
    assertThat(ids).doesNotHaveDuplicates();
  }

  @Test
  void extraClaimsCannotOverrideRegisteredOnes() {
    for (String name : List.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "roles", "attrs")) {
      assertThatThrownBy(() -> service.issue(ALICE, Map.of(name, "x")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(name);
    }
  }

  @Test
  void extraClaimsMustBeJsonValues() {
    assertThatThrownBy(() -> service.issue(ALICE, Map.of("when", Instant.EPOCH)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("when");
    assertThat(
            service
                .issue(ALICE, Map.of("n", 3, "b", true, "l", List.of("a"), "m", Map.of("k", 1.5)))
                .value())
        .isNotEmpty();
  }

  @Test
  void extraClaimsWithAnUnpairedSurrogateAreNotIssuedAsQuestionMarks() {
    // UTF-8 cannot carry a lone surrogate: the verified claim would be "x?", not what was given.
    for (Map<String, Object> claims :
        List.<Map<String, Object>>of(
            Map.of("tenant", "x\uD800"),
            Map.of("t\uDC00", "x"),
            Map.of("l", List.of("ok", "\uDBFF")),
            Map.of("m", Map.of("k\uD800", 1)))) {
      assertThatThrownBy(() -> service.issue(ALICE, claims))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("unpaired UTF-16 surrogate");
    }
    String emoji = "\uD83D\uDE00";
    AuthResult ok = service.verify(service.issue(ALICE, Map.of("mood", emoji)).value());
    assertThat(ok.succeeded()).isTrue();
  }

  @Test
  void tokenTooLargeToBeAcceptedIsNotIssued() {
    assertThatThrownBy(() -> service.issue(ALICE, Map.of("pad", "x".repeat(9000))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxTokenLength");
  }

  @Test
  void tokenIsAcceptedUntilExpiryPlusSkew() {
    String token = service.issue(ALICE).value();

    clock.advance(Duration.ofSeconds(600 + 59));
    assertThat(service.verify(token).succeeded()).isTrue();

    clock.advance(Duration.ofSeconds(1));
    refused(service.verify(token), Reason.EXPIRED);
  }

  @Test
  void zeroSkewExpiresAtExp() {
    JwtTokenService strict = builder(KeyRing.of(hmac)).clockSkew(Duration.ZERO).build();
    String token = strict.issue(ALICE).value();

    clock.set(Instant.parse("2026-01-01T00:09:59.999Z"));
    assertThat(strict.verify(token).succeeded()).isTrue();
    clock.set(Instant.parse("2026-01-01T00:10:00Z"));
    refused(strict.verify(token), Reason.EXPIRED);
  }

  // Rotation

  @Test
  void afterRotationNewTokensCarryTheNewKidAndOldTokensStillVerify() throws Exception {
    String old = service.issue(ALICE).value();
    JwtTokenService beforeRotation = builder(service.keyRing()).build();
    SigningKey next = SigningKey.generateEc("k2");
    service.rotateKeys(ring -> ring.rotate(next));

    String fresh = service.issue(ALICE).value();

    assertThat(header(fresh)).containsEntry("kid", "k2").containsEntry("alg", "ES256");
    assertThat(service.verify(old).succeeded()).isTrue();
    assertThat(service.verify(fresh).succeeded()).isTrue();
    refused(beforeRotation.verify(fresh), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void tokensOfARemovedKeyAreRefused() {
    String old = service.issue(ALICE).value();
    KeyRing rotated = service.keyRing().rotate(SigningKey.generateEd25519("k2"));
    service.rotateKeys(rotated.without("k1"));

    refused(service.verify(old), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void removingAKeyAlsoDropsItsCachedTokens() {
    JwtTokenService cached = builder(KeyRing.of(hmac)).verifiedTokenCacheSize(100).build();
    String old = cached.issue(ALICE).value();
    assertThat(cached.verify(old).succeeded()).isTrue();
    KeyRing ring = cached.keyRing().rotate(SigningKey.generateEc("k2")).without("k1");

    cached.rotateKeys(ring);

    refused(cached.verify(old), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void rotationKeepsRevocations() {
    String token = service.issue(ALICE).value();
    service.revoke(token);

    service.rotateKeys(ring -> ring.rotate(SigningKey.generateEc("k2")));

    refused(service.verify(token), Reason.REVOKED);
  }

  @Test
  void aRotationThatThrowsLeavesTheRingAsItWas() {
    KeyRing before = service.keyRing();

    assertThatThrownBy(() -> service.rotateKeys(ring -> ring.rotate(hmac)))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(service.keyRing()).isSameAs(before);
    assertThat(service.verify(service.issue(ALICE).value()).succeeded()).isTrue();
  }

  @Test
  void concurrentRotationsAreNeverLost() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<KeyRing>> rotations = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        SigningKey key = SigningKey.hmac("r" + i, new byte[32], SigningAlgorithm.HS256);
        rotations.add(
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  return service.rotateKeys(ring -> ring.rotate(key));
                }));
      }
      for (Future<KeyRing> f : rotations) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(service.keyRing().keys()).hasSize(threads + 1);
  }

  @Test
  void rememberedHeaderOfAVerifyOnlyKeyStillNeedsAValidSignature() {
    SigningKey other = SigningKey.generateEc("other");
    JwtTokenService otherIssuer = builder(KeyRing.of(other)).build();
    JwtTokenService s = builder(KeyRing.of(hmac, other.publicOnly())).build();
    String first = otherIssuer.issue(ALICE).value();
    String second = otherIssuer.issue(Principal.of("bob")).value();
    assertThat(s.verify(first).succeeded()).isTrue();

    // Same header segment, bob's payload under alice's signature.
    String spliced =
        second.substring(0, second.lastIndexOf('.')) + first.substring(first.lastIndexOf('.'));

    assertThat(s.verify(second)).isEqualTo(AuthResult.success(Principal.of("bob")));
    refused(s.verify(spliced), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void manyDistinctForgedHeadersAreAllRefused() {
    for (int i = 0; i < 40; i++) {
      String header = "{\"alg\":\"HS256\",\"kid\":\"k1\",\"typ\":\"at+jwt\",\"n\":" + i + "}";
      String forged =
          Forge.hs256(
              new byte[] {
                9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
                9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9
              },
              header,
              "{}");
      refused(service.verify(forged), Reason.INVALID_CREDENTIALS);
    }
    assertThat(service.verify(service.issue(ALICE).value()).succeeded()).isTrue();
  }

  // Revocation

  @Test
  void revokedTokenIsRefusedWhileItWouldHaveBeenValid() {
    String token = service.issue(ALICE).value();
    String other = service.issue(ALICE).value();

    assertThat(service.revoke(token)).isTrue();

    refused(service.verify(token), Reason.REVOKED);
    clock.advance(Duration.ofSeconds(600 + 59));
    refused(service.verify(token), Reason.REVOKED);
    assertThat(service.verify(other).succeeded()).isTrue();
  }

  @Test
  void revocationEntryIsGoneOnceTheTokenWouldHaveExpiredAnyway() {
    InMemoryRevocationList list = InMemoryRevocationList.create(clock);
    JwtTokenService s = builder(KeyRing.of(hmac)).revocationList(list).build();
    String token = s.issue(ALICE).value();
    s.revoke(token);
    Map<String, Object> claims;
    try {
      claims = payload(token);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    Instant iat =
        Instant.ofEpochMilli(Math.round(((Number) claims.get("iat")).doubleValue() * 1000));
    assertThat(list.isRevoked(ISS, (String) claims.get("jti"), "alice", iat)).isTrue();

    clock.advance(Duration.ofMinutes(10).plusSeconds(60));

    assertThat(list.isRevoked(ISS, (String) claims.get("jti"), "alice", iat)).isFalse();
    refused(s.verify(token), Reason.EXPIRED);
  }

  @Test
  void revokeRefusesTokensItWouldNotAccept() {
    assertThat(service.revoke("garbage")).isFalse();
    String foreign = builder(KeyRing.of(SigningKey.generateEc("k1"))).build().issue(ALICE).value();
    assertThat(service.revoke(foreign)).isFalse();
    String token = service.issue(ALICE).value();
    clock.advance(Duration.ofMinutes(12));
    assertThat(service.revoke(token)).isFalse();
  }

  @Test
  void revokeAllRefusesOlderTokensAndAcceptsNewerOnes() {
    String before = service.issue(ALICE).value();
    String bobs = service.issue(Principal.of("bob")).value();
    clock.advance(Duration.ofMillis(500));

    service.revokeAll("alice");

    refused(service.verify(before), Reason.REVOKED);
    assertThat(service.verify(bobs).succeeded()).isTrue();
    clock.advance(Duration.ofSeconds(1));
    String after = service.issue(ALICE).value();
    assertThat(service.verify(after).succeeded()).isTrue();
  }

  @Test
  void revokeAllAcceptsATokenIssuedLaterInTheSameSecond() {
    String before = service.issue(ALICE).value();
    clock.advance(Duration.ofMillis(300));
    service.revokeAll("alice");
    clock.advance(Duration.ofMillis(1));

    // iat carries milliseconds: logging straight back in after "log out everywhere" works.
    assertThat(service.verify(service.issue(ALICE).value()).succeeded()).isTrue();
    refused(service.verify(before), Reason.REVOKED);
  }

  @Test
  void revokeAllRefusesATokenIssuedInTheSameMillisecond() {
    String sameMillisecond = service.issue(ALICE).value();
    service.revokeAll("alice");

    refused(service.verify(sameMillisecond), Reason.REVOKED);
  }

  @Test
  void tokenIssuedRightAfterRevokeAllReturnsIsAccepted() {
    // A clock that moves a tenth of a millisecond per read: without waiting out the cut-off
    // millisecond, the next login's token would carry the same iat and be refused (found by the
    // load test: a user logging straight back in after "log out everywhere" got a revoked token).
    Clock ticking =
        new Clock() {
          private final AtomicLong micros = new AtomicLong(1_767_225_600_000_000L);

          @Override
          public ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            long now = micros.addAndGet(100);
            return Instant.ofEpochSecond(now / 1_000_000, (now % 1_000_000) * 1_000);
          }
        };
    JwtTokenService s = builder(KeyRing.of(hmac)).clock(ticking).build();
    String before = s.issue(ALICE).value();

    s.revokeAll("alice");
    String after = s.issue(ALICE).value();

    refused(s.verify(before), Reason.REVOKED);
    assertThat(s.verify(after).succeeded()).isTrue();
  }

  @Test
  void revokeAllAtAnExactSecondStillRefusesTokensOfThatSecond() {
    clock.set(Instant.parse("2026-01-01T00:00:05Z"));
    String sameInstant = service.issue(ALICE).value();

    service.revokeAll("alice");

    refused(service.verify(sameInstant), Reason.REVOKED);
    clock.advance(Duration.ofSeconds(1));
    assertThat(service.verify(service.issue(ALICE).value()).succeeded()).isTrue();
  }

  @Test
  void revocationEventsNameTheSubjectButNotTheToken() {
    List<AuthEvent> events = new ArrayList<>();
    JwtTokenService s = builder(KeyRing.of(hmac)).listener(events::add).build();
    String token = s.issue(ALICE).value();

    s.revoke(token);
    s.revokeAll("alice");

    assertThat(events).hasSize(2).allMatch(e -> e instanceof AuthEvent.Revoked);
    assertThat(events.toString()).contains("alice").doesNotContain(token);
  }

  @Test
  void unreachableRevocationListIsUnavailableNotAccepted() {
    RevocationList down = mock(RevocationList.class);
    when(down.isRevoked(any(), any(), any(), any(), any()))
        .thenThrow(new StoreUnavailableException("down"));
    JwtTokenService s = builder(KeyRing.of(hmac)).revocationList(down).build();

    refused(s.verify(s.issue(ALICE).value()), Reason.UNAVAILABLE);
  }

  @Test
  void faultyRevocationListFailsClosed() {
    RevocationList broken = mock(RevocationList.class);
    when(broken.isRevoked(any(), any(), any(), any(), any()))
        .thenThrow(new IllegalStateException("bug"));
    JwtTokenService s = builder(KeyRing.of(hmac)).revocationList(broken).build();

    refused(s.verify(s.issue(ALICE).value()), Reason.UNAVAILABLE);
  }

  // Cache

  @Test
  void cachedTokenStillExpires() {
    JwtTokenService cached = builder(KeyRing.of(hmac)).verifiedTokenCacheSize(100).build();
    String token = cached.issue(ALICE).value();
    assertThat(cached.verify(token)).isEqualTo(AuthResult.success(ALICE));
    assertThat(cached.verify(token)).isEqualTo(AuthResult.success(ALICE));

    clock.advance(Duration.ofMinutes(11));

    refused(cached.verify(token), Reason.EXPIRED);
  }

  @Test
  void cachedTokenIsStillCheckedForRevocation() {
    JwtTokenService cached = builder(KeyRing.of(hmac)).verifiedTokenCacheSize(100).build();
    String token = cached.issue(ALICE).value();
    assertThat(cached.verify(token).succeeded()).isTrue();

    cached.revokeAll("alice");

    refused(cached.verify(token), Reason.REVOKED);
  }

  @Test
  void cacheNeverServesATokenThatDiffersByOneCharacter() {
    JwtTokenService cached = builder(KeyRing.of(hmac)).verifiedTokenCacheSize(100).build();
    String token = cached.issue(ALICE).value();
    assertThat(cached.verify(token).succeeded()).isTrue();
    char last = token.charAt(token.length() - 1);
    // Both canonical as the last of 43 characters (its 2 spare bits clear): the change reaches
    // the signature check instead of the base64url rules.
    String altered = token.substring(0, token.length() - 1) + (last == 'A' ? 'E' : 'A');

    refused(cached.verify(altered), Reason.INVALID_CREDENTIALS);
  }

  // Bearer strategy

  @Test
  void bearerStrategyVerifiesAndReportsEvents() {
    List<AuthEvent> events = new ArrayList<>();
    JwtTokenService s = builder(KeyRing.of(hmac)).listener(events::add).build();
    Authenticator<BearerToken> bearer = s.authenticator();

    assertThat(bearer.credentialType()).isEqualTo(BearerToken.class);
    assertThat(bearer.authenticate(new BearerToken(s.issue(ALICE).value())))
        .isEqualTo(AuthResult.success(ALICE));
    refused(bearer.authenticate(new BearerToken("nope")), Reason.MALFORMED);

    assertThat(events).hasSize(2);
    assertThat(events.get(0)).isInstanceOf(AuthEvent.Succeeded.class);
    assertThat(((AuthEvent.Failed) events.get(1)).reason()).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void throwingListenerCannotChangeTheOutcome() {
    JwtTokenService s =
        builder(KeyRing.of(hmac))
            .listener(
                e -> {
                  throw new IllegalStateException("listener bug");
                })
            .build();

    assertThat(s.authenticator().authenticate(new BearerToken(s.issue(ALICE).value())).succeeded())
        .isTrue();
  }

  // Builder

  @Test
  void builderRefusesBadSettings() {
    KeyRing ring = KeyRing.of(hmac);
    assertThatThrownBy(() -> JwtTokenService.builder(ring, " ", AUD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("issuer");
    assertThatThrownBy(() -> JwtTokenService.builder(ring, ISS, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("audience");
    assertThatThrownBy(() -> builder(ring).clockSkew(Duration.ofMinutes(10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clockSkew");
    assertThatThrownBy(() -> builder(ring).accessTokenLifetime(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("accessTokenLifetime");
    assertThatThrownBy(() -> builder(ring).maxTokenLength(10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxTokenLength");
  }
}

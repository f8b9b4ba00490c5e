package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Principal;
import dev.latchkey.core.TestClock;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VerifyTokenClaimsTest {
  static final Principal ALICE =
      new Principal("alice", Set.of("user", "admin"), Map.of("tenant", "acme"));

  TestClock clock;
  SigningKey key;
  JwtTokenService service;

  @BeforeEach
  void setUp() {
    clock = new TestClock(Instant.parse("2026-01-01T00:00:00.250Z"));
    key = SigningKey.hmac("k1", new byte[32], SigningAlgorithm.HS256);
    service = builder().build();
  }

  JwtTokenService.Builder builder() {
    return JwtTokenService.builder(KeyRing.of(key), "https://auth.example", "api")
        .clock(clock)
        .accessTokenLifetime(Duration.ofMinutes(10));
  }

  private AccessToken verified(String token) {
    JwtTokenService.Verification v = service.verifyToken(token);
    assertThat(v.failure()).isEmpty();
    return v.accessToken().orElseThrow();
  }

  @Test
  void everyExtraClaimTypeRoundTripsAsJsonReadsItBack() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("depth", 2);
    nested.put("inner", Map.of("flag", false));
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("string", "h\u00e9llo \ud83d\ude00");
    extra.put("empty", "");
    extra.put("int", 42);
    extra.put("long", 9_007_199_254_740_993L);
    extra.put("short", (short) -7);
    extra.put("byte", (byte) 3);
    extra.put("atomicInt", new AtomicInteger(5));
    extra.put("atomicLong", new AtomicLong(6));
    extra.put("double", 2.5);
    extra.put("float", 0.5f);
    extra.put("bigInteger", BigInteger.valueOf(123));
    extra.put("hugeInteger", new BigInteger("100000000000000000000"));
    extra.put("bigDecimal", new BigDecimal("1.25"));
    extra.put("true", true);
    extra.put("false", false);
    extra.put("list", List.of("a", 1, 1.5, true, List.of(), Map.of()));
    extra.put("map", nested);
    extra.put("emptyMap", Map.of());

    AccessToken token = verified(service.issue(ALICE, extra).value());

    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("string", "h\u00e9llo \ud83d\ude00");
    expected.put("empty", "");
    expected.put("int", 42L);
    expected.put("long", 9_007_199_254_740_993L);
    expected.put("short", -7L);
    expected.put("byte", 3L);
    expected.put("atomicInt", 5L);
    expected.put("atomicLong", 6L);
    expected.put("double", 2.5);
    expected.put("float", 0.5);
    expected.put("bigInteger", 123L);
    expected.put("hugeInteger", 1e20);
    expected.put("bigDecimal", 1.25);
    expected.put("true", true);
    expected.put("false", false);
    expected.put("list", List.of("a", 1L, 1.5, true, List.of(), Map.of()));
    expected.put("map", Map.of("depth", 2L, "inner", Map.of("flag", false)));
    expected.put("emptyMap", Map.of());
    assertThat(token.claims()).isEqualTo(expected);
    // Value types, not only equality: a Long is not an Integer.
    assertThat(token.claims().get("int")).isInstanceOf(Long.class);
    assertThat(token.claims().get("float")).isInstanceOf(Double.class);
    assertThat(token.claim("bigDecimal")).contains(1.25);
    assertThat(token.claim("absent")).isEmpty();
  }

  @Test
  void theAccessTokenCarriesThePrincipalTimesAndIdsAsIssued() {
    var issued = service.issue(ALICE, "family-1", Map.of("client_id", "app"));

    AccessToken token = verified(issued.value());

    assertThat(token.principal()).isEqualTo(ALICE);
    assertThat(token.subject()).isEqualTo("alice");
    assertThat(token.issuedAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00.250Z"));
    assertThat(token.expiresAt()).isEqualTo(issued.expiresAt());
    assertThat(token.familyId()).contains("family-1");
    assertThat(token.tokenId()).isNotBlank();
    assertThat(token.claims()).containsOnlyKeys("client_id");
    assertThat(verified(service.issue(ALICE).value()).familyId()).isEmpty();
    assertThat(verified(service.issue(ALICE).value()).tokenId()).isNotEqualTo(token.tokenId());
  }

  @Test
  void scopesAreTheWordsOfTheScopeClaim() {
    AccessToken token =
        verified(service.issue(ALICE, Map.of("scope", "read  write admin")).value());

    assertThat(token.scopes()).containsExactlyInAnyOrder("read", "write", "admin");
    assertThat(token.hasScope("write")).isTrue();
    assertThat(token.hasScope("delete")).isFalse();
    assertThat(token.claims()).containsEntry("scope", "read  write admin");
    assertThat(verified(service.issue(ALICE).value()).scopes()).isEmpty();
  }

  @Test
  void aScopeThatIsNotAStringCannotBeIssued() {
    assertThatThrownBy(() -> service.issue(ALICE, Map.of("scope", List.of("read"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scope");
  }

  @Test
  void aSignedTokenWhoseScopeIsNotAStringIsMalformed() {
    long now = clock.instant().getEpochSecond();
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("iss", "https://auth.example");
    payload.put("sub", "alice");
    payload.put("aud", "api");
    payload.put("iat", now);
    payload.put("exp", now + 60);
    payload.put("jti", "j1");
    payload.put("scope", List.of("read"));
    String token =
        Forge.sign(
            key, "{\"alg\":\"HS256\",\"kid\":\"k1\",\"typ\":\"at+jwt\"}", Forge.json(payload));

    assertThat(service.verify(token).failure().orElseThrow().reason()).isEqualTo(Reason.MALFORMED);
    assertThat(service.verifyToken(token).failure().orElseThrow().reason())
        .isEqualTo(Reason.MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "roles", "attrs", "sid"})
  void extraClaimsCannotOverrideARegisteredClaim(String name) {
    assertThatThrownBy(() -> service.issue(ALICE, Map.of(name, "mallory")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(name)
        .hasMessageNotContaining("mallory");
    assertThatThrownBy(() -> service.issue(ALICE, "family", Map.of(name, "mallory")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theClaimsCannotBeChangedThroughTheAccessToken() {
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("list", new ArrayList<>(List.of("a")));
    extra.put("map", new LinkedHashMap<>(Map.of("k", "v")));
    AccessToken token = verified(service.issue(ALICE, extra).value());

    assertThatThrownBy(() -> token.claims().put("x", 1))
        .isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) token.claims().get("list");
    assertThatThrownBy(() -> list.add("b")).isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) token.claims().get("map");
    assertThatThrownBy(() -> map.put("k", "w")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> token.scopes().add("admin"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aRefusedTokenAnswersTheSameFailureAsVerify() {
    String revoked = service.issue(ALICE).value();
    service.revoke(revoked);
    String expiring = service.issue(ALICE).value();
    clock.advance(Duration.ofMinutes(12));

    for (String token : List.of(revoked, expiring, "not.a.token", "")) {
      JwtTokenService.Verification v = service.verifyToken(token);
      assertThat(v.accessToken()).isEmpty();
      assertThat(v.failure()).contains(service.verify(token).failure().orElseThrow());
      assertThat(v.toAuthResult()).isEqualTo(service.verify(token));
      int status = v.fold(t -> 200, AuthResult.Failure::httpStatus);
      assertThat(status).isEqualTo(401);
    }
  }

  @Test
  void aVerifiedTokenFoldsAndConvertsToTheAuthResultOfVerify() {
    String token = service.issue(ALICE, Map.of("scope", "read")).value();
    JwtTokenService.Verification v = service.verifyToken(token);

    assertThat(v.succeeded()).isTrue();
    boolean mayRead = v.fold(t -> t.scopes().contains("read"), f -> false);
    assertThat(mayRead).isTrue();
    assertThat(v.toAuthResult()).isEqualTo(service.verify(token));
  }

  @Test
  void cachedTokensAnswerTheirClaimsToo() {
    JwtTokenService cached = builder().verifiedTokenCacheSize(10).build();
    String token = cached.issue(ALICE, Map.of("tier", "gold", "scope", "read")).value();

    AccessToken first = cached.verifyToken(token).accessToken().orElseThrow();
    AccessToken second = cached.verifyToken(token).accessToken().orElseThrow();

    assertThat(second).isEqualTo(first);
    assertThat(second.claims()).containsEntry("tier", "gold");
    assertThat(second.scopes()).containsExactly("read");
  }

  @Test
  void toStringShowsClaimNamesButNoClaimValue() {
    String token =
        service.issue(ALICE, Map.of("secret_note", "s3cr3t-value", "scope", "read")).value();
    JwtTokenService.Verification v = service.verifyToken(token);

    assertThat(v.toString()).contains("secret_note").doesNotContain("s3cr3t-value");
    assertThat(v.toString()).doesNotContain(token);
  }
}

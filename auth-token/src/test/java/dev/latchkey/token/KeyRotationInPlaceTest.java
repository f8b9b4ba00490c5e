package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Authenticator;
import dev.latchkey.core.BearerToken;
import dev.latchkey.core.Principal;
import dev.latchkey.core.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rotating the key ring of a service is seen at once by everything built on it: the bearer strategy
 * and refresh-token rotation, built before the rotation, sign and verify with the new ring.
 */
class KeyRotationInPlaceTest {
  static final Principal ALICE = Principal.of("alice");

  TestClock clock;
  JwtTokenService service;
  Authenticator<BearerToken> bearer;
  RefreshTokens refresh;

  @BeforeEach
  void setUp() {
    clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    service =
        JwtTokenService.builder(
                KeyRing.of(SigningKey.hmac("2026-01", new byte[32], SigningAlgorithm.HS256)),
                "iss",
                "aud")
            .clock(clock)
            .verifiedTokenCacheSize(100)
            .build();
    bearer = service.authenticator();
    refresh =
        RefreshTokens.builder(service, RefreshTokens.inMemoryStore(clock)).clock(clock).build();
  }

  private static String kid(String token) {
    String header =
        new String(
            Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
            StandardCharsets.UTF_8);
    return header.replaceAll(".*\"kid\":\"([^\"]*)\".*", "$1");
  }

  private AuthResult authenticate(String token) {
    return bearer.authenticate(new BearerToken(token));
  }

  @Test
  void componentsBuiltBeforeARotationSignAndVerifyWithTheNewKey() {
    RefreshTokens.TokenPair before = refresh.login(ALICE);
    assertThat(kid(before.accessToken())).isEqualTo("2026-01");

    service.rotateKeys(ring -> ring.rotate(SigningKey.generateEc("2026-02")));

    RefreshTokens.TokenPair refreshed =
        refresh.refresh(before.refreshToken()).tokens().orElseThrow();
    RefreshTokens.TokenPair login = refresh.login(ALICE);
    assertThat(kid(refreshed.accessToken())).isEqualTo("2026-02");
    assertThat(kid(login.accessToken())).isEqualTo("2026-02");
    assertThat(authenticate(refreshed.accessToken()).principal()).contains(ALICE);
    assertThat(authenticate(login.accessToken()).principal()).contains(ALICE);
  }

  @Test
  void tokensOfTheRetiredKeyStayValidWhileTheRingKeepsItToVerify() {
    String old = refresh.login(ALICE).accessToken();
    assertThat(authenticate(old).succeeded()).isTrue(); // now in the verified-token cache

    service.rotateKeys(ring -> ring.rotate(SigningKey.generateEc("2026-02")));

    assertThat(service.keyRing().signingKey().kid()).isEqualTo("2026-02");
    assertThat(service.keyRing().key("2026-01")).isPresent();
    assertThat(authenticate(old).principal()).contains(ALICE);
    assertThat(service.verifyToken(old).accessToken()).isPresent();
  }

  @Test
  void tokensOfADroppedKeyAreRefusedEverywhereAtOnceEvenWhenCached() {
    String old = refresh.login(ALICE).accessToken();
    assertThat(authenticate(old).succeeded()).isTrue(); // now in the verified-token cache
    service.rotateKeys(ring -> ring.rotate(SigningKey.generateEc("2026-02")));
    String fresh = service.issue(ALICE).value();

    service.rotateKeys(ring -> ring.without("2026-01"));

    assertThat(authenticate(old).failure().orElseThrow().reason())
        .isEqualTo(Reason.INVALID_CREDENTIALS);
    assertThat(service.verifyToken(old).failure().orElseThrow().reason())
        .isEqualTo(Reason.INVALID_CREDENTIALS);
    assertThat(authenticate(fresh).succeeded()).isTrue();
  }

  @Test
  void aWholeNewRingReplacesTheOldOne() {
    String old = service.issue(ALICE).value();
    KeyRing next = KeyRing.of(SigningKey.generateEd25519("2027-01"));

    service.rotateKeys(next);

    assertThat(service.keyRing()).isSameAs(next);
    assertThat(kid(refresh.login(ALICE).accessToken())).isEqualTo("2027-01");
    assertThat(authenticate(old).failure().orElseThrow().reason())
        .isEqualTo(Reason.INVALID_CREDENTIALS);
  }
}

package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.TokenService.IssuedToken;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.session.LoginOutcome;
import dev.latchkey.session.SessionManager;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.RefreshTokens;
import dev.latchkey.token.SigningAlgorithm;
import dev.latchkey.token.SigningKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two application nodes, each with its own {@link RedisStores}, session manager and token service,
 * sharing one Redis: what one node does, the other sees.
 */
class TwoNodeFleetIT {
  private static final byte[] SECRET =
      "an HMAC secret of at least 32 bytes, for tests".getBytes(StandardCharsets.UTF_8);

  private final TestClock clock = TestClock.atNow();
  private final String prefix = "fleet" + UUID.randomUUID() + ":";
  private final RedisStores redisA = stores();
  private final RedisStores redisB = stores();

  private RedisStores stores() {
    return RedisStores.builder(RedisFixture.sharedStandalone().client())
        .keyPrefix(prefix)
        .clock(clock)
        .revocationHeartbeat(Duration.ofMillis(100))
        .build();
  }

  @AfterEach
  void closeNodes() {
    redisA.close();
    redisB.close();
  }

  private SessionManager sessions(RedisStores redis) {
    return SessionManager.builder(redis.sessionStore()).clock(clock).build();
  }

  private JwtTokenService tokens(RedisStores redis) {
    return JwtTokenService.builder(
            KeyRing.of(SigningKey.hmac("k1", SECRET, SigningAlgorithm.HS256)),
            "https://issuer.example",
            "app")
        .revocationList(redis.revocationList())
        .clock(clock)
        .build();
  }

  @Test
  void sessionCreatedOnOneNodeIsUsedAndEndedOnTheOther() {
    SessionManager a = sessions(redisA);
    SessionManager b = sessions(redisB);
    LoginOutcome.NewSession login =
        a.login(Principal.of("alice", Set.of("user")), Map.of()).created().orElseThrow();
    SessionCookie cookie = new SessionCookie(login.id());

    assertThat(b.authenticate(cookie).succeeded()).isTrue();
    assertThat(b.logout(login.id())).isTrue();

    AuthResult after = a.authenticate(cookie);
    assertThat(after.succeeded()).isFalse();
  }

  @Test
  void tokenRevokedOnOneNodeIsRefusedOnTheOtherWithinTheBound() {
    JwtTokenService a = tokens(redisA);
    JwtTokenService b = tokens(redisB);
    RedisStoresBehaviour.awaitCurrent(redisB.revocationList());
    IssuedToken token = a.issue(Principal.of("bob"), Map.of());
    assertThat(b.verify(token.value()).succeeded()).isTrue();

    assertThat(a.revoke(token.value())).isTrue();

    assertThat(
            RedisFixture.waitUntil(
                RedisStoresBehaviour.PROPAGATION_BOUND, () -> refused(b, token.value())))
        .isTrue();
  }

  @Test
  void logOutEverywhereOnOneNodeRefusesEarlierTokensOnTheOther() {
    JwtTokenService a = tokens(redisA);
    JwtTokenService b = tokens(redisB);
    RedisStoresBehaviour.awaitCurrent(redisA.revocationList());
    IssuedToken old = a.issue(Principal.of("carol"), Map.of());

    b.revokeAll("carol");

    assertThat(
            RedisFixture.waitUntil(
                RedisStoresBehaviour.PROPAGATION_BOUND, () -> !a.verify(old.value()).succeeded()))
        .isTrue();
    clock.advance(Duration.ofSeconds(2));
    assertThat(a.verify(a.issue(Principal.of("carol"), Map.of()).value()).succeeded()).isTrue();
  }

  private static boolean refused(JwtTokenService node, String token) {
    return node.verify(token)
        .failure()
        .map(AuthResult.Failure::reason)
        .filter(AuthResult.Reason.REVOKED::equals)
        .isPresent();
  }

  /**
   * A refresh token replayed through node A after node B rotated it: both access tokens of the
   * family are refused at once on node A and within the propagation bound on node B, and another
   * family of the user keeps working.
   */
  @Test
  void reuseOnOneNodeRefusesTheFamilysAccessTokensOnBoth() {
    JwtTokenService a = tokens(redisA);
    JwtTokenService b = tokens(redisB);
    RefreshTokens refreshA =
        RefreshTokens.builder(a, redisA.refreshTokenStore()).clock(clock).build();
    RefreshTokens refreshB =
        RefreshTokens.builder(b, redisB.refreshTokenStore()).clock(clock).build();
    RedisStoresBehaviour.awaitCurrent(redisB.revocationList());
    Principal dave = Principal.of("dave");
    RefreshTokens.TokenPair first = refreshA.login(dave);
    RefreshTokens.TokenPair second = refreshB.refresh(first.refreshToken()).tokens().orElseThrow();
    RefreshTokens.TokenPair other = refreshB.login(dave);

    assertThat(refreshA.refresh(first.refreshToken()).failure()).isPresent();

    assertThat(refused(a, first.accessToken())).isTrue();
    assertThat(refused(a, second.accessToken())).isTrue();
    assertThat(
            RedisFixture.waitUntil(
                RedisStoresBehaviour.PROPAGATION_BOUND,
                () -> refused(b, first.accessToken()) && refused(b, second.accessToken())))
        .isTrue();
    assertThat(b.verify(other.accessToken()).succeeded()).isTrue();
  }

  /** Logging out with only the bearer on node B ends the family for node A too. */
  @Test
  void logoutWithTheBearerOnOneNodeEndsTheFamilyOnBoth() {
    JwtTokenService a = tokens(redisA);
    JwtTokenService b = tokens(redisB);
    RefreshTokens refreshA =
        RefreshTokens.builder(a, redisA.refreshTokenStore()).clock(clock).build();
    RefreshTokens refreshB =
        RefreshTokens.builder(b, redisB.refreshTokenStore()).clock(clock).build();
    RedisStoresBehaviour.awaitCurrent(redisA.revocationList());
    RefreshTokens.TokenPair pair = refreshA.login(Principal.of("erin"));

    assertThat(refreshB.logoutByAccessToken(pair.accessToken())).isTrue();

    assertThat(refreshA.refresh(pair.refreshToken()).failure()).isPresent();
    assertThat(
            RedisFixture.waitUntil(
                RedisStoresBehaviour.PROPAGATION_BOUND, () -> refused(a, pair.accessToken())))
        .isTrue();
  }

  /**
   * Logging out with the refresh token on node B refuses the family's access tokens at once on node
   * B and within the propagation bound on node A; another family of the user keeps working.
   */
  @Test
  void logoutWithTheRefreshTokenOnOneNodeRefusesTheFamilysAccessTokensOnBoth() {
    JwtTokenService a = tokens(redisA);
    JwtTokenService b = tokens(redisB);
    RefreshTokens refreshA =
        RefreshTokens.builder(a, redisA.refreshTokenStore()).clock(clock).build();
    RefreshTokens refreshB =
        RefreshTokens.builder(b, redisB.refreshTokenStore()).clock(clock).build();
    RedisStoresBehaviour.awaitCurrent(redisA.revocationList());
    Principal frank = Principal.of("frank");
    RefreshTokens.TokenPair first = refreshA.login(frank);
    RefreshTokens.TokenPair second = refreshA.refresh(first.refreshToken()).tokens().orElseThrow();
    RefreshTokens.TokenPair other = refreshA.login(frank);

    assertThat(refreshB.logout(second.refreshToken())).isTrue();

    assertThat(refreshA.refresh(second.refreshToken()).failure()).isPresent();
    assertThat(refused(b, first.accessToken())).isTrue();
    assertThat(refused(b, second.accessToken())).isTrue();
    assertThat(
            RedisFixture.waitUntil(
                RedisStoresBehaviour.PROPAGATION_BOUND,
                () -> refused(a, first.accessToken()) && refused(a, second.accessToken())))
        .isTrue();
    assertThat(a.verify(other.accessToken()).succeeded()).isTrue();
  }
}

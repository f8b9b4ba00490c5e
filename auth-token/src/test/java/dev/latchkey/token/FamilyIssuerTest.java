package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.TokenService;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.RefreshTokenStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FamilyIssuerTest {
  static final Principal ALICE = Principal.of("alice", Set.of("user"));
  static final Duration DELAY = Duration.ofSeconds(10);
  static final RefreshTokenStore.Policy POLICY =
      new RefreshTokenStore.Policy(
          Duration.ofDays(1), Duration.ofDays(7), Duration.ZERO, 16, 10, Duration.ofMinutes(1));

  TestClock clock;
  TokenService access;
  InMemoryRefreshTokenStore store;
  FamilyIssuer issuer;

  @BeforeEach
  void setUp() {
    clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    access = mock(TokenService.class);
    when(access.issue(any(), anyString(), anyMap()))
        .thenAnswer(
            call ->
                new TokenService.IssuedToken(
                    "access-of-" + call.getArgument(1), clock.instant().plusSeconds(900)));
    store = InMemoryRefreshTokenStore.create(clock);
    issuer = new FamilyIssuer(access, store, POLICY, DELAY, clock);
  }

  @Test
  void loginStartsAFamilyAndMintsItsFirstAccessToken() {
    RefreshTokens.TokenPair pair = issuer.login(ALICE);

    assertThat(OpaqueIds.parse(pair.refreshToken())).isPresent();
    assertThat(pair.refreshTokenExpiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(1)));
    assertThat(pair.accessToken()).startsWith("access-of-");
    assertThat(pair.accessTokenExpiresAt()).isEqualTo(clock.instant().plusSeconds(900));
    verify(access).issue(eq(ALICE), anyString(), eq(Map.of()));
  }

  @Test
  void mintPairsTheFamilysAccessTokenWithTheRefreshTokenGiven() {
    Instant refreshEnd = clock.instant().plus(Duration.ofHours(1));

    RefreshTokens.TokenPair pair = issuer.mint(ALICE, "family-1", "raw-refresh", refreshEnd);

    assertThat(pair)
        .isEqualTo(
            new RefreshTokens.TokenPair(
                "access-of-family-1", clock.instant().plusSeconds(900), "raw-refresh", refreshEnd));
  }

  @Test
  void tookTooLongOnlyPastTheDelayToTheMillisecond() {
    Instant started = clock.instant();

    clock.advance(DELAY);
    assertThat(issuer.tookTooLong(started)).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(issuer.tookTooLong(started)).isTrue();
  }

  @Test
  void loginSlowerThanTheDelayHandsOutNothing() {
    when(access.issue(any(), anyString(), anyMap()))
        .thenAnswer(
            call -> {
              clock.advance(DELAY.plusMillis(1));
              return new TokenService.IssuedToken("late", clock.instant().plusSeconds(900));
            });

    assertThatThrownBy(() -> issuer.login(ALICE))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("maxIssueDelay");
  }

  @Test
  void familyRevocationCoversTokensMintedUpToTheDelayAfterNow() {
    issuer.revokeFamilyAccess("alice", "family-1");

    verify(access).revokeFamily("alice", "family-1", clock.instant().plus(DELAY));
  }
}

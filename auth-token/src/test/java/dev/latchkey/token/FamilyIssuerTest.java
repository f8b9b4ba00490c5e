package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FamilyIssuerTest {
  static final Principal ALICE = FamilyTestBed.ALICE;
  static final Duration DELAY = FamilyTestBed.DELAY;
  static final RefreshTokenStore.Policy POLICY = FamilyTestBed.policy(10);

  TestClock clock;
  TokenService access;
  InMemoryRefreshTokenStore store;
  FamilyIssuer issuer;

  @BeforeEach
  void setUp() {
    FamilyTestBed bed = new FamilyTestBed();
    clock = bed.clock;
    access = bed.access;
    store = bed.store;
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

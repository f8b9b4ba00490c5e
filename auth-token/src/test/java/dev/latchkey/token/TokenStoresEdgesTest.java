package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Edge-exact tests written to kill the mutants PIT found surviving in the in-memory refresh-token
 * store, the revocation list and {@link RefreshTokens} (see RELIABILITY.md): caps enforced on every
 * write, ended and expired families not counted as ended again, cut-offs that only ever move later,
 * and the builders' inclusive limits.
 */
class TokenStoresEdgesTest {
  static final Principal ALICE = Principal.of("alice", Set.of("user"));
  static final Principal BOB = Principal.of("bob", Set.of("user"));

  final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  final JwtTokenService access =
      JwtTokenService.builder(
              KeyRing.of(SigningKey.hmac("k", new byte[32], SigningAlgorithm.HS256)), "iss", "aud")
          .clock(clock)
          .build();
  final List<AuthEvent> events = new ArrayList<>();

  RefreshTokens refreshTokens(InMemoryRefreshTokenStore store) {
    return RefreshTokens.builder(access, store)
        .clock(clock)
        .refreshTokenLifetime(Duration.ofDays(1))
        .familyLifetime(Duration.ofDays(7))
        .listener(events::add)
        .build();
  }

  static RefreshTokens.TokenPair refreshed(RefreshTokens.Result r) {
    assertThat(r.failure()).isEmpty();
    return r.tokens().orElseThrow();
  }

  @Test
  void aFullStoreRefusesTheNewLoginAndKeepsEveryFamily() {
    InMemoryRefreshTokenStore store = InMemoryRefreshTokenStore.create(clock, 2);
    RefreshTokens refresh = refreshTokens(store);
    String a = refresh.login(ALICE).refreshToken();
    String b = refresh.login(BOB).refreshToken();
    String b2 = refreshed(refresh.refresh(b)).refreshToken();

    assertThatThrownBy(() -> refresh.login(Principal.of("carol")))
        .isInstanceOf(StoreUnavailableException.class);

    assertThat(store.families()).isEqualTo(2);
    refreshed(refresh.refresh(a));
    refreshed(refresh.refresh(b2));
  }

  @Test
  void logoutAnswersWhetherALiveFamilyWasEnded() {
    RefreshTokens refresh = refreshTokens(InMemoryRefreshTokenStore.create(clock));
    String live = refresh.login(ALICE).refreshToken();
    String expiring = refresh.login(ALICE).refreshToken();
    assertThat(refresh.logout(live)).isTrue();
    assertThat(refresh.logout(live)).isFalse();
    clock.advance(Duration.ofDays(7)); // the family's end: it is over, not ended by this call
    assertThat(refresh.logout(expiring)).isFalse();
  }

  @Test
  void logoutEverywhereCountsOnlyLiveFamiliesAndSaysSo() {
    RefreshTokens refresh = refreshTokens(InMemoryRefreshTokenStore.create(clock));
    refresh.login(ALICE);
    clock.advance(Duration.ofDays(1));
    refresh.login(ALICE);
    String ended = refresh.login(ALICE).refreshToken();
    refresh.logout(ended);
    clock.advance(Duration.ofDays(6)); // the first family is over
    assertThat(refresh.logoutEverywhere("alice")).isEqualTo(1);
    assertThat(refresh.logoutEverywhere("alice")).isZero();
    assertThat(refresh.logoutEverywhere("nobody")).isZero();
    assertThat(events)
        .filteredOn(e -> e instanceof AuthEvent.LoggedOut out && out.everywhere())
        .hasSize(3);
    // The logout with a refresh token says so once, as not everywhere.
    assertThat(events)
        .filteredOn(e -> e instanceof AuthEvent.LoggedOut out && !out.everywhere())
        .hasSize(1);
  }

  @Test
  void refreshBuilderLimitsAreInclusive() {
    InMemoryRefreshTokenStore store = InMemoryRefreshTokenStore.create(clock);
    RefreshTokens.builder(access, store).grace(Duration.ofMinutes(1)).grace(Duration.ZERO);
    assertThatThrownBy(() -> RefreshTokens.builder(access, store).grace(Duration.ofSeconds(61)))
        .isInstanceOf(IllegalArgumentException.class);
    RefreshTokens same =
        RefreshTokens.builder(access, store)
            .refreshTokenLifetime(Duration.ofDays(3))
            .familyLifetime(Duration.ofDays(3))
            .build();
    assertThat(same.toString()).contains("PT72H");
    assertThatThrownBy(() -> InMemoryRefreshTokenStore.create(clock, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(InMemoryRefreshTokenStore.create(clock, 1).toString()).contains("1");
  }

  @Test
  void tokenPairTextHidesBothTokens() {
    RefreshTokens.TokenPair pair =
        refreshTokens(InMemoryRefreshTokenStore.create(clock)).login(ALICE);
    assertThat(pair.toString())
        .contains("<redacted>")
        .contains(pair.accessTokenExpiresAt().toString())
        .doesNotContain(pair.accessToken())
        .doesNotContain(pair.refreshToken());
  }

  @Test
  void subjectCutOffsNeverCountTowardsTheCapNorAreRefused() {
    InMemoryRevocationList list = InMemoryRevocationList.create(clock, 2);
    Instant later = clock.instant().plusSeconds(60);
    list.revokeToken("iss", "j", "alice", clock.instant(), later);
    list.revokeToken("iss", "k", "bob", clock.instant(), later);
    list.revokeSubject("carol", clock.instant(), later);
    list.revokeSubject("dave", clock.instant(), later);

    assertThat(list.isRevoked("iss", "any", "carol", clock.instant().minusMillis(1))).isTrue();
    assertThat(list.isRevoked("iss", "any", "dave", clock.instant().minusMillis(1))).isTrue();
    assertThat(list.heldEntries()).isEqualTo(2);
  }

  @Test
  void aSubjectCutOffOnlyEverMovesLater() {
    InMemoryRevocationList list = InMemoryRevocationList.create(clock);
    Instant t0 = clock.instant();
    list.revokeSubject("alice", t0.plusSeconds(10), t0.plusSeconds(600));
    list.revokeSubject("alice", t0.plusSeconds(5), t0.plusSeconds(300));
    // Issued at +7 s: before the first cut-off, after the second. Still refused, until +600 s.
    assertThat(list.isRevoked("iss", "j", "alice", t0.plusSeconds(7))).isTrue();
    clock.advance(Duration.ofSeconds(400));
    assertThat(list.isRevoked("iss", "j", "alice", t0.plusSeconds(7))).isTrue();
    clock.advance(Duration.ofSeconds(200));
    assertThat(list.isRevoked("iss", "j", "alice", t0.plusSeconds(7))).isFalse();
  }

  @Test
  void aRevokedTokenStaysRevokedUntilTheLaterOfTwoExpiries() {
    InMemoryRevocationList list = InMemoryRevocationList.create(clock);
    Instant t0 = clock.instant();
    list.revokeToken("iss", "j", "alice", t0.plusSeconds(600));
    list.revokeToken("iss", "j", "alice", t0.plusSeconds(60));
    clock.advance(Duration.ofMinutes(5));
    assertThat(list.isRevoked("iss", "j", "alice", t0)).isTrue();
    list.revokeToken("iss", "k", "alice", clock.instant().plusSeconds(10));
    list.revokeToken("iss", "k", "alice", clock.instant().plusSeconds(100));
    clock.advance(Duration.ofSeconds(50));
    assertThat(list.isRevoked("iss", "k", "alice", t0)).isTrue();
    assertThat(list.toString()).doesNotContain("alice");
  }
}

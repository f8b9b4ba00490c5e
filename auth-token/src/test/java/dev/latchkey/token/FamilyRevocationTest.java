package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.TokenService;
import dev.latchkey.core.spi.RefreshTokenStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FamilyRevocationTest {
  static final Principal ALICE = FamilyTestBed.ALICE;
  static final Duration DELAY = FamilyTestBed.DELAY;
  static final RefreshTokenStore.Policy POLICY = FamilyTestBed.policy(10);

  TestClock clock;
  TokenService access;
  InMemoryRefreshTokenStore store;
  List<AuthEvent> events;

  @BeforeEach
  void setUp() {
    FamilyTestBed bed = new FamilyTestBed();
    clock = bed.clock;
    access = bed.access;
    store = bed.store;
    events = new CopyOnWriteArrayList<>();
  }

  FamilyRevocation revocation(RefreshTokenStore on) {
    FamilyIssuer issuer = new FamilyIssuer(access, on, POLICY, DELAY, clock);
    return new FamilyRevocation(access, on, issuer, clock, events::add);
  }

  FamilyIssuer issuer() {
    return new FamilyIssuer(access, store, POLICY, DELAY, clock);
  }

  @Test
  void suppressKeepsTheFirstFailureAndNeverSuppressesItInItself() {
    RuntimeException first = new IllegalStateException("first");
    RuntimeException second = new IllegalStateException("second");

    assertThat(FamilyRevocation.suppress(null, first)).isSameAs(first);
    assertThat(FamilyRevocation.suppress(first, second)).isSameAs(first);
    assertThat(FamilyRevocation.suppress(first, first)).isSameAs(first);
    assertThat(first.getSuppressed()).containsExactly(second);
  }

  @Test
  void logoutEndsTheFamilyThenRevokesItsAccessTokens() {
    RefreshTokens.TokenPair pair = issuer().login(ALICE);

    assertThat(revocation(store).logout(pair.refreshToken())).isTrue();

    verify(access).revokeFamily(eq("alice"), anyString(), eq(clock.instant().plus(DELAY)));
    assertThat(revocation(store).logout(pair.refreshToken())).isFalse();
    assertThat(revocation(store).logout("not a token")).isFalse();
    assertThat(events)
        .containsExactly(new AuthEvent.LoggedOut(clock.instant(), "alice", "refresh", false));
  }

  @Test
  void logoutByAccessTokenRevokesTheFamilysAccessTokensEvenWhenTheStoreFails() {
    RefreshTokenStore broken = mock(RefreshTokenStore.class);
    RuntimeException fault = new IllegalStateException("store bug");
    when(broken.revokeFamilyById(any(), any())).thenThrow(fault);
    when(access.familyOf("bearer"))
        .thenReturn(Optional.of(new TokenService.TokenFamily("alice", "family-1")));

    assertThatThrownBy(() -> revocation(broken).logoutByAccessToken("bearer"))
        .isInstanceOf(StoreUnavailableException.class)
        .hasCause(fault);

    verify(access).revokeFamily("alice", "family-1", clock.instant().plus(DELAY));
    assertThat(events)
        .containsExactly(new AuthEvent.LoggedOut(clock.instant(), "alice", "refresh", false));
  }

  @Test
  void logoutByAnAccessTokenOfNoFamilyEndsNothing() {
    when(access.familyOf("bearer")).thenReturn(Optional.empty());

    assertThat(revocation(store).logoutByAccessToken("bearer")).isFalse();
    verify(access, never()).revokeFamily(any(), any(), any());
    assertThat(events).isEmpty();
  }

  @Test
  void logoutEverywhereAttemptsEveryPartAndThrowsTheFirstFailure() {
    issuer().login(ALICE);
    issuer().login(ALICE);
    RuntimeException listDown = new StoreUnavailableException("revocation list down");
    doThrow(listDown).when(access).revokeFamily(any(), any(), any());

    assertThatThrownBy(() -> revocation(store).logoutEverywhere("alice")).isSameAs(listDown);

    verify(access).revokeAll("alice");
    assertThat(store.revokeSubject("alice")).isEmpty();
    assertThat(events)
        .containsExactly(new AuthEvent.LoggedOut(clock.instant(), "alice", "refresh", true));
  }

  @Test
  void logoutEverywhereRevokesEveryAccessTokenEvenWhenTheStoreFails() {
    RefreshTokenStore broken = mock(RefreshTokenStore.class);
    when(broken.revokeSubject("alice")).thenThrow(new IllegalStateException("store bug"));

    assertThatThrownBy(() -> revocation(broken).logoutEverywhere("alice"))
        .isInstanceOf(StoreUnavailableException.class);

    verify(access).revokeAll("alice");
  }

  @Test
  void logoutEverywhereCountsTheFamiliesEnded() {
    issuer().login(ALICE);
    issuer().login(ALICE);

    assertThat(revocation(store).logoutEverywhere("alice")).isEqualTo(2);
    assertThat(revocation(store).logoutEverywhere("alice")).isZero();
  }
}

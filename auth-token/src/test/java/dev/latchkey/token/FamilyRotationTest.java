package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Principal;
import dev.latchkey.core.PrincipalResolver;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.TokenService;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.RefreshTokenStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FamilyRotationTest {
  static final Principal ALICE = FamilyTestBed.ALICE;
  static final Duration DELAY = FamilyTestBed.DELAY;
  static final RefreshTokenStore.Policy POLICY = FamilyTestBed.policy(2);

  TestClock clock;
  TokenService access;
  InMemoryRefreshTokenStore store;
  FamilyIssuer issuer;
  List<AuthEvent> events;

  @BeforeEach
  void setUp() {
    FamilyTestBed bed = new FamilyTestBed();
    clock = bed.clock;
    access = bed.access;
    store = bed.store;
    issuer = new FamilyIssuer(access, store, POLICY, DELAY, clock);
    events = new CopyOnWriteArrayList<>();
  }

  FamilyRotation rotation(PrincipalResolver resolver) {
    return new FamilyRotation(store, issuer, clock, events::add, resolver);
  }

  static HashedId id(RefreshTokens.TokenPair pair) {
    return OpaqueIds.parse(pair.refreshToken()).orElseThrow();
  }

  static Reason reason(RefreshTokens.Result result) {
    return result.failure().orElseThrow().reason();
  }

  @Test
  void winnerGetsAPairWhoseRefreshTokenStaysInTheFamilysShard() {
    HashedId presented = id(issuer.login(ALICE));

    RefreshTokens.TokenPair next = rotation(null).rotate(presented).tokens().orElseThrow();

    assertThat(id(next).shard()).isEqualTo(presented.shard());
    assertThat(id(next)).isNotEqualTo(presented);
    verify(access, never()).revokeFamily(any(), any(), any());
  }

  @Test
  void reuseEndsTheFamilyRevokesItsAccessTokensAndSaysWhy() {
    HashedId presented = id(issuer.login(ALICE));
    FamilyRotation rotation = rotation(null);
    HashedId successor = id(rotation.rotate(presented).tokens().orElseThrow());

    RefreshTokens.Result reused = rotation.rotate(presented);

    assertThat(reason(reused)).isEqualTo(Reason.REVOKED);
    assertThat(reused.failure().orElseThrow().detail()).contains("reused");
    verify(access).revokeFamily(eq("alice"), anyString(), eq(clock.instant().plus(DELAY)));
    assertThat(events)
        .contains(new AuthEvent.Revoked(clock.instant(), "alice", "refresh token reuse"));
    assertThat(reason(rotation.rotate(successor))).isEqualTo(Reason.INVALID_CREDENTIALS);
  }

  @Test
  void reuseIsRevokedEvenWhenItsAccessTokensCannotBe() {
    HashedId presented = id(issuer.login(ALICE));
    FamilyRotation rotation = rotation(null);
    rotation.rotate(presented);
    doThrow(new IllegalStateException("revocation list down"))
        .when(access)
        .revokeFamily(any(), any(), any());

    RefreshTokens.Result reused = rotation.rotate(presented);

    assertThat(reason(reused)).isEqualTo(Reason.REVOKED);
    assertThat(reused.failure().orElseThrow().detail())
        .contains("could not be revoked")
        .doesNotContain("list down");
  }

  @Test
  void rotationPastTheRateLimitIsLockedUntilTheStoreSays() {
    FamilyRotation rotation = rotation(null);
    HashedId current = id(issuer.login(ALICE));
    current = id(rotation.rotate(current).tokens().orElseThrow());
    current = id(rotation.rotate(current).tokens().orElseThrow());

    RefreshTokens.Result limited = rotation.rotate(current);

    assertThat(reason(limited)).isEqualTo(Reason.LOCKED);
    assertThat(limited.failure().orElseThrow().retryAt()).isPresent();
  }

  @Test
  void unknownTokenIsInvalidCredentials() {
    HashedId unknown = OpaqueIds.parse(OpaqueIds.generate()).orElseThrow();

    assertThat(reason(rotation(null).rotate(unknown))).isEqualTo(Reason.INVALID_CREDENTIALS);
  }

  @Test
  void resolverAnswerIsTheNewAccessTokensPrincipal() {
    Principal promoted = Principal.of("alice", Set.of("user", "admin"));
    HashedId presented = id(issuer.login(ALICE));

    assertThat(rotation(subject -> Optional.of(promoted)).rotate(presented).succeeded()).isTrue();

    verify(access).issue(eq(promoted), anyString(), anyMap());
  }

  @Test
  void subjectTheResolverNoLongerKnowsEndsTheFamily() {
    HashedId presented = id(issuer.login(ALICE));

    RefreshTokens.Result ended = rotation(subject -> Optional.empty()).rotate(presented);

    assertThat(reason(ended)).isEqualTo(Reason.REVOKED);
    assertThat(store.revokeSubject("alice")).isEmpty();
    assertThat(events)
        .contains(new AuthEvent.Revoked(clock.instant(), "alice", "subject may no longer sign in"));
  }

  @Test
  void resolverAnsweringAnotherSubjectOrNullThrowsForTheFailClosedRule() {
    Principal bob = Principal.of("bob", Set.of("user"));
    HashedId first = id(issuer.login(ALICE));
    HashedId second = id(issuer.login(ALICE));

    assertThatThrownBy(() -> rotation(subject -> Optional.of(bob)).rotate(first))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("another subject");
    assertThatThrownBy(() -> rotation(subject -> null).rotate(second))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("null");
  }

  @Test
  void rotationSlowerThanTheDelayHandsOutNothing() {
    HashedId presented = id(issuer.login(ALICE));
    when(access.issue(any(), anyString(), anyMap()))
        .thenAnswer(
            call -> {
              clock.advance(DELAY.plusMillis(1));
              return new TokenService.IssuedToken("late", clock.instant().plusSeconds(900));
            });

    RefreshTokens.Result late = rotation(null).rotate(presented);

    assertThat(late.failure())
        .contains(AuthResult.failure(Reason.UNAVAILABLE, "refresh took too long"));
  }
}

package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.RefreshTokenStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RefreshTokensTest {
  static final Principal ALICE = Principal.of("alice", Set.of("user"));

  TestClock clock;
  JwtTokenService access;
  InMemoryRefreshTokenStore store;
  List<AuthEvent> events;
  RefreshTokens refresh;

  @BeforeEach
  void setUp() {
    clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    access =
        JwtTokenService.builder(
                KeyRing.of(SigningKey.hmac("k", new byte[32], SigningAlgorithm.HS256)),
                "iss",
                "aud")
            .clock(clock)
            .build();
    store = InMemoryRefreshTokenStore.create(clock);
    events = new CopyOnWriteArrayList<>();
    refresh = builder().build();
  }

  RefreshTokens.Builder builder() {
    return RefreshTokens.builder(access, store)
        .clock(clock)
        .refreshTokenLifetime(Duration.ofDays(1))
        .familyLifetime(Duration.ofDays(7))
        .listener(events::add);
  }

  static RefreshTokens.TokenPair refreshed(RefreshTokens.Result r) {
    assertThat(r.failure()).isEmpty();
    return r.tokens().orElseThrow();
  }

  static void refused(RefreshTokens.Result r, Reason reason) {
    assertThat(r.failure()).isPresent();
    assertThat(r.failure().orElseThrow().reason()).isEqualTo(reason);
  }

  @Test
  void loginGivesAVerifiableAccessTokenAndAnOpaqueRefreshToken() {
    RefreshTokens.TokenPair pair = refresh.login(ALICE);

    assertThat(access.verify(pair.accessToken())).isEqualTo(AuthResult.success(ALICE));
    assertThat(OpaqueIds.parse(pair.refreshToken())).isPresent();
    assertThat(pair.refreshTokenExpiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(1)));
    assertThat(pair.expiresIn(clock)).isEqualTo(15 * 60);
    assertThat(pair.toString()).doesNotContain(pair.refreshToken(), pair.accessToken());
  }

  @Test
  void refreshRotatesTheRefreshToken() {
    RefreshTokens.TokenPair first = refresh.login(ALICE);
    clock.advance(Duration.ofMinutes(20));

    RefreshTokens.TokenPair second = refreshed(refresh.refresh(first.refreshToken()));

    assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
    assertThat(access.verify(second.accessToken())).isEqualTo(AuthResult.success(ALICE));
    // The successor keeps its predecessor's shard: a clustered store keeps a family together.
    assertThat(OpaqueIds.parse(second.refreshToken()).orElseThrow().shard())
        .isEqualTo(OpaqueIds.parse(first.refreshToken()).orElseThrow().shard());
    assertThat(refreshed(refresh.refresh(second.refreshToken())).refreshToken())
        .isNotEqualTo(second.refreshToken());
  }

  @Test
  void reuseOfAConsumedRefreshTokenKillsTheFamily() {
    RefreshTokens.TokenPair first = refresh.login(ALICE);
    RefreshTokens.TokenPair second = refreshed(refresh.refresh(first.refreshToken()));

    refused(refresh.refresh(first.refreshToken()), Reason.REVOKED);

    refused(refresh.refresh(second.refreshToken()), Reason.INVALID_CREDENTIALS);
    assertThat(events)
        .containsExactly(
            new AuthEvent.Succeeded(clock.instant(), "alice", "refresh"),
            new AuthEvent.Revoked(clock.instant(), "alice", "refresh token reuse"),
            new AuthEvent.Failed(clock.instant(), null, "refresh", Reason.REVOKED),
            new AuthEvent.Failed(clock.instant(), null, "refresh", Reason.INVALID_CREDENTIALS));
  }

  @Test
  void everyRefreshReportsItsOutcome() {
    RefreshTokens.TokenPair first = refresh.login(ALICE);

    refreshed(refresh.refresh(first.refreshToken()));
    refused(refresh.refresh("not a token"), Reason.MALFORMED);

    assertThat(events)
        .containsExactly(
            new AuthEvent.Succeeded(clock.instant(), "alice", "refresh"),
            new AuthEvent.Failed(clock.instant(), null, "refresh", Reason.MALFORMED));
  }

  @Test
  void familyEndsAtItsAbsoluteLifetime() {
    RefreshTokens.TokenPair pair = refresh.login(ALICE);
    for (int day = 1; day < 7; day++) {
      clock.advance(Duration.ofHours(20));
      pair = refreshed(refresh.refresh(pair.refreshToken()));
    }
    // 6 * 20 h = 120 h; the family ends at 168 h.
    clock.set(Instant.parse("2026-01-08T00:00:00Z"));

    refused(refresh.refresh(pair.refreshToken()), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void lastRefreshTokenOfAFamilyExpiresWithTheFamily() {
    RefreshTokens.TokenPair pair = refresh.login(ALICE);
    // Every 12 hours for 6.5 days: the last refresh is 12 hours before the family's end.
    for (int i = 0; i < 13; i++) {
      clock.advance(Duration.ofHours(12));
      pair = refreshed(refresh.refresh(pair.refreshToken()));
    }

    assertThat(pair.refreshTokenExpiresAt()).isEqualTo(Instant.parse("2026-01-08T00:00:00Z"));
  }

  @Test
  void expiredRefreshTokenIsRefused() {
    RefreshTokens.TokenPair pair = refresh.login(ALICE);
    clock.advance(Duration.ofDays(1));

    refused(refresh.refresh(pair.refreshToken()), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void graceLetsALostResponseBeRetriedOnce() {
    RefreshTokens withGrace = builder().grace(Duration.ofSeconds(10)).build();
    RefreshTokens.TokenPair first = withGrace.login(ALICE);
    RefreshTokens.TokenPair lost = refreshed(withGrace.refresh(first.refreshToken()));
    clock.advance(Duration.ofSeconds(2));

    RefreshTokens.TokenPair retried = refreshed(withGrace.refresh(first.refreshToken()));

    RefreshTokens.TokenPair next = refreshed(withGrace.refresh(retried.refreshToken()));
    refused(withGrace.refresh(first.refreshToken()), Reason.REVOKED);
    refused(withGrace.refresh(next.refreshToken()), Reason.INVALID_CREDENTIALS);
    assertThat(lost.refreshToken()).isNotEqualTo(retried.refreshToken());
  }

  @Test
  void theResponseAGraceRetryReplacedIsReuseWhenPresented() {
    RefreshTokens withGrace = builder().grace(Duration.ofSeconds(10)).build();
    RefreshTokens.TokenPair first = withGrace.login(ALICE);
    RefreshTokens.TokenPair lost = refreshed(withGrace.refresh(first.refreshToken()));
    clock.advance(Duration.ofSeconds(2));
    RefreshTokens.TokenPair retried = refreshed(withGrace.refresh(first.refreshToken()));

    refused(withGrace.refresh(lost.refreshToken()), Reason.REVOKED);
    refused(withGrace.refresh(retried.refreshToken()), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void retryAfterTheGraceIsReuse() {
    RefreshTokens withGrace = builder().grace(Duration.ofSeconds(10)).build();
    RefreshTokens.TokenPair first = withGrace.login(ALICE);
    refreshed(withGrace.refresh(first.refreshToken()));
    clock.advance(Duration.ofSeconds(11));

    refused(withGrace.refresh(first.refreshToken()), Reason.REVOKED);
  }

  @Test
  void concurrentUseOfOneRefreshTokenYieldsExactlyOneNewPair() throws Exception {
    for (int threads : new int[] {2, 8}) {
      RefreshTokens.TokenPair first = refresh.login(ALICE);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<RefreshTokens.Result>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          results.add(
              pool.submit(
                  () -> {
                    go.await();
                    return refresh.refresh(first.refreshToken());
                  }));
        }
        go.countDown();
        int pairs = 0;
        for (Future<RefreshTokens.Result> f : results) {
          if (f.get(30, TimeUnit.SECONDS).succeeded()) {
            pairs++;
          }
        }
        assertThat(pairs).as("threads=%d", threads).isEqualTo(1);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /**
   * Two nodes whose clocks are 5 s apart share one store. The refresh through the lagging node
   * comes second but reads an earlier time than the first: whichever node's clock says what, the
   * store decides on its own clock, so the second is reuse and ends the family, in both orders.
   */
  @Test
  void nodesWithSkewedClocksSharingAStoreHaveOneRefreshWinner() {
    TestClock fast = new TestClock(clock.instant().plusSeconds(5));
    TestClock slow = new TestClock(clock.instant().minusSeconds(5));
    RefreshTokens a = builder().clock(fast).build();
    RefreshTokens b = builder().clock(slow).build();
    for (RefreshTokens[] order : new RefreshTokens[][] {{a, b}, {b, a}}) {
      String token = order[0].login(ALICE).refreshToken();
      RefreshTokens.TokenPair won = refreshed(order[0].refresh(token));

      refused(order[1].refresh(token), Reason.REVOKED);

      refused(order[0].refresh(won.refreshToken()), Reason.INVALID_CREDENTIALS);
    }
  }

  /**
   * One client looping refreshes: past the rotation limit every refresh is refused as LOCKED with
   * the window's end, changes nothing (the same token works once the window has passed), and the
   * store holds the same state after 1,000 tries as after 10.
   */
  @Test
  void aRefreshLoopIsRateLimitedAndChangesNothingPastTheLimit() {
    RefreshTokens limited = builder().rotationLimit(5, Duration.ofMinutes(1)).build();
    String token = limited.login(ALICE).refreshToken();
    Instant windowEnd = clock.instant().plus(Duration.ofMinutes(1));
    for (int i = 0; i < 5; i++) {
      token = refreshed(limited.refresh(token)).refreshToken();
    }
    long tokens = store.tokens();
    for (int i = 0; i < 1000; i++) {
      RefreshTokens.Result r = limited.refresh(token);
      refused(r, Reason.LOCKED);
      assertThat(r.failure().orElseThrow().retryAt()).contains(windowEnd);
    }
    assertThat(store.tokens()).isEqualTo(tokens);

    clock.advance(Duration.ofMinutes(1));
    refreshed(limited.refresh(token));
  }

  @Test
  void aLoginPastTheSubjectsFamilyLimitEndsOnlyItsOwnOldestFamily() {
    RefreshTokens capped = builder().familiesPerSubject(2).build();
    RefreshTokens.TokenPair bobs = capped.login(Principal.of("bob"));
    RefreshTokens.TokenPair oldest = capped.login(ALICE);
    RefreshTokens.TokenPair middle = capped.login(ALICE);
    RefreshTokens.TokenPair newest = capped.login(ALICE);

    refused(capped.refresh(oldest.refreshToken()), Reason.INVALID_CREDENTIALS);
    refreshed(capped.refresh(middle.refreshToken()));
    refreshed(capped.refresh(newest.refreshToken()));
    refreshed(capped.refresh(bobs.refreshToken()));
  }

  @Test
  void builderRefusesRotationAndFamilyLimitsBelowOne() {
    assertThatThrownBy(() -> builder().rotationLimit(0, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder().rotationLimit(1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder().familiesPerSubject(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(builder().build().toString()).contains("rotationLimit=10 per PT1M");
  }

  @Test
  void logoutEndsTheFamily() {
    RefreshTokens.TokenPair pair = refresh.login(ALICE);

    assertThat(refresh.logout(pair.refreshToken())).isTrue();

    refused(refresh.refresh(pair.refreshToken()), Reason.INVALID_CREDENTIALS);
    assertThat(refresh.logout(pair.refreshToken())).isFalse();
    assertThat(refresh.logout("junk")).isFalse();
  }

  @Test
  void logoutEverywhereEndsFamiliesAndAccessTokens() {
    RefreshTokens.TokenPair phone = refresh.login(ALICE);
    RefreshTokens.TokenPair laptop = refresh.login(ALICE);

    assertThat(refresh.logoutEverywhere("alice")).isEqualTo(2);

    refused(refresh.refresh(phone.refreshToken()), Reason.INVALID_CREDENTIALS);
    refused(refresh.refresh(laptop.refreshToken()), Reason.INVALID_CREDENTIALS);
    assertThat(access.verify(phone.accessToken()).failure().orElseThrow().reason())
        .isEqualTo(Reason.REVOKED);
  }

  @Test
  void malformedRefreshTokenIsRefusedBeforeTheStore() {
    refused(refresh.refresh(""), Reason.MALFORMED);
    refused(refresh.refresh(null), Reason.MALFORMED);
    refused(refresh.refresh("x".repeat(50)), Reason.MALFORMED);
  }

  @Test
  void unknownRefreshTokenIsInvalid() {
    refused(refresh.refresh(OpaqueIds.generate()), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void unreachableStoreIsUnavailable() {
    RefreshTokenStore down = mock(RefreshTokenStore.class);
    when(down.rotate(any(), any(), any())).thenThrow(new StoreUnavailableException("down"));
    RefreshTokens r = RefreshTokens.builder(access, down).clock(clock).build();

    refused(r.refresh(OpaqueIds.generate()), Reason.UNAVAILABLE);
  }
}

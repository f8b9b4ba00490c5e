package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.TokenService;
import dev.latchkey.core.spi.RevocationList;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes sharing one refresh store and one revocation list, node B's clock 2 s ahead of node A's
 * (the fleet clock skew is 5 s): ending a family, by reuse, by logout with the refresh token or the
 * bearer, or by "log out everywhere", refuses the family's access tokens on both nodes, including
 * any a refresh already under way mints afterwards.
 */
class RefreshFleetTest {
  static final Principal ALICE = Principal.of("alice", Set.of("user"));

  TestClock clockA;
  TestClock clockB;
  InMemoryRevocationList list;
  InMemoryRefreshTokenStore store;
  JwtTokenService accessA;
  JwtTokenService accessB;
  RefreshTokens nodeA;
  RefreshTokens nodeB;
  ExecutorService pool = Executors.newCachedThreadPool();

  @BeforeEach
  void setUp() {
    clockA = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    clockB = new TestClock(clockA.instant().plusSeconds(2));
    list = InMemoryRevocationList.create(clockA);
    store = InMemoryRefreshTokenStore.create(clockA);
    accessA = Fleet.node(clockA, list, Duration.ofSeconds(5));
    accessB = Fleet.node(clockB, list, Duration.ofSeconds(5));
    nodeA = RefreshTokens.builder(accessA, store).clock(clockA).build();
    nodeB = RefreshTokens.builder(accessB, store).clock(clockB).build();
  }

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
  }

  private void advance(Duration d) {
    clockA.advance(d);
    clockB.advance(d);
  }

  private static RefreshTokens.TokenPair refreshed(RefreshTokens.Result r) {
    assertThat(r.failure()).isEmpty();
    return r.tokens().orElseThrow();
  }

  private void refusedEverywhere(String accessToken) {
    for (JwtTokenService node : List.of(accessA, accessB)) {
      AuthResult r = node.verify(accessToken);
      assertThat(r.failure()).isPresent();
      assertThat(r.failure().orElseThrow().reason()).isEqualTo(Reason.REVOKED);
    }
  }

  private void acceptedEverywhere(String accessToken) {
    assertThat(accessA.verify(accessToken).succeeded()).isTrue();
    assertThat(accessB.verify(accessToken).succeeded()).isTrue();
  }

  @Test
  void reuseRefusesEveryAccessTokenOfTheFamilyOnEveryNode() {
    RefreshTokens.TokenPair first = nodeA.login(ALICE);
    advance(Duration.ofSeconds(30));
    RefreshTokens.TokenPair second = refreshed(nodeB.refresh(first.refreshToken()));
    RefreshTokens.TokenPair otherFamily = nodeA.login(ALICE);
    advance(Duration.ofSeconds(30));

    // A thief replays the first refresh token through node A.
    RefreshTokens.Result reuse = nodeA.refresh(first.refreshToken());

    assertThat(reuse.failure().orElseThrow().reason()).isEqualTo(Reason.REVOKED);
    refusedEverywhere(first.accessToken());
    refusedEverywhere(second.accessToken());
    acceptedEverywhere(otherFamily.accessToken());
  }

  @Test
  void logoutWithOnlyTheBearerEndsItsFamilyAndItsAccessTokens() {
    RefreshTokens.TokenPair first = nodeA.login(ALICE);
    RefreshTokens.TokenPair second = refreshed(nodeB.refresh(first.refreshToken()));
    RefreshTokens.TokenPair otherFamily = nodeA.login(ALICE);

    assertThat(nodeA.logoutByAccessToken(second.accessToken())).isTrue();

    assertThat(nodeB.refresh(second.refreshToken()).failure().orElseThrow().reason())
        .isEqualTo(Reason.INVALID_CREDENTIALS);
    refusedEverywhere(first.accessToken());
    refusedEverywhere(second.accessToken());
    acceptedEverywhere(otherFamily.accessToken());
    assertThat(nodeA.logoutByAccessToken(second.accessToken())).isFalse();
    assertThat(nodeA.logoutByAccessToken("not.a.token")).isFalse();
    assertThat(nodeA.logoutByAccessToken(accessA.issue(ALICE).value())).isFalse();
  }

  @Test
  void logoutWithTheRefreshTokenEndsItsFamilyAndItsAccessTokensOnEveryNode() {
    RefreshTokens.TokenPair first = nodeA.login(ALICE);
    RefreshTokens.TokenPair second = refreshed(nodeB.refresh(first.refreshToken()));
    RefreshTokens.TokenPair otherFamily = nodeA.login(ALICE);

    assertThat(nodeA.logout(second.refreshToken())).isTrue();

    assertThat(nodeB.refresh(second.refreshToken()).failure().orElseThrow().reason())
        .isEqualTo(Reason.INVALID_CREDENTIALS);
    refusedEverywhere(first.accessToken());
    refusedEverywhere(second.accessToken());
    acceptedEverywhere(otherFamily.accessToken());
    assertThat(nodeA.logout(second.refreshToken())).isFalse();
  }

  /**
   * The interleaving: node B's refresh rotates, then blocks inside {@code issue()}; node A logs out
   * with the refresh token the rotation consumed; node B then mints 4 s later on a clock 2 s ahead.
   * The minted token names the ended family, inside the entry's cover ({@code maxIssueDelay} past
   * node A's clock at the end), so it is refused on both nodes.
   */
  @Test
  void refreshBlockedInsideIssueWhileLogoutRunsHandsOutNothingThatVerifies() throws Exception {
    String refreshToken = nodeA.login(ALICE).refreshToken();
    GatedIssue gate = new GatedIssue(accessB);
    RefreshTokens blockedNode = RefreshTokens.builder(gate, store).clock(clockB).build();

    Future<RefreshTokens.Result> inFlight = pool.submit(() -> blockedNode.refresh(refreshToken));
    assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(nodeA.logout(refreshToken)).isTrue();
    advance(Duration.ofSeconds(4));
    gate.release.countDown();

    refusedEverywhere(refreshed(inFlight.get(10, TimeUnit.SECONDS)).accessToken());
  }

  /**
   * A token service whose family issues wait at a gate: the refresh has rotated and is inside
   * {@code issue()} when "log out everywhere" runs.
   */
  private static final class GatedIssue implements TokenService {
    private final JwtTokenService delegate;
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    GatedIssue(JwtTokenService delegate) {
      this.delegate = delegate;
    }

    @Override
    public IssuedToken issue(Principal principal, Map<String, Object> extraClaims) {
      return delegate.issue(principal, extraClaims);
    }

    @Override
    public IssuedToken issue(Principal principal, String familyId, Map<String, Object> extra) {
      entered.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return delegate.issue(principal, familyId, extra);
    }

    @Override
    public AuthResult verify(String token) {
      return delegate.verify(token);
    }

    @Override
    public boolean revoke(String token) {
      return delegate.revoke(token);
    }

    @Override
    public void revokeFamily(String subject, String familyId, Instant issuedUntil) {
      delegate.revokeFamily(subject, familyId, issuedUntil);
    }

    @Override
    public Optional<TokenFamily> familyOf(String token) {
      return delegate.familyOf(token);
    }

    @Override
    public void revokeAll(String subject) {
      delegate.revokeAll(subject);
    }
  }

  /**
   * The interleaving: node B's refresh rotates, then blocks inside {@code issue()}; node A runs
   * "log out everywhere" to completion; node B then mints (its clock 2 s ahead and 4 s later, so
   * its {@code iat} is past any cut-off of the revoking node's time alone) and hands the pair out.
   * The access token names the family, which was live when the families were ended, so it is
   * refused on both nodes; the refresh token it came with is dead.
   */
  @Test
  void refreshBlockedInsideIssueWhileLogoutEverywhereRunsHandsOutNothingThatVerifies()
      throws Exception {
    String refreshToken = nodeA.login(ALICE).refreshToken();
    GatedIssue gate = new GatedIssue(accessB);
    RefreshTokens blockedNode = RefreshTokens.builder(gate, store).clock(clockB).build();

    Future<RefreshTokens.Result> inFlight = pool.submit(() -> blockedNode.refresh(refreshToken));
    assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
    nodeA.logoutEverywhere("alice");
    advance(Duration.ofSeconds(4));
    gate.release.countDown();
    RefreshTokens.Result result = inFlight.get(10, TimeUnit.SECONDS);

    RefreshTokens.TokenPair leaked = refreshed(result);
    refusedEverywhere(leaked.accessToken());
    assertThat(nodeB.refresh(leaked.refreshToken()).failure()).isPresent();
  }

  /**
   * 64 families of one user refresh on both nodes while "log out everywhere" runs, all released by
   * one barrier, for 20 rounds: whatever the order, every access token handed out in a round is
   * refused once the call has returned (a refresh that rotated first names a family that was ended;
   * one that came after was refused).
   */
  @Test
  void refreshesRacingLogoutEverywhereHandOutNothingThatVerifiesAfterIt() throws Exception {
    for (int round = 0; round < 20; round++) {
      List<String> refreshTokens = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        refreshTokens.add((i % 2 == 0 ? nodeA : nodeB).login(ALICE).refreshToken());
      }
      CyclicBarrier start = new CyclicBarrier(65);
      List<Future<RefreshTokens.Result>> results = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        RefreshTokens node = i % 2 == 0 ? nodeB : nodeA;
        String token = refreshTokens.get(i);
        results.add(
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  return node.refresh(token);
                }));
      }
      start.await(10, TimeUnit.SECONDS);
      nodeA.logoutEverywhere("alice");
      for (Future<RefreshTokens.Result> f : results) {
        f.get(10, TimeUnit.SECONDS).tokens().ifPresent(p -> refusedEverywhere(p.accessToken()));
      }
      advance(Duration.ofMinutes(1));
    }
  }

  @Test
  void aRefreshSlowerThanMaxIssueDelayHandsOutNothing() throws Exception {
    GatedIssue gate = new GatedIssue(accessB);
    RefreshTokens slow = RefreshTokens.builder(gate, store).clock(clockB).build();
    String refreshToken = nodeA.login(ALICE).refreshToken();

    Future<RefreshTokens.Result> inFlight = pool.submit(() -> slow.refresh(refreshToken));
    assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
    advance(Duration.ofSeconds(11));
    gate.release.countDown();

    RefreshTokens.Result result = inFlight.get(10, TimeUnit.SECONDS);
    assertThat(result.failure().orElseThrow().reason()).isEqualTo(Reason.UNAVAILABLE);
  }

  /** A list whose writes fail: reads answer from an in-memory list. */
  private RevocationList unwritable(boolean familiesToo) {
    return new ForwardingRevocationList(list) {
      @Override
      public void revokeToken(String i, String t, String s, Instant iat, Instant exp) {
        throw new StoreUnavailableException("test: list down");
      }

      @Override
      public void revokeFamily(String s, String f, Instant before, Instant until) {
        if (familiesToo) {
          throw new StoreUnavailableException("test: list down");
        }
        super.revokeFamily(s, f, before, until);
      }

      @Override
      public void revokeSubject(String s, Instant before, Instant until) {
        throw new StoreUnavailableException("test: list down");
      }
    };
  }

  @Test
  void logoutEverywhereWithAFailingRevocationListStillEndsFamiliesAndSaysSo() {
    JwtTokenService access = Fleet.node(clockA, unwritable(true), Duration.ofSeconds(5));
    RefreshTokens node = RefreshTokens.builder(access, store).clock(clockA).build();
    RefreshTokens.TokenPair phone = node.login(ALICE);
    RefreshTokens.TokenPair laptop = node.login(ALICE);

    assertThatThrownBy(() -> node.logoutEverywhere("alice"))
        .isInstanceOf(StoreUnavailableException.class);

    for (RefreshTokens.TokenPair p : List.of(phone, laptop)) {
      assertThat(node.refresh(p.refreshToken()).failure().orElseThrow().reason())
          .isEqualTo(Reason.INVALID_CREDENTIALS);
    }
  }

  @Test
  void logoutEverywhereWhoseCutOffFailsStillRefusesTheFamiliesAccessTokens() {
    JwtTokenService access = Fleet.node(clockA, unwritable(false), Duration.ofSeconds(5));
    RefreshTokens node = RefreshTokens.builder(access, store).clock(clockA).build();
    RefreshTokens.TokenPair phone = node.login(ALICE);

    assertThatThrownBy(() -> node.logoutEverywhere("alice"))
        .isInstanceOf(StoreUnavailableException.class);

    refusedEverywhere(phone.accessToken());
  }
}

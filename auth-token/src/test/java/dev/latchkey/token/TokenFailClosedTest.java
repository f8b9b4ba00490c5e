package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.TokenService;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.RefreshTokenStore;
import dev.latchkey.core.spi.RevocationList;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fail-closed rule on tokens: a check whose collaborator throws answers UNAVAILABLE, whatever
 * the exception; a management operation whose collaborator throws reports a {@link
 * StoreUnavailableException}, never swallows the failure and never leaks another exception type.
 */
class TokenFailClosedTest {
  static final Principal ALICE = Principal.of("alice");

  TestClock clock;
  SigningKey key;
  RevocationList list;

  @BeforeEach
  void setUp() {
    clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    key = SigningKey.hmac("k1", new byte[32], SigningAlgorithm.HS256);
    list = JwtTokenService.inMemoryRevocationList(clock);
  }

  JwtTokenService service(RevocationList revocations) {
    return JwtTokenService.builder(KeyRing.of(key), "iss", "aud")
        .clock(clock)
        .revocationList(revocations)
        .build();
  }

  /** A list whose every call throws what {@code failure} makes. */
  RevocationList failing(Supplier<RuntimeException> failure) {
    return new ForwardingRevocationList(list) {
      @Override
      public void revokeToken(String i, String t, String s, Instant iat, Instant exp) {
        throw failure.get();
      }

      @Override
      public void revokeFamily(String s, String f, Instant before, Instant until) {
        throw failure.get();
      }

      @Override
      public void revokeSubject(String s, Instant before, Instant until) {
        throw failure.get();
      }

      @Override
      public boolean isRevoked(String i, String t, String s, String f, Instant iat) {
        throw failure.get();
      }

      @Override
      public Optional<Instant> notBefore(String subject) {
        throw failure.get();
      }
    };
  }

  @Test
  void aRevocationListThatIsDownOrBrokenMakesVerifyUnavailable() {
    String token = service(list).issue(ALICE).value();
    for (Supplier<RuntimeException> failure :
        List.<Supplier<RuntimeException>>of(
            () -> new StoreUnavailableException("test: down"),
            () -> new IllegalStateException("test: bug"))) {
      JwtTokenService s = service(failing(failure));

      assertThat(s.verify(token).failure().orElseThrow().reason()).isEqualTo(Reason.UNAVAILABLE);
      assertThat(s.verifyToken(token).failure().orElseThrow().reason())
          .isEqualTo(Reason.UNAVAILABLE);
      assertThat(
              s.authenticator()
                  .authenticate(new dev.latchkey.core.BearerToken(token))
                  .failure()
                  .orElseThrow()
                  .httpStatus())
          .isEqualTo(503);
    }
  }

  @Test
  void revokingWithABrokenListReportsTheStoreAsUnavailableWithItsCause() {
    JwtTokenService issuer = service(list);
    String token = issuer.issue(ALICE).value();
    IllegalStateException bug = new IllegalStateException("test: bug");
    JwtTokenService s = service(failing(() -> bug));

    assertThatThrownBy(() -> s.revoke(token))
        .isInstanceOf(StoreUnavailableException.class)
        .hasCause(bug);
    assertThatThrownBy(() -> s.revokeFamily("alice", "f", clock.instant()))
        .isInstanceOf(StoreUnavailableException.class)
        .hasCause(bug);
    assertThatThrownBy(() -> s.revokeAll("alice"))
        .isInstanceOf(StoreUnavailableException.class)
        .hasCause(bug);
    assertThatThrownBy(() -> s.familyOf(token)).isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  void revokingWithAListThatIsDownPassesItsOutageOn() {
    String token = service(list).issue(ALICE).value();
    StoreUnavailableException down = new StoreUnavailableException("test: down");
    JwtTokenService s = service(failing(() -> down));

    assertThatThrownBy(() -> s.revoke(token)).isSameAs(down);
    assertThatThrownBy(() -> s.revokeFamily("alice", "f", clock.instant())).isSameAs(down);
    assertThatThrownBy(() -> s.revokeAll("alice")).isSameAs(down);
  }

  @Test
  void revokingATokenThisServiceDoesNotAcceptAnswersFalseWithoutTheList() {
    JwtTokenService s = service(failing(() -> new IllegalStateException("test: bug")));

    assertThat(s.revoke("not.a.token")).isFalse();
  }

  /** A token service that hands every call to {@code delegate} but fails to issue. */
  static TokenService failingIssue(JwtTokenService delegate, RuntimeException failure) {
    return new TokenService() {
      @Override
      public IssuedToken issue(Principal principal, Map<String, Object> extraClaims) {
        throw failure;
      }

      @Override
      public IssuedToken issue(Principal p, String familyId, Map<String, Object> extraClaims) {
        throw failure;
      }

      @Override
      public dev.latchkey.core.AuthResult verify(String token) {
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
    };
  }

  @Test
  void aRefreshWhoseStoreThrowsAnythingIsUnavailable() {
    RefreshTokenStore broken = mock(RefreshTokenStore.class);
    when(broken.rotate(any(), any(), any())).thenThrow(new IllegalStateException("test: bug"));
    RefreshTokens refresh = RefreshTokens.builder(service(list), broken).clock(clock).build();

    assertThat(refresh.refresh(OpaqueIds.generate()).failure().orElseThrow().reason())
        .isEqualTo(Reason.UNAVAILABLE);
  }

  @Test
  void aRefreshWhoseTokenServiceThrowsIsUnavailableAndHandsNothingOut() {
    RefreshTokenStore store = RefreshTokens.inMemoryStore(clock);
    String raw =
        RefreshTokens.builder(service(list), store)
            .clock(clock)
            .build()
            .login(ALICE)
            .refreshToken();
    RefreshTokens refresh =
        RefreshTokens.builder(
                failingIssue(service(list), new IllegalStateException("test: bug")), store)
            .clock(clock)
            .build();

    RefreshTokens.Result result = refresh.refresh(raw);

    assertThat(result.tokens()).isEmpty();
    assertThat(result.failure().orElseThrow().reason()).isEqualTo(Reason.UNAVAILABLE);
    int status = result.fold(p -> 200, f -> f.httpStatus());
    assertThat(status).isEqualTo(503);
  }

  @Test
  void logoutsWhoseStoreThrowsAnythingReportTheStoreAsUnavailable() {
    IllegalStateException bug = new IllegalStateException("test: bug");
    RefreshTokenStore broken = mock(RefreshTokenStore.class);
    when(broken.revokeFamily(any())).thenThrow(bug);
    when(broken.revokeFamilyById(any(), any())).thenThrow(bug);
    when(broken.revokeSubject(any())).thenThrow(bug);
    JwtTokenService access = service(list);
    RefreshTokens refresh = RefreshTokens.builder(access, broken).clock(clock).build();
    String familyToken = access.issue(ALICE, "family", Map.of()).value();

    assertThatThrownBy(() -> refresh.logout(OpaqueIds.generate()))
        .isInstanceOf(StoreUnavailableException.class)
        .hasCause(bug);
    assertThatThrownBy(() -> refresh.logoutByAccessToken(familyToken))
        .isInstanceOf(StoreUnavailableException.class)
        .hasCause(bug);
    assertThatThrownBy(() -> refresh.logoutEverywhere("alice"))
        .isInstanceOf(StoreUnavailableException.class)
        .hasCause(bug);
    // The parts that could be done were done: the family's access tokens are refused.
    assertThat(access.verify(familyToken).failure().orElseThrow().reason())
        .isEqualTo(Reason.REVOKED);
  }

  @Test
  void logoutEverywhereWithABrokenRevocationListStillEndsTheFamilies() {
    RefreshTokenStore store = RefreshTokens.inMemoryStore(clock);
    JwtTokenService access = service(failing(() -> new IllegalStateException("test: bug")));
    RefreshTokens refresh = RefreshTokens.builder(access, store).clock(clock).build();
    RefreshTokens.TokenPair pair = refresh.login(ALICE);

    assertThatThrownBy(() -> refresh.logoutEverywhere("alice"))
        .isInstanceOf(StoreUnavailableException.class);

    assertThat(refresh.refresh(pair.refreshToken()).failure().orElseThrow().reason())
        .isEqualTo(Reason.INVALID_CREDENTIALS);
  }
}

package dev.latchkey.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.spy;

import dev.latchkey.core.Assurance;
import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.RefreshTokenStore;
import dev.latchkey.session.SessionInfo;
import dev.latchkey.token.RefreshTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RememberMeTest {
  private static final Principal ALICE = Principal.of("alice", Set.of("user"));

  private final WebFixture fixture = new WebFixture();
  private final RefreshTokenStore store = RefreshTokens.inMemoryStore(fixture.clock);
  private final RememberMe remember = rememberMe(store, Duration.ofSeconds(10));
  private ExecutorService pool;

  private RememberMe rememberMe(RefreshTokenStore on, Duration grace) {
    return RememberMe.builder(on, fixture.sessions)
        .grace(grace)
        .clock(fixture.clock)
        .listener(fixture.events::add)
        .build();
  }

  @AfterEach
  void stopPool() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  private RememberMe.Restored restored(RememberMe.Outcome outcome) {
    return outcome.restored().orElseThrow(() -> new AssertionError("refused: " + outcome));
  }

  private AuthResult.Reason refusal(RememberMe.Outcome outcome) {
    return outcome.failure().orElseThrow(() -> new AssertionError("restored: " + outcome)).reason();
  }

  private boolean live(String sessionId) {
    return fixture.sessions.find(sessionId).isPresent();
  }

  @Test
  void aRememberedCookieRestoresASessionAtTheRememberedLevelWithARotatedCookie() {
    RememberMe.Issued first = remember.remember(ALICE);

    RememberMe.Restored r = restored(remember.restore(first.value(), Map.of("user_agent", "test")));

    assertThat(r.principal()).isEqualTo(ALICE);
    assertThat(r.next().value()).isNotEqualTo(first.value());
    SessionInfo session = fixture.sessions.find(r.sessionId()).orElseThrow();
    assertThat(session.assurance().level()).isEqualTo(Assurance.Level.REMEMBERED);
    assertThat(session.attributes()).containsEntry("user_agent", "test");
    assertThat(session.attributes().get(RememberMe.FAMILY_ATTRIBUTE)).isNotBlank();
    assertThat(fixture.events)
        .anyMatch(e -> e instanceof AuthEvent.Succeeded s && s.method().equals("remember-me"));
  }

  @Test
  void theRotatedCookieRestoresInTurn() {
    RememberMe.Issued first = remember.remember(ALICE);
    RememberMe.Restored once = restored(remember.restore(first.value(), Map.of()));

    RememberMe.Restored twice = restored(remember.restore(once.next().value(), Map.of()));

    assertThat(live(once.sessionId())).isTrue();
    assertThat(live(twice.sessionId())).isTrue();
  }

  @Test
  void aReusedCookieEndsTheFamilyAndEverySessionItRestored() {
    RememberMe.Issued first = remember.remember(ALICE);
    RememberMe.Restored stolen = restored(remember.restore(first.value(), Map.of()));
    RememberMe.Restored later = restored(remember.restore(stolen.next().value(), Map.of()));
    String loginSession = fixture.sessions.login(ALICE, Map.of()).created().orElseThrow().id();
    fixture.clock.advance(Duration.ofMinutes(1));

    RememberMe.Outcome replay = remember.restore(first.value(), Map.of());

    assertThat(refusal(replay)).isEqualTo(AuthResult.Reason.REVOKED);
    assertThat(live(stolen.sessionId())).isFalse();
    assertThat(live(later.sessionId())).isFalse();
    assertThat(live(loginSession)).as("a session the family did not restore").isTrue();
    assertThat(refusal(remember.restore(later.next().value(), Map.of())))
        .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
    assertThat(fixture.events)
        .anyMatch(
            e ->
                e instanceof AuthEvent.Revoked v
                    && v.subject().equals("alice")
                    && v.what().contains("remember-me"));
  }

  @Test
  void aSecondTabWithinTheGraceRestoresOnceMoreAndAThirdIsReuse() {
    RememberMe.Issued first = remember.remember(ALICE);
    RememberMe.Restored tab1 = restored(remember.restore(first.value(), Map.of()));
    fixture.clock.advance(Duration.ofSeconds(2));

    RememberMe.Restored tab2 = restored(remember.restore(first.value(), Map.of()));

    assertThat(live(tab1.sessionId())).isTrue();
    assertThat(restored(remember.restore(tab2.next().value(), Map.of()))).isNotNull();

    assertThat(refusal(remember.restore(first.value(), Map.of())))
        .isEqualTo(AuthResult.Reason.REVOKED);
    assertThat(live(tab1.sessionId())).isFalse();
    assertThat(live(tab2.sessionId())).isFalse();
  }

  @Test
  void withoutGraceASecondUseIsReuse() {
    RememberMe strict = rememberMe(store, Duration.ZERO);
    RememberMe.Issued first = strict.remember(ALICE);
    RememberMe.Restored tab1 = restored(strict.restore(first.value(), Map.of()));

    assertThat(refusal(strict.restore(first.value(), Map.of())))
        .isEqualTo(AuthResult.Reason.REVOKED);
    assertThat(live(tab1.sessionId())).isFalse();
  }

  @Test
  void restoresPastTheRateAreRefusedAndChangeNothing() {
    String cookie = remember.remember(ALICE).value();
    for (int i = 0; i < 10; i++) {
      cookie = restored(remember.restore(cookie, Map.of())).next().value();
    }

    RememberMe.Outcome limited = remember.restore(cookie, Map.of());

    assertThat(refusal(limited)).isEqualTo(AuthResult.Reason.LOCKED);
    assertThat(limited.failure().orElseThrow().retryAt()).isPresent();
    fixture.clock.advance(Duration.ofMinutes(1));
    assertThat(restored(remember.restore(cookie, Map.of()))).isNotNull();
  }

  @Test
  void aMalformedOrUnknownCookieRestoresNothing() {
    assertThat(refusal(remember.restore(null, Map.of()))).isEqualTo(AuthResult.Reason.MALFORMED);
    assertThat(refusal(remember.restore("x.y", Map.of()))).isEqualTo(AuthResult.Reason.MALFORMED);
    assertThat(refusal(remember.restore(OpaqueIds.generate(), Map.of())))
        .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
    assertThat(fixture.sessions.sessionsOf("alice")).isEmpty();
  }

  @Test
  void aRememberMeCookieIsNoRefreshTokenOfTheSameStoreNorTheReverse() {
    RefreshTokens refresh = RefreshTokens.builder(fixture.tokens, store).build();
    RememberMe.Issued cookie = remember.remember(ALICE);
    String refreshToken = refresh.login(ALICE).refreshToken();

    assertThat(refresh.refresh(cookie.value()).failure().orElseThrow().reason())
        .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
    assertThat(refusal(remember.restore(refreshToken, Map.of())))
        .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
    assertThat(restored(remember.restore(cookie.value(), Map.of()))).isNotNull();
  }

  @Test
  void aCookiePastTheFamilysLifetimeRestoresNothing() {
    RememberMe.Issued first = remember.remember(ALICE);

    fixture.clock.advance(Duration.ofDays(30));

    assertThat(refusal(remember.restore(first.value(), Map.of())))
        .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
  }

  @Test
  void forgetEndsTheFamilyAndTheSessionsItRestored() {
    RememberMe.Issued first = remember.remember(ALICE);
    RememberMe.Restored r = restored(remember.restore(first.value(), Map.of()));

    assertThat(remember.forget(r.next().value())).isTrue();

    assertThat(live(r.sessionId())).isFalse();
    assertThat(refusal(remember.restore(r.next().value(), Map.of())))
        .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
    assertThat(remember.forget(r.next().value())).isFalse();
    assertThat(remember.forget("not a cookie")).isFalse();
  }

  @Test
  void forgetEverywhereEndsEveryFamilyOfTheSubjectOnly() {
    RememberMe.Issued phone = remember.remember(ALICE);
    RememberMe.Issued laptop = remember.remember(ALICE);
    RememberMe.Issued bob = remember.remember(Principal.of("bob", Set.of("user")));

    assertThat(remember.forgetEverywhere("alice")).isEqualTo(2);

    assertThat(remember.restore(phone.value(), Map.of()).restored()).isEmpty();
    assertThat(remember.restore(laptop.value(), Map.of()).restored()).isEmpty();
    assertThat(remember.restore(bob.value(), Map.of()).restored()).isPresent();
  }

  @Test
  void aStoreThatCannotBeReachedRestoresNothing() {
    RefreshTokenStore failing = spy(store);
    RememberMe onFailing = rememberMe(failing, Duration.ofSeconds(10));
    RememberMe.Issued first = onFailing.remember(ALICE);
    doThrow(new StoreUnavailableException("down"))
        .when(failing)
        .rotate(any(), any(), any(RefreshTokenStore.Policy.class));

    assertThat(refusal(onFailing.restore(first.value(), Map.of())))
        .isEqualTo(AuthResult.Reason.UNAVAILABLE);
    assertThat(fixture.sessions.sessionsOf("alice")).isEmpty();
    doThrow(new StoreUnavailableException("down")).when(failing).create(any(), any(), any(), any());
    assertThatThrownBy(() -> onFailing.remember(ALICE))
        .isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  void aFamilyEndedBetweenTheRotationAndTheSessionEndsThatSession() {
    RefreshTokenStore racing = spy(store);
    RememberMe onRacing = rememberMe(racing, Duration.ofSeconds(10));
    RememberMe.Issued first = onRacing.remember(ALICE);
    doReturn(false).when(racing).familyLive(anyString(), anyString());

    assertThat(refusal(onRacing.restore(first.value(), Map.of())))
        .isEqualTo(AuthResult.Reason.REVOKED);
    assertThat(fixture.sessions.sessionsOf("alice")).isEmpty();
  }

  @Test
  void aFamilyLivenessCheckThatFailsEndsTheNewSessionAndIsUnavailable() {
    RefreshTokenStore failing = spy(store);
    RememberMe onFailing = rememberMe(failing, Duration.ofSeconds(10));
    RememberMe.Issued first = onFailing.remember(ALICE);
    doThrow(new StoreUnavailableException("down"))
        .when(failing)
        .familyLive(anyString(), anyString());

    assertThat(refusal(onFailing.restore(first.value(), Map.of())))
        .isEqualTo(AuthResult.Reason.UNAVAILABLE);
    assertThat(fixture.sessions.sessionsOf("alice")).isEmpty();
  }

  @Test
  void racingTabsNeverLeaveASessionOfADeadFamilyNorTwoFamilies() throws Exception {
    int rounds = 150;
    pool = Executors.newFixedThreadPool(4);
    for (int round = 0; round < rounds; round++) {
      // Two tabs fit in the grace; three or four always include a reuse.
      int tabs = 2 + round % 3;
      Principal user = Principal.of("user-" + round, Set.of("user"));
      RememberMe.Issued cookie = remember.remember(user);
      CyclicBarrier start = new CyclicBarrier(tabs);
      List<Future<RememberMe.Outcome>> results = new ArrayList<>();
      for (int t = 0; t < tabs; t++) {
        results.add(
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  return remember.restore(cookie.value(), Map.of());
                }));
      }
      List<RememberMe.Outcome> outcomes = new ArrayList<>();
      for (Future<RememberMe.Outcome> f : results) {
        outcomes.add(f.get(10, TimeUnit.SECONDS));
      }
      long restoredCount = outcomes.stream().filter(o -> o.restored().isPresent()).count();
      boolean reused =
          outcomes.stream()
              .anyMatch(
                  o -> o.failure().map(f -> f.reason()).orElse(null) == AuthResult.Reason.REVOKED);
      List<SessionInfo> sessions = fixture.sessions.sessionsOf(user.subject());
      Set<String> families = new HashSet<>();
      sessions.forEach(s -> families.add(s.attributes().get(RememberMe.FAMILY_ATTRIBUTE)));
      assertThat(families).as("round %d", round).hasSizeLessThanOrEqualTo(1);
      if (tabs == 2) {
        assertThat(restoredCount).as("round %d", round).isEqualTo(2);
        assertThat(sessions).as("round %d", round).hasSize(2);
      } else {
        assertThat(reused).as("round %d", round).isTrue();
        assertThat(sessions).as("round %d: sessions of an ended family", round).isEmpty();
        for (RememberMe.Outcome o : outcomes) {
          o.restored().ifPresent(r -> assertThat(live(r.sessionId())).isFalse());
        }
      }
    }
  }

  @Test
  void theBuilderRefusesWhatCannotWork() {
    RememberMe.Builder b = RememberMe.builder(store, fixture.sessions);
    assertThatThrownBy(() -> b.grace(Duration.ofMinutes(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("grace");
    assertThatThrownBy(() -> b.lifetime(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lifetime");
    assertThatThrownBy(() -> b.cookieName("__Host-x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> b.lifetime(Duration.ofDays(1)).unusedLifetime(Duration.ofDays(2)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unusedLifetime");
    assertThat(
            RememberMe.builder(store, fixture.sessions).secureCookies(false).build().cookieName())
        .as("no __Host- prefix without Secure")
        .isEqualTo("remember");
  }

  @Test
  void theCookieIsHostOnlySecureHttpOnlyLaxAndLastsTheFamilysLifetime() {
    RememberMe.Issued first = remember.remember(ALICE);

    String header = remember.setCookie(first);

    assertThat(header)
        .startsWith("__Host-remember=" + first.value() + ";")
        .contains("Path=/", "Secure", "HttpOnly", "SameSite=Lax", "Max-Age=2592000");
    assertThat(remember.deletion()).startsWith("__Host-remember=;").contains("Max-Age=0");
    assertThat(first.toString()).doesNotContain(first.value());
    assertThat(remember.toString()).contains("__Host-remember");
  }
}

package dev.latchkey.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.Assurance;
import dev.latchkey.core.Assurance.Level;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.internal.OpaqueIds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SessionAssuranceTest {
  private static final Principal ALICE = Principal.of("alice", Set.of("user"));
  private static final Instant START = Instant.parse("2026-01-01T10:00:00Z");

  private final TestClock clock = new TestClock(START);
  private final InMemorySessionStore memory = InMemorySessionStore.builder().clock(clock).build();
  private final SessionManager sessions =
      SessionManager.builder(memory)
          .idleTimeout(Duration.ofMinutes(30))
          .absoluteTimeout(Duration.ofHours(12))
          .clock(clock)
          .build();

  private String login(Level level) {
    return sessions.login(ALICE, Map.of("device", "laptop"), level).created().orElseThrow().id();
  }

  private Assurance assuranceOf(String rawId) {
    return sessions.find(rawId).orElseThrow().assurance();
  }

  @Test
  void aPlainLoginIsSingleFactorAuthenticatedAtLogin() {
    String sid = sessions.login(ALICE, Map.of()).created().orElseThrow().id();

    assertThat(assuranceOf(sid)).isEqualTo(new Assurance(Level.SINGLE_FACTOR, START));
    assertThat(sessions.check(new SessionCookie(sid)).active()).isPresent();
  }

  @Test
  void aPendingSessionReachesNothingButTheSecondFactorStep() {
    String pending = login(Level.PENDING_SECOND_FACTOR);
    SessionCookie cookie = new SessionCookie(pending);

    assertThat(sessions.check(cookie).failure().orElseThrow().reason())
        .isEqualTo(Reason.SECOND_FACTOR_REQUIRED);
    assertThat(sessions.authenticate(cookie).failure().orElseThrow().reason())
        .isEqualTo(Reason.SECOND_FACTOR_REQUIRED);
    assertThat(sessions.authenticator().authenticate(cookie).succeeded()).isFalse();
    assertThat(sessions.requireAssurance(cookie, Level.REMEMBERED, null).failure())
        .map(f -> f.reason())
        .contains(Reason.SECOND_FACTOR_REQUIRED);

    SessionCheck step = sessions.checkPending(cookie);
    assertThat(step.active().orElseThrow().session().assurance().level())
        .isEqualTo(Level.PENDING_SECOND_FACTOR);
  }

  @Test
  void theSecondFactorMovesTheSessionToANewIdAtTheHigherLevel() {
    String pending = login(Level.PENDING_SECOND_FACTOR);
    clock.advance(Duration.ofSeconds(40));

    String raised = sessions.recordAuthentication(pending, Level.MULTI_FACTOR).orElseThrow();

    assertThat(raised).isNotEqualTo(pending);
    assertThat(OpaqueIds.parse(raised).orElseThrow().shard())
        .isEqualTo(OpaqueIds.parse(pending).orElseThrow().shard());
    assertThat(sessions.checkPending(new SessionCookie(pending)).failure()).isPresent();
    SessionCheck.Active active = sessions.check(new SessionCookie(raised)).active().orElseThrow();
    assertThat(active.session().assurance())
        .isEqualTo(new Assurance(Level.MULTI_FACTOR, START.plusSeconds(40)));
    assertThat(active.session().attributes()).isEqualTo(Map.of("device", "laptop"));
  }

  @Test
  void onlyOneOfManyConcurrentSecondFactorsMovesTheSession() throws Exception {
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 100; round++) {
        String pending = login(Level.PENDING_SECOND_FACTOR);
        CyclicBarrier barrier = new CyclicBarrier(threads);
        List<Future<Optional<String>>> answers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          answers.add(
              pool.submit(
                  () -> {
                    barrier.await();
                    return sessions.recordAuthentication(pending, Level.MULTI_FACTOR);
                  }));
        }
        List<String> winners = new ArrayList<>();
        for (Future<Optional<String>> answer : answers) {
          answer.get().ifPresent(winners::add);
        }
        assertThat(winners).as("round %d", round).hasSize(1);
        assertThat(sessions.check(new SessionCookie(winners.get(0))).active()).isPresent();
        assertThat(sessions.sessionsOf("alice")).hasSizeLessThanOrEqualTo(round + 1);
        sessions.logoutEverywhere("alice");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void stepUpRefusesAWeakerLevelAndAnOldAuthentication() {
    String sid = login(Level.SINGLE_FACTOR);
    SessionCookie cookie = new SessionCookie(sid);

    assertThat(sessions.requireAssurance(cookie, Level.SINGLE_FACTOR, null).active()).isPresent();
    assertThat(sessions.requireAssurance(cookie, Level.MULTI_FACTOR, null).failure())
        .map(f -> f.reason())
        .contains(Reason.STEP_UP_REQUIRED);

    clock.advance(Duration.ofMinutes(6));
    assertThat(
            sessions.requireAssurance(cookie, Level.SINGLE_FACTOR, Duration.ofMinutes(5)).failure())
        .map(f -> f.reason())
        .contains(Reason.STEP_UP_REQUIRED);

    String again = sessions.recordAuthentication(sid, Level.SINGLE_FACTOR).orElseThrow();
    assertThat(
            sessions
                .requireAssurance(
                    new SessionCookie(again), Level.SINGLE_FACTOR, Duration.ofMinutes(5))
                .active())
        .isPresent();
  }

  @Test
  void aRememberedSessionPassesOrdinaryChecksButNoSensitiveOne() {
    String sid = login(Level.REMEMBERED);
    SessionCookie cookie = new SessionCookie(sid);

    assertThat(sessions.check(cookie).active()).isPresent();
    assertThat(sessions.requireAssurance(cookie, Level.SINGLE_FACTOR, null).failure())
        .map(f -> f.reason())
        .contains(Reason.STEP_UP_REQUIRED);

    String typedPassword = sessions.recordAuthentication(sid, Level.SINGLE_FACTOR).orElseThrow();
    assertThat(assuranceOf(typedPassword).level()).isEqualTo(Level.SINGLE_FACTOR);
  }

  @Test
  void aPasswordTypedAgainNeverRenewsTheAgeOfASecondFactor() {
    String sid = login(Level.MULTI_FACTOR);
    clock.advance(Duration.ofMinutes(10));

    String again = sessions.recordAuthentication(sid, Level.SINGLE_FACTOR).orElseThrow();

    assertThat(assuranceOf(again))
        .isEqualTo(new Assurance(Level.SINGLE_FACTOR, START.plus(Duration.ofMinutes(10))));
    assertThat(
            sessions
                .requireAssurance(
                    new SessionCookie(again), Level.MULTI_FACTOR, Duration.ofMinutes(5))
                .failure())
        .map(f -> f.reason())
        .contains(Reason.STEP_UP_REQUIRED);
  }

  @Test
  void onlyTheSecondFactorRaisesALoginThatWaitsForIt() {
    String pending = login(Level.PENDING_SECOND_FACTOR);

    assertThat(sessions.recordAuthentication(pending, Level.SINGLE_FACTOR)).isEmpty();
    assertThat(sessions.recordAuthentication(pending, Level.REMEMBERED)).isEmpty();
    assertThat(sessions.check(new SessionCookie(pending)).failure().orElseThrow().reason())
        .isEqualTo(Reason.SECOND_FACTOR_REQUIRED);
    assertThat(sessions.recordAuthentication(pending, Level.MULTI_FACTOR)).isPresent();
  }

  @Test
  void theManagersAttributesCannotBeSetOrForgedByTheApplication() {
    String sid = login(Level.PENDING_SECOND_FACTOR);

    assertThatThrownBy(() -> sessions.setAttribute(sid, "latchkey.assurance", "MULTI_FACTOR:0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> sessions.login(ALICE, Map.of("latchkey.assurance", "MULTI_FACTOR:0")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(sessions.find(sid).orElseThrow().attributes())
        .doesNotContainKey("latchkey.assurance");
    assertThat(sessions.check(new SessionCookie(sid)).failure()).isPresent();
  }

  @Test
  void aDamagedAssuranceGrantsNothing() {
    String sid = login(Level.MULTI_FACTOR);
    memory.setAttribute(
        OpaqueIds.parse(sid).orElseThrow(), "latchkey.assurance", "MULTI_FACTOR", clock.instant());

    assertThat(sessions.check(new SessionCookie(sid)).failure().orElseThrow().reason())
        .isEqualTo(Reason.SECOND_FACTOR_REQUIRED);
    assertThat(assuranceOf(sid).level()).isEqualTo(Level.PENDING_SECOND_FACTOR);
  }

  @Test
  void aLoginThatWaitsTooLongForItsSecondFactorIsOver() {
    String pending = login(Level.PENDING_SECOND_FACTOR);
    clock.advance(Duration.ofMinutes(5));

    assertThat(sessions.checkPending(new SessionCookie(pending)).failure().orElseThrow().reason())
        .isEqualTo(Reason.EXPIRED);
    assertThat(sessions.recordAuthentication(pending, Level.MULTI_FACTOR)).isEmpty();
  }

  @Test
  void pendingIsNotAnAuthenticationToRecord() {
    String sid = login(Level.SINGLE_FACTOR);

    assertThatThrownBy(() -> sessions.recordAuthentication(sid, Level.PENDING_SECOND_FACTOR))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(sessions.recordAuthentication("not-an-id", Level.MULTI_FACTOR)).isEmpty();
  }
}

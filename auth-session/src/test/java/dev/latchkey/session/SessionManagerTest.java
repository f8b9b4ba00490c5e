package dev.latchkey.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.core.spi.SessionStore.CapPolicy;
import dev.latchkey.core.spi.SessionTouch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionManagerTest {
  private static final Duration IDLE = Duration.ofMinutes(30);
  private static final Duration ABSOLUTE = Duration.ofHours(8);
  private static final Duration RENEWAL = Duration.ofMinutes(5);
  private static final Duration NOTICE = Duration.ofMinutes(10);
  private static final Principal ALICE = Principal.of("alice", Set.of("user"));
  private static final Principal BOB = Principal.of("bob", Set.of("user"));

  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T10:00:00Z"));
  private final List<AuthEvent> events = new CopyOnWriteArrayList<>();
  private final List<ExecutorService> pools = new ArrayList<>();
  private InMemorySessionStore memory;
  private CountingStore counting;
  private SessionManager sessions;

  @BeforeEach
  void setUp() {
    memory = InMemorySessionStore.builder().clock(clock).build();
    counting = new CountingStore(memory);
    sessions = manager(counting, 5, CapPolicy.END_OLDEST);
  }

  @AfterEach
  void tearDown() {
    pools.forEach(ExecutorService::shutdownNow);
  }

  private SessionManager manager(SessionStore store, int cap, CapPolicy policy) {
    return SessionManager.builder(store)
        .idleTimeout(IDLE)
        .absoluteTimeout(ABSOLUTE)
        .renewalInterval(RENEWAL)
        .expiredNotice(NOTICE)
        .maxSessionsPerSubject(cap, policy)
        .clock(clock)
        .listener(events::add)
        .build();
  }

  private String login(Principal who) {
    return login(sessions, who);
  }

  private static String login(SessionManager manager, Principal who) {
    LoginOutcome outcome = manager.login(who, Map.of("user-agent", "test"));
    return outcome.created().orElseThrow().id();
  }

  private AuthResult check(String rawId) {
    return sessions.authenticate(new SessionCookie(rawId));
  }

  private static Reason reason(AuthResult result) {
    return result.failure().orElseThrow().reason();
  }

  private void runConcurrently(int threads, List<Runnable> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    pools.add(pool);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (Runnable task : tasks) {
      futures.add(
          pool.submit(
              () -> {
                start.await();
                task.run();
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get(60, TimeUnit.SECONDS);
    }
  }

  // --- login and the cookie check -------------------------------------------------------------

  @Test
  void loggedInSessionAuthenticatesWithItsPrincipal() {
    String id = login(ALICE);

    AuthResult result = check(id);

    assertThat(result).isEqualTo(AuthResult.success(ALICE));
    assertThat(sessions.authenticator().authenticate(new SessionCookie(id))).isEqualTo(result);
    assertThat(sessions.authenticator().credentialType()).isEqualTo(SessionCookie.class);
  }

  @Test
  void checkGivesTheSessionDataWithTheSameRead() {
    String id = login(ALICE);
    int readsBefore = counting.reads.get();

    SessionCheck check = sessions.check(new SessionCookie(id));

    assertThat(counting.reads.get()).isEqualTo(readsBefore + 1);
    SessionInfo info = check.active().orElseThrow().session();
    assertThat(check.principal()).contains(ALICE);
    assertThat(check.failure()).isEmpty();
    assertThat(info.subject()).isEqualTo("alice");
    assertThat(info.roles()).containsExactly("user");
    assertThat(info.attributes()).containsEntry("user-agent", "test");
    assertThat(info.createdAt()).isEqualTo(clock.instant());
    assertThat(info.absoluteExpiresAt()).isEqualTo(clock.instant().plus(ABSOLUTE));
  }

  @Test
  void unknownSessionIsInvalidCredentials() {
    login(ALICE);

    assertThat(reason(check(OpaqueIds.generate()))).isEqualTo(Reason.INVALID_CREDENTIALS);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not-a-session",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=.abcdef",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB.abcdef",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.abcdef;x",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA abcdef"
      })
  void malformedCookieIsRefusedWithoutAskingTheStore(String value) {
    SessionStore untouched = mock(SessionStore.class);
    SessionManager manager = manager(untouched, 5, CapPolicy.END_OLDEST);

    AuthResult result = manager.authenticate(new SessionCookie(value));

    assertThat(reason(result)).isEqualTo(Reason.MALFORMED);
    verifyNoInteractions(untouched);
  }

  @Test
  void listingHandleCannotBeUsedAsACookie() {
    String id = login(ALICE);
    String handle = sessions.find(id).orElseThrow().handle();

    assertThat(reason(check(handle))).isIn(Reason.MALFORMED, Reason.INVALID_CREDENTIALS);
  }

  // --- fixation and rotation ------------------------------------------------------------------

  @Test
  void idKnownBeforeLoginIsNeverTheIdAfterLogin() {
    // An attacker plants an id in the victim's browser before the victim logs in.
    String planted = OpaqueIds.generate();

    String afterLogin = login(ALICE);

    assertThat(afterLogin).isNotEqualTo(planted);
    assertThat(reason(check(planted))).isEqualTo(Reason.INVALID_CREDENTIALS);
    assertThat(check(afterLogin).succeeded()).isTrue();
  }

  @Test
  void everyLoginOfOneSubjectGetsANewId() {
    String first = login(ALICE);
    String second = login(ALICE);

    assertThat(second).isNotEqualTo(first);
    assertThat(check(first).succeeded()).isTrue();
    assertThat(check(second).succeeded()).isTrue();
  }

  @Test
  void rotateGivesANewIdWithTheSameDataAndKillsTheOldOne() {
    String old = login(ALICE);
    sessions.setAttribute(old, "level", "mfa");
    SessionInfo before = sessions.find(old).orElseThrow();

    String rotated = sessions.rotate(old).orElseThrow();

    assertThat(rotated).isNotEqualTo(old);
    assertThat(reason(check(old))).isEqualTo(Reason.INVALID_CREDENTIALS);
    assertThat(check(rotated)).isEqualTo(AuthResult.success(ALICE));
    SessionInfo after = sessions.find(rotated).orElseThrow();
    assertThat(after.attributes()).containsEntry("level", "mfa");
    assertThat(after.createdAt()).isEqualTo(before.createdAt());
    assertThat(after.absoluteExpiresAt()).isEqualTo(before.absoluteExpiresAt());
    // The new id keeps the old one's tag: a clustered store keeps the session in its slot.
    assertThat(OpaqueIds.parse(rotated).orElseThrow().shard())
        .isEqualTo(OpaqueIds.parse(old).orElseThrow().shard());
    assertThat(sessions.rotate(old)).isEmpty();
  }

  @Test
  void rotateOfAMalformedOrDeadIdGivesNothing() {
    String id = login(ALICE);
    clock.advance(IDLE);

    assertThat(sessions.rotate(id)).isEmpty();
    assertThat(sessions.rotate("garbage")).isEmpty();
    assertThat(sessions.rotate(null)).isEmpty();
  }

  // --- expiry ---------------------------------------------------------------------------------

  @Test
  void idleSessionExpires() {
    String id = login(ALICE);
    clock.advance(IDLE.minusSeconds(1));
    assertThat(sessions.find(id)).isPresent();

    clock.advance(Duration.ofSeconds(1));

    assertThat(reason(check(id))).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void activeSessionSlidesPastTheIdleTimeout() {
    String id = login(ALICE);
    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofMinutes(20));
      assertThat(check(id).succeeded()).isTrue();
    }

    assertThat(Duration.between(sessions.find(id).orElseThrow().createdAt(), clock.instant()))
        .isGreaterThan(IDLE.multipliedBy(6));
  }

  @Test
  void absoluteTimeoutEndsEvenAnActiveSession() {
    String id = login(ALICE);
    Instant absoluteEnd = clock.instant().plus(ABSOLUTE);
    while (clock.instant().plus(Duration.ofMinutes(10)).isBefore(absoluteEnd)) {
      clock.advance(Duration.ofMinutes(10));
      assertThat(check(id).succeeded()).isTrue();
    }

    clock.set(absoluteEnd);

    assertThat(reason(check(id))).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void expiredSessionIsForgottenAfterTheExpiredNotice() {
    String id = login(ALICE);
    clock.advance(IDLE.plus(NOTICE).minusSeconds(1));
    assertThat(reason(check(id))).isEqualTo(Reason.EXPIRED);

    clock.advance(Duration.ofSeconds(1));

    assertThat(reason(check(id))).isEqualTo(Reason.INVALID_CREDENTIALS);
  }

  @Test
  void slidingRenewalWritesNoMoreOftenThanTheRenewalInterval() {
    String id = login(ALICE);
    Duration step = Duration.ofSeconds(10);
    Duration span = Duration.ofMinutes(60);
    long checks = span.dividedBy(step);

    for (long i = 0; i < checks; i++) {
      clock.advance(step);
      assertThat(check(id).succeeded()).isTrue();
    }

    assertThat(counting.reads.get()).isEqualTo((int) checks);
    // One write per elapsed renewal interval, never more.
    assertThat(counting.renewals.get()).isEqualTo((int) span.dividedBy(RENEWAL));
  }

  @Test
  void zeroRenewalIntervalRenewsOnEveryCheck() {
    SessionManager eager =
        SessionManager.builder(counting)
            .idleTimeout(IDLE)
            .renewalInterval(Duration.ZERO)
            .clock(clock)
            .build();
    String id = login(eager, ALICE);

    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(1));
      eager.authenticate(new SessionCookie(id));
    }

    assertThat(counting.renewals.get()).isEqualTo(5);
  }

  @Test
  void managementReadsDoNotRenew() {
    String id = login(ALICE);
    clock.advance(RENEWAL.multipliedBy(2));

    sessions.find(id);
    sessions.attribute(id, "user-agent");
    sessions.sessionsOf("alice");

    assertThat(counting.renewals.get()).isZero();
    assertThat(sessions.find(id).orElseThrow().lastSeenAt())
        .isEqualTo(clock.instant().minus(RENEWAL.multipliedBy(2)));
  }

  // --- ids ------------------------------------------------------------------------------------

  @Test
  void idsAre256BitAndDistinctOverALargeSample() {
    SessionManager many =
        manager(InMemorySessionStore.builder().clock(clock).build(), 1, CapPolicy.END_OLDEST);
    Set<String> ids = new HashSet<>();
    Set<String> randomParts = new HashSet<>();
    int sample = 20_000;
    for (int i = 0; i < sample; i++) {
      String id = login(many, Principal.of("user" + (i % 100)));
      String random = id.substring(0, OpaqueIds.RANDOM_CHARS);
      assertThat(Base64.getUrlDecoder().decode(random)).hasSize(32);
      ids.add(id);
      randomParts.add(random);
    }

    assertThat(ids).hasSize(sample);
    assertThat(randomParts).hasSize(sample);
  }

  @Test
  void storeHoldsNoRawId() {
    List<String> rawIds = new ArrayList<>();
    // 5 subjects at their cap of 5: no session is ended, so every id is still held.
    for (int i = 0; i < 25; i++) {
      rawIds.add(login(Principal.of("user" + (i % 5))));
    }
    rawIds.add(sessions.rotate(rawIds.get(0)).orElseThrow());

    Map<String, SessionRecord> contents = memory.contents();

    String dump = contents.keySet() + " " + contents.values();
    for (String raw : rawIds) {
      assertThat(dump).doesNotContain(raw).doesNotContain(raw.substring(0, OpaqueIds.RANDOM_CHARS));
    }
    assertThat(contents.keySet()).allSatisfy(k -> assertThat(k).hasSize(43));
  }

  @Test
  void createdOutcomeDoesNotShowTheIdInToString() {
    LoginOutcome outcome = sessions.login(ALICE, Map.of());
    String id = outcome.created().orElseThrow().id();

    assertThat(outcome.toString()).doesNotContain(id).contains("redacted");
  }

  // --- attributes -----------------------------------------------------------------------------

  @Test
  void attributesAreReadAndWrittenOneByOne() {
    String id = login(ALICE);

    assertThat(sessions.setAttribute(id, "level", "mfa")).isTrue();
    assertThat(sessions.setAttribute(id, "user-agent", null)).isTrue();

    assertThat(sessions.attribute(id, "level")).contains("mfa");
    assertThat(sessions.attribute(id, "user-agent")).isEmpty();
    assertThat(sessions.setAttribute("garbage", "level", "x")).isFalse();
    assertThat(sessions.attribute("garbage", "level")).isEmpty();
  }

  @Test
  void attributesOfADeadSessionCannotBeWritten() {
    String id = login(ALICE);
    clock.advance(IDLE);

    assertThat(sessions.setAttribute(id, "level", "mfa")).isFalse();
    assertThat(sessions.attribute(id, "user-agent")).isEmpty();
  }

  @Test
  void manyThreadsWritingDifferentAttributesLoseNoWrite() throws Exception {
    String id = login(ALICE);
    int threads = 8;
    int perThread = 50;
    List<Runnable> tasks = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      tasks.add(
          () -> {
            for (int i = 0; i < perThread; i++) {
              assertThat(sessions.setAttribute(id, "t" + thread + "." + i, "v" + i)).isTrue();
              // Readers in between must not disturb the writers.
              sessions.authenticate(new SessionCookie(id));
            }
          });
    }

    runConcurrently(threads, tasks);

    Map<String, String> attributes = sessions.find(id).orElseThrow().attributes();
    assertThat(attributes).hasSize(threads * perThread + 1);
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < perThread; i++) {
        assertThat(attributes).containsEntry("t" + t + "." + i, "v" + i);
      }
    }
  }

  // --- logout, listing, cap -------------------------------------------------------------------

  @Test
  void loggedOutSessionIsRefusedAtOnce() {
    String id = login(ALICE);
    String other = login(ALICE);

    assertThat(sessions.logout(id)).isTrue();

    assertThat(reason(check(id))).isEqualTo(Reason.INVALID_CREDENTIALS);
    assertThat(check(other).succeeded()).isTrue();
    assertThat(sessions.logout(id)).isFalse();
    assertThat(sessions.logout("garbage")).isFalse();
    assertThat(events)
        .filteredOn(e -> e instanceof AuthEvent.LoggedOut)
        .containsExactly(new AuthEvent.LoggedOut(clock.instant(), "alice", "session", false));
  }

  @Test
  void logoutEverywhereEndsEverySessionOfTheSubjectOnly() {
    String a1 = login(ALICE);
    String a2 = login(ALICE);
    String b = login(BOB);

    assertThat(sessions.logoutEverywhere("alice")).isEqualTo(2);

    assertThat(reason(check(a1))).isEqualTo(Reason.INVALID_CREDENTIALS);
    assertThat(reason(check(a2))).isEqualTo(Reason.INVALID_CREDENTIALS);
    assertThat(check(b).succeeded()).isTrue();
    assertThat(sessions.sessionsOf("alice")).isEmpty();
    assertThat(events).contains(new AuthEvent.LoggedOut(clock.instant(), "alice", "session", true));
  }

  @Test
  void sessionsOfListsLiveSessionsOldestFirstWithTheirData() {
    LoginOutcome phone = sessions.login(ALICE, Map.of("user-agent", "phone"));
    String first = phone.created().orElseThrow().id();
    clock.advance(Duration.ofMinutes(1));
    sessions.login(ALICE, Map.of("user-agent", "laptop"));
    clock.advance(Duration.ofMinutes(6));
    check(first);
    login(BOB);

    List<SessionInfo> listed = sessions.sessionsOf("alice");

    assertThat(listed)
        .extracting(s -> s.attributes().get("user-agent"))
        .containsExactly("phone", "laptop");
    assertThat(listed.get(0).lastSeenAt()).isEqualTo(clock.instant());
    assertThat(listed.get(1).lastSeenAt()).isEqualTo(listed.get(1).createdAt());
    assertThat(listed).extracting(SessionInfo::subject).containsOnly("alice");
  }

  @Test
  void endSessionByHandleEndsOnlyThatSessionOfThatSubject() {
    String a1 = login(ALICE);
    String a2 = login(ALICE);
    String b = login(BOB);
    String aliceHandle = sessions.find(a1).orElseThrow().handle();
    String bobHandle = sessions.find(b).orElseThrow().handle();

    assertThat(sessions.endSession("alice", bobHandle)).isFalse();
    assertThat(check(b).succeeded()).isTrue();

    assertThat(sessions.endSession("alice", aliceHandle)).isTrue();
    assertThat(reason(check(a1))).isEqualTo(Reason.INVALID_CREDENTIALS);
    assertThat(check(a2).succeeded()).isTrue();
    assertThat(sessions.endSession("alice", aliceHandle)).isFalse();
  }

  @Test
  void capRefuseNewRefusesTheExtraLoginAsAValue() {
    SessionManager strict = manager(memory, 2, CapPolicy.REFUSE_NEW);
    String a1 = login(strict, ALICE);
    String a2 = login(strict, ALICE);

    LoginOutcome third = strict.login(ALICE, Map.of());

    AuthResult.Failure refusal = third.failure().orElseThrow();
    assertThat(refusal.reason()).isEqualTo(Reason.LOCKED);
    assertThat(refusal.httpStatus()).isEqualTo(429);
    assertThat(refusal.retryAt()).isEmpty();
    assertThat(refusal.detail()).isEqualTo("the subject already holds 2 sessions");
    assertThat(third.created()).isEmpty();
    int status = third.fold(created -> 200, AuthResult.Failure::httpStatus);
    assertThat(status).isEqualTo(429);
    assertThat(strict.authenticate(new SessionCookie(a1)).succeeded()).isTrue();
    assertThat(strict.authenticate(new SessionCookie(a2)).succeeded()).isTrue();
    strict.logout(a1);
    assertThat(strict.login(ALICE, Map.of()).created()).isPresent();
  }

  @Test
  void capEndOldestEndsTheOldestSessionAndSaysWhich() {
    SessionManager capped = manager(memory, 2, CapPolicy.END_OLDEST);
    String a1 = login(capped, ALICE);
    String handle1 = capped.find(a1).orElseThrow().handle();
    clock.advance(Duration.ofSeconds(1));
    String a2 = login(capped, ALICE);
    clock.advance(Duration.ofSeconds(1));

    LoginOutcome third = capped.login(ALICE, Map.of());

    assertThat(third.created().orElseThrow().endedHandles()).containsExactly(handle1);
    assertThat(reason(capped.authenticate(new SessionCookie(a1))))
        .isEqualTo(Reason.INVALID_CREDENTIALS);
    assertThat(capped.authenticate(new SessionCookie(a2)).succeeded()).isTrue();
    assertThat(capped.sessionsOf("alice")).hasSize(2);
  }

  @Test
  void concurrentLoginsAndLogoutsOfOneSubjectRespectTheCapAndLeakNoIndex() throws Exception {
    int cap = 4;
    SessionManager capped = manager(memory, cap, CapPolicy.REFUSE_NEW);
    AtomicInteger maxSeen = new AtomicInteger();
    Set<String> stillIn = ConcurrentHashMap.newKeySet();
    List<Runnable> tasks = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      tasks.add(
          () -> {
            for (int i = 0; i < 200; i++) {
              LoginOutcome outcome = capped.login(ALICE, Map.of());
              int live = capped.sessionsOf("alice").size();
              maxSeen.accumulateAndGet(live, Math::max);
              Optional<LoginOutcome.NewSession> created = outcome.created();
              if (created.isPresent()) {
                LoginOutcome.NewSession c = created.get();
                if (i % 3 == 0) {
                  stillIn.add(c.id());
                  if (stillIn.size() > cap) {
                    stillIn.remove(c.id());
                    capped.logout(c.id());
                  }
                } else {
                  capped.logout(c.id());
                }
              }
            }
          });
    }

    runConcurrently(8, tasks);

    assertThat(maxSeen.get()).isLessThanOrEqualTo(cap);
    List<SessionInfo> left = capped.sessionsOf("alice");
    assertThat(left).hasSizeLessThanOrEqualTo(cap);
    memory.cleanUp();
    assertThat(memory.indexedSessions()).isEqualTo(memory.contents().size()).isEqualTo(left.size());
    capped.logoutEverywhere("alice");
    assertThat(memory.indexedSessions()).isZero();
    assertThat(memory.indexedSubjects()).isZero();
  }

  @Test
  void expiredSessionsLeaveTheIndex() {
    for (int i = 0; i < 5; i++) {
      login(ALICE);
      login(BOB);
    }
    clock.advance(IDLE.plus(NOTICE));

    memory.cleanUp();

    assertThat(memory.indexedSessions()).isZero();
    assertThat(memory.indexedSubjects()).isZero();
  }

  // --- store failures -------------------------------------------------------------------------

  @Test
  void storeThatThrowsYieldsUnavailableNeverSuccess() {
    SessionStore broken = mock(SessionStore.class);
    when(broken.read(any(), any())).thenThrow(new StoreUnavailableException("read timed out"));
    SessionManager manager = manager(broken, 5, CapPolicy.END_OLDEST);

    AuthResult result = manager.authenticate(new SessionCookie(OpaqueIds.generate()));

    assertThat(reason(result)).isEqualTo(Reason.UNAVAILABLE);
    SessionCookie another = new SessionCookie(OpaqueIds.generate());
    assertThat(manager.authenticator().authenticate(another).succeeded()).isFalse();
    assertThat(events)
        .last()
        .isEqualTo(new AuthEvent.Failed(clock.instant(), null, "session", Reason.UNAVAILABLE));
  }

  @Test
  void storeThatThrowsAnythingElseAlsoYieldsUnavailable() {
    SessionStore buggy = mock(SessionStore.class);
    when(buggy.read(any(), any())).thenThrow(new IllegalStateException("decoder bug"));
    SessionManager manager = manager(buggy, 5, CapPolicy.END_OLDEST);

    SessionCheck check = manager.check(new SessionCookie(OpaqueIds.generate()));

    assertThat(check.active()).isEmpty();
    assertThat(check.failure().orElseThrow().reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThat(reason(check.result())).isEqualTo(Reason.UNAVAILABLE);
  }

  @Test
  void loginOnAFailingStoreIsRefusedUnavailableNotThrown() {
    SessionStore down = mock(SessionStore.class);
    when(down.shardFor(any())).thenReturn(OpaqueIds.randomShard());
    when(down.create(any(), anyInt(), any()))
        .thenThrow(new StoreUnavailableException("store down"));
    SessionStore buggy = mock(SessionStore.class);
    when(buggy.shardFor(any())).thenThrow(new IllegalStateException("no secret configured"));

    for (SessionStore store : List.of(down, buggy)) {
      LoginOutcome outcome = manager(store, 5, CapPolicy.END_OLDEST).login(ALICE, Map.of());

      assertThat(outcome.created()).isEmpty();
      assertThat(outcome.failure().orElseThrow().reason()).isEqualTo(Reason.UNAVAILABLE);
      assertThat(outcome.failure().orElseThrow().detail()).doesNotContain("secret");
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void managementOperationsThrowStoreUnavailableWhateverTheStoreThrows(boolean outage) {
    SessionStore broken = mock(SessionStore.class);
    RuntimeException fault =
        outage
            ? new StoreUnavailableException("store down")
            : new IllegalStateException("decoder bug");
    when(broken.read(any(), any())).thenThrow(fault);
    when(broken.delete(any())).thenThrow(fault);
    when(broken.setAttribute(any(), any(), any(), any())).thenThrow(fault);
    when(broken.deleteBySubject(any())).thenThrow(fault);
    when(broken.listBySubject(any(), any())).thenThrow(fault);
    when(broken.changeId(any(), any(), any())).thenThrow(fault);
    SessionManager manager = manager(broken, 5, CapPolicy.END_OLDEST);
    String id = OpaqueIds.generate();

    List<org.assertj.core.api.ThrowableAssert.ThrowingCallable> operations =
        List.of(
            () -> manager.find(id),
            () -> manager.attribute(id, "user-agent"),
            () -> manager.setAttribute(id, "user-agent", "x"),
            () -> manager.rotate(id),
            () -> manager.logout(id),
            () -> manager.logoutEverywhere("alice"),
            () -> manager.sessionsOf("alice"),
            () -> manager.endSession("alice", "handle"),
            () -> manager.csrfToken(id));
    for (var operation : operations) {
      var thrown = assertThatThrownBy(operation).isInstanceOf(StoreUnavailableException.class);
      if (outage) {
        thrown.isSameAs(fault);
      } else {
        thrown
            .satisfies(e -> assertThat(e.getCause()).isSameAs(fault))
            .message()
            .doesNotContain("decoder");
      }
    }
    assertThat(manager.authenticate(new SessionCookie(id)).failure().orElseThrow().reason())
        .isEqualTo(Reason.UNAVAILABLE);
  }

  // --- events ---------------------------------------------------------------------------------

  @Test
  void checksEmitEventsWithoutTheId() {
    String id = login(ALICE);
    check(id);
    check(OpaqueIds.generate());
    check("bad");

    assertThat(events)
        .containsExactly(
            new AuthEvent.Succeeded(clock.instant(), "alice", "session"),
            new AuthEvent.Failed(clock.instant(), null, "session", Reason.INVALID_CREDENTIALS),
            new AuthEvent.Failed(clock.instant(), null, "session", Reason.MALFORMED));
    String handle = sessions.find(id).orElseThrow().handle();
    assertThat(events.toString()).doesNotContain(id).doesNotContain(handle);
  }

  @Test
  void managerWithoutAListenerAnswersEveryCheckAsOneWithAListener() {
    SessionManager quiet =
        SessionManager.builder(memory)
            .idleTimeout(IDLE)
            .absoluteTimeout(ABSOLUTE)
            .renewalInterval(RENEWAL)
            .expiredNotice(NOTICE)
            .clock(clock)
            .build();
    String id = login(quiet, ALICE);
    List<String> cookies = List.of(id, OpaqueIds.generate(), "bad");

    List<AuthResult> heard = new ArrayList<>();
    List<AuthResult> unheard = new ArrayList<>();
    for (String cookie : cookies) {
      heard.add(check(cookie));
      unheard.add(quiet.authenticate(new SessionCookie(cookie)));
    }
    clock.advance(IDLE);
    heard.add(check(id));
    unheard.add(quiet.authenticate(new SessionCookie(id)));

    assertThat(unheard).isEqualTo(heard);
    assertThat(heard.get(0)).isEqualTo(AuthResult.success(ALICE));
    assertThat(heard.subList(1, 4))
        .extracting(SessionManagerTest::reason)
        .containsExactly(Reason.INVALID_CREDENTIALS, Reason.MALFORMED, Reason.EXPIRED);
    assertThat(events)
        .extracting(e -> e instanceof AuthEvent.Failed f ? f.reason() : null)
        .containsExactly(null, Reason.INVALID_CREDENTIALS, Reason.MALFORMED, Reason.EXPIRED);
  }

  @Test
  void throwingListenerCannotChangeTheOutcome() {
    SessionManager manager =
        SessionManager.builder(memory)
            .clock(clock)
            .listener(
                e -> {
                  throw new IllegalStateException("listener bug");
                })
            .build();
    String id = login(manager, ALICE);

    assertThat(manager.authenticate(new SessionCookie(id)).succeeded()).isTrue();
  }

  // --- builder --------------------------------------------------------------------------------

  @Test
  void builderRefusesBadValuesWithClearMessages() {
    SessionManager.Builder b = SessionManager.builder(memory);
    assertThatThrownBy(() -> b.idleTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("idleTimeout");
    assertThatThrownBy(() -> b.absoluteTimeout(Duration.ofSeconds(-1)))
        .hasMessageContaining("absoluteTimeout");
    assertThatThrownBy(() -> b.renewalInterval(Duration.ofSeconds(-1)))
        .hasMessageContaining("renewalInterval");
    assertThatThrownBy(() -> b.expiredNotice(Duration.ofSeconds(-1)))
        .hasMessageContaining("expiredNotice");
    assertThatThrownBy(() -> b.maxSessionsPerSubject(0, CapPolicy.REFUSE_NEW))
        .hasMessageContaining("maxSessionsPerSubject");
    assertThatThrownBy(() -> SessionManager.builder(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void builderRefusesInconsistentTimeouts() {
    assertThatThrownBy(
            () ->
                SessionManager.builder(memory)
                    .idleTimeout(Duration.ofHours(2))
                    .absoluteTimeout(Duration.ofHours(1))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("idleTimeout")
        .hasMessageContaining("absoluteTimeout");
    assertThatThrownBy(
            () ->
                SessionManager.builder(memory)
                    .idleTimeout(Duration.ofMinutes(5))
                    .renewalInterval(Duration.ofMinutes(5))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("renewalInterval");
  }

  @Test
  void classJavadocExampleBuildsAWorkingManager() {
    // The example in SessionManager's Javadoc, verbatim.
    SessionManager sessions =
        SessionManager.builder(InMemorySessionStore.builder().build())
            .idleTimeout(Duration.ofMinutes(30))
            .absoluteTimeout(Duration.ofHours(12))
            .maxSessionsPerSubject(5, SessionStore.CapPolicy.END_OLDEST)
            .build();

    String id = login(sessions, ALICE);

    assertThat(sessions.authenticate(new SessionCookie(id))).isEqualTo(AuthResult.success(ALICE));
    assertThat(sessions.toString()).contains("idleTimeout=PT30M").doesNotContain(id);
  }

  @Test
  void defaultRenewalIntervalFitsAShortIdleTimeout() {
    SessionManager shortIdle =
        SessionManager.builder(counting).idleTimeout(Duration.ofSeconds(20)).clock(clock).build();
    String id = login(shortIdle, ALICE);

    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofSeconds(15));
      assertThat(shortIdle.authenticate(new SessionCookie(id)).succeeded()).isTrue();
    }
  }

  /**
   * Counts store reads and the renewal writes they made (a renewal is visible as a changed
   * lastSeenAt), delegating everything to a real store.
   */
  private static final class CountingStore implements SessionStore {
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger renewals = new AtomicInteger();
    private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();
    private final SessionStore delegate;

    CountingStore(SessionStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public CreateResult create(SessionRecord session, int maxPerSubject, CapPolicy policy) {
      lastSeen.put(session.id().hash(), session.lastSeenAt());
      return delegate.create(session, maxPerSubject, policy);
    }

    @Override
    public Optional<SessionRecord> read(HashedId id, SessionTouch touch) {
      reads.incrementAndGet();
      Optional<SessionRecord> read = delegate.read(id, touch);
      read.ifPresent(
          r -> {
            Instant previous = lastSeen.put(id.hash(), r.lastSeenAt());
            if (previous != null && !previous.equals(r.lastSeenAt())) {
              renewals.incrementAndGet();
            }
          });
      return read;
    }

    @Override
    public boolean setAttribute(HashedId id, String name, String value, Instant now) {
      return delegate.setAttribute(id, name, value, now);
    }

    @Override
    public boolean changeId(HashedId from, HashedId to, Instant now) {
      return delegate.changeId(from, to, now);
    }

    @Override
    public boolean delete(HashedId id) {
      return delegate.delete(id);
    }

    @Override
    public List<SessionRecord> listBySubject(String subject, Instant now) {
      return delegate.listBySubject(subject, now);
    }

    @Override
    public int deleteBySubject(String subject) {
      return delegate.deleteBySubject(subject);
    }
  }
}

package dev.latchkey.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.SessionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionAdminTest {
  private static final Duration IDLE = Duration.ofMinutes(30);
  private static final Duration RENEWAL = Duration.ofMinutes(5);
  private static final Principal ALICE = Principal.of("alice", Set.of("user"));
  private static final Principal BOB = Principal.of("bob", Set.of("user"));

  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T10:00:00Z"));
  private final List<AuthEvent> events = new CopyOnWriteArrayList<>();
  private SessionManager sessions;
  private SessionAdmin admin;

  @BeforeEach
  void setUp() {
    sessions = manager(InMemorySessionStore.builder().clock(clock).build());
    admin = sessions.admin();
  }

  private SessionManager manager(SessionStore store) {
    return SessionManager.builder(store)
        .idleTimeout(IDLE)
        .renewalInterval(RENEWAL)
        .clock(clock)
        .listener(events::add)
        .build();
  }

  private String login(Principal who, String userAgent) {
    return sessions.login(who, Map.of("user-agent", userAgent)).created().orElseThrow().id();
  }

  private boolean live(String rawId) {
    return sessions.authenticate(new SessionCookie(rawId)).succeeded();
  }

  @Test
  void managerHandsOutOneAdmin() {
    assertThat(sessions.admin()).isSameAs(admin);
  }

  @Test
  void readsDoNotRenewTheSession() {
    String id = login(ALICE, "phone");
    Instant loggedIn = clock.instant();
    clock.advance(RENEWAL.multipliedBy(2));

    assertThat(admin.find(id).orElseThrow().lastSeenAt()).isEqualTo(loggedIn);
    assertThat(admin.attribute(id, "user-agent")).contains("phone");
    assertThat(admin.sessionsOf("alice"))
        .singleElement()
        .extracting(SessionInfo::lastSeenAt)
        .isEqualTo(loggedIn);
    assertThat(admin.find(id).orElseThrow().lastSeenAt()).isEqualTo(loggedIn);
  }

  @Test
  void readsTreatMalformedUnknownAndDeadIdsAsNoSession() {
    String id = login(ALICE, "phone");
    assertThat(admin.find(null)).isEmpty();
    assertThat(admin.find("garbage")).isEmpty();
    assertThat(admin.find(OpaqueIds.generate())).isEmpty();
    assertThat(admin.attribute(id, "missing")).isEmpty();

    clock.advance(IDLE);

    assertThat(admin.find(id)).isEmpty();
    assertThat(admin.attribute(id, "user-agent")).isEmpty();
  }

  @Test
  void sessionsOfListsOnlyTheSubjectsLiveSessionsOldestFirst() {
    login(ALICE, "phone");
    clock.advance(Duration.ofMinutes(1));
    login(ALICE, "laptop");
    login(BOB, "desk");

    assertThat(admin.sessionsOf("alice"))
        .extracting(s -> s.attributes().get("user-agent"))
        .containsExactly("phone", "laptop");
    clock.advance(IDLE);
    assertThat(admin.sessionsOf("alice")).isEmpty();
  }

  @Test
  void endSessionEndsOnlyTheSubjectsOwnSessionAndSaysSo() {
    String a = login(ALICE, "phone");
    String b = login(BOB, "desk");
    String aliceHandle = admin.find(a).orElseThrow().handle();
    String bobHandle = admin.find(b).orElseThrow().handle();

    assertThat(admin.endSession("alice", bobHandle)).isFalse();
    assertThat(live(b)).isTrue();
    assertThat(admin.endSession("alice", aliceHandle)).isTrue();
    assertThat(live(a)).isFalse();
    assertThat(admin.endSession("alice", aliceHandle)).isFalse();
    assertThat(events)
        .filteredOn(e -> e instanceof AuthEvent.LoggedOut)
        .containsExactly(new AuthEvent.LoggedOut(clock.instant(), "alice", "session", false));
  }

  @Test
  void logoutEverywhereEndsEverySessionOfTheSubjectOnly() {
    String a1 = login(ALICE, "phone");
    String a2 = login(ALICE, "laptop");
    String b = login(BOB, "desk");

    assertThat(admin.logoutEverywhere("alice")).isEqualTo(2);

    assertThat(live(a1)).isFalse();
    assertThat(live(a2)).isFalse();
    assertThat(live(b)).isTrue();
    assertThat(sessions.authenticate(new SessionCookie(a1)).failure().orElseThrow().reason())
        .isEqualTo(Reason.INVALID_CREDENTIALS);
    assertThat(events).contains(new AuthEvent.LoggedOut(clock.instant(), "alice", "session", true));
  }

  @Test
  void managerShortcutsAnswerAsTheAdmin() {
    String a = login(ALICE, "phone");
    login(ALICE, "laptop");
    String handle = admin.find(a).orElseThrow().handle();

    assertThat(sessions.find(a)).isEqualTo(admin.find(a));
    assertThat(sessions.attribute(a, "user-agent")).isEqualTo(admin.attribute(a, "user-agent"));
    assertThat(sessions.sessionsOf("alice")).isEqualTo(admin.sessionsOf("alice"));
    assertThat(sessions.endSession("alice", handle)).isTrue();
    assertThat(admin.sessionsOf("alice")).hasSize(1);
    assertThat(sessions.logoutEverywhere("alice")).isEqualTo(1);
    assertThat(admin.sessionsOf("alice")).isEmpty();
  }

  @Test
  void everyOperationReportsAFailingStoreAsUnavailable() {
    SessionStore broken = mock(SessionStore.class);
    RuntimeException fault = new IllegalStateException("decoder bug");
    when(broken.read(any(), any())).thenThrow(fault);
    when(broken.deleteBySubject(any())).thenThrow(fault);
    when(broken.listBySubject(any(), any())).thenThrow(fault);
    SessionAdmin failing = manager(broken).admin();
    String id = OpaqueIds.generate();

    List<org.assertj.core.api.ThrowableAssert.ThrowingCallable> operations =
        List.of(
            () -> failing.find(id),
            () -> failing.attribute(id, "user-agent"),
            () -> failing.sessionsOf("alice"),
            () -> failing.endSession("alice", "handle"),
            () -> failing.logoutEverywhere("alice"));
    for (var operation : operations) {
      assertThatThrownBy(operation)
          .isInstanceOf(StoreUnavailableException.class)
          .hasCause(fault)
          .message()
          .doesNotContain("decoder");
    }
  }

  @Test
  void nullArgumentsAreProgrammerErrors() {
    assertThatThrownBy(() -> admin.attribute("x", null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> admin.sessionsOf(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> admin.endSession("alice", null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> admin.logoutEverywhere(null)).isInstanceOf(NullPointerException.class);
  }
}

package dev.latchkey.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.core.spi.SessionStore.CapPolicy;
import dev.latchkey.core.spi.SessionTouch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Edge-exact tests written to kill the mutants PIT found surviving (see RELIABILITY.md): the
 * timeout boundaries of the builder, ending a session that another request ended first, the order
 * of sessions created in the same instant, and when the in-memory store lets go of a record.
 */
class SessionEdgesTest {
  private static final Principal ALICE = Principal.of("alice", Set.of("user"));

  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T10:00:00Z"));
  private final List<AuthEvent> events = new ArrayList<>();

  private static String login(SessionManager manager, Principal who) {
    return manager.login(who, Map.of()).created().orElseThrow().id();
  }

  @Test
  void idleTimeoutMayEqualTheAbsoluteTimeout() {
    SessionManager sessions =
        SessionManager.builder(InMemorySessionStore.builder().clock(clock).build())
            .idleTimeout(Duration.ofHours(1))
            .absoluteTimeout(Duration.ofHours(1))
            .clock(clock)
            .build();
    String id = login(sessions, ALICE);
    clock.advance(Duration.ofMinutes(59));
    assertThat(sessions.authenticate(new SessionCookie(id)).succeeded()).isTrue();
    clock.advance(Duration.ofMinutes(1));
    assertThat(sessions.authenticate(new SessionCookie(id)).failure().orElseThrow().reason())
        .isEqualTo(Reason.EXPIRED);
  }

  @Test
  void endSessionAnswersFalseAndEmitsNothingWhenAnotherRequestEndedItFirst() {
    InMemorySessionStore memory = InMemorySessionStore.builder().clock(clock).build();
    // The session is listed, but gone by the time it is deleted (a concurrent logout).
    SessionStore racing = new DeleteLosesRace(memory);
    SessionManager sessions =
        SessionManager.builder(racing).clock(clock).listener(events::add).build();
    String id = login(sessions, ALICE);
    String handle = sessions.find(id).orElseThrow().handle();

    assertThat(sessions.endSession("alice", handle)).isFalse();
    assertThat(events).noneMatch(e -> e instanceof AuthEvent.LoggedOut);
  }

  @Test
  void endSessionEmitsOneLoggedOutEvent() {
    SessionManager sessions =
        SessionManager.builder(InMemorySessionStore.builder().clock(clock).build())
            .clock(clock)
            .listener(events::add)
            .build();
    String id = login(sessions, ALICE);
    String handle = sessions.find(id).orElseThrow().handle();

    assertThat(sessions.endSession("alice", handle)).isTrue();
    assertThat(events)
        .filteredOn(e -> e instanceof AuthEvent.LoggedOut)
        .singleElement()
        .satisfies(
            e -> {
              AuthEvent.LoggedOut out = (AuthEvent.LoggedOut) e;
              assertThat(out.subject()).isEqualTo("alice");
              assertThat(out.everywhere()).isFalse();
            });
  }

  @Test
  void rotatingASessionPastItsIdleTimeoutGivesNothingAndKeepsItExpired() {
    SessionManager sessions =
        SessionManager.builder(InMemorySessionStore.builder().clock(clock).build())
            .idleTimeout(Duration.ofMinutes(30))
            .expiredNotice(Duration.ofMinutes(15))
            .clock(clock)
            .build();
    String id = login(sessions, ALICE);
    clock.advance(Duration.ofMinutes(31)); // dead, but still known for its expired notice

    assertThat(sessions.rotate(id)).isEmpty();
    assertThat(sessions.authenticate(new SessionCookie(id)).failure().orElseThrow().reason())
        .isEqualTo(Reason.EXPIRED);
  }

  @Test
  void sessionsCreatedInTheSameInstantAreListedByHandle() {
    SessionManager sessions =
        SessionManager.builder(InMemorySessionStore.builder().clock(clock).build())
            .clock(clock)
            .build();
    for (int i = 0; i < 6; i++) {
      login(sessions, ALICE);
    }
    List<String> handles = sessions.sessionsOf("alice").stream().map(SessionInfo::handle).toList();
    assertThat(handles).hasSize(6).isSorted();
  }

  @Test
  void activeCheckAnswersSuccessWithItsPrincipal() {
    SessionManager sessions =
        SessionManager.builder(InMemorySessionStore.builder().clock(clock).build())
            .clock(clock)
            .build();
    String id = login(sessions, ALICE);
    SessionCheck check = sessions.check(new SessionCookie(id));
    assertThat(check.result().succeeded()).isTrue();
    assertThat(check.result().principal().orElseThrow()).isEqualTo(ALICE);
    assertThat(sessions.authenticator().toString()).isEqualTo("SessionAuthenticator");
  }

  @Test
  void storeKeepsARecordUntilItsRetainUntilToTheMillisecond() {
    // Half a second into the second: the record's retainUntil has a nanosecond part.
    clock.set(Instant.parse("2026-01-01T10:00:00.500Z"));
    InMemorySessionStore memory = InMemorySessionStore.builder().clock(clock).build();
    SessionManager sessions =
        SessionManager.builder(memory)
            .idleTimeout(Duration.ofMinutes(30))
            .expiredNotice(Duration.ofMinutes(15))
            .clock(clock)
            .build();
    login(sessions, ALICE);
    clock.advance(Duration.ofMinutes(45).minusMillis(1));
    memory.cleanUp();
    assertThat(memory.contents()).hasSize(1);
    assertThat(memory.indexedSubjects()).isEqualTo(1);

    clock.advance(Duration.ofMillis(1));
    memory.cleanUp();
    assertThat(memory.contents()).isEmpty();
    // The cache's timer wheel removes the entry (and so its index entry) within about a second.
    clock.advance(Duration.ofSeconds(2));
    memory.cleanUp();
    assertThat(memory.indexedSubjects()).isZero();
  }

  @Test
  void anUpdatedRecordIsDroppedAtItsNewRetainUntil() {
    InMemorySessionStore memory = InMemorySessionStore.builder().clock(clock).build();
    SessionManager sessions =
        SessionManager.builder(memory)
            .idleTimeout(Duration.ofMinutes(30))
            .expiredNotice(Duration.ofMinutes(15))
            .clock(clock)
            .build();
    String id = login(sessions, ALICE);
    clock.advance(Duration.ofMinutes(10));
    assertThat(sessions.setAttribute(id, "k", "v")).isTrue(); // an update of the entry
    clock.advance(Duration.ofMinutes(35)); // the original retainUntil, unchanged by the write
    memory.cleanUp();
    assertThat(memory.contents()).isEmpty();
  }

  /** A store whose delete always finds the session already gone. */
  private static final class DeleteLosesRace implements SessionStore {
    private final SessionStore delegate;

    DeleteLosesRace(SessionStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public CreateResult create(SessionRecord session, int maxPerSubject, CapPolicy policy) {
      return delegate.create(session, maxPerSubject, policy);
    }

    @Override
    public Optional<SessionRecord> read(HashedId id, SessionTouch touch) {
      return delegate.read(id, touch);
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
      delegate.delete(id);
      return false;
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

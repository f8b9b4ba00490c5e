package dev.latchkey.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionStoreContract;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.core.spi.SessionStore.CapPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InMemorySessionStoreTest extends SessionStoreContract {
  private InMemorySessionStore memory;

  @Override
  protected SessionStore createStore(TestClock clock) {
    memory = InMemorySessionStore.builder().clock(clock).maximumSize(10_000).build();
    return memory;
  }

  private static SessionRecord sessionWithId(String subject, HashedId id, Instant at) {
    return new SessionRecord(
        id,
        Principal.of(subject),
        at,
        at,
        at.plus(IDLE),
        at.plus(ABSOLUTE),
        at.plus(IDLE).plus(NOTICE),
        Map.of());
  }

  @Test
  void entriesLeaveTheCacheAndTheIndexAtRetainUntilByTheClock() {
    for (int i = 0; i < 50; i++) {
      created(session("user" + (i % 5)));
    }
    assertThat(memory.indexedSessions()).isEqualTo(50);

    clock.advance(IDLE.plus(NOTICE));
    memory.cleanUp();

    assertThat(memory.contents()).isEmpty();
    assertThat(memory.indexedSessions()).isZero();
    assertThat(memory.indexedSubjects()).isZero();
  }

  @Test
  void sizeEvictionRemovesEvictedSessionsFromTheIndex() {
    InMemorySessionStore small =
        InMemorySessionStore.builder().clock(clock).maximumSize(20).build();
    for (int i = 0; i < 200; i++) {
      small.create(session("user" + (i % 7)), 100, CapPolicy.REFUSE_NEW);
    }

    small.cleanUp();

    assertThat(small.contents()).hasSizeLessThanOrEqualTo(20);
    assertThat(small.indexedSessions()).isEqualTo(small.contents().size());
  }

  @Test
  void deleteChangeIdAndDeleteBySubjectLeaveNoIndexEntryBehind() {
    SessionRecord a = created(session("alice"));
    SessionRecord b = created(session("alice"));
    created(session("bob"));

    store.changeId(a.id(), newId("alice"), clock.instant());
    store.delete(b.id());
    assertThat(memory.indexedSessions()).isEqualTo(2);

    store.deleteBySubject("alice");
    store.deleteBySubject("bob");

    assertThat(memory.indexedSessions()).isZero();
    assertThat(memory.indexedSubjects()).isZero();
  }

  @Test
  void capEnforcementEndsOldestWithoutLeavingItIndexed() {
    for (int i = 0; i < 30; i++) {
      store.create(session("alice"), 3, CapPolicy.END_OLDEST);
      clock.advance(Duration.ofSeconds(1));
    }

    assertThat(memory.indexedSessions()).isEqualTo(3);
    assertThat(memory.contents()).hasSize(3);
  }

  @Test
  void holdsOnlyHashesKeyedByTheHash() {
    String raw = OpaqueIds.generate();
    HashedId id = OpaqueIds.parse(raw).orElseThrow();
    created(sessionWithId("alice", id, clock.instant()));

    Map<String, SessionRecord> contents = memory.contents();

    assertThat(contents).containsOnlyKeys(id.hash());
    String dump = contents.toString();
    assertThat(dump).doesNotContain(raw).doesNotContain(raw.substring(0, OpaqueIds.RANDOM_CHARS));
  }

  @Test
  void sessionCreatedAlreadyPastRetainUntilIsNotHeld() {
    Instant past = clock.instant().minus(IDLE.plus(NOTICE).plusSeconds(1));
    SessionRecord stale = sessionWithId("alice", newId("alice"), past);

    store.create(stale, 3, CapPolicy.REFUSE_NEW);
    memory.cleanUp();

    assertThat(memory.contents()).isEmpty();
    assertThat(memory.indexedSessions()).isZero();
  }

  @Test
  void builderRefusesANonPositiveSize() {
    assertThatThrownBy(() -> InMemorySessionStore.builder().maximumSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maximumSize");
  }

  @Test
  void principalRolesSurviveTheStore() {
    SessionRecord s =
        new SessionRecord(
            newId("alice"),
            Principal.of("alice", Set.of("admin")),
            clock.instant(),
            clock.instant(),
            clock.instant().plus(IDLE),
            clock.instant().plus(ABSOLUTE),
            clock.instant().plus(IDLE),
            Map.of());
    created(s);

    assertThat(store.read(s.id(), touchAt(clock.instant())).orElseThrow().principal().roles())
        .containsExactly("admin");
  }
}

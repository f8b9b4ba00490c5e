package dev.latchkey.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.core.spi.SessionTouch;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SessionCsrfTest {
  private static final Principal ALICE = Principal.of("alice", Set.of("user"));
  private static final Principal BOB = Principal.of("bob", Set.of("user"));

  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T10:00:00Z"));
  private final InMemorySessionStore memory = InMemorySessionStore.builder().clock(clock).build();
  private final SessionManager sessions = manager(memory, key(1));

  private SessionManager manager(SessionStore store, byte[] csrfKey) {
    return SessionManager.builder(store)
        .idleTimeout(Duration.ofMinutes(30))
        .clock(clock)
        .csrfKey(csrfKey)
        .build();
  }

  private static byte[] key(int fill) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) fill);
    return key;
  }

  private static String login(SessionManager manager, Principal who) {
    return manager.login(who, Map.of()).created().orElseThrow().id();
  }

  @Test
  void tokenIssuedForASessionPassesForThatSession() {
    String sid = login(sessions, ALICE);

    String token = sessions.csrfToken(sid).orElseThrow();

    assertThat(sessions.checkCsrf(sid, token)).isTrue();
    assertThat(token).doesNotContain(sid);
  }

  @Test
  void everyIssueIsFreshAndAllStayValidForTheSession() {
    String sid = login(sessions, ALICE);

    String first = sessions.csrfToken(sid).orElseThrow();
    String second = sessions.csrfToken(sid).orElseThrow();

    assertThat(first).isNotEqualTo(second);
    assertThat(sessions.checkCsrf(sid, first)).isTrue();
    assertThat(sessions.checkCsrf(sid, second)).isTrue();
  }

  @Test
  void tokenOfAnotherSessionNeverPasses() {
    String alice = login(sessions, ALICE);
    String aliceOnAnotherDevice = login(sessions, ALICE);
    String bob = login(sessions, BOB);

    String bobsToken = sessions.csrfToken(bob).orElseThrow();

    assertThat(sessions.checkCsrf(alice, bobsToken)).isFalse();
    assertThat(sessions.checkCsrf(aliceOnAnotherDevice, sessions.csrfToken(alice).orElseThrow()))
        .isFalse();
  }

  @Test
  void tokenDiesWithItsSession() {
    String sid = login(sessions, ALICE);
    String token = sessions.csrfToken(sid).orElseThrow();

    sessions.logout(sid);

    assertThat(sessions.checkCsrf(sid, token)).isFalse();
    assertThat(sessions.csrfToken(sid)).isEmpty();
  }

  @Test
  void tokenDiesWhenTheSessionTimesOut() {
    String sid = login(sessions, ALICE);
    String token = sessions.csrfToken(sid).orElseThrow();

    clock.advance(Duration.ofMinutes(31));

    assertThat(sessions.checkCsrf(sid, token)).isFalse();
    assertThat(sessions.csrfToken(sid)).isEmpty();
  }

  @Test
  void tokenDiesWhenTheSessionIdRotates() {
    String sid = login(sessions, ALICE);
    String token = sessions.csrfToken(sid).orElseThrow();

    String rotated = sessions.rotate(sid).orElseThrow();

    assertThat(sessions.checkCsrf(rotated, token)).isFalse();
    assertThat(sessions.checkCsrf(rotated, sessions.csrfToken(rotated).orElseThrow())).isTrue();
  }

  @Test
  void unknownMalformedOrMissingInputIsRefusedNotThrown() {
    String sid = login(sessions, ALICE);
    String token = sessions.csrfToken(sid).orElseThrow();

    assertThat(sessions.csrfToken("not-a-session-id")).isEmpty();
    assertThat(sessions.csrfToken(null)).isEmpty();
    assertThat(sessions.checkCsrf(sid, null)).isFalse();
    assertThat(sessions.checkCsrf(sid, "")).isFalse();
    assertThat(sessions.checkCsrf(sid, token.substring(1))).isFalse();
    assertThat(sessions.checkCsrf(sid, token + "x")).isFalse();
    assertThat(sessions.checkCsrf(null, token)).isFalse();
    assertThat(sessions.checkCsrf("garbage", token)).isFalse();
    char last = token.charAt(token.length() - 1);
    String tampered = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
    assertThat(sessions.checkCsrf(sid, tampered)).isFalse();
  }

  @Test
  void nodesSharingTheKeyAcceptEachOthersTokensOthersDoNot() {
    SessionManager sameKey = manager(memory, key(1));
    SessionManager otherKey = manager(memory, key(2));
    SessionManager defaultKey = SessionManager.builder(memory).clock(clock).build();
    String sid = login(sessions, ALICE);
    String token = sessions.csrfToken(sid).orElseThrow();

    assertThat(sameKey.checkCsrf(sid, token)).isTrue();
    assertThat(otherKey.checkCsrf(sid, token)).isFalse();
    assertThat(defaultKey.checkCsrf(sid, token)).isFalse();
    assertThat(defaultKey.checkCsrf(sid, defaultKey.csrfToken(sid).orElseThrow())).isTrue();
  }

  @Test
  void forgedTokenCostsNoStoreRead() {
    ReadCounting counting = new ReadCounting(memory);
    SessionManager manager = manager(counting, key(1));
    String sid = login(manager, ALICE);
    int before = counting.reads.get();

    assertThat(manager.checkCsrf(sid, "A".repeat(22) + "." + "B".repeat(43))).isFalse();

    assertThat(counting.reads.get()).isEqualTo(before);
  }

  @Test
  void storeOutageIsThrownNotAnsweredAsAForgery() {
    ReadCounting flaky = new ReadCounting(memory);
    SessionManager manager = manager(flaky, key(1));
    String sid = login(manager, ALICE);
    String token = manager.csrfToken(sid).orElseThrow();

    flaky.down.set(true);

    assertThatThrownBy(() -> manager.checkCsrf(sid, token))
        .isInstanceOf(StoreUnavailableException.class);
    assertThatThrownBy(() -> manager.csrfToken(sid)).isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  void keyShorterThan32BytesIsRefusedAtBuild() {
    SessionManager.Builder builder = SessionManager.builder(memory);

    assertThatThrownBy(() -> builder.csrfKey(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32");
  }

  @Test
  void keyIsCopiedSoALaterChangeOfTheArrayChangesNothing() {
    byte[] key = key(7);
    SessionManager manager = manager(memory, key);
    String sid = login(manager, ALICE);
    String token = manager.csrfToken(sid).orElseThrow();

    Arrays.fill(key, (byte) 0);

    assertThat(manager.checkCsrf(sid, token)).isTrue();
    assertThat(manager(memory, key(7)).checkCsrf(sid, token)).isTrue();
  }

  /** Counts reads and can be switched to fail them, as an unreachable backend would. */
  private static final class ReadCounting implements SessionStore {
    final AtomicInteger reads = new AtomicInteger();
    final AtomicBoolean down = new AtomicBoolean();
    private final SessionStore delegate;

    ReadCounting(SessionStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public CreateResult create(SessionRecord session, int maxPerSubject, CapPolicy policy) {
      return delegate.create(session, maxPerSubject, policy);
    }

    @Override
    public Optional<SessionRecord> read(HashedId id, SessionTouch touch) {
      if (down.get()) {
        throw new StoreUnavailableException("read timed out");
      }
      reads.incrementAndGet();
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

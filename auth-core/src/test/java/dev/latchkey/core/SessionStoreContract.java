package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.core.spi.SessionStore.CapPolicy;
import dev.latchkey.core.spi.SessionStore.CreateResult;
import dev.latchkey.core.spi.SessionTouch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link SessionStore} keeps, run by each implementation's test as a subclass.
 * Uses only the SPI, so the in-memory and the Redis stores run the same checks.
 *
 * <p>Time: each test passes {@code now} explicitly and also moves the {@link TestClock} given to
 * {@link #createStore}, so a store may forget records by its own clock (in memory) or by the
 * backend's (Redis TTLs): either way a read at or after {@code retainUntil} must be empty. All
 * times are whole milliseconds (Redis keeps milliseconds).
 *
 * <p>Not covered here, because it is store-specific: what a store does with an entry it cannot
 * decode (the SPI only says it reads as empty).
 */
public abstract class SessionStoreContract {
  protected static final Duration IDLE = Duration.ofMinutes(30);
  protected static final Duration ABSOLUTE = Duration.ofHours(8);
  protected static final Duration NOTICE = Duration.ofMinutes(10);
  protected static final Duration RENEWAL = Duration.ofMinutes(1);

  protected TestClock clock;
  protected SessionStore store;
  private final List<ExecutorService> pools = new ArrayList<>();

  /**
   * A fresh, empty store whose own notion of time (if any) follows {@code clock}. Tests use fixed
   * subjects ({@code "alice"}, {@code "bob"}), so a store on a shared backend needs its own key
   * space per test, e.g. a unique key prefix.
   */
  protected abstract SessionStore createStore(TestClock clock);

  /** Releases what {@link #createStore} acquired; called after each test. */
  protected void afterEach() throws Exception {}

  @BeforeEach
  final void setUpContract() {
    clock = TestClock.atNow();
    store = createStore(clock);
  }

  @AfterEach
  final void tearDownContract() throws Exception {
    for (ExecutorService pool : pools) {
      pool.shutdownNow();
    }
    afterEach();
  }

  // --- helpers ------------------------------------------------------------------------------

  /** A hashed id owned by {@code subject}, as the manager would make it. */
  protected HashedId newId(String subject) {
    String raw = OpaqueIds.generateInShard(store.shardFor(subject));
    return new HashedId(shardOf(raw), OpaqueIds.hash(raw));
  }

  /** The shard tag at the end of a raw id. */
  protected static String shardOf(String raw) {
    return raw.substring(OpaqueIds.RANDOM_CHARS + 1);
  }

  /** A fresh session of {@code subject} created at {@code at}, with the contract's timeouts. */
  protected SessionRecord session(String subject, Instant at, Map<String, String> attrs) {
    Instant expiresAt = at.plus(IDLE);
    return new SessionRecord(
        newId(subject),
        Principal.of(subject, Set.of("user")),
        at,
        at,
        expiresAt,
        at.plus(ABSOLUTE),
        expiresAt.plus(NOTICE),
        attrs);
  }

  protected SessionRecord session(String subject) {
    return session(subject, clock.instant(), Map.of("ua", "test"));
  }

  protected static SessionTouch touchAt(Instant now) {
    return new SessionTouch(now, IDLE, RENEWAL, NOTICE);
  }

  protected SessionRecord created(SessionRecord record) {
    assertThat(store.create(record, 100, CapPolicy.REFUSE_NEW).created()).isTrue();
    return record;
  }

  private <T> List<T> runConcurrently(int threads, List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    pools.add(pool);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> task : tasks) {
      futures.add(
          pool.submit(
              () -> {
                start.await();
                return task.call();
              }));
    }
    start.countDown();
    List<T> results = new ArrayList<>();
    for (Future<T> f : futures) {
      results.add(f.get(60, TimeUnit.SECONDS));
    }
    return results;
  }

  // --- create and read ---------------------------------------------------------------------

  @Test
  void createdSessionReadsBackUnchanged() {
    SessionRecord s = created(session("alice"));

    Optional<SessionRecord> read = store.read(s.id(), touchAt(clock.instant()));

    assertThat(read).contains(s);
  }

  @Test
  void unknownIdReadsAsEmpty() {
    created(session("alice"));

    assertThat(store.read(newId("alice"), touchAt(clock.instant()))).isEmpty();
  }

  @Test
  void sessionIsFoundUnderItsIdParsedFromTheRawValue() {
    String raw = OpaqueIds.generateInShard(store.shardFor("alice"));
    HashedId stored = new HashedId(shardOf(raw), OpaqueIds.hash(raw));
    SessionRecord s = created(session("alice", clock.instant(), Map.of()).withId(stored));

    // The manager stores the id made at login and looks sessions up by the one a cookie parses to.
    assertThat(store.read(OpaqueIds.parse(raw).orElseThrow(), touchAt(clock.instant())))
        .contains(s);
  }

  @Test
  void theShardIsPartOfTheId() {
    SessionRecord s = created(session("alice"));
    String shard = s.id().shard();
    HashedId otherShard =
        new HashedId((shard.charAt(0) == 'A' ? 'B' : 'A') + shard.substring(1), s.id().hash());

    assertThat(store.read(otherShard, touchAt(clock.instant()))).isEmpty();
    assertThat(store.delete(otherShard)).isFalse();
    assertThat(store.read(s.id(), touchAt(clock.instant()))).contains(s);
  }

  @Test
  void shardTagsAreNoUnkeyedHashOfTheSubject() {
    UnkeyedHashes.assertTagsCarryNoUnkeyedHash(store::shardFor);
  }

  @Test
  void createReportsNothingEndedWhenUnderTheCap() {
    CreateResult result = store.create(session("alice"), 3, CapPolicy.END_OLDEST);

    assertThat(result.created()).isTrue();
    assertThat(result.ended()).isEmpty();
  }

  // --- touch ---------------------------------------------------------------------------------

  @Test
  void readAfterTheRenewalIntervalRenewsAndStoresTheRenewal() {
    SessionRecord s = created(session("alice"));
    clock.advance(RENEWAL.plusSeconds(1));
    Instant now = clock.instant();

    SessionRecord renewed = store.read(s.id(), touchAt(now)).orElseThrow();

    assertThat(renewed.lastSeenAt()).isEqualTo(now);
    assertThat(renewed.expiresAt()).isEqualTo(now.plus(IDLE));
    assertThat(renewed.retainUntil()).isEqualTo(now.plus(IDLE).plus(NOTICE));
    assertThat(renewed.attributes()).isEqualTo(s.attributes());
    SessionRecord neverRenewing =
        store.read(s.id(), new SessionTouch(now, IDLE, ABSOLUTE, NOTICE)).orElseThrow();
    assertThat(neverRenewing).isEqualTo(renewed);
  }

  @Test
  void concurrentReadsDueForRenewalAllSeeOneRenewal() throws Exception {
    SessionRecord s = created(session("alice"));
    clock.advance(RENEWAL.plusSeconds(1));
    Instant now = clock.instant();
    List<Callable<SessionRecord>> tasks = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      tasks.add(() -> store.read(s.id(), touchAt(now)).orElseThrow());
    }

    List<SessionRecord> reads = runConcurrently(8, tasks);

    for (SessionRecord r : reads) {
      assertThat(r.lastSeenAt()).isEqualTo(now);
      assertThat(r.expiresAt()).isEqualTo(now.plus(IDLE));
      assertThat(r.attributes()).isEqualTo(s.attributes());
    }
  }

  @Test
  void aReadDueForRenewalAfterADeleteDoesNotBringTheSessionBack() {
    SessionRecord s = created(session("alice"));
    assertThat(store.delete(s.id())).isTrue();
    clock.advance(RENEWAL.plusSeconds(1));

    assertThat(store.read(s.id(), touchAt(clock.instant()))).isEmpty();
    assertThat(store.listBySubject("alice", clock.instant())).isEmpty();
  }

  @Test
  void aReadDueForRenewalOfAnExpiredSessionDoesNotRenewIt() {
    SessionRecord s = created(session("alice"));
    clock.advance(IDLE.plusSeconds(1));

    SessionRecord read = store.read(s.id(), touchAt(clock.instant())).orElseThrow();

    assertThat(read.expiresAt()).isEqualTo(s.expiresAt());
    assertThat(read.isLiveAt(clock.instant())).isFalse();
  }

  @Test
  void readWithinTheRenewalIntervalWritesNothing() {
    SessionRecord s = created(session("alice"));
    clock.advance(RENEWAL.minusSeconds(1));

    SessionRecord read = store.read(s.id(), touchAt(clock.instant())).orElseThrow();

    assertThat(read).isEqualTo(s);
    clock.advance(Duration.ofSeconds(2));
    // A later read past the interval (measured from the original lastSeenAt) still sees the
    // original record: the first read did not move lastSeenAt.
    SessionRecord later =
        store.read(s.id(), new SessionTouch(clock.instant(), IDLE, ABSOLUTE, NOTICE)).orElseThrow();
    assertThat(later.lastSeenAt()).isEqualTo(s.lastSeenAt());
  }

  @Test
  void renewalNeverPassesTheAbsoluteTimeout() {
    Instant at = clock.instant();
    Instant absolute = at.plus(Duration.ofMinutes(40));
    SessionRecord s =
        new SessionRecord(
            newId("alice"),
            Principal.of("alice"),
            at,
            at,
            at.plus(IDLE),
            absolute,
            at.plus(IDLE).plus(NOTICE),
            Map.of());
    created(s);
    clock.advance(Duration.ofMinutes(20));

    SessionRecord renewed = store.read(s.id(), touchAt(clock.instant())).orElseThrow();

    assertThat(renewed.expiresAt()).isEqualTo(absolute);
    assertThat(renewed.retainUntil()).isEqualTo(absolute.plus(NOTICE));
  }

  @Test
  void deadSessionIsReadButNotRenewedUntilRetainUntil() {
    SessionRecord s = created(session("alice"));
    clock.advance(IDLE.plusMinutes(1));
    Instant now = clock.instant();

    SessionRecord read = store.read(s.id(), touchAt(now)).orElseThrow();

    assertThat(read).isEqualTo(s);
    assertThat(read.isLiveAt(now)).isFalse();
  }

  @Test
  void sessionIsForgottenAtRetainUntil() {
    SessionRecord s = created(session("alice"));
    clock.set(s.retainUntil());

    assertThat(store.read(s.id(), touchAt(s.retainUntil()))).isEmpty();
    assertThat(store.read(s.id(), touchAt(s.retainUntil().plusSeconds(60)))).isEmpty();
  }

  @Test
  void readAtRetainUntilIsEmptyEvenBeforeTheBackendForgets() {
    // The clock that drives the backend's own expiry is not moved: the store must still honour
    // the `now` it is given.
    SessionRecord s = created(session("alice"));

    assertThat(store.read(s.id(), touchAt(s.retainUntil()))).isEmpty();
    assertThat(store.read(s.id(), touchAt(s.retainUntil().minusMillis(1)))).contains(s);
  }

  @Test
  void renewalMovesRetainUntil() {
    SessionRecord s = created(session("alice"));
    clock.advance(IDLE.minusMinutes(1));
    SessionRecord renewed = store.read(s.id(), touchAt(clock.instant())).orElseThrow();
    clock.set(s.retainUntil().plusSeconds(1));

    Optional<SessionRecord> read =
        store.read(s.id(), new SessionTouch(clock.instant(), IDLE, ABSOLUTE, NOTICE));

    assertThat(read).contains(renewed);
  }

  // --- attributes ----------------------------------------------------------------------------

  @Test
  void setAttributeChangesOneAttributeAndKeepsTheOthers() {
    SessionRecord s = created(session("alice", clock.instant(), Map.of("ua", "a", "ip", "1")));

    assertThat(store.setAttribute(s.id(), "ip", "2", clock.instant())).isTrue();
    assertThat(store.setAttribute(s.id(), "level", "mfa", clock.instant())).isTrue();

    SessionRecord read = store.read(s.id(), touchAt(clock.instant())).orElseThrow();
    assertThat(read.attributes()).isEqualTo(Map.of("ua", "a", "ip", "2", "level", "mfa"));
    assertThat(read.expiresAt()).isEqualTo(s.expiresAt());
  }

  @Test
  void setAttributeToNullRemovesIt() {
    SessionRecord s = created(session("alice", clock.instant(), Map.of("ua", "a", "ip", "1")));

    assertThat(store.setAttribute(s.id(), "ip", null, clock.instant())).isTrue();

    assertThat(store.read(s.id(), touchAt(clock.instant())).orElseThrow().attributes())
        .isEqualTo(Map.of("ua", "a"));
  }

  @Test
  void setAttributeOfUnknownOrDeadSessionIsRefused() {
    SessionRecord s = created(session("alice"));

    assertThat(store.setAttribute(newId("alice"), "x", "1", clock.instant())).isFalse();
    clock.advance(IDLE);
    assertThat(store.setAttribute(s.id(), "x", "1", clock.instant())).isFalse();
    assertThat(store.read(s.id(), touchAt(clock.instant())).orElseThrow().attributes())
        .doesNotContainKey("x");
  }

  @Test
  void concurrentWritersOfDifferentAttributesAllKeepTheirWrites() throws Exception {
    SessionRecord s = created(session("alice", clock.instant(), Map.of()));
    int writers = 8;
    int perWriter = 25;
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      tasks.add(
          () -> {
            for (int i = 0; i < perWriter; i++) {
              assertThat(store.setAttribute(s.id(), "w" + writer + "-" + i, "v", clock.instant()))
                  .isTrue();
            }
            return null;
          });
    }

    runConcurrently(writers, tasks);

    Map<String, String> attributes =
        store.read(s.id(), touchAt(clock.instant())).orElseThrow().attributes();
    assertThat(attributes).hasSize(writers * perWriter);
  }

  // --- changeId ------------------------------------------------------------------------------

  @Test
  void changeIdMovesTheSessionAndKillsTheOldId() {
    SessionRecord s = created(session("alice"));
    store.setAttribute(s.id(), "level", "mfa", clock.instant());
    HashedId to = newId("alice");

    assertThat(store.changeId(s.id(), to, clock.instant())).isTrue();

    assertThat(store.read(s.id(), touchAt(clock.instant()))).isEmpty();
    SessionRecord moved = store.read(to, touchAt(clock.instant())).orElseThrow();
    assertThat(moved.id()).isEqualTo(to);
    assertThat(moved.principal()).isEqualTo(s.principal());
    assertThat(moved.createdAt()).isEqualTo(s.createdAt());
    assertThat(moved.absoluteExpiresAt()).isEqualTo(s.absoluteExpiresAt());
    assertThat(moved.attributes()).containsEntry("level", "mfa");
    assertThat(store.listBySubject("alice", clock.instant()))
        .extracting(SessionRecord::id)
        .containsExactly(to);
  }

  @Test
  void changeIdOfUnknownOrDeadSessionIsRefused() {
    SessionRecord s = created(session("alice"));

    assertThat(store.changeId(newId("alice"), newId("alice"), clock.instant())).isFalse();
    clock.advance(IDLE);
    HashedId to = newId("alice");
    assertThat(store.changeId(s.id(), to, clock.instant())).isFalse();
    assertThat(store.read(to, touchAt(clock.instant()))).isEmpty();
  }

  // --- delete ------------------------------------------------------------------------------

  @Test
  void deleteEndsTheSessionAtOnce() {
    SessionRecord s = created(session("alice"));
    SessionRecord other = created(session("alice"));

    assertThat(store.delete(s.id())).isTrue();

    assertThat(store.read(s.id(), touchAt(clock.instant()))).isEmpty();
    assertThat(store.delete(s.id())).isFalse();
    assertThat(store.listBySubject("alice", clock.instant()))
        .extracting(SessionRecord::id)
        .containsExactly(other.id());
  }

  @Test
  void deleteOfUnknownIdIsFalse() {
    assertThat(store.delete(newId("alice"))).isFalse();
  }

  // --- by subject ----------------------------------------------------------------------------

  @Test
  void listBySubjectGivesLiveSessionsOfThatSubjectOldestFirst() {
    SessionRecord first = created(session("alice"));
    clock.advance(Duration.ofSeconds(1));
    SessionRecord second = created(session("alice"));
    clock.advance(Duration.ofSeconds(1));
    SessionRecord third = created(session("alice"));
    created(session("bob"));

    assertThat(store.listBySubject("alice", clock.instant()))
        .extracting(SessionRecord::id)
        .containsExactly(first.id(), second.id(), third.id());
    assertThat(store.listBySubject("carol", clock.instant())).isEmpty();
  }

  @Test
  void listBySubjectLeavesOutDeadSessions() {
    SessionRecord old = created(session("alice"));
    clock.advance(IDLE.minusMinutes(1));
    SessionRecord young = created(session("alice"));
    clock.advance(Duration.ofMinutes(2));

    assertThat(store.listBySubject("alice", clock.instant()))
        .extracting(SessionRecord::id)
        .containsExactly(young.id())
        .doesNotContain(old.id());
  }

  @Test
  void deleteBySubjectEndsEverySessionOfThatSubjectOnly() {
    SessionRecord a1 = created(session("alice"));
    SessionRecord a2 = created(session("alice"));
    SessionRecord b = created(session("bob"));

    assertThat(store.deleteBySubject("alice")).isEqualTo(2);

    assertThat(store.read(a1.id(), touchAt(clock.instant()))).isEmpty();
    assertThat(store.read(a2.id(), touchAt(clock.instant()))).isEmpty();
    assertThat(store.listBySubject("alice", clock.instant())).isEmpty();
    assertThat(store.read(b.id(), touchAt(clock.instant()))).isPresent();
    assertThat(store.deleteBySubject("alice")).isZero();
  }

  // --- cap -----------------------------------------------------------------------------------

  @Test
  void capRefuseNewKeepsTheExistingSessions() {
    SessionRecord a1 = session("alice");
    assertThat(store.create(a1, 2, CapPolicy.REFUSE_NEW).created()).isTrue();
    clock.advance(Duration.ofSeconds(1));
    SessionRecord a2 = session("alice");
    assertThat(store.create(a2, 2, CapPolicy.REFUSE_NEW).created()).isTrue();
    SessionRecord a3 = session("alice");

    CreateResult third = store.create(a3, 2, CapPolicy.REFUSE_NEW);

    assertThat(third.created()).isFalse();
    assertThat(third.ended()).isEmpty();
    assertThat(store.read(a3.id(), touchAt(clock.instant()))).isEmpty();
    assertThat(store.listBySubject("alice", clock.instant()))
        .extracting(SessionRecord::id)
        .containsExactly(a1.id(), a2.id());
  }

  @Test
  void capEndOldestEndsTheEarliestCreatedSession() {
    SessionRecord a1 = session("alice");
    assertThat(store.create(a1, 2, CapPolicy.END_OLDEST).created()).isTrue();
    clock.advance(Duration.ofSeconds(1));
    SessionRecord a2 = session("alice");
    assertThat(store.create(a2, 2, CapPolicy.END_OLDEST).created()).isTrue();
    clock.advance(Duration.ofSeconds(1));
    SessionRecord a3 = session("alice");

    CreateResult third = store.create(a3, 2, CapPolicy.END_OLDEST);

    assertThat(third.created()).isTrue();
    assertThat(third.ended()).containsExactly(a1.id());
    assertThat(store.read(a1.id(), touchAt(clock.instant()))).isEmpty();
    assertThat(store.listBySubject("alice", clock.instant()))
        .extracting(SessionRecord::id)
        .containsExactly(a2.id(), a3.id());
  }

  @Test
  void capCountsOnlyLiveSessions() {
    SessionRecord old = session("alice");
    assertThat(store.create(old, 1, CapPolicy.REFUSE_NEW).created()).isTrue();
    clock.advance(IDLE.plusMinutes(1));

    CreateResult next = store.create(session("alice"), 1, CapPolicy.REFUSE_NEW);

    assertThat(next.created()).isTrue();
    assertThat(next.ended()).isEmpty();
  }

  @Test
  void capIsPerSubject() {
    assertThat(store.create(session("alice"), 1, CapPolicy.REFUSE_NEW).created()).isTrue();

    assertThat(store.create(session("bob"), 1, CapPolicy.REFUSE_NEW).created()).isTrue();
  }

  @Test
  void capBelowOneIsAProgrammerError() {
    assertThatThrownBy(() -> store.create(session("alice"), 0, CapPolicy.REFUSE_NEW))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrentCreatesAtTheCapNeverExceedItWithRefuseNew() throws Exception {
    int cap = 3;
    List<Callable<Boolean>> tasks = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      tasks.add(() -> store.create(session("alice"), cap, CapPolicy.REFUSE_NEW).created());
    }

    List<Boolean> results = runConcurrently(8, tasks);

    assertThat(results).filteredOn(created -> created).hasSize(cap);
    assertThat(store.listBySubject("alice", clock.instant())).hasSize(cap);
  }

  @Test
  void concurrentCreatesAtTheCapNeverExceedItWithEndOldest() throws Exception {
    int cap = 3;
    AtomicInteger ended = new AtomicInteger();
    List<Callable<Boolean>> tasks = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      tasks.add(
          () -> {
            CreateResult r = store.create(session("alice"), cap, CapPolicy.END_OLDEST);
            ended.addAndGet(r.ended().size());
            return r.created();
          });
    }

    List<Boolean> results = runConcurrently(8, tasks);

    assertThat(results).containsOnly(true);
    assertThat(store.listBySubject("alice", clock.instant())).hasSize(cap);
    assertThat(ended.get()).isEqualTo(40 - cap);
  }
}

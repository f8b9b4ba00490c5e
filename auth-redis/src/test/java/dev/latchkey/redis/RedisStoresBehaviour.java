package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.Assurance.Level;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.LoginThrottle;
import dev.latchkey.core.LoginThrottle.Reservation;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.ThrottlePolicy;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.RefreshRecord;
import dev.latchkey.core.spi.RefreshTokenStore;
import dev.latchkey.core.spi.RefreshTokenStore.Rotation;
import dev.latchkey.core.spi.RevocationList;
import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.core.spi.SessionStore.CapPolicy;
import dev.latchkey.core.spi.SessionTouch;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.session.SessionManager;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.RefreshTokens;
import dev.latchkey.token.SigningAlgorithm;
import dev.latchkey.token.SigningKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * What every Redis store must do, on any topology: subclasses give a client on a standalone server
 * or a Cluster. Two {@link RedisStores} on one client stand for two application nodes.
 */
abstract class RedisStoresBehaviour {
  static final Duration IDLE = Duration.ofMinutes(30);
  static final Duration NOTICE = Duration.ofMinutes(5);
  static final Duration ABSOLUTE = Duration.ofHours(8);

  /** The written bound for a revocation to reach another node, with a margin for a busy CI box. */
  static final Duration PROPAGATION_BOUND = Duration.ofSeconds(2);

  protected TestClock clock;
  protected UnifiedJedis client;
  protected RedisStores nodeA;
  protected RedisStores nodeB;
  protected String prefix;

  /** A new client on the topology under test. */
  protected abstract UnifiedJedis newClient();

  @BeforeEach
  void setUpNodes() {
    clock = TestClock.atNow();
    client = newClient();
    prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ":";
    nodeA = stores();
    nodeB = stores();
  }

  @AfterEach
  void tearDownNodes() {
    nodeA.close();
    nodeB.close();
    client.close();
  }

  protected RedisStores stores() {
    return RedisStores.builder(client)
        .keyPrefix(prefix)
        .clock(clock)
        .revocationHeartbeat(Duration.ofMillis(100))
        .build();
  }

  static String subject() {
    return "user-" + UUID.randomUUID();
  }

  /** Where the stores place {@code subject}'s keys, as a third node reading the same key. */
  Placement.Subject place(String subject) {
    return new Placement(new RedisCalls(client), new Keys(prefix)).of(subject);
  }

  /** A new id for {@code subject}'s records, with the tag the stores place it by. */
  HashedId newId(String subject) {
    return OpaqueIds.parse(OpaqueIds.generateInShard(nodeA.sessionStore().shardFor(subject)))
        .orElseThrow();
  }

  SessionRecord session(String subject) {
    Instant now = clock.instant();
    return new SessionRecord(
        newId(subject),
        new Principal(subject, Set.of("user"), Map.of("tenant", "t1")),
        now,
        now,
        now.plus(IDLE),
        now.plus(ABSOLUTE),
        now.plus(IDLE).plus(NOTICE),
        Map.of("ua", "test"));
  }

  SessionTouch touch(Duration minInterval) {
    return new SessionTouch(clock.instant(), IDLE, minInterval, NOTICE);
  }

  // ---- sessions

  @Test
  void createdSessionReadsBackWithEveryField() {
    SessionStore store = nodeA.sessionStore();
    SessionRecord s = session(subject());
    assertThat(store.create(s, 3, CapPolicy.REFUSE_NEW).created()).isTrue();
    assertThat(store.read(s.id(), touch(Duration.ofMinutes(1)))).contains(s);
  }

  @Test
  void readRenewsOnlyOnceMinIntervalHasPassed() {
    SessionStore store = nodeA.sessionStore();
    SessionRecord s = session(subject());
    store.create(s, 3, CapPolicy.REFUSE_NEW);
    clock.advance(Duration.ofSeconds(30));
    assertThat(store.read(s.id(), touch(Duration.ofMinutes(1))).orElseThrow()).isEqualTo(s);
    clock.advance(Duration.ofSeconds(31));
    SessionRecord renewed = store.read(s.id(), touch(Duration.ofMinutes(1))).orElseThrow();
    assertThat(renewed.lastSeenAt()).isEqualTo(clock.instant());
    assertThat(renewed.expiresAt()).isEqualTo(clock.instant().plus(IDLE));
    assertThat(renewed.retainUntil()).isEqualTo(clock.instant().plus(IDLE).plus(NOTICE));
    assertThat(store.read(s.id(), touch(Duration.ofMinutes(1)))).contains(renewed);
  }

  @Test
  void touchThatMustNeverRenewReadsWithoutWriting() {
    SessionStore store = nodeA.sessionStore();
    SessionRecord s = session(subject());
    store.create(s, 3, CapPolicy.REFUSE_NEW);
    clock.advance(Duration.ofMinutes(10));
    Duration never = Duration.ofSeconds(Long.MAX_VALUE);
    assertThat(store.read(s.id(), new SessionTouch(clock.instant(), IDLE, never, NOTICE)))
        .contains(s);
  }

  // ---- a check reads with GET, then renews with a script: what may happen in between

  /** {@code s} as node A read it, due for renewal, before anything else happens. */
  private SessionRecord readDueForRenewal(SessionRecord s) {
    clock.advance(Duration.ofMinutes(2));
    return s;
  }

  private RedisSessionStore storeA() {
    return (RedisSessionStore) nodeA.sessionStore();
  }

  @Test
  void logoutBetweenTheReadAndTheRenewalIsNotUndone() {
    SessionRecord s = session(subject());
    storeA().create(s, 3, CapPolicy.REFUSE_NEW);
    SessionRecord read = readDueForRenewal(s);
    assertThat(nodeB.sessionStore().delete(s.id())).isTrue();

    assertThat(storeA().renew(read.id(), touch(Duration.ofMinutes(1)))).isEmpty();
    assertThat(client.exists(new Keys(prefix).session(s.id()))).isFalse();
    assertThat(nodeA.sessionStore().listBySubject(s.principal().subject(), clock.instant()))
        .isEmpty();
  }

  @Test
  void rotationBetweenTheReadAndTheRenewalLeavesTheOldIdDead() {
    String subject = subject();
    SessionRecord s = session(subject);
    storeA().create(s, 3, CapPolicy.REFUSE_NEW);
    SessionRecord read = readDueForRenewal(s);
    HashedId rotated = new HashedId(s.id().shard(), newId(subject).hash());
    assertThat(nodeB.sessionStore().changeId(s.id(), rotated, clock.instant())).isTrue();

    assertThat(storeA().renew(read.id(), touch(Duration.ofMinutes(1)))).isEmpty();
    assertThat(nodeA.sessionStore().read(s.id(), touch(Duration.ofMinutes(1)))).isEmpty();
    assertThat(nodeA.sessionStore().read(rotated, touch(Duration.ofMinutes(1)))).isPresent();
  }

  @Test
  void expiryPastItsNoticeBetweenTheReadAndTheRenewalIsNotUndone() {
    SessionRecord s = session(subject());
    storeA().create(s, 3, CapPolicy.REFUSE_NEW);
    SessionRecord read = s;
    // The renewal arrives after retainUntil by the renewing node's clock.
    clock.advance(IDLE.plus(NOTICE));
    assertThat(storeA().renew(read.id(), touch(Duration.ofMinutes(1)))).isEmpty();
  }

  @Test
  void checkThatThisNodeKnowsIsDueStillRefusesASessionLoggedOutElsewhere() {
    SessionRecord s = session(subject());
    nodeA.sessionStore().create(s, 3, CapPolicy.REFUSE_NEW);
    assertThat(nodeA.sessionStore().read(s.id(), touch(Duration.ofMinutes(1)))).contains(s);
    clock.advance(Duration.ofMinutes(2));
    assertThat(nodeB.sessionStore().delete(s.id())).isTrue();
    // Node A's last read says a renewal is due: it runs the renewing script alone, which finds
    // the session gone and writes nothing back.
    assertThat(nodeA.sessionStore().read(s.id(), touch(Duration.ofMinutes(1)))).isEmpty();
    assertThat(client.exists(new Keys(prefix).session(s.id()))).isFalse();
    assertThat(nodeA.sessionStore().listBySubject(s.principal().subject(), clock.instant()))
        .isEmpty();
  }

  @Test
  void twoNodesRenewingAtOnceWriteOneRenewalAndBothSeeIt() {
    SessionRecord s = session(subject());
    storeA().create(s, 3, CapPolicy.REFUSE_NEW);
    SessionRecord read = readDueForRenewal(s);
    SessionTouch t = touch(Duration.ofMinutes(1));
    SessionRecord first = storeA().renew(read.id(), t).orElseThrow();
    // Node B read the same old record; a moment later by its clock its renewal is no longer due.
    clock.advance(Duration.ofSeconds(1));
    SessionRecord second =
        ((RedisSessionStore) nodeB.sessionStore())
            .renew(read.id(), touch(Duration.ofMinutes(1)))
            .orElseThrow();
    assertThat(second).isEqualTo(first);
    assertThat(first.lastSeenAt()).isEqualTo(t.now());
  }

  @Test
  void aNodeWhoseClockIsBehindNeverShortensAnotherNodesRenewal() {
    SessionRecord s = session(subject());
    storeA().create(s, 3, CapPolicy.REFUSE_NEW);
    clock.advance(Duration.ofMinutes(10));
    SessionRecord renewed = storeA().renew(s.id(), touch(Duration.ofMinutes(1))).orElseThrow();
    // Node B runs 30 s behind (within a skew of a minute) and read the record before A renewed.
    SessionTouch behind =
        new SessionTouch(clock.instant().minusSeconds(30), IDLE, Duration.ofMinutes(1), NOTICE);
    assertThat(((RedisSessionStore) nodeB.sessionStore()).renew(s.id(), behind)).contains(renewed);
    assertThat(nodeA.sessionStore().read(s.id(), touch(Duration.ofMinutes(1)))).contains(renewed);
  }

  @Test
  void concurrentChecksDueForRenewalAllSeeTheSessionAndOneRenewal() throws Exception {
    SessionRecord s = session(subject());
    storeA().create(s, 3, CapPolicy.REFUSE_NEW);
    clock.advance(Duration.ofMinutes(2));
    int threads = 8;
    CyclicBarrier barrier = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Optional<SessionRecord>>> reads = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        SessionStore node = i % 2 == 0 ? nodeA.sessionStore() : nodeB.sessionStore();
        reads.add(
            pool.submit(
                () -> {
                  barrier.await(10, TimeUnit.SECONDS);
                  return node.read(s.id(), touch(Duration.ofMinutes(1)));
                }));
      }
      for (Future<Optional<SessionRecord>> r : reads) {
        SessionRecord got = r.get(10, TimeUnit.SECONDS).orElseThrow();
        assertThat(got.lastSeenAt()).isEqualTo(clock.instant());
        assertThat(got.expiresAt()).isEqualTo(clock.instant().plus(IDLE));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The session's key and its subject's index: remaining ms by Redis's clock. */
  private long[] ttls(SessionRecord s) {
    Keys keys = new Keys(prefix);
    return new long[] {
      client.pttl(keys.session(s.id())),
      client.pttl(keys.sessionIndex(place(s.principal().subject())))
    };
  }

  private static void assertExpiresIn(long pttl, Duration expected) {
    // Redis's own clock runs on while the test does: a margin for a slow CI box.
    assertThat(pttl).isBetween(expected.toMillis() - 5_000, expected.toMillis());
  }

  @Test
  void renewalMovesTheKeysExpiryWithinTheIndexsWhichItNeverWrites() {
    SessionStore store = nodeA.sessionStore();
    SessionRecord s = session(subject());
    store.create(s, 3, CapPolicy.REFUSE_NEW);
    clock.advance(Duration.ofMinutes(10));
    Duration longerIdle = Duration.ofHours(1);

    SessionRecord renewed =
        store
            .read(s.id(), new SessionTouch(clock.instant(), longerIdle, Duration.ZERO, NOTICE))
            .orElseThrow();

    assertThat(renewed.retainUntil()).isEqualTo(clock.instant().plus(longerIdle).plus(NOTICE));
    long[] ttls = ttls(s);
    assertExpiresIn(ttls[0], longerIdle.plus(NOTICE));
    // Set at the login to the latest retainUntil any renewal can reach: absolute end + notice.
    assertExpiresIn(ttls[1], ABSOLUTE.plus(NOTICE));
    assertThat(store.read(s.id(), touch(Duration.ofMinutes(1)))).contains(renewed);
  }

  @Test
  void indexOutlivesEveryRenewalOfItsSessions() {
    SessionStore store = nodeA.sessionStore();
    String subject = subject();
    SessionRecord longer = session(subject);
    SessionRecord shorter = session(subject);
    store.create(longer, 3, CapPolicy.REFUSE_NEW);
    store.create(shorter, 3, CapPolicy.REFUSE_NEW);
    for (Duration idle : List.of(Duration.ofHours(2), Duration.ofHours(7), Duration.ofDays(2))) {
      clock.advance(Duration.ofMinutes(1));
      store.read(longer.id(), new SessionTouch(clock.instant(), idle, Duration.ZERO, NOTICE));
      assertThat(store.read(shorter.id(), touch(Duration.ZERO))).isPresent();
      long[] ttls = ttls(longer);
      assertThat(ttls[1]).isGreaterThanOrEqualTo(ttls[0]);
      assertThat(ttls[1]).isGreaterThanOrEqualTo(ttls(shorter)[0]);
    }
    assertThat(store.listBySubject(subject, clock.instant())).hasSize(2);
  }

  @Test
  void loginThatEndsSoonerNeverShortensItsIndexAndOneThatEndsLaterExtendsIt() {
    SessionStore store = nodeA.sessionStore();
    String subject = subject();
    SessionRecord longer = endingAt(session(subject), Duration.ofHours(10));
    store.create(longer, 5, CapPolicy.END_OLDEST);
    SessionRecord shorter = session(subject);
    store.create(shorter, 5, CapPolicy.END_OLDEST);
    assertExpiresIn(ttls(shorter)[0], IDLE.plus(NOTICE));
    assertExpiresIn(ttls(shorter)[1], Duration.ofHours(10).plus(NOTICE));
    SessionRecord later = endingAt(session(subject), Duration.ofHours(12));
    store.create(later, 5, CapPolicy.END_OLDEST);
    assertExpiresIn(ttls(later)[1], Duration.ofHours(12).plus(NOTICE));
    assertThat(store.listBySubject(subject, clock.instant())).contains(longer, shorter, later);
  }

  /** {@code s} with its absolute end {@code after} its creation. */
  private static SessionRecord endingAt(SessionRecord s, Duration after) {
    return new SessionRecord(
        s.id(),
        s.principal(),
        s.createdAt(),
        s.lastSeenAt(),
        s.expiresAt(),
        s.createdAt().plus(after),
        s.retainUntil(),
        s.attributes());
  }

  @Test
  void renewalCappedByTheAbsoluteTimeoutKeepsTheKeyUntilThatRetainUntil() {
    SessionStore store = nodeA.sessionStore();
    Instant at = clock.instant();
    Instant absolute = at.plus(Duration.ofMinutes(10));
    SessionRecord s = session(subject());
    s =
        new SessionRecord(
            s.id(),
            s.principal(),
            at,
            at,
            absolute,
            absolute,
            absolute.plus(NOTICE),
            s.attributes());
    store.create(s, 3, CapPolicy.REFUSE_NEW);
    clock.advance(Duration.ofMinutes(4));

    SessionRecord renewed = store.read(s.id(), touch(Duration.ZERO)).orElseThrow();

    assertThat(renewed.lastSeenAt()).isEqualTo(clock.instant());
    assertThat(renewed.expiresAt()).isEqualTo(absolute);
    assertThat(renewed.retainUntil()).isEqualTo(absolute.plus(NOTICE));
    long[] ttls = ttls(s);
    assertExpiresIn(ttls[0], Duration.ofMinutes(6).plus(NOTICE));
    // Set at the login (Redis's clock has not moved since) to the absolute end + notice.
    assertExpiresIn(ttls[1], Duration.ofMinutes(10).plus(NOTICE));
    assertThat(store.read(s.id(), touch(Duration.ofMinutes(1)))).contains(renewed);
  }

  @Test
  void renewalWithAnIdleTimeoutOfNeverStopsAtTheAbsoluteTimeout() {
    SessionStore store = nodeA.sessionStore();
    SessionRecord s = session(subject());
    store.create(s, 3, CapPolicy.REFUSE_NEW);
    clock.advance(Duration.ofMinutes(1));
    Duration never = Duration.ofSeconds(Long.MAX_VALUE);

    SessionRecord renewed =
        store
            .read(s.id(), new SessionTouch(clock.instant(), never, Duration.ZERO, NOTICE))
            .orElseThrow();

    assertThat(renewed.expiresAt()).isEqualTo(s.absoluteExpiresAt());
    assertThat(renewed.lastSeenAt()).isEqualTo(clock.instant());
    assertExpiresIn(ttls(s)[0], Duration.between(clock.instant(), renewed.retainUntil()));
  }

  @Test
  void renewalThatLeavesNoTimeForgetsTheSessionAndItsIndex() {
    SessionStore store = nodeA.sessionStore();
    SessionRecord s = session(subject());
    store.create(s, 3, CapPolicy.REFUSE_NEW);
    clock.advance(Duration.ofMinutes(1));
    SessionTouch noTime =
        new SessionTouch(clock.instant(), Duration.ZERO, Duration.ZERO, Duration.ZERO);

    assertThat(store.read(s.id(), noTime)).isEmpty();

    Keys keys = new Keys(prefix);
    assertThat(client.exists(keys.session(s.id()))).isFalse();
    assertThat(client.exists(keys.sessionIndex(place(s.principal().subject())))).isFalse();
  }

  @Test
  void deadSessionIsKnownUntilRetainUntilThenGone() {
    SessionStore store = nodeA.sessionStore();
    SessionRecord s = session(subject());
    store.create(s, 3, CapPolicy.REFUSE_NEW);
    clock.advance(IDLE.plusSeconds(1));
    Optional<SessionRecord> dead = store.read(s.id(), touch(Duration.ZERO));
    assertThat(dead).contains(s);
    assertThat(dead.orElseThrow().isLiveAt(clock.instant())).isFalse();
    clock.advance(NOTICE);
    assertThat(store.read(s.id(), touch(Duration.ZERO))).isEmpty();
  }

  @Test
  void refuseNewAtTheCapKeepsExistingSessions() {
    SessionStore store = nodeA.sessionStore();
    String subject = subject();
    SessionRecord first = session(subject);
    clock.advance(Duration.ofMillis(1));
    SessionRecord second = session(subject);
    store.create(first, 2, CapPolicy.REFUSE_NEW);
    store.create(second, 2, CapPolicy.REFUSE_NEW);
    clock.advance(Duration.ofMillis(1));
    SessionRecord third = session(subject);
    assertThat(store.create(third, 2, CapPolicy.REFUSE_NEW).created()).isFalse();
    assertThat(store.listBySubject(subject, clock.instant())).containsExactly(first, second);
  }

  @Test
  void endOldestEndsTheEarliestCreatedSession() {
    SessionStore store = nodeA.sessionStore();
    String subject = subject();
    SessionRecord first = session(subject);
    clock.advance(Duration.ofMillis(1));
    SessionRecord second = session(subject);
    store.create(second, 2, CapPolicy.END_OLDEST);
    store.create(first, 2, CapPolicy.END_OLDEST);
    clock.advance(Duration.ofMillis(1));
    SessionRecord third = session(subject);
    SessionStore.CreateResult result = store.create(third, 2, CapPolicy.END_OLDEST);
    assertThat(result.created()).isTrue();
    assertThat(result.ended()).containsExactly(first.id());
    assertThat(store.read(first.id(), touch(Duration.ofMinutes(1)))).isEmpty();
    assertThat(store.listBySubject(subject, clock.instant())).containsExactly(second, third);
  }

  @Test
  void expiredSessionsDoNotCountTowardTheCap() {
    SessionStore store = nodeA.sessionStore();
    String subject = subject();
    store.create(session(subject), 1, CapPolicy.REFUSE_NEW);
    clock.advance(IDLE.plusSeconds(1));
    assertThat(store.create(session(subject), 1, CapPolicy.REFUSE_NEW).created()).isTrue();
  }

  @Test
  void concurrentLoginsAtTheCapLetExactlyOneIn() throws Exception {
    String subject = subject();
    SessionStore a = nodeA.sessionStore();
    SessionStore b = nodeB.sessionStore();
    int racers = 8;
    List<Callable<Boolean>> logins = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    for (int i = 0; i < racers; i++) {
      SessionStore store = i % 2 == 0 ? a : b;
      SessionRecord s = session(subject);
      logins.add(
          () -> {
            go.await();
            return store.create(s, 1, CapPolicy.REFUSE_NEW).created();
          });
    }
    assertThat(race(logins, go)).containsOnlyOnce(true);
    assertThat(a.listBySubject(subject, clock.instant())).hasSize(1);
  }

  @Test
  void attributesWrittenByTwoNodesAreBothKept() {
    SessionRecord s = session(subject());
    nodeA.sessionStore().create(s, 3, CapPolicy.REFUSE_NEW);
    assertThat(nodeA.sessionStore().setAttribute(s.id(), "step-up", "2", clock.instant())).isTrue();
    assertThat(nodeB.sessionStore().setAttribute(s.id(), "theme", "dark", clock.instant()))
        .isTrue();
    assertThat(nodeB.sessionStore().setAttribute(s.id(), "ua", null, clock.instant())).isTrue();
    assertThat(
            nodeA
                .sessionStore()
                .read(s.id(), touch(Duration.ofMinutes(1)))
                .orElseThrow()
                .attributes())
        .isEqualTo(Map.of("step-up", "2", "theme", "dark"));
  }

  @Test
  void changeIdMovesTheSessionAndKillsTheOldId() {
    SessionStore store = nodeA.sessionStore();
    String subject = subject();
    SessionRecord s = session(subject);
    store.create(s, 3, CapPolicy.REFUSE_NEW);
    HashedId fresh = newId(subject);
    assertThat(store.changeId(s.id(), fresh, clock.instant())).isTrue();
    assertThat(store.read(s.id(), touch(Duration.ofMinutes(1)))).isEmpty();
    assertThat(store.read(fresh, touch(Duration.ofMinutes(1)))).contains(s.withId(fresh));
    assertThat(store.listBySubject(subject, clock.instant())).containsExactly(s.withId(fresh));
    assertThat(store.changeId(s.id(), newId(subject), clock.instant())).isFalse();
  }

  @Test
  void sessionCreatedOnOneNodeIsUsedAndEndedOnAnother() {
    SessionRecord s = session(subject());
    nodeA.sessionStore().create(s, 3, CapPolicy.REFUSE_NEW);
    assertThat(nodeB.sessionStore().read(s.id(), touch(Duration.ofMinutes(1)))).contains(s);
    assertThat(nodeB.sessionStore().delete(s.id())).isTrue();
    assertThat(nodeA.sessionStore().read(s.id(), touch(Duration.ofMinutes(1)))).isEmpty();
    assertThat(nodeA.sessionStore().delete(s.id())).isFalse();
    assertThat(nodeA.sessionStore().listBySubject(s.principal().subject(), clock.instant()))
        .isEmpty();
  }

  @Test
  void aSecondFactorGivenOnOneNodeRaisesTheSessionOnEveryNode() {
    SessionManager a = SessionManager.builder(nodeA.sessionStore()).clock(clock).build();
    SessionManager b = SessionManager.builder(nodeB.sessionStore()).clock(clock).build();
    Principal who = Principal.of(subject());
    String pending =
        a.login(who, Map.of(), Level.PENDING_SECOND_FACTOR).created().orElseThrow().id();
    assertThat(b.check(new SessionCookie(pending)).failure())
        .map(AuthResult.Failure::reason)
        .contains(AuthResult.Reason.SECOND_FACTOR_REQUIRED);

    String raised = b.recordAuthentication(pending, Level.MULTI_FACTOR).orElseThrow();

    assertThat(a.checkPending(new SessionCookie(pending)).failure()).isPresent();
    assertThat(a.requireAssurance(new SessionCookie(raised), Level.MULTI_FACTOR, null).active())
        .isPresent();
  }

  @Test
  void deleteBySubjectEndsEverySessionOfTheSubjectOnly() {
    SessionStore store = nodeA.sessionStore();
    String subject = subject();
    SessionRecord one = session(subject);
    SessionRecord two = session(subject);
    SessionRecord other = session(subject());
    store.create(one, 5, CapPolicy.REFUSE_NEW);
    store.create(two, 5, CapPolicy.REFUSE_NEW);
    store.create(other, 5, CapPolicy.REFUSE_NEW);
    assertThat(nodeB.sessionStore().deleteBySubject(subject)).isEqualTo(2);
    assertThat(store.read(one.id(), touch(Duration.ofMinutes(1)))).isEmpty();
    assertThat(store.read(two.id(), touch(Duration.ofMinutes(1)))).isEmpty();
    assertThat(store.read(other.id(), touch(Duration.ofMinutes(1)))).contains(other);
  }

  @Test
  void entryThatCannotBeDecodedReadsAsEmpty() {
    SessionStore store = nodeA.sessionStore();
    SessionRecord s = session(subject());
    store.create(s, 3, CapPolicy.REFUSE_NEW);
    String key = new Keys(prefix).session(s.id());
    String good = client.get(key);
    for (String bad :
        List.of(
            "not a session",
            good.replaceFirst("^2\\|", "1|"),
            good.replaceFirst("^2\\|[0-9]+", "2|soon"),
            good.replace("\n", ""),
            good.substring(0, good.indexOf('{')) + "{not json\n{}",
            good.replace("\"v\":1", "\"v\":99"),
            good.substring(0, good.indexOf('\n') + 1) + "[]",
            good.substring(0, good.indexOf('\n') + 1) + "{\"ua\":{}}")) {
      assertThat(bad).isNotEqualTo(good);
      client.set(key, bad);
      assertThat(store.read(s.id(), touch(Duration.ZERO))).as(bad).isEmpty();
    }
    // A session of an earlier format, stored as a hash, reads as absent and can be logged out.
    client.del(key);
    client.hset(key, "v", "1");
    assertThat(store.read(s.id(), touch(Duration.ZERO))).isEmpty();
    assertThat(store.setAttribute(s.id(), "a", "b", clock.instant())).isFalse();
    assertThat(store.listBySubject(s.principal().subject(), clock.instant())).isEmpty();
    assertThat(store.delete(s.id())).isTrue();
    assertThat(client.exists(key)).isFalse();
  }

  @Test
  void attributesOfAnyTextSurviveTheScriptThatRewritesThem() {
    SessionStore store = nodeA.sessionStore();
    SessionRecord s = session(subject());
    store.create(s, 3, CapPolicy.REFUSE_NEW);
    Map<String, String> expected = new HashMap<>(s.attributes());
    List<String> texts =
        new ArrayList<>(
            List.of(
                "",
                "1",
                "0.1",
                "1e400",
                "true",
                "null",
                "{}",
                "[]",
                "a\"b",
                "back\\slash",
                "a/b</script>",
                "line\nbreak\r\t\u0000\u001f\u007f",
                "\u2028\u2029",
                "caf\u00e9 \u65e5\u672c \ud83d\ude00",
                "|2|1|2|3|"));
    Random random = new Random(20261206L);
    for (int i = 0; i < 20; i++) {
      StringBuilder b = new StringBuilder();
      for (int j = random.nextInt(40); j > 0; j--) {
        int cp;
        do {
          cp = random.nextInt(4) == 0 ? random.nextInt(0x110000) : random.nextInt(0x800);
        } while (Character.getType(cp) == Character.SURROGATE);
        b.appendCodePoint(cp);
      }
      texts.add(b.toString());
    }
    for (int i = 0; i < texts.size(); i++) {
      String name = texts.get((i * 7 + 3) % texts.size()) + "#" + i;
      assertThat(store.setAttribute(s.id(), name, texts.get(i), clock.instant())).isTrue();
      expected.put(name, texts.get(i));
    }
    // Names that Lua could take for array indices.
    for (String name : List.of("1", "2", "0", "-1")) {
      assertThat(store.setAttribute(s.id(), name, "n" + name, clock.instant())).isTrue();
      expected.put(name, "n" + name);
    }
    assertThat(store.read(s.id(), touch(Duration.ofMinutes(1))).orElseThrow().attributes())
        .isEqualTo(expected);
    for (String name : List.copyOf(expected.keySet())) {
      assertThat(store.setAttribute(s.id(), name, null, clock.instant())).isTrue();
    }
    SessionRecord emptied = store.read(s.id(), touch(Duration.ofMinutes(1))).orElseThrow();
    assertThat(emptied.attributes()).isEmpty();
    assertThat(emptied.principal()).isEqualTo(s.principal());
    assertThat(store.setAttribute(s.id(), "again", "x", clock.instant())).isTrue();
    assertThat(store.read(s.id(), touch(Duration.ofMinutes(1))).orElseThrow().attributes())
        .isEqualTo(Map.of("again", "x"));
  }

  @Test
  void sessionKeysHoldOnlyHashesAndExpireByThemselves() {
    String subject = subject();
    String raw = OpaqueIds.generateInShard(nodeA.sessionStore().shardFor(subject));
    HashedId id = OpaqueIds.parse(raw).orElseThrow();
    SessionRecord s = session(subject).withId(id);
    nodeA.sessionStore().create(s, 3, CapPolicy.REFUSE_NEW);
    Keys keys = new Keys(prefix);
    String key = keys.session(id);
    assertThat(key).doesNotContain(raw.substring(0, OpaqueIds.RANDOM_CHARS));
    assertThat(client.pttl(key)).isBetween(1L, IDLE.plus(NOTICE).toMillis());
    assertThat(client.pttl(keys.sessionIndex(place(subject))))
        .isBetween(1L, ABSOLUTE.plus(NOTICE).toMillis());
  }

  // ---- revocation

  @Test
  void tokenRevokedOnOneNodeIsRefusedOnAnotherWithinTheBound() {
    RevocationList a = nodeA.revocationList();
    RevocationList b = nodeB.revocationList();
    awaitCurrent(b);
    String subject = subject();
    Instant iat = clock.instant();
    assertThat(b.isRevoked("iss", "jti-1", subject, iat)).isFalse();
    long start = System.nanoTime();
    a.revokeToken("iss", "jti-1", subject, clock.instant().plus(Duration.ofMinutes(10)));
    assertThat(
            RedisFixture.waitUntil(
                PROPAGATION_BOUND, () -> b.isRevoked("iss", "jti-1", subject, iat)))
        .isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROPAGATION_BOUND);
    assertThat(b.isRevoked("iss", "jti-2", subject, iat)).isFalse();
    assertThat(b.isRevoked("other-iss", "jti-1", subject, iat)).isFalse();
  }

  @Test
  void subjectNotBeforeRefusesOlderTokensOnEveryNodeAndKeepsTheLatest() {
    RevocationList a = nodeA.revocationList();
    RevocationList b = nodeB.revocationList();
    awaitCurrent(b);
    String subject = subject();
    Instant before = clock.instant();
    clock.advance(Duration.ofSeconds(10));
    Instant cut = clock.instant();
    a.revokeSubject(subject, cut, cut.plus(Duration.ofHours(1)));
    assertThat(
            RedisFixture.waitUntil(
                PROPAGATION_BOUND, () -> b.isRevoked("iss", "j", subject, before)))
        .isTrue();
    assertThat(b.isRevoked("iss", "j", subject, cut)).isFalse();
    // An earlier not-before never replaces a later one.
    b.revokeSubject(subject, before, cut.plus(Duration.ofHours(1)));
    assertThat(a.isRevoked("iss", "j", subject, before.plusSeconds(5))).isTrue();
    assertThat(directIsRevoked(subject, before.plusSeconds(5))).isTrue();
  }

  @Test
  void revocationIsForgottenWhenTheTokenWouldHaveExpired() {
    RevocationList a = nodeA.revocationList();
    String subject = subject();
    a.revokeToken("iss", "j", subject, clock.instant().plus(Duration.ofMinutes(1)));
    assertThat(a.isRevoked("iss", "j", subject, clock.instant())).isTrue();
    String key = StoredRevocationKeys.token(prefix, "iss", "j", subject);
    assertThat(client.pttl(key)).isBetween(1L, Duration.ofMinutes(1).toMillis());
    clock.advance(Duration.ofMinutes(1));
    assertThat(a.isRevoked("iss", "j", subject, clock.instant())).isFalse();
  }

  @Test
  void newNodeBootstrapsItsReplicaFromRedis() {
    RevocationList a = nodeA.revocationList();
    String subject = subject();
    for (int i = 0; i < 20; i++) {
      a.revokeToken("iss", "j" + i, subject, clock.instant().plus(Duration.ofMinutes(10)));
    }
    a.revokeSubject(subject(), clock.instant(), clock.instant().plus(Duration.ofMinutes(10)));
    try (RedisStores late = stores()) {
      RedisRevocationList c = (RedisRevocationList) late.revocationList();
      awaitCurrent(c);
      assertThat(c.replicaSize()).isEqualTo(21);
      assertThat(c.isRevoked("iss", "j7", subject, clock.instant())).isTrue();
    }
  }

  boolean directIsRevoked(String subject, Instant issuedAt) {
    String s = client.get(StoredRevocationKeys.subject(prefix, subject));
    if (s == null) {
      return false;
    }
    return issuedAt.toEpochMilli() < Long.parseLong(s.substring(0, s.indexOf(':')));
  }

  static void awaitCurrent(RevocationList list) {
    assertThat(
            RedisFixture.waitUntil(Duration.ofSeconds(10), ((RedisRevocationList) list)::isCurrent))
        .as("replica current")
        .isTrue();
  }

  // ---- placement

  /**
   * Every key of one subject (its sessions, their index, its refresh tokens, family and family
   * index), written through two nodes, lands in one Cluster slot: so the cap, "log out everywhere"
   * and a family's rotation stay one-slot scripts.
   */
  @Test
  void everyKeyOfOneSubjectSharesOneSlot() {
    String subject = subject();
    SessionRecord phone = session(subject);
    SessionRecord laptop = session(subject);
    nodeA.sessionStore().create(phone, 3, CapPolicy.REFUSE_NEW);
    nodeB.sessionStore().create(laptop, 3, CapPolicy.REFUSE_NEW);
    RefreshRecord first = refreshLogin(nodeB.refreshTokenStore(), subject, REFRESH);
    HashedId next = newId(subject);
    assertThat(nodeA.refreshTokenStore().rotate(first.id(), next, REFRESH))
        .isInstanceOf(Rotation.Rotated.class);

    Keys keys = new Keys(prefix);
    Placement.Subject place = place(subject);
    List<String> written =
        List.of(
            keys.session(phone.id()),
            keys.session(laptop.id()),
            keys.sessionIndex(place),
            keys.refreshFamilies(place.shard()));
    Set<Integer> slots = new java.util.HashSet<>();
    for (String key : written) {
      assertThat(client.exists(key)).as(key).isTrue();
      slots.add(redis.clients.jedis.util.JedisClusterCRC16.getSlot(key));
    }
    assertThat(slots).hasSize(1);
    assertThat(nodeB.sessionStore().deleteBySubject(subject)).isEqualTo(2);
    assertThat(nodeB.refreshTokenStore().revokeSubject(subject)).hasSize(1);
  }

  /**
   * An id whose tag is not its subject's would sit outside the subject's slot, where neither the
   * cap nor "log out everywhere" finds it: both stores refuse it before writing anything.
   */
  @Test
  void anIdWhoseTagIsNotItsSubjectsIsRefused() {
    String subject = subject();
    String tag = nodeA.sessionStore().shardFor(subject);
    String other = (tag.charAt(0) == 'A' ? 'B' : 'A') + tag.substring(1);
    HashedId misplaced = OpaqueIds.parse(OpaqueIds.generateInShard(other)).orElseThrow();

    assertThatThrownBy(
            () ->
                nodeA
                    .sessionStore()
                    .create(session(subject).withId(misplaced), 3, CapPolicy.REFUSE_NEW))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                nodeA
                    .refreshTokenStore()
                    .create(misplaced, OpaqueIds.randomToken(), Principal.of(subject), REFRESH))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(nodeA.sessionStore().listBySubject(subject, clock.instant())).isEmpty();
    assertThat(nodeA.refreshTokenStore().revokeSubject(subject)).isEmpty();
  }

  // ---- refresh tokens (the store's contract is RefreshTokenStoreContract; these are two nodes)

  static final RefreshTokenStore.Policy REFRESH =
      new RefreshTokenStore.Policy(
          Duration.ofHours(1), Duration.ofDays(1), Duration.ZERO, 8, 1000, Duration.ofMinutes(1));

  RefreshRecord refreshLogin(RefreshTokenStore store, String subject, RefreshTokenStore.Policy p) {
    return store.create(
        newId(subject), OpaqueIds.randomToken(), Principal.of(subject, Set.of("user")), p);
  }

  @Test
  void rotationOnOneNodeIsSeenByTheOther() {
    String subject = subject();
    RefreshRecord first = refreshLogin(nodeA.refreshTokenStore(), subject, REFRESH);
    HashedId next = newId(subject);
    Rotation r = nodeA.refreshTokenStore().rotate(first.id(), next, REFRESH);
    assertThat(r).isInstanceOf(Rotation.Rotated.class);
    assertThat(nodeB.refreshTokenStore().rotate(next, newId(subject), REFRESH))
        .isInstanceOf(Rotation.Rotated.class);
    assertThat(nodeB.refreshTokenStore().rotate(first.id(), newId(subject), REFRESH))
        .isEqualTo(new Rotation.Reused(subject, first.familyId()));
  }

  /**
   * A subject's refresh state is one key in its slot, whose expiry Redis holds: at the end of the
   * subject's last family, never later, however often the family rotates.
   */
  @Test
  void refreshStateIsOneKeyThatRedisExpiresAtTheLastFamilysEnd() {
    String subject = subject();
    RefreshRecord first = refreshLogin(nodeA.refreshTokenStore(), subject, REFRESH);
    HashedId current = first.id();
    for (int i = 0; i < 50; i++) {
      HashedId next = newId(subject);
      assertThat(nodeB.refreshTokenStore().rotate(current, next, REFRESH))
          .isInstanceOf(Rotation.Rotated.class);
      current = next;
    }
    String shard = place(subject).shard();
    assertThat(client.keys(prefix + "{" + shard + "}*"))
        .containsExactly(new Keys(prefix).refreshFamilies(shard));
    long expireAt = client.pexpireTime(new Keys(prefix).refreshFamilies(shard));
    assertThat(expireAt).isEqualTo(first.familyExpiresAt().toEpochMilli());
  }

  @Test
  void refreshRaceFromTwoNodesYieldsExactlyOneWinner() throws Exception {
    String subject = subject();
    RefreshRecord first = refreshLogin(nodeA.refreshTokenStore(), subject, REFRESH);
    CountDownLatch go = new CountDownLatch(1);
    List<Callable<Boolean>> racers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      RefreshTokenStore store = (i % 2 == 0 ? nodeA : nodeB).refreshTokenStore();
      HashedId next = newId(subject);
      racers.add(
          () -> {
            go.await();
            Rotation r = store.rotate(first.id(), next, REFRESH);
            assertThat(r).isInstanceOfAny(Rotation.Rotated.class, Rotation.Reused.class);
            return r instanceof Rotation.Rotated;
          });
    }
    assertThat(race(racers, go)).containsOnlyOnce(true);
  }

  @Test
  void revokedFamiliesCannotRotate() {
    RefreshTokenStore store = nodeA.refreshTokenStore();
    String subject = subject();
    RefreshRecord one = refreshLogin(store, subject, REFRESH);
    RefreshRecord two = refreshLogin(store, subject, REFRESH);
    RefreshRecord three = refreshLogin(store, subject, REFRESH);
    assertThat(store.revokeFamily(one.id()))
        .contains(new RefreshTokenStore.EndedFamily(subject, one.familyId()));
    assertThat(store.revokeFamily(one.id())).isEmpty();
    assertThat(nodeB.refreshTokenStore().revokeSubject(subject))
        .containsExactlyInAnyOrder(two.familyId(), three.familyId());
    for (RefreshRecord r : List.of(one, two, three)) {
      assertThat(store.rotate(r.id(), newId(subject), REFRESH))
          .isInstanceOf(Rotation.Invalid.class);
    }
  }

  /**
   * Expiry on the server's clock, unshifted: a token of 300 ms is refused once the server's time
   * (this machine's clock, crossed by a bounded poll rather than a fixed sleep) is past its end.
   */
  @Test
  void refreshTokenExpiresByTheServersClock() {
    RefreshTokenStore store = nodeA.refreshTokenStore();
    String subject = subject();
    RefreshTokenStore.Policy brief =
        new RefreshTokenStore.Policy(
            Duration.ofMillis(300),
            Duration.ofDays(1),
            Duration.ZERO,
            8,
            1000,
            Duration.ofMinutes(1));
    HashedId first = refreshLogin(store, subject, brief).id();
    HashedId second = newId(subject);
    Rotation r = store.rotate(first, second, brief);
    Instant end = ((Rotation.Rotated) r).successor().expiresAt();
    assertThat(end).isEqualTo(((Rotation.Rotated) r).successor().issuedAt().plusMillis(300));
    assertThat(
            RedisFixture.waitUntil(
                Duration.ofSeconds(10), () -> Instant.now().isAfter(end.plusMillis(20))))
        .isTrue();
    assertThat(store.rotate(second, newId(subject), brief)).isInstanceOf(Rotation.Invalid.class);
  }

  /**
   * Grace on the server's clock, unshifted: a retry right after the rotation is honoured; a retry
   * once the window has passed by the server's clock is reuse. The server runs on this machine's
   * clock, so a bounded poll of the wall clock (not a fixed sleep) crosses the window.
   */
  @Test
  void graceWindowIsMeasuredByTheServersClock() {
    RefreshTokenStore store = nodeA.refreshTokenStore();
    String subject = subject();
    RefreshTokenStore.Policy roomy = graced(Duration.ofSeconds(5));
    HashedId first = refreshLogin(store, subject, roomy).id();
    assertThat(store.rotate(first, newId(subject), roomy)).isInstanceOf(Rotation.Rotated.class);
    assertThat(store.rotate(first, newId(subject), roomy)).isInstanceOf(Rotation.Rotated.class);

    RefreshTokenStore.Policy brief = graced(Duration.ofMillis(300));
    HashedId second = refreshLogin(store, subject, brief).id();
    Rotation r = store.rotate(second, newId(subject), brief);
    Instant windowEnd = ((Rotation.Rotated) r).successor().issuedAt().plusMillis(300);
    assertThat(
            RedisFixture.waitUntil(
                Duration.ofSeconds(10), () -> Instant.now().isAfter(windowEnd.plusMillis(20))))
        .isTrue();
    assertThat(store.rotate(second, newId(subject), brief)).isInstanceOf(Rotation.Reused.class);
  }

  private static RefreshTokenStore.Policy graced(Duration grace) {
    return new RefreshTokenStore.Policy(
        Duration.ofHours(1), Duration.ofDays(1), grace, 8, 1000, Duration.ofMinutes(1));
  }

  /**
   * Two application nodes whose clocks are seconds apart share one Redis: the refresh through the
   * lagging node after the leading one (the order that took the grace branch when each node sent
   * its own time) is reuse and ends the family, in both orders, every round.
   */
  @Test
  void nodesWithSkewedClocksHaveOneRefreshWinner() throws Exception {
    TestClock fast = new TestClock(clock.instant().plusSeconds(5));
    TestClock slow = new TestClock(clock.instant().minusSeconds(5));
    RefreshTokens a = refreshTokens(nodeA, fast);
    RefreshTokens b = refreshTokens(nodeB, slow);
    for (int round = 0; round < 20; round++) {
      RefreshTokens first = round % 2 == 0 ? a : b;
      RefreshTokens second = round % 2 == 0 ? b : a;
      String token = first.login(Principal.of(subject())).refreshToken();
      RefreshTokens.Result won = first.refresh(token);
      assertThat(won.failure()).isEmpty();
      assertThat(second.refresh(token).failure().orElseThrow().reason())
          .isEqualTo(AuthResult.Reason.REVOKED);
      String successor = won.tokens().orElseThrow().refreshToken();
      assertThat(first.refresh(successor).failure().orElseThrow().reason())
          .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
    }
  }

  /** The same, with both nodes released together by a barrier: one 200, one reuse, each round. */
  @Test
  void concurrentRefreshesThroughSkewedNodesHaveOneWinner() throws Exception {
    RefreshTokens a = refreshTokens(nodeA, new TestClock(clock.instant().plusSeconds(3)));
    RefreshTokens b = refreshTokens(nodeB, new TestClock(clock.instant().minusSeconds(3)));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 50; round++) {
        String token = a.login(Principal.of(subject())).refreshToken();
        CyclicBarrier barrier = new CyclicBarrier(2);
        List<Future<RefreshTokens.Result>> results = new ArrayList<>();
        for (RefreshTokens node : List.of(a, b)) {
          results.add(
              pool.submit(
                  () -> {
                    barrier.await(30, TimeUnit.SECONDS);
                    return node.refresh(token);
                  }));
        }
        int refreshed = 0;
        for (Future<RefreshTokens.Result> f : results) {
          RefreshTokens.Result r = f.get(60, TimeUnit.SECONDS);
          if (r.succeeded()) {
            refreshed++;
          } else {
            assertThat(r.failure().orElseThrow().reason()).isEqualTo(AuthResult.Reason.REVOKED);
          }
        }
        assertThat(refreshed).as("round %d", round).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static RefreshTokens refreshTokens(RedisStores node, TestClock nodeClock) {
    JwtTokenService access =
        JwtTokenService.builder(
                KeyRing.of(SigningKey.hmac("k", new byte[32], SigningAlgorithm.HS256)),
                "iss",
                "aud")
            .clock(nodeClock)
            .build();
    return RefreshTokens.builder(access, node.refreshTokenStore()).clock(nodeClock).build();
  }

  // ---- throttle

  static final ThrottlePolicy POLICY =
      new ThrottlePolicy(
          3, 5, Duration.ofMinutes(15), Duration.ofMinutes(1), Duration.ofMinutes(4));

  @Test
  void nameLocksAtItsLimitAndTheLockDoublesOnEveryFailure() {
    LoginThrottle a = nodeA.loginThrottle(POLICY);
    LoginThrottle b = nodeB.loginThrottle(POLICY);
    String name = subject();
    assertThat(a.reserve(name, null)).isEqualTo(Reservation.grant());
    assertThat(b.reserve(name, null)).isEqualTo(Reservation.grant());
    Instant now = clock.instant();
    assertThat(b.reserve(name, null)).isEqualTo(Reservation.grant(now.plus(Duration.ofMinutes(1))));
    assertThat(a.reserve(name, "10.0.0.1"))
        .isEqualTo(Reservation.refuse(now.plus(Duration.ofMinutes(1))));
    clock.advance(Duration.ofMinutes(1));
    now = clock.instant();
    assertThat(a.reserve(name, null)).isEqualTo(Reservation.grant(now.plus(Duration.ofMinutes(2))));
    clock.advance(Duration.ofMinutes(2));
    now = clock.instant();
    assertThat(a.reserve(name, null)).isEqualTo(Reservation.grant(now.plus(Duration.ofMinutes(4))));
    clock.advance(Duration.ofMinutes(4));
    now = clock.instant();
    assertThat(b.reserve(name, null)).isEqualTo(Reservation.grant(now.plus(Duration.ofMinutes(4))));
    String key = new Keys(prefix).throttleName(name);
    // The key lives until the later of window end and lock end, set as an absolute time.
    long expiresAt = client.pexpireTime(key);
    assertThat(expiresAt)
        .isEqualTo(
            clock
                .instant()
                .minus(Duration.ofMinutes(7))
                .plus(Duration.ofMinutes(15))
                .toEpochMilli());
  }

  @Test
  void successClearsTheNameButNotTheAddressFailures() {
    LoginThrottle a = nodeA.loginThrottle(POLICY);
    String address = "192.0.2." + (int) (Math.random() * 250) + "-" + subject();
    for (int i = 0; i < 4; i++) {
      assertThat(a.reserve(subject(), address).granted()).isTrue();
    }
    String name = subject();
    assertThat(a.reserve(name, address).lockedUntil()).isPresent();
    assertThat(a.reserve(name, null).granted()).isTrue();
    a.recordSuccess(name, address);
    assertThat(a.reserve(name, null)).isEqualTo(Reservation.grant());
    // Four failures remain: the next attempt from the address reaches the limit again.
    assertThat(nodeB.loginThrottle(POLICY).reserve(subject(), address).lockedUntil()).isPresent();
    assertThat(nodeB.loginThrottle(POLICY).reserve(subject(), address).granted()).isFalse();
  }

  @Test
  void nameAndAddressKeysShareOneClusterSlot() {
    Keys keys = new Keys(prefix);
    assertThat(keys.throttleName("alice")).contains("{lt}");
    assertThat(keys.throttleAddress("2001:db8::/64")).contains("{lt}");
  }

  @Test
  void windowEndForgetsFailures() {
    LoginThrottle a = nodeA.loginThrottle(POLICY);
    String name = subject();
    a.reserve(name, null);
    a.reserve(name, null);
    clock.advance(Duration.ofMinutes(15));
    assertThat(a.reserve(name, null)).isEqualTo(Reservation.grant());
  }

  static List<Boolean> race(List<Callable<Boolean>> racers, CountDownLatch go) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(racers.size());
    try {
      List<Future<Boolean>> futures = new ArrayList<>();
      for (Callable<Boolean> c : racers) {
        futures.add(pool.submit(c));
      }
      go.countDown();
      List<Boolean> results = new ArrayList<>();
      for (Future<Boolean> f : futures) {
        results.add(f.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}

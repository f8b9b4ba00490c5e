package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.core.spi.SessionStore.CapPolicy;
import dev.latchkey.core.spi.SessionTouch;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

/**
 * The session near cache on a real standalone server: two nodes, each with its own client and
 * cache; what one node ends or changes, the other stops answering from its cache within the
 * propagation bound, and a lost tracking connection or a restarted Redis leaves no node answering
 * from what it cached before.
 */
class SessionNearCacheIT {
  @AutoClose static final RedisServer REDIS = RedisFixture.standalone();

  /** Pub/sub delivery on loopback is milliseconds; the bound leaves room for a loaded machine. */
  static final Duration BOUND = Duration.ofSeconds(2);

  static final Duration IDLE = Duration.ofMinutes(30);
  static final Duration NOTICE = Duration.ofMinutes(5);
  static final Duration INTERVAL = Duration.ofMinutes(1);

  private final TestClock clock = TestClock.atNow();
  private final String prefix = "nc" + UUID.randomUUID().toString().substring(0, 8) + ":";
  private RedisClient clientA;
  private RedisClient clientB;
  private RedisStores nodeA;
  private RedisStores nodeB;
  private SessionStore storeA;
  private SessionStore storeB;

  private static RedisClient client() {
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    // A connection to a killed server is dropped when borrowed, not on its first use.
    pool.setTestOnBorrow(true);
    return RedisClient.builder()
        .hostAndPort(REDIS.hostAndPort())
        .clientConfig(
            DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(1000)
                .socketTimeoutMillis(1000)
                .build())
        .poolConfig(pool)
        .build();
  }

  private RedisStores stores(RedisClient client) {
    return RedisStores.builder(client)
        .keyPrefix(prefix)
        .clock(clock)
        .revocationHeartbeat(Duration.ofMillis(100))
        .sessionNearCache(1000)
        .build();
  }

  @BeforeEach
  void setUp() {
    if (!REDIS.isRunning()) {
      REDIS.restart();
    }
    clientA = client();
    clientB = client();
    nodeA = stores(clientA);
    nodeB = stores(clientB);
    storeA = nodeA.sessionStore();
    storeB = nodeB.sessionStore();
    assertThat(RedisFixture.waitUntil(BOUND, () -> nodeA.nearCache().current())).isTrue();
    assertThat(RedisFixture.waitUntil(BOUND, () -> nodeB.nearCache().current())).isTrue();
  }

  @AfterEach
  void tearDown() {
    nodeA.close();
    nodeB.close();
    clientA.close();
    clientB.close();
  }

  private SessionRecord session(String subject) {
    Instant now = clock.instant();
    HashedId id =
        OpaqueIds.parse(OpaqueIds.generateInShard(storeA.shardFor(subject))).orElseThrow();
    return new SessionRecord(
        id,
        new Principal(subject, Set.of("user"), Map.of()),
        now,
        now,
        now.plus(IDLE),
        now.plus(Duration.ofHours(8)),
        now.plus(IDLE).plus(NOTICE),
        Map.of("ua", "test"));
  }

  private SessionTouch touch() {
    return new SessionTouch(clock.instant(), IDLE, INTERVAL, NOTICE);
  }

  /** A session created on A and read once on B, so that B holds it in its cache. */
  private SessionRecord cachedOnB(String subject) {
    SessionRecord s = session(subject);
    assertThat(storeA.create(s, 3, CapPolicy.REFUSE_NEW).created()).isTrue();
    assertThat(RedisFixture.waitUntil(BOUND, () -> cachedBy(nodeB, s))).isTrue();
    return s;
  }

  /** Reads {@code s} on {@code node} and tells whether it is now in that node's cache. */
  private boolean cachedBy(RedisStores node, SessionRecord s) {
    node.sessionStore().read(s.id(), touch());
    return node.nearCache().get(new Keys(prefix).session(s.id())) != null;
  }

  private static String subject() {
    return "user-" + UUID.randomUUID();
  }

  @Test
  void aCachedCheckSendsNoCommand() {
    SessionRecord s = cachedOnB(subject());
    assertThat(
            sentNoCommand(
                () -> {
                  for (int i = 0; i < 20; i++) {
                    assertThat(storeB.read(s.id(), touch())).contains(s);
                  }
                }))
        .isTrue();
  }

  /**
   * Whether {@code reads}, run again until the bound, once sent Redis no read or script: a machine
   * too busy to run the heartbeat in time makes the cache stop answering (fail closed), which is no
   * failure of this test.
   */
  private static boolean sentNoCommand(Runnable reads) {
    return RedisFixture.waitUntil(
        BOUND,
        () -> {
          REDIS.resetStats();
          reads.run();
          Map<String, Long> calls = REDIS.commandCalls();
          return calls.getOrDefault("get", 0L) == 0 && calls.getOrDefault("evalsha", 0L) == 0;
        });
  }

  @Test
  void aDueRenewalIsStillWrittenToRedis() {
    SessionRecord s = cachedOnB(subject());
    clock.advance(INTERVAL.plusSeconds(1));
    SessionRecord renewed = storeB.read(s.id(), touch()).orElseThrow();
    assertThat(renewed.lastSeenAt()).isEqualTo(clock.instant());
    // Node A, whose cache never held it, reads the renewal from Redis.
    assertThat(storeA.read(s.id(), touch())).contains(renewed);
  }

  @Test
  void logoutOnOneNodeIsRefusedOnTheOtherWithinTheBound() {
    SessionRecord s = cachedOnB(subject());
    long start = System.nanoTime();
    assertThat(storeA.delete(s.id())).isTrue();
    assertThat(RedisFixture.waitUntil(BOUND, () -> storeB.read(s.id(), touch()).isEmpty()))
        .isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
    // And it stays refused: nothing brings the old entry back.
    assertThat(storeB.read(s.id(), touch())).isEmpty();
  }

  @Test
  void rotationOnOneNodeKillsTheOldIdOnTheOther() {
    String subject = subject();
    SessionRecord s = cachedOnB(subject);
    HashedId next =
        new HashedId(
            s.id().shard(),
            OpaqueIds.parse(OpaqueIds.generateInShard(s.id().shard())).orElseThrow().hash());
    assertThat(storeA.changeId(s.id(), next, clock.instant())).isTrue();
    assertThat(RedisFixture.waitUntil(BOUND, () -> storeB.read(s.id(), touch()).isEmpty()))
        .isTrue();
    assertThat(storeB.read(next, touch())).isPresent();
  }

  @Test
  void logoutEverywhereOnOneNodeIsRefusedOnTheOther() {
    String subject = subject();
    SessionRecord s = cachedOnB(subject);
    assertThat(storeA.deleteBySubject(subject)).isEqualTo(1);
    assertThat(RedisFixture.waitUntil(BOUND, () -> storeB.read(s.id(), touch()).isEmpty()))
        .isTrue();
  }

  @Test
  void anAttributeChangedOnOneNodeIsSeenOnTheOther() {
    SessionRecord s = cachedOnB(subject());
    assertThat(storeA.setAttribute(s.id(), "role", "admin", clock.instant())).isTrue();
    assertThat(
            RedisFixture.waitUntil(
                BOUND,
                () ->
                    storeB
                        .read(s.id(), touch())
                        .map(r -> "admin".equals(r.attributes().get("role")))
                        .orElse(false)))
        .isTrue();
  }

  @Test
  void aKilledTrackingConnectionEmptiesTheCacheUntilTrackingIsBack() {
    SessionRecord s = cachedOnB(subject());
    try (var admin = REDIS.admin()) {
      // Every subscriber, the tracking connections among them: invalidations now go nowhere.
      admin.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB));
    }
    // Ended while B cannot hear it: only an emptied cache makes B refuse it.
    assertThat(storeA.delete(s.id())).isTrue();
    assertThat(RedisFixture.waitUntil(BOUND, () -> storeB.read(s.id(), touch()).isEmpty()))
        .isTrue();
    // Tracking comes back by itself, and the cache fills again.
    assertThat(RedisFixture.waitUntil(BOUND, () -> nodeB.nearCache().current())).isTrue();
    SessionRecord again = cachedOnB(subject());
    assertThat(sentNoCommand(() -> assertThat(storeB.read(again.id(), touch())).contains(again)))
        .isTrue();
  }

  @Test
  void aPausedRedisMakesTheCacheStopAnswering() {
    SessionRecord s = cachedOnB(subject());
    REDIS.pause();
    try {
      // No heartbeat comes back: within three of them the cache is not current, and a check
      // asks Redis, which does not answer in time.
      assertThat(RedisFixture.waitUntil(BOUND, () -> !nodeB.nearCache().current())).isTrue();
      assertThatThrownBy(() -> storeB.read(s.id(), touch()))
          .isInstanceOf(StoreUnavailableException.class);
    } finally {
      REDIS.resume();
    }
  }

  @Test
  void aRedisRestartedEmptyLeavesNoNodeAnsweringFromItsCache() {
    SessionRecord s = cachedOnB(subject());
    REDIS.restart();
    // The restarted Redis holds no session: B must not answer the one it cached before.
    assertThat(
            RedisFixture.waitUntil(
                Duration.ofSeconds(5),
                () -> {
                  try {
                    return storeB.read(s.id(), touch()).isEmpty();
                  } catch (StoreUnavailableException e) {
                    return false;
                  }
                }))
        .isTrue();
    assertThat(RedisFixture.waitUntil(Duration.ofSeconds(5), () -> nodeB.nearCache().current()))
        .isTrue();
    Optional<SessionRecord> after = storeB.read(s.id(), touch());
    assertThat(after).isEmpty();
  }
}

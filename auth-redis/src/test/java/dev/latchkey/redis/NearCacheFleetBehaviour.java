package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

/**
 * The session near cache on a deployment with replicas (Sentinel or Cluster): two nodes, each with
 * its own client and cache. What one node ends or changes on any master, the other stops answering
 * from its cache within the propagation bound; a killed tracking connection leaves the other node
 * answering nothing stale; and after a failover no node answers from what it cached before.
 * Subclasses give the deployment (one per class) and their failover tests.
 */
abstract class NearCacheFleetBehaviour {
  /** Pub/sub delivery on loopback is milliseconds; the bound leaves room for a loaded machine. */
  static final Duration BOUND = Duration.ofSeconds(2);

  /** Until the connections are set up again after a failover or a killed connection. */
  static final Duration RECOVERY = Duration.ofSeconds(20);

  static final Duration IDLE = Duration.ofMinutes(30);
  static final Duration NOTICE = Duration.ofMinutes(5);
  static final Duration INTERVAL = Duration.ofMinutes(1);

  protected final TestClock clock = TestClock.atNow();
  protected final String prefix = "nf" + UUID.randomUUID().toString().substring(0, 8) + ":";
  protected UnifiedJedis clientA;
  protected UnifiedJedis clientB;
  protected RedisStores nodeA;
  protected RedisStores nodeB;
  protected SessionStore storeA;
  protected SessionStore storeB;

  /** A new client on the deployment; the test closes it. */
  protected abstract UnifiedJedis newClient();

  /** The running masters now. */
  protected abstract List<RedisServer> masters();

  /** The master that holds {@code key} now. */
  protected abstract RedisServer masterOf(String key);

  private RedisStores stores(UnifiedJedis client) {
    return RedisStores.builder(client)
        .keyPrefix(prefix)
        .clock(clock)
        .revocationHeartbeat(Duration.ofMillis(100))
        .sessionNearCache(1000)
        .build();
  }

  @BeforeEach
  void twoNodes() {
    clientA = newClient();
    clientB = newClient();
    nodeA = stores(clientA);
    nodeB = stores(clientB);
    storeA = nodeA.sessionStore();
    storeB = nodeB.sessionStore();
    awaitCurrent(nodeA);
    awaitCurrent(nodeB);
  }

  @AfterEach
  void closeNodes() {
    nodeA.close();
    nodeB.close();
    clientA.close();
    clientB.close();
  }

  /** Waits until {@code node}'s cache follows every master there is now. */
  protected void awaitCurrent(RedisStores node) {
    int masters = masters().size();
    assertThat(RedisFixture.waitUntil(RECOVERY, () -> node.nearCache().trackedMasters() == masters))
        .as("near cache current on every master")
        .isTrue();
  }

  protected SessionRecord session(String subject) {
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

  protected SessionTouch touch() {
    return new SessionTouch(clock.instant(), IDLE, INTERVAL, NOTICE);
  }

  protected String key(SessionRecord s) {
    return new Keys(prefix).session(s.id());
  }

  /** A session created on A and read on B until B holds it in its cache. */
  protected SessionRecord cachedOnB(SessionRecord s) {
    assertThat(storeA.create(s, 3, CapPolicy.REFUSE_NEW).created()).isTrue();
    assertThat(RedisFixture.waitUntil(BOUND, () -> cachedBy(nodeB, s))).as("cached").isTrue();
    return s;
  }

  /** Reads {@code s} on {@code node} and tells whether it is now in that node's cache. */
  protected boolean cachedBy(RedisStores node, SessionRecord s) {
    node.sessionStore().read(s.id(), touch());
    return node.nearCache().get(key(s)) != null;
  }

  /** One new session per master, keyed by the master that holds it, none created yet. */
  protected Map<RedisServer, SessionRecord> sessionPerMaster() {
    List<RedisServer> masters = masters();
    Map<RedisServer, SessionRecord> out = new LinkedHashMap<>();
    while (out.size() < masters.size()) {
      SessionRecord s = session("user-" + UUID.randomUUID());
      out.putIfAbsent(masterOf(key(s)), s);
    }
    return out;
  }

  /** One session per master, each cached on B. */
  protected List<SessionRecord> cachedOnEveryMaster() {
    List<SessionRecord> out = new ArrayList<>();
    for (SessionRecord s : sessionPerMaster().values()) {
      out.add(cachedOnB(s));
    }
    return out;
  }

  /** Whether B refuses {@code s} within the bound (an unavailable store refuses too). */
  protected boolean refusedOnB(SessionRecord s) {
    return RedisFixture.waitUntil(
        BOUND, () -> absentOrUnavailable(() -> storeB.read(s.id(), touch()).isEmpty()));
  }

  /**
   * Deletes {@code s} on A once A's store answers again (after a failover), and checks that Redis
   * no longer holds it.
   */
  protected void deleteOnAOnceAvailable(SessionRecord s) {
    assertThat(
            RedisFixture.waitUntil(
                RECOVERY,
                () -> {
                  try {
                    storeA.delete(s.id());
                    return storeA.read(s.id(), touch()).isEmpty();
                  } catch (StoreUnavailableException e) {
                    return false;
                  }
                }))
        .as("deleted on A")
        .isTrue();
  }

  protected static boolean absentOrUnavailable(Supplier<Boolean> check) {
    try {
      return check.get();
    } catch (StoreUnavailableException e) {
      return true;
    }
  }

  /** Closes every pub/sub connection on {@code master}: the tracking connections among them. */
  protected static void killSubscribers(RedisServer master) {
    try (Jedis admin = master.admin()) {
      admin.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB));
    }
  }

  @Test
  void aCachedCheckSendsNoCommandToAnyMaster() {
    List<SessionRecord> sessions = cachedOnEveryMaster();
    // Tried again until the bound: a machine too busy to run a heartbeat in time makes the cache
    // stop answering (fail closed), which is no failure of this test.
    assertThat(
            RedisFixture.waitUntil(
                BOUND,
                () -> {
                  masters().forEach(RedisServer::resetStats);
                  for (int i = 0; i < 5; i++) {
                    for (SessionRecord s : sessions) {
                      assertThat(storeB.read(s.id(), touch())).contains(s);
                    }
                  }
                  return masters().stream()
                      .allMatch(
                          m ->
                              m.commandCalls().getOrDefault("get", 0L) == 0
                                  && m.commandCalls().getOrDefault("evalsha", 0L) == 0);
                }))
        .isTrue();
  }

  @Test
  void logoutOnOneNodeIsRefusedOnTheOtherOnEveryMaster() {
    for (SessionRecord s : cachedOnEveryMaster()) {
      long start = System.nanoTime();
      assertThat(storeA.delete(s.id())).isTrue();
      assertThat(refusedOnB(s)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
      assertThat(storeB.read(s.id(), touch())).isEmpty();
    }
  }

  @Test
  void rotationOnOneNodeKillsTheOldIdOnTheOtherOnEveryMaster() {
    for (SessionRecord s : cachedOnEveryMaster()) {
      HashedId next =
          new HashedId(
              s.id().shard(),
              OpaqueIds.parse(OpaqueIds.generateInShard(s.id().shard())).orElseThrow().hash());
      assertThat(storeA.changeId(s.id(), next, clock.instant())).isTrue();
      assertThat(refusedOnB(s)).isTrue();
      assertThat(storeB.read(next, touch())).isPresent();
    }
  }

  @Test
  void logoutEverywhereOnOneNodeIsRefusedOnTheOtherOnEveryMaster() {
    for (SessionRecord s : cachedOnEveryMaster()) {
      assertThat(storeA.deleteBySubject(s.principal().subject())).isEqualTo(1);
      assertThat(refusedOnB(s)).isTrue();
    }
  }

  @Test
  void anAttributeChangedOnOneNodeIsSeenOnTheOtherOnEveryMaster() {
    for (SessionRecord s : cachedOnEveryMaster()) {
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
  }

  @Test
  void readsRacingALogoutNeverBringTheSessionBack() throws Exception {
    ExecutorService readers = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        SessionRecord s = cachedOnB(session("user-" + UUID.randomUUID()));
        AtomicBoolean refused = new AtomicBoolean();
        AtomicBoolean resurrected = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        CyclicBarrier start = new CyclicBarrier(3);
        List<Future<?>> running = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
          running.add(
              readers.submit(
                  () -> {
                    start.await();
                    while (!stop.get()) {
                      boolean refusedBefore = refused.get();
                      if (storeB.read(s.id(), touch()).isEmpty()) {
                        refused.set(true);
                      } else if (refusedBefore) {
                        // A read that began before the logout cached its copy after it.
                        resurrected.set(true);
                      }
                    }
                    return null;
                  }));
        }
        start.await();
        // Rewrites that change nothing, each dropping B's entry: B's readers keep reading Redis,
        // so that reads are in flight when the logout lands.
        for (int i = 0; i < 20; i++) {
          assertThat(storeA.setAttribute(s.id(), "seen", "yes", clock.instant())).isTrue();
        }
        assertThat(storeA.delete(s.id())).isTrue();
        assertThat(RedisFixture.waitUntil(BOUND, refused::get)).isTrue();
        // Readers go on after the first refusal: nothing may bring the old entry back.
        long until = System.nanoTime() + Duration.ofMillis(30).toNanos();
        while (System.nanoTime() < until) {
          Thread.onSpinWait();
        }
        stop.set(true);
        for (Future<?> f : running) {
          f.get();
        }
        assertThat(resurrected).isFalse();
        assertThat(storeB.read(s.id(), touch())).isEmpty();
      }
    } finally {
      readers.shutdownNow();
    }
  }

  @Test
  void aKilledTrackingConnectionLeavesNothingStaleAndTrackingComesBack() {
    Map<RedisServer, SessionRecord> perMaster = sessionPerMaster();
    perMaster.values().forEach(this::cachedOnB);
    RedisServer victim = perMaster.keySet().iterator().next();
    SessionRecord onVictim = perMaster.get(victim);
    killSubscribers(victim);
    // Ended where B's connection is gone: B never hears of it, so only an emptied cache refuses.
    assertThat(storeA.delete(onVictim.id())).isTrue();
    assertThat(refusedOnB(onVictim)).isTrue();
    // One master's connection lost empties the whole cache, not only that master's sessions.
    for (SessionRecord s : perMaster.values()) {
      assertThat(RedisFixture.waitUntil(BOUND, () -> nodeB.nearCache().get(key(s)) == null))
          .isTrue();
    }
    awaitCurrent(nodeB);
    assertThat(storeB.read(onVictim.id(), touch())).isEmpty();
    // Tracking is back on every master: the cache fills and follows changes again.
    SessionRecord again = cachedOnB(session("user-" + UUID.randomUUID()));
    assertThat(storeA.delete(again.id())).isTrue();
    assertThat(refusedOnB(again)).isTrue();
  }
}

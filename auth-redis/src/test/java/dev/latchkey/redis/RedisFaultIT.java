package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.LoginThrottle;
import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.ThrottlePolicy;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.PasskeyChallenge;
import dev.latchkey.core.spi.PasskeyStore;
import dev.latchkey.core.spi.RefreshTokenStore;
import dev.latchkey.core.spi.RevocationList;
import dev.latchkey.core.spi.SecondFactorStore;
import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.core.spi.SessionStore.CapPolicy;
import dev.latchkey.core.spi.SessionTouch;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import redis.clients.jedis.Jedis;

/**
 * Redis misbehaving: killed, restarted empty, paused. Stores built from a URL with a 1 s timeout
 * must fail closed within a bound, recover by themselves with the same client, and leak nothing.
 */
class RedisFaultIT {
  @AutoClose static final RedisServer REDIS = RedisFixture.standalone();

  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  /** How long any call may take to give up, with a margin over the 1 s timeout. */
  private static final Duration FAIL_BOUND = Duration.ofSeconds(5);

  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(10);

  private final TestClock clock = TestClock.atNow();
  private RedisStores stores;

  @BeforeEach
  void setUp() {
    if (!REDIS.isRunning()) {
      REDIS.restart();
    }
    stores = newStores();
  }

  @AfterEach
  void tearDown() {
    REDIS.resume();
    stores.close();
  }

  private RedisStores newStores() {
    return RedisStores.fromUrl("redis://127.0.0.1:" + REDIS.port())
        .timeout(TIMEOUT)
        .clock(clock)
        .revocationHeartbeat(Duration.ofMillis(100))
        .keyPrefix("fault:")
        .build();
  }

  private SessionRecord session(String subject) {
    Instant now = clock.instant();
    return new SessionRecord(
        OpaqueIds.parse(OpaqueIds.generateInShard(stores.sessionStore().shardFor(subject)))
            .orElseThrow(),
        Principal.of(subject),
        now,
        now,
        now.plusSeconds(600),
        now.plusSeconds(3600),
        now.plusSeconds(900),
        Map.of());
  }

  private SessionTouch touch() {
    return new SessionTouch(
        clock.instant(), Duration.ofMinutes(10), Duration.ZERO, Duration.ofMinutes(5));
  }

  /** One call on every store; each throws StoreUnavailableException when Redis is gone. */
  private List<Executable> everyStoreCall() {
    SessionStore sessions = stores.sessionStore();
    RefreshTokenStore refresh = stores.refreshTokenStore();
    LoginThrottle throttle = stores.loginThrottle(ThrottlePolicy.DEFAULT);
    RevocationList revocations = stores.revocationList();
    SecondFactorStore factors = stores.secondFactorStore();
    PasskeyStore passkeys = stores.passkeyStore();
    PasskeyChallenge challenge =
        new PasskeyChallenge(
            PasskeyChallenge.Ceremony.AUTHENTICATION,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            clock.instant().plusSeconds(60));
    HashedId id = OpaqueIds.parse(OpaqueIds.generate()).orElseThrow();
    return List.of(
        () -> sessions.read(id, touch()),
        () -> sessions.create(session("u"), 3, CapPolicy.REFUSE_NEW),
        () -> sessions.delete(id),
        () -> refresh.revokeFamily(id),
        () -> throttle.reserve("u", "10.0.0.1"),
        () -> throttle.recordSuccess("u", "10.0.0.1"),
        () -> factors.find("u"),
        () -> factors.acceptStep("u", 1),
        () -> factors.consumeRecoveryCode("u", "h"),
        () -> passkeys.putChallenge("h", challenge),
        () -> passkeys.takeChallenge("h", clock.instant()),
        () -> passkeys.find("Y3JlZA"),
        () -> passkeys.list("u"),
        () -> passkeys.updateUse("Y3JlZA", 1, 2, clock.instant()),
        () -> revocations.revokeToken("iss", "j", "u", clock.instant().plusSeconds(60)));
  }

  private static void assertFailsClosedWithinBound(Executable call) {
    long start = System.nanoTime();
    assertThatThrownBy(call::execute)
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageStartingWith("redis unavailable: ");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAIL_BOUND);
  }

  private boolean sessionStoreWorks() {
    try {
      stores.sessionStore().read(OpaqueIds.parse(OpaqueIds.generate()).orElseThrow(), touch());
      return true;
    } catch (StoreUnavailableException e) {
      return false;
    }
  }

  @Test
  void killedRedisMakesEveryCallUnavailableWithinTheTimeoutAndRestartHeals() {
    SessionStore sessions = stores.sessionStore();
    SessionRecord s = session("alice");
    sessions.create(s, 3, CapPolicy.REFUSE_NEW);
    REDIS.kill();
    for (Executable call : everyStoreCall()) {
      assertFailsClosedWithinBound(call);
    }
    REDIS.restart();
    assertThat(RedisFixture.waitUntil(RECOVERY_BOUND, this::sessionStoreWorks)).isTrue();
    // The same stores, no new client: a new session works, the old one is gone with the data.
    SessionRecord t = session("alice");
    assertThat(sessions.create(t, 3, CapPolicy.REFUSE_NEW).created()).isTrue();
    assertThat(sessions.read(t.id(), touch())).isPresent();
    assertThat(sessions.read(s.id(), touch())).isEmpty();
  }

  @Test
  void pausedRedisMakesCallsUnavailableWithinTheTimeout() {
    assertThat(sessionStoreWorks()).isTrue();
    REDIS.pause();
    try {
      assertFailsClosedWithinBound(
          () ->
              stores
                  .sessionStore()
                  .read(OpaqueIds.parse(OpaqueIds.generate()).orElseThrow(), touch()));
      assertFailsClosedWithinBound(
          () -> stores.loginThrottle(ThrottlePolicy.DEFAULT).reserve("bob", null));
    } finally {
      REDIS.resume();
    }
    assertThat(RedisFixture.waitUntil(RECOVERY_BOUND, this::sessionStoreWorks)).isTrue();
  }

  @Test
  void revocationCheckFailsClosedWhileTheReplicaIsNotCurrent() {
    RedisRevocationList list = (RedisRevocationList) stores.revocationList();
    RedisStoresBehaviour.awaitCurrent(list);
    String subject = "carol-" + UUID.randomUUID();
    list.revokeToken("iss", "known", subject, clock.instant().plusSeconds(600));
    REDIS.kill();
    assertThat(RedisFixture.waitUntil(FAIL_BOUND, () -> !list.isCurrent())).isTrue();
    // What this node knows to be revoked stays refused; anything else cannot be checked.
    assertThat(list.isRevoked("iss", "known", subject, clock.instant())).isTrue();
    assertFailsClosedWithinBound(() -> list.isRevoked("iss", "other", subject, clock.instant()));
    REDIS.restart();
    RedisStoresBehaviour.awaitCurrent(list);
    assertThat(list.isRevoked("iss", "other", subject, clock.instant())).isFalse();
  }

  @Test
  void revocationsSurviveRedisRestartingEmptyWhileAReplicaHoldsThem() {
    RedisRevocationList list = (RedisRevocationList) stores.revocationList();
    RedisStoresBehaviour.awaitCurrent(list);
    String subject = "dave-" + UUID.randomUUID();
    Instant iat = clock.instant();
    list.revokeToken("iss", "stolen", subject, clock.instant().plusSeconds(600));
    list.revokeSubject(subject, clock.instant().plusSeconds(1), clock.instant().plusSeconds(600));
    String tokenKey = StoredRevocationKeys.token("fault:", "iss", "stolen", subject);
    try (Jedis admin = REDIS.admin()) {
      admin.set("fault:marker", "x");
    }
    REDIS.restart();
    try (Jedis admin = REDIS.admin()) {
      // Redis lost everything. (Not shown on the token's key: the replica may have written it
      // back already, as it resubscribes within 50 ms.)
      assertThat(admin.exists("fault:marker")).isFalse();
    }
    // The replica resubscribes, finds Redis empty and writes its live entries back.
    assertThat(
            RedisFixture.waitUntil(
                RECOVERY_BOUND,
                () -> {
                  try (Jedis admin = REDIS.admin()) {
                    return admin.exists(tokenKey)
                        && admin.exists(StoredRevocationKeys.subject("fault:", subject));
                  } catch (RuntimeException e) {
                    return false;
                  }
                }))
        .isTrue();
    try (RedisStores otherNode = newStores()) {
      RevocationList other = otherNode.revocationList();
      assertThat(other.isRevoked("iss", "stolen", subject, iat.plusSeconds(5))).isTrue();
      assertThat(other.isRevoked("iss", "fresh", subject, iat)).isTrue();
      assertThat(other.isRevoked("iss", "fresh", subject, iat.plusSeconds(5))).isFalse();
    }
  }

  @Test
  void repeatedOutagesLeakNoThreads() {
    stores.revocationList();
    outage();
    int before = Thread.activeCount();
    for (int i = 0; i < 3; i++) {
      outage();
    }
    assertThat(Thread.activeCount()).isLessThanOrEqualTo(before + 1);
    long latchkeyThreads =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("latchkey-revocations"))
            .count();
    assertThat(latchkeyThreads).isEqualTo(2);
    stores.close();
    assertThat(
            Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("latchkey-revocations"))
                .count())
        .isZero();
  }

  private void outage() {
    REDIS.kill();
    assertFailsClosedWithinBound(
        () -> stores.loginThrottle(ThrottlePolicy.DEFAULT).reserve("x", null));
    REDIS.restart();
    assertThat(RedisFixture.waitUntil(RECOVERY_BOUND, this::sessionStoreWorks)).isTrue();
    assertThat(
            RedisFixture.waitUntil(
                RECOVERY_BOUND, ((RedisRevocationList) stores.revocationList())::isCurrent))
        .isTrue();
  }

  @Test
  void faultMessagesNameTheOperationOnly() {
    REDIS.kill();
    HashedId id = OpaqueIds.parse(OpaqueIds.generate()).orElseThrow();
    assertThatThrownBy(() -> stores.sessionStore().read(id, touch()))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessage("redis unavailable: session read")
        .message()
        .doesNotContain(id.hash());
  }

  @Test
  void isReachableFollowsTheServerWithoutThrowing() {
    assertThat(stores.isReachable()).isTrue();

    REDIS.kill();
    long start = System.nanoTime();
    assertThat(stores.isReachable()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAIL_BOUND);

    REDIS.restart();
    assertThat(stores.isReachable()).isTrue();
  }
}

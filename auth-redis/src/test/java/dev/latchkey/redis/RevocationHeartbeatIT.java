package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.TestClock;
import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.core.spi.SessionStore.CapPolicy;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The revocation replica's heartbeat never writes to the subscription's connection. Found by the
 * load test: a PING written there raced Jedis under load (its PONG arrived before Jedis had queued
 * the PONG handler), the subscription failed, and its still-subscribed connection went back to the
 * pool, where other commands read pub/sub messages as their replies.
 */
class RevocationHeartbeatIT {
  @AutoClose static final RedisServer REDIS = RedisFixture.standalone();

  private final TestClock clock = TestClock.atNow();

  private RedisStores stores(Duration heartbeat) {
    return RedisStores.fromUrl("redis://127.0.0.1:" + REDIS.port())
        .timeout(Duration.ofSeconds(1))
        .clock(clock)
        .revocationHeartbeat(heartbeat)
        .keyPrefix("hb:")
        .build();
  }

  @Test
  void heartbeatsArePublishedNeverPingedOnTheSubscription() {
    try (RedisStores stores = stores(Duration.ofMillis(20))) {
      RedisStoresBehaviour.awaitCurrent(stores.revocationList());
      try (Jedis admin = REDIS.admin()) {
        admin.configResetStat();
      }
      assertThat(
              RedisFixture.waitUntil(
                  Duration.ofSeconds(5),
                  () -> REDIS.commandCalls().getOrDefault("publish", 0L) >= 10))
          .isTrue();

      assertThat(REDIS.commandCalls()).doesNotContainKey("ping");
      assertThat(((RedisRevocationList) stores.revocationList()).isCurrent()).isTrue();
    }
  }

  @Test
  void busyStoresWithAFastHeartbeatNeverReadAnotherCommandsReply() throws Exception {
    try (RedisStores stores = stores(Duration.ofMillis(10))) {
      RedisStoresBehaviour.awaitCurrent(stores.revocationList());
      SessionStore sessions = stores.sessionStore();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<Integer>> workers = new ArrayList<>();
        long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        for (int t = 0; t < 4; t++) {
          workers.add(
              pool.submit(
                  () -> {
                    int wrong = 0;
                    for (int i = 0; i < 5_000 && System.nanoTime() < until; i++) {
                      SessionRecord s =
                          TestSessions.session(sessions, "user" + i % 50, clock.instant());
                      if (!sessions.create(s, 1_000, CapPolicy.REFUSE_NEW).created()
                          || sessions.read(s.id(), TestSessions.touch(clock.instant())).isEmpty()
                          || !sessions.delete(s.id())) {
                        wrong++;
                      }
                    }
                    return wrong;
                  }));
        }
        for (Future<Integer> w : workers) {
          assertThat(w.get()).isZero();
        }
      } finally {
        pool.shutdownNow();
      }
      // Within a bound, not at this instant: a busy machine can delay a 10 ms heartbeat past its
      // 30 ms staleness bound.
      RedisStoresBehaviour.awaitCurrent(stores.revocationList());
    }
  }
}

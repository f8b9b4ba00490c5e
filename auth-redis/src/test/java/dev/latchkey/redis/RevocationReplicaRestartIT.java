package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.TestClock;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Two nodes' replicas across a Redis that restarts empty, driven by hand as in {@link
 * RevocationReplicaIT}: the listener callbacks are called by the test, in the order the
 * subscription delivers them, and heartbeats are measured on a nano source the test sets. The
 * server is real and really killed, so the resync writes back into an empty Redis.
 */
class RevocationReplicaRestartIT {
  @AutoClose static final RedisServer REDIS = RedisFixture.standalone();

  private static final Duration HEARTBEAT = Duration.ofMillis(100);
  private static final String ISS = "https://issuer.example";
  private static final String PREFIX = "restart:";

  private final TestClock clock = TestClock.atNow();
  private final AtomicLong nanos = new AtomicLong(1_000_000);
  private final String channel = new Keys(PREFIX).revocationChannel();
  private final UnifiedJedis clientA = client();
  private final UnifiedJedis clientB = client();
  private final RedisRevocationList nodeA = newList(clientA);
  private final RedisRevocationList nodeB = newList(clientB);

  /** A pool that drops a connection to the killed server when it is borrowed, not on its use. */
  private static UnifiedJedis client() {
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setTestOnBorrow(true);
    return RedisClient.builder()
        .hostAndPort(REDIS.hostAndPort())
        .clientConfig(
            DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(2000)
                .socketTimeoutMillis(2000)
                .build())
        .poolConfig(pool)
        .build();
  }

  private RedisRevocationList newList(UnifiedJedis client) {
    return new RedisRevocationList(
        new RedisCalls(client), new Keys(PREFIX), clock, HEARTBEAT, nanos::get);
  }

  @AfterEach
  void close() {
    nodeA.close();
    nodeB.close();
    clientA.close();
    clientB.close();
  }

  /** Delivers {@code messages} to {@code l} as its subscription would. */
  private void hear(RevocationFeed.Listener l, List<String> messages) {
    messages.forEach(m -> l.onMessage(channel, m));
  }

  @Test
  void aRevocationMadeDuringAnotherNodesLongResyncIsRefusedThereBeforeItsMessageIsApplied() {
    Instant iat = clock.instant();
    Instant until = iat.plus(Duration.ofMinutes(10));
    RevocationFeed.Listener before = nodeB.installListener();
    before.onSubscribe(channel, 1);
    hear(before, before.syncBeats);
    nodeB.revokeToken(ISS, "own", "alice", until);
    String own = StoredRevocationKeys.token(PREFIX, ISS, "own", "alice");

    REDIS.restart();
    before.current = false;
    // Node B resubscribes: the resync's heartbeat leaves first, then it writes back into the
    // empty Redis. That takes five heartbeats (a replica of thousands of entries on a loaded
    // machine), and meanwhile node A revokes a token: its message waits in the subscription
    // behind the resync's heartbeat.
    RevocationFeed.Listener l = nodeB.installListener();
    l.onSubscribe(channel, 1);
    try (Jedis admin = REDIS.admin()) {
      assertThat(admin.exists(own)).as("written back").isTrue();
    }
    nanos.addAndGet(HEARTBEAT.toNanos());
    nodeA.revokeToken(ISS, "stolen", "bob", until);
    String stolen = StoredRevocationKeys.token(PREFIX, ISS, "stolen", "bob");
    String published = "t " + until.toEpochMilli() + " " + stolen;
    nanos.addAndGet(4 * HEARTBEAT.toNanos());

    // Four heartbeats after the revocation returned, the backlog is read in order. The resync's
    // own heartbeat proves the path only up to when it left, before the revocation: node B must
    // still ask Redis, not answer from a replica that has not read the message yet.
    hear(l, l.syncBeats);
    assertThat(nodeB.isRevoked(ISS, "stolen", "bob", iat)).as("refused on node B").isTrue();
    assertThat(nodeB.isCurrent()).isFalse();

    // The message, then a heartbeat sent now: current again, and the replica holds both entries.
    l.onMessage(channel, published);
    hear(l, l.shards.publish(new RedisCalls(clientB), channel, nanos.get()));
    assertThat(nodeB.isCurrent()).isTrue();
    assertThat(nodeB.isRevoked(ISS, "stolen", "bob", iat)).isTrue();
    assertThat(nodeB.isRevoked(ISS, "own", "alice", iat)).isTrue();
  }
}

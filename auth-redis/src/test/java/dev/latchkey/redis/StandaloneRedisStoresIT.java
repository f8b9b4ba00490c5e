package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.spi.RevocationList;
import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.core.spi.SessionStore.CapPolicy;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/** The store behaviour on a standalone server, plus what is measured there (commands per op). */
class StandaloneRedisStoresIT extends RedisStoresBehaviour {
  @AutoClose static final RedisServer REDIS = RedisFixture.standalone();

  @Override
  protected UnifiedJedis newClient() {
    return RedisClient.builder()
        .hostAndPort(REDIS.hostAndPort())
        .clientConfig(
            DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(1000)
                .socketTimeoutMillis(1000)
                .build())
        .build();
  }

  @Test
  void sessionCheckThatDoesNotRenewIsOneGetAndNothingElse() {
    SessionStore store = nodeA.sessionStore();
    SessionRecord s = session(subject());
    store.create(s, 3, CapPolicy.REFUSE_NEW);
    try (var admin = REDIS.admin()) {
      admin.configResetStat();
    }
    int reads = 10;
    for (int i = 0; i < reads; i++) {
      clock.advance(Duration.ofSeconds(1));
      assertThat(store.read(s.id(), touch(Duration.ofMinutes(1)))).contains(s);
    }
    Map<String, Long> calls = REDIS.commandCalls();
    assertThat(calls.get("get")).as("%s", calls).isEqualTo(reads);
    assertThat(otherCommands(calls, Set.of("get"))).as("%s", calls).isZero();
  }

  @Test
  void loginUnderItsCapIsPlainCommandsAndNoScript() {
    SessionStore store = nodeA.sessionStore();
    String subject = subject();
    store.create(session(subject), 2, CapPolicy.END_OLDEST);
    try (var admin = REDIS.admin()) {
      admin.configResetStat();
    }
    assertThat(store.create(session(subject), 2, CapPolicy.END_OLDEST).ended()).isEmpty();
    Map<String, Long> calls = REDIS.commandCalls();
    assertThat(calls.get("set")).as("%s", calls).isEqualTo(1);
    assertThat(calls.get("zadd")).as("%s", calls).isEqualTo(1);
    assertThat(calls.get("zcard")).as("%s", calls).isEqualTo(1);
    assertThat(calls.get("pexpire")).as("%s", calls).isEqualTo(2);
    assertThat(otherCommands(calls, Set.of("set", "zadd", "zcard", "pexpire")))
        .as("%s", calls)
        .isZero();
    // Over the cap, one script ends the oldest.
    assertThat(store.create(session(subject), 2, CapPolicy.END_OLDEST).ended()).hasSize(1);
    assertThat(REDIS.commandCalls().get("evalsha")).isEqualTo(1);
  }

  @Test
  void sessionCheckThatThisNodeKnowsIsDueIsTheRenewingScriptAlone() {
    SessionStore store = nodeA.sessionStore();
    SessionRecord s = session(subject());
    store.create(s, 3, CapPolicy.REFUSE_NEW);
    // Warm the script cache so that the count below is the steady state.
    store.read(s.id(), touch(Duration.ZERO));
    try (var admin = REDIS.admin()) {
      admin.configResetStat();
    }
    int reads = 10;
    for (int i = 0; i < reads; i++) {
      clock.advance(Duration.ofSeconds(1));
      assertThat(store.read(s.id(), touch(Duration.ZERO)).orElseThrow().lastSeenAt())
          .isEqualTo(clock.instant());
    }
    Map<String, Long> calls = REDIS.commandCalls();
    // One EVALSHA per check, sent alone: the only GETs are the scripts' own. Inside, the script
    // runs GET and SET: a renewal never writes the subject's index.
    assertThat(calls.get("evalsha")).as("%s", calls).isEqualTo(reads);
    assertThat(calls.get("get")).as("%s", calls).isEqualTo(reads);
    assertThat(calls.get("set")).as("%s", calls).isEqualTo(reads);
    assertThat(otherCommands(calls, Set.of("evalsha", "get", "set"))).as("%s", calls).isZero();
  }

  @Test
  void sessionCheckDueOnANodeThatHasNotReadItIsAGetThenTheScript() {
    SessionRecord s = session(subject());
    nodeA.sessionStore().create(s, 3, CapPolicy.REFUSE_NEW);
    SessionStore other = nodeB.sessionStore();
    other.read(s.id(), touch(Duration.ofMinutes(1)));
    clock.advance(Duration.ofMinutes(2));
    try (var admin = REDIS.admin()) {
      admin.configResetStat();
    }
    // Node B read it before, at its creation: its hint is due, one script.
    assertThat(other.read(s.id(), touch(Duration.ofMinutes(1))).orElseThrow().lastSeenAt())
        .isEqualTo(clock.instant());
    clock.advance(Duration.ofMinutes(2));
    // Node A's hint is from the creation; node B has renewed since: still one script each,
    // which renews (it is due again by now).
    SessionRecord renewed =
        nodeA.sessionStore().read(s.id(), touch(Duration.ofMinutes(1))).orElseThrow();
    assertThat(renewed.lastSeenAt()).isEqualTo(clock.instant());
    Map<String, Long> calls = REDIS.commandCalls();
    assertThat(calls.get("evalsha")).as("%s", calls).isEqualTo(2);
    assertThat(calls.get("get")).as("%s", calls).isEqualTo(2);
    // A node with no hint at all reads first, then renews: two round trips.
    try (RedisStores fresh = stores()) {
      clock.advance(Duration.ofMinutes(2));
      try (var admin = REDIS.admin()) {
        admin.configResetStat();
      }
      assertThat(
              fresh
                  .sessionStore()
                  .read(s.id(), touch(Duration.ofMinutes(1)))
                  .orElseThrow()
                  .lastSeenAt())
          .isEqualTo(clock.instant());
      calls = REDIS.commandCalls();
      assertThat(calls.get("evalsha")).as("%s", calls).isEqualTo(1);
      assertThat(calls.get("get")).as("%s", calls).isEqualTo(2);
    }
  }

  /** Commands besides {@code expected} and the test's own INFO, CONFIG RESETSTAT and PING. */
  private static long otherCommands(Map<String, Long> calls, Set<String> expected) {
    return calls.entrySet().stream()
        .filter(e -> !expected.contains(e.getKey()))
        .filter(e -> !Set.of("info", "config|resetstat", "ping").contains(e.getKey()))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  @Test
  void sessionWriteIsExactlyOneScriptCall() {
    SessionStore store = nodeA.sessionStore();
    SessionRecord warm = session(subject());
    store.create(warm, 3, CapPolicy.REFUSE_NEW);
    store.setAttribute(warm.id(), "a", "b", clock.instant());
    try (var admin = REDIS.admin()) {
      admin.configResetStat();
    }
    SessionRecord s = session(subject());
    store.create(s, 3, CapPolicy.REFUSE_NEW);
    store.setAttribute(s.id(), "a", "b", clock.instant());
    Map<String, Long> calls = REDIS.commandCalls();
    assertThat(calls.get("evalsha")).as("%s", calls).isEqualTo(2);
    // The attribute's script reads the value itself.
    assertThat(calls.get("get")).as("%s", calls).isEqualTo(1);
  }

  @Test
  void revocationCheckThroughACurrentReplicaCostsNoRoundTrip() {
    RevocationList list = nodeA.revocationList();
    awaitCurrent(list);
    String subject = subject();
    list.revokeToken("iss", "gone", subject, clock.instant().plusSeconds(600));
    try (var admin = REDIS.admin()) {
      admin.configResetStat();
    }
    for (int i = 0; i < 100; i++) {
      assertThat(list.isRevoked("iss", "gone", subject, clock.instant())).isTrue();
      assertThat(list.isRevoked("iss", "live-" + i, subject, clock.instant())).isFalse();
    }
    Map<String, Long> calls = REDIS.commandCalls();
    // The only scripts are heartbeats, one PUBLISH each; a check's script would GET its keys.
    assertThat(calls.getOrDefault("get", 0L)).as("%s", calls).isZero();
    assertThat(calls.getOrDefault("evalsha", 0L) + calls.getOrDefault("eval", 0L))
        .as("%s", calls)
        .isEqualTo(calls.getOrDefault("publish", 0L));
  }

  @Test
  void droppedSubscriptionIsResyncedAndMissesNoRevocation() {
    RevocationList a = nodeA.revocationList();
    RedisRevocationList b = (RedisRevocationList) nodeB.revocationList();
    awaitCurrent(a);
    awaitCurrent(b);
    String subject = subject();
    Instant iat = clock.instant();
    try (var admin = REDIS.admin()) {
      // Drop every subscriber connection, then revoke before they are back: the message is lost
      // for them, so only the resync (or a direct read meanwhile) can tell B.
      admin.clientKill(
          redis.clients.jedis.params.ClientKillParams.clientKillParams()
              .type(redis.clients.jedis.args.ClientType.PUBSUB));
    }
    a.revokeToken("iss", "while-down", subject, clock.instant().plusSeconds(600));
    assertThat(
            RedisFixture.waitUntil(
                PROPAGATION_BOUND, () -> b.isRevoked("iss", "while-down", subject, iat)))
        .isTrue();
    awaitCurrent(b);
    assertThat(b.isRevoked("iss", "while-down", subject, iat)).isTrue();
  }

  @Test
  void flushedScriptCacheIsRefilledWithoutAFailure() {
    SessionStore store = nodeA.sessionStore();
    SessionRecord s = session(subject());
    store.create(s, 3, CapPolicy.REFUSE_NEW);
    try (var admin = REDIS.admin()) {
      admin.scriptFlush();
    }
    assertThat(store.setAttribute(s.id(), "a", "1", clock.instant())).isTrue();
    try (var admin = REDIS.admin()) {
      admin.configResetStat();
    }
    assertThat(store.setAttribute(s.id(), "a", "2", clock.instant())).isTrue();
    assertThat(REDIS.commandCalls().get("evalsha")).isEqualTo(1);
  }

  @Test
  void startingAndClosingReplicasLeavesTheSharedClientsConnectionsClean() {
    // A subscription's connection returns to the client's pool: a reply left unread on it (a
    // second UNSUBSCRIBE, a late PONG) would answer some later, unrelated command.
    SessionStore sessions = nodeA.sessionStore();
    SessionRecord s = session(subject());
    sessions.create(s, 3, CapPolicy.REFUSE_NEW);
    for (int i = 0; i < 40; i++) {
      RedisStores node = stores();
      RevocationList list = node.revocationList();
      if (i % 2 == 0) {
        awaitCurrent(list);
      }
      node.close();
      for (int j = 0; j < 5; j++) {
        assertThat(sessions.read(s.id(), touch(Duration.ofMinutes(1)))).contains(s);
        assertThat(client.ping()).isEqualTo("PONG");
      }
    }
  }
}

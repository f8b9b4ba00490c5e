package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.redis.testing.RedisFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The revocation replica driven by hand: a list whose threads are never started, whose listener
 * callbacks (subscribed, a message, a pong) the tests call themselves, with heartbeats measured on
 * a nano source the tests set. So whether a check is answered by the replica or by Redis, and what
 * the replica holds, is decided by the test, not by a thread's timing: no sleeps, no waiting.
 */
class RevocationReplicaIT {
  private static final Duration HEARTBEAT = Duration.ofMillis(100);
  private static final long STALE_NANOS = 3 * HEARTBEAT.toNanos();
  private static final String ISS = "https://issuer.example";

  private final TestClock clock = TestClock.atNow();
  private final AtomicLong nanos = new AtomicLong(1_000_000);
  private final String prefix = "r" + UUID.randomUUID().toString().substring(0, 8) + ":";
  private final String channel = new Keys(prefix).revocationChannel();
  private final UnifiedJedis redis = RedisFixture.sharedStandalone().client();
  private final RedisRevocationList list = newList(redis);

  private RedisRevocationList newList(UnifiedJedis client) {
    return new RedisRevocationList(
        new RedisCalls(client), new Keys(prefix), clock, HEARTBEAT, nanos::get);
  }

  @AfterEach
  void close() {
    list.close();
  }

  private static String subject() {
    return "user-" + UUID.randomUUID();
  }

  /** A second subject whose keys live in another shard than {@code subject}'s. */
  private static String otherShard(String subject) {
    String other = subject();
    while (shard(other).equals(shard(subject))) {
      other = subject();
    }
    return other;
  }

  /** The replica subscribed, synced, and its first heartbeats heard, as its threads leave it. */
  private RevocationFeed.Listener current() {
    RevocationFeed.Listener l = list.installListener();
    l.onSubscribe(channel, 1);
    hear(l, l.syncBeats);
    assertThat(list.isCurrent()).isTrue();
    return l;
  }

  /** Delivers {@code messages} to {@code l} as its subscription would. */
  private void hear(RevocationFeed.Listener l, List<String> messages) {
    messages.forEach(m -> l.onMessage(channel, m));
  }

  /** Publishes the heartbeat thread's next round for {@code l}'s shards; returns its messages. */
  private List<String> nextBeats(RevocationFeed.Listener l, UnifiedJedis client) {
    return l.shards.publish(new RedisCalls(client), channel, nanos.get());
  }

  private long at(Duration fromNow) {
    return clock.instant().plus(fromNow).toEpochMilli();
  }

  // ---- messages from other nodes

  @Test
  void aTokenRevokedOnAnotherNodeIsRefusedFromItsMessageAloneAndOnlyForItsSubject() {
    RevocationFeed.Listener l = current();
    String subject = subject();
    long exp = at(Duration.ofMinutes(10));
    // Redis does not hold the key: only the message can make the current replica refuse it.
    l.onMessage(channel, "t " + exp + " " + StoredRevocationKeys.token(prefix, ISS, "j1", subject));

    Instant iat = clock.instant();
    assertThat(list.isRevoked(ISS, "j1", subject, iat)).isTrue();
    assertThat(list.isRevoked(ISS, "j2", subject, iat)).isFalse();
    assertThat(list.isRevoked("https://other.example", "j1", subject, iat)).isFalse();
    // The entry is that of the subject's key: under another shard it is another key.
    assertThat(list.isRevoked(ISS, "j1", otherShard(subject), iat)).isFalse();
    clock.set(Instant.ofEpochMilli(exp - 1));
    assertThat(list.isRevoked(ISS, "j1", subject, iat)).isTrue();
    clock.set(Instant.ofEpochMilli(exp));
    assertThat(list.isRevoked(ISS, "j1", subject, iat)).isFalse();
  }

  @Test
  void aSubjectCutOffFromAnotherNodeIsRefusedFromItsMessageAlone() {
    RevocationFeed.Listener l = current();
    String subject = subject();
    long nbf = at(Duration.ofSeconds(5));
    long keep = at(Duration.ofMinutes(10));
    l.onMessage(
        channel, "s " + nbf + ":" + keep + " " + StoredRevocationKeys.subject(prefix, subject));

    assertThat(list.isRevoked(ISS, "j", subject, Instant.ofEpochMilli(nbf - 1))).isTrue();
    assertThat(list.isRevoked(ISS, "j", subject, Instant.ofEpochMilli(nbf))).isFalse();
    assertThat(list.isRevoked(ISS, "j", subject(), Instant.ofEpochMilli(nbf - 1))).isFalse();
    clock.set(Instant.ofEpochMilli(keep - 1));
    assertThat(list.isRevoked(ISS, "j", subject, Instant.ofEpochMilli(nbf - 1))).isTrue();
    clock.set(Instant.ofEpochMilli(keep));
    assertThat(list.isRevoked(ISS, "j", subject, Instant.ofEpochMilli(nbf - 1))).isFalse();
  }

  @Test
  void aLaterMessageNeverShortensAnEntry() {
    RevocationFeed.Listener l = current();
    String subject = subject();
    String tokenKey = StoredRevocationKeys.token(prefix, ISS, "j", subject);
    String subjectKey = StoredRevocationKeys.subject(prefix, subject);
    long early = at(Duration.ofMinutes(1));
    long late = at(Duration.ofMinutes(10));
    l.onMessage(channel, "t " + late + " " + tokenKey);
    l.onMessage(channel, "t " + early + " " + tokenKey);
    l.onMessage(channel, "s " + late + ":" + late + " " + subjectKey);
    l.onMessage(channel, "s " + early + ":" + early + " " + subjectKey);

    clock.set(Instant.ofEpochMilli(early));
    Instant iat = Instant.ofEpochMilli(late - 1);
    assertThat(list.isRevoked(ISS, "other", subject, iat)).isTrue();
    assertThat(list.isRevoked(ISS, "j", subject, Instant.ofEpochMilli(late))).isTrue();
  }

  @Test
  void messagesThisVersionCannotReadChangeNothing() {
    RevocationFeed.Listener l = current();
    String subject = subject();
    String tokenKey = StoredRevocationKeys.token(prefix, ISS, "j", subject);
    String subjectKey = StoredRevocationKeys.subject(prefix, subject);
    long exp = at(Duration.ofMinutes(10));
    String tokenHash = tokenKey.substring(tokenKey.lastIndexOf(':') + 1);
    List<String> unreadable =
        List.of(
            "h",
            "t",
            "t " + exp,
            "t x " + tokenKey,
            "x " + exp + " " + tokenKey,
            "s " + exp + ":" + exp + " " + tokenKey,
            "t " + exp + " " + subjectKey,
            "s " + exp + " " + subjectKey,
            "s x:" + exp + " " + subjectKey,
            "t " + exp + " other:" + tokenKey.substring(prefix.length()),
            "t " + exp + " " + prefix + "{" + shard(subject) + "}:rt:" + tokenHash + "A",
            "t " + exp + " " + tokenKey.replace(":rt:", ":rx:"),
            // A subject key in a shard that is not its subject's: no check looks it up.
            "s "
                + exp
                + ":"
                + exp
                + " "
                + subjectKey.replace("{" + shard(subject) + "}", "{" + shard(subject()) + "}"));
    for (String message : unreadable) {
      l.onMessage(channel, message);
      assertThat(list.replicaSize()).as(message).isZero();
    }
    assertThat(list.isRevoked(ISS, "j", subject, clock.instant())).isFalse();
    l.onMessage(channel, "t " + exp + " " + tokenKey);
    assertThat(list.isRevoked(ISS, "j", subject, clock.instant())).isTrue();
  }

  // ---- this node's own revocations

  @Test
  void ownRevocationsAreRefusedAtOnceWithoutWaitingForTheirMessage() {
    current();
    String subject = subject();
    Instant iat = clock.instant();
    Instant until = iat.plus(Duration.ofMinutes(10));
    // Nothing is subscribed: the message these calls publish never reaches this replica.
    list.revokeToken(ISS, "j1", subject, until);
    assertThat(list.isRevoked(ISS, "j1", subject, iat)).isTrue();
    String other = subject();
    list.revokeSubject(other, iat.plusMillis(1), until);
    assertThat(list.isRevoked(ISS, "j2", other, iat)).isTrue();
    assertThat(list.isRevoked(ISS, "j2", other, iat.plusMillis(1))).isFalse();
  }

  @Test
  void revocationsAreStoredInTheFormatOtherVersionsRead() {
    String subject = "ünïcødé \ud83d\ude00 " + UUID.randomUUID();
    String issuer = "https://issuer.example/é";
    Instant until = clock.instant().plus(Duration.ofMinutes(10));
    Instant cut = clock.instant().plusSeconds(1);
    list.revokeToken(issuer, "jti-\u00e9", subject, until);
    list.revokeSubject(subject, cut, until);

    String tokenKey = StoredRevocationKeys.token(prefix, issuer, "jti-\u00e9", subject);
    String subjectKey = StoredRevocationKeys.subject(prefix, subject);
    assertThat(redis.get(tokenKey)).isEqualTo(Long.toString(until.toEpochMilli()));
    assertThat(redis.get(subjectKey)).isEqualTo(cut.toEpochMilli() + ":" + until.toEpochMilli());
    assertThat(redis.pttl(tokenKey)).isBetween(1L, Duration.ofMinutes(10).toMillis());
  }

  // ---- when the replica is current, and what a check asks then

  @Test
  void theReplicaIsCurrentUntilThreeHeartbeatsPassWithoutOneOfItsOwn() {
    assertThat(list.isCurrent()).as("no listener yet").isFalse();
    RevocationFeed.Listener l = list.installListener();
    assertThat(list.isCurrent()).as("not subscribed yet").isFalse();
    l.onSubscribe(channel, 1);
    assertThat(list.isCurrent()).as("synced, its heartbeat not heard yet").isFalse();
    hear(l, l.syncBeats);
    assertThat(list.isCurrent()).isTrue();

    nanos.addAndGet(STALE_NANOS - 1);
    assertThat(list.isCurrent()).isTrue();
    nanos.addAndGet(1);
    assertThat(list.isCurrent()).isFalse();

    // Another node's heartbeats, entries, or anything else prove nothing about this subscription.
    RevocationShards others = RevocationShards.discover(redis, new Keys(prefix), STALE_NANOS, 0);
    hear(l, others.publish(new RedisCalls(redis), channel, nanos.get()));
    hear(l, List.of("h", "h x 0 0 x"));
    assertThat(list.isCurrent()).isFalse();

    hear(l, nextBeats(l, redis));
    assertThat(list.isCurrent()).isTrue();
    nanos.addAndGet(STALE_NANOS);
    assertThat(list.isCurrent()).isFalse();
    hear(l, nextBeats(l, redis));
    assertThat(list.isCurrent()).isTrue();

    // A dropped subscription is not current, however recent its last message.
    l.current = false;
    assertThat(list.isCurrent()).isFalse();
  }

  @Test
  void aLostHeartbeatMakesTheReplicaResyncBeforeItIsCurrentAgain() {
    RevocationFeed.Listener l = current();
    String subject = subject();
    long exp = at(Duration.ofMinutes(10));
    // Its message lost with the heartbeat that followed it: only a resync can find it.
    redis.set(
        StoredRevocationKeys.token(prefix, ISS, "missed", subject),
        Long.toString(exp),
        SetParams.setParams().px(600_000));
    nextBeats(l, redis);
    hear(l, nextBeats(l, redis));

    assertThat(list.replicaSize()).as("resynced").isEqualTo(1);
    assertThat(list.isCurrent()).as("under new heartbeats, not heard yet").isFalse();
    hear(l, l.syncBeats);
    assertThat(list.isCurrent()).isTrue();
    redis.del(StoredRevocationKeys.token(prefix, ISS, "missed", subject));
    assertThat(list.isRevoked(ISS, "missed", subject, clock.instant())).isTrue();
  }

  @Test
  void aShardThatRestartedEmptyMakesTheReplicaWriteBackWhatItLost() {
    RevocationFeed.Listener l = current();
    String subject = subject();
    Instant until = clock.instant().plus(Duration.ofMinutes(10));
    list.revokeToken(ISS, "kept", subject, until);
    String key = StoredRevocationKeys.token(prefix, ISS, "kept", subject);
    // Redis loses every key between two heartbeats, its incarnation too: no sequence gap.
    redis.del(key, prefix + "heartbeat");
    hear(l, nextBeats(l, redis));

    assertThat(redis.get(key)).as("written back").isEqualTo(Long.toString(until.toEpochMilli()));
    hear(l, l.syncBeats);
    assertThat(list.isCurrent()).isTrue();
  }

  @Test
  void aCurrentReplicaAnswersWithoutRedisAndAStaleOneAsksRedis() {
    RevocationFeed.Listener l = current();
    String subject = subject();
    long exp = at(Duration.ofMinutes(10));
    long nbf = at(Duration.ofSeconds(5));
    // Written to Redis behind the replica's back (no message): only a round trip can see them.
    redis.set(
        StoredRevocationKeys.token(prefix, ISS, "j", subject),
        Long.toString(exp),
        SetParams.setParams().px(600_000));
    String other = subject();
    redis.set(
        StoredRevocationKeys.subject(prefix, other),
        nbf + ":" + exp,
        SetParams.setParams().px(600_000));
    Instant iat = clock.instant();

    assertThat(list.isRevoked(ISS, "j", subject, iat)).isFalse();
    assertThat(list.isRevoked(ISS, "j", other, iat)).isFalse();
    nanos.addAndGet(STALE_NANOS);
    assertThat(list.isRevoked(ISS, "j", subject, iat)).isTrue();
    assertThat(list.isRevoked(ISS, "j", other, iat)).isTrue();
    assertThat(list.isRevoked(ISS, "j", other, Instant.ofEpochMilli(nbf))).isFalse();
    assertThat(list.isRevoked(ISS, "j2", subject, iat)).isFalse();
    // Redis is asked with the caller's clock: an entry ended by it is not refused.
    clock.set(Instant.ofEpochMilli(exp));
    assertThat(list.isRevoked(ISS, "j", subject, iat)).isFalse();
    assertThat(list.isRevoked(ISS, "j", other, iat)).isFalse();
    assertThat(list.replicaSize()).isZero();
    assertThat(l.current).isTrue();
  }

  @Test
  void withRedisUnreachableWhatThisNodeRevokedIsRefusedAndEverythingElseFailsClosed()
      throws IOException {
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    try (UnifiedJedis dead =
            RedisClient.builder()
                .hostAndPort(new HostAndPort("127.0.0.1", deadPort))
                .clientConfig(
                    DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(200)
                        .socketTimeoutMillis(200)
                        .build())
                .build();
        RedisRevocationList offline = newList(dead)) {
      String subject = subject();
      Instant iat = clock.instant();
      Instant until = iat.plus(Duration.ofMinutes(10));
      assertThatThrownBy(() -> offline.revokeToken(ISS, "j1", subject, until))
          .isInstanceOf(StoreUnavailableException.class);
      String other = subject();
      assertThatThrownBy(() -> offline.revokeSubject(other, iat.plusMillis(1), until))
          .isInstanceOf(StoreUnavailableException.class);

      assertThat(offline.isRevoked(ISS, "j1", subject, iat)).isTrue();
      assertThat(offline.isRevoked(ISS, "j2", other, iat)).isTrue();
      assertThatThrownBy(() -> offline.isRevoked(ISS, "j2", subject, iat))
          .isInstanceOf(StoreUnavailableException.class);
      assertThatThrownBy(() -> offline.isRevoked(ISS, "j2", other, iat.plusMillis(1)))
          .isInstanceOf(StoreUnavailableException.class);
    }
  }

  // ---- the threads

  @Test
  void theReplicasThreadsAreDaemonsAndEndWhenTheListIsClosed() throws InterruptedException {
    Set<Thread> before = revocationThreads();
    // Built on a thread that is not a daemon: a new thread inherits that, unless told otherwise.
    AtomicReference<RedisRevocationList> built = new AtomicReference<>();
    Thread builder = new Thread(() -> built.set(newList(redis)));
    builder.setDaemon(false);
    builder.start();
    builder.join();
    RedisRevocationList started = built.get().start();
    Set<Thread> threads = revocationThreads();
    threads.removeAll(before);
    assertThat(threads).hasSize(2).allMatch(Thread::isDaemon);
    // Subscribed: closing it now takes an UNSUBSCRIBE round trip, which close waits for.
    RedisStoresBehaviour.awaitCurrent(started);
    started.close();
    assertThat(threads).noneMatch(Thread::isAlive);
  }

  private static Set<Thread> revocationThreads() {
    Set<Thread> threads = new HashSet<>(Thread.getAllStackTraces().keySet());
    threads.removeIf(t -> !t.getName().startsWith("latchkey-revocations-"));
    return threads;
  }

  // ---- resync and expiry

  @Test
  void resyncAddsWhatRedisHoldsAndWritesBackWhatRedisLacksOrHoldsShorter() {
    String a = subject();
    String b = subject();
    String c = subject();
    long exp = at(Duration.ofMinutes(10));
    long nbf = at(Duration.ofSeconds(5));
    SetParams px = SetParams.setParams().px(600_000);
    // In Redis only: a token and a subject cut-off, and what no check of this version reads.
    redis.set(StoredRevocationKeys.token(prefix, ISS, "in-redis", a), Long.toString(exp), px);
    redis.set(StoredRevocationKeys.subject(prefix, b), nbf + ":" + exp, px);
    redis.set(StoredRevocationKeys.token(prefix, ISS, "unreadable", a), "soon", px);
    redis.set(StoredRevocationKeys.subject(prefix, subject()), "soon", px);
    redis.set(StoredRevocationKeys.subject(prefix, subject()), "x:" + exp, px);
    redis.set(prefix + "{abcdef}:rt:not-a-digest", Long.toString(exp), px);
    // Ended by the caller's clock although Redis still holds it.
    redis.set(
        StoredRevocationKeys.token(prefix, ISS, "ended", a), Long.toString(clock.millis()), px);
    // Here only (Redis lost them), and here for longer than in Redis.
    list.revokeToken(ISS, "lost", a, Instant.ofEpochMilli(exp));
    list.revokeSubject(c, Instant.ofEpochMilli(nbf), Instant.ofEpochMilli(exp));
    list.revokeToken(ISS, "longer", a, Instant.ofEpochMilli(exp));
    String lostKey = StoredRevocationKeys.token(prefix, ISS, "lost", a);
    String lostSubjectKey = StoredRevocationKeys.subject(prefix, c);
    String longerKey = StoredRevocationKeys.token(prefix, ISS, "longer", a);
    redis.del(lostKey, lostSubjectKey);
    redis.set(longerKey, Long.toString(exp - 60_000), px);

    current();

    assertThat(list.replicaSize()).isEqualTo(5);
    assertThat(redis.get(lostKey)).isEqualTo(Long.toString(exp));
    assertThat(redis.get(lostSubjectKey)).isEqualTo(nbf + ":" + exp);
    assertThat(redis.get(longerKey)).isEqualTo(Long.toString(exp));
    // What came from Redis is now answered by the replica alone.
    redis.del(
        StoredRevocationKeys.token(prefix, ISS, "in-redis", a),
        StoredRevocationKeys.subject(prefix, b));
    Instant iat = clock.instant();
    assertThat(list.isRevoked(ISS, "in-redis", a, iat)).isTrue();
    assertThat(list.isRevoked(ISS, "any", b, iat)).isTrue();
    assertThat(list.isRevoked(ISS, "ended", a, iat)).isFalse();
    assertThat(list.isRevoked(ISS, "unreadable", a, iat)).isFalse();
  }

  @Test
  void onAClusterTheResyncReadsEveryMaster() {
    UnifiedJedis cluster = RedisFixture.sharedCluster().client();
    long exp = at(Duration.ofMinutes(10));
    List<String> subjects = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      // Thirty shards: spread over every master's slots.
      String subject = subject();
      subjects.add(subject);
      cluster.set(
          StoredRevocationKeys.token(prefix, ISS, "j" + i, subject),
          Long.toString(exp),
          SetParams.setParams().px(600_000));
    }
    try (RedisRevocationList onCluster = newList(cluster)) {
      RevocationFeed.Listener l = onCluster.installListener();
      l.onSubscribe(channel, 1);
      hear(l, l.syncBeats);
      assertThat(onCluster.isCurrent()).isTrue();
      assertThat(onCluster.replicaSize()).isEqualTo(30);
      for (int i = 0; i < 30; i++) {
        assertThat(onCluster.isRevoked(ISS, "j" + i, subjects.get(i), clock.instant())).isTrue();
      }
    }
  }

  @Test
  void onAClusterEveryMasterMustProveItsOwnPath() {
    RedisClusterClient cluster = (RedisClusterClient) RedisFixture.sharedCluster().client();
    try (RedisRevocationList onCluster = newList(cluster)) {
      RevocationFeed.Listener l = onCluster.installListener();
      l.onSubscribe(channel, 1);
      // One heartbeat per master, each routed to a slot of its own master.
      Set<String> masters = new HashSet<>();
      for (RevocationShards.Shard shard : l.shards.shards()) {
        try (Connection c =
            cluster.getConnectionFromSlot(JedisClusterCRC16.getSlot(shard.routeKey()))) {
          masters.add(c.getHostAndPort().toString());
        }
      }
      assertThat(masters).hasSize(3);
      List<String> first = l.syncBeats;
      assertThat(first).hasSize(3);

      hear(l, first.subList(0, 2));
      assertThat(onCluster.isCurrent()).as("one master not heard from").isFalse();
      hear(l, first.subList(2, 3));
      assertThat(onCluster.isCurrent()).isTrue();

      // Two masters keep beating, one goes silent: not current once its beat is three old.
      nanos.addAndGet(STALE_NANOS - 1);
      hear(l, nextBeats(l, cluster).subList(0, 2));
      nanos.addAndGet(1);
      assertThat(onCluster.isCurrent()).isFalse();
      // The silent master's lost beat is a gap: a resync, then new heartbeats to hear.
      RevocationShards before = l.shards;
      hear(l, nextBeats(l, cluster).subList(2, 3));
      assertThat(l.shards).isNotSameAs(before);
      assertThat(onCluster.isCurrent()).isFalse();
      hear(l, l.syncBeats);
      assertThat(onCluster.isCurrent()).isTrue();
    }
  }

  @Test
  void aTokenRevokedUnderTwoSubjectsIsRefusedForEachUntilItsOwnEnd() {
    current();
    String alice = subject();
    String bob = otherShard(alice);
    Instant iat = clock.instant();
    Instant aliceEnd = iat.plus(Duration.ofMinutes(1));
    Instant bobEnd = iat.plus(Duration.ofMinutes(2));
    list.revokeToken(ISS, "shared", alice, aliceEnd);
    list.revokeToken(ISS, "shared", bob, bobEnd);
    // A revocation under one subject never shortens it under another.
    list.revokeToken(ISS, "shared", bob, aliceEnd);
    assertThat(list.replicaSize()).as("one entry per Redis key").isEqualTo(2);
    assertThat(list.isRevoked(ISS, "shared", alice, iat)).isTrue();
    assertThat(list.isRevoked(ISS, "shared", bob, iat)).isTrue();
    assertThat(list.isRevoked(ISS, "shared", otherShard(alice), iat)).isFalse();

    clock.set(aliceEnd);
    list.purge(clock.millis());
    assertThat(list.replicaSize()).isEqualTo(1);
    assertThat(list.isRevoked(ISS, "shared", alice, iat)).isFalse();
    assertThat(list.isRevoked(ISS, "shared", bob, iat)).isTrue();
    clock.set(bobEnd);
    list.purge(clock.millis());
    assertThat(list.replicaSize()).isZero();
  }

  @Test
  void entriesAreForgottenExactlyAtTheirEnd() {
    current();
    Instant iat = clock.instant();
    Instant end = iat.plus(Duration.ofMinutes(1));
    String subject = subject();
    String other = subject();
    list.revokeToken(ISS, "j", subject, end);
    list.revokeSubject(other, iat.plusMillis(1), end.plusMillis(1));

    list.purge(end.toEpochMilli() - 1);
    assertThat(list.replicaSize()).isEqualTo(2);
    list.purge(end.toEpochMilli());
    assertThat(list.replicaSize()).isEqualTo(1);
    list.purge(end.toEpochMilli() + 1);
    assertThat(list.replicaSize()).isZero();

    // A subject revoked again after the map emptied is refused again.
    list.revokeSubject(other, end.plusMillis(5), end.plus(Duration.ofMinutes(1)));
    clock.set(end.plusMillis(2));
    assertThat(list.isRevoked(ISS, "j", other, end)).isTrue();
  }

  private static String shard(String subject) {
    return StoredRevocationKeys.shard(subject);
  }
}

package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.redis.testing.RedisCluster;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

/**
 * The revocation replica on a Cluster of three masters with one replica each, shared by these
 * tests: two nodes (two {@link RedisStores} with their own clients) revoke and check.
 *
 * <p>What must hold: the replica becomes current and answers without a round trip; a revocation on
 * any shard reaches the other node; a shard that goes silent makes the replica not current within
 * three heartbeats, after which a check goes to Redis or fails closed, never answering "not
 * revoked" from a copy that no longer proves itself; and a master's failover keeps every revocation
 * made before and after it refused on both nodes.
 */
class ClusterReplicasRevocationIT {
  @AutoClose static final RedisCluster CLUSTER = RedisFixture.cluster(3, 1);

  private static final Duration HEARTBEAT = Duration.ofMillis(200);

  /** Three heartbeats, plus scheduling slack on a busy machine. */
  private static final Duration SILENCE_BOUND = Duration.ofSeconds(2);

  private static final Duration CURRENT_BOUND = Duration.ofSeconds(10);
  private static final Duration PROPAGATION_BOUND = Duration.ofSeconds(10);
  private static final String ISS = "https://issuer.example";

  private final TestClock clock = TestClock.atNow();
  private final String prefix = "x" + UUID.randomUUID().toString().substring(0, 8) + ":";
  private RedisStores nodeA;
  private RedisStores nodeB;
  private RedisRevocationList a;
  private RedisRevocationList b;
  private List<String> seeded;

  /**
   * Node A starts, revokes a token on every shard, and once the replicas hold them node B starts:
   * B's bootstrap must read those entries from the masters (a replica answers a read with MOVED).
   */
  @BeforeEach
  void twoNodes() {
    nodeA = stores();
    a = (RedisRevocationList) nodeA.revocationList();
    awaitCurrent(a);
    seeded = subjectPerMaster();
    for (String subject : seeded) {
      a.revokeToken(ISS, "seed", subject, clock.instant().plus(Duration.ofMinutes(10)));
      awaitOnReplica(StoredRevocationKeys.token(prefix, ISS, "seed", subject));
    }
    nodeB = stores();
    b = (RedisRevocationList) nodeB.revocationList();
  }

  @AfterEach
  void closeNodes() {
    nodeA.close();
    nodeB.close();
  }

  private RedisStores stores() {
    String seeds =
        CLUSTER.nodes().stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
    return RedisStores.fromUrl("redis-cluster://" + seeds)
        .timeout(Duration.ofMillis(500))
        .clock(clock)
        .keyPrefix(prefix)
        .revocationHeartbeat(HEARTBEAT)
        .build();
  }

  private static void awaitCurrent(RedisRevocationList list) {
    assertThat(RedisFixture.waitUntil(CURRENT_BOUND, list::isCurrent))
        .as("replica current")
        .isTrue();
  }

  /** Waits until {@code key} has reached its master's replica, where a bootstrap could meet it. */
  private static void awaitOnReplica(String key) {
    RedisServer replica = CLUSTER.replicaOf(CLUSTER.masterOf(key));
    assertThat(
            RedisFixture.waitUntil(
                PROPAGATION_BOUND,
                () -> {
                  try (Jedis j = replica.admin()) {
                    j.readonly();
                    return j.exists(key);
                  }
                }))
        .as("replicated")
        .isTrue();
  }

  /** One subject per master: its revocation keys live on that master's slots. */
  private List<String> subjectPerMaster() {
    List<RedisServer> masters = CLUSTER.masters();
    assertThat(masters).hasSize(3);
    List<String> subjects = new ArrayList<>();
    for (RedisServer master : masters) {
      subjects.add(subjectOn(master));
    }
    return subjects;
  }

  private String subjectOn(RedisServer master) {
    while (true) {
      String subject = "user-" + UUID.randomUUID();
      if (CLUSTER.masterOf(StoredRevocationKeys.subject(prefix, subject)) == master) {
        return subject;
      }
    }
  }

  /** Commands every master ran since {@link #resetStats}: GETs are what a check asks Redis. */
  private static long getsOnMasters() {
    return CLUSTER.masters().stream()
        .mapToLong(m -> m.commandCalls().getOrDefault("get", 0L))
        .sum();
  }

  private static void resetStats() {
    for (RedisServer n : CLUSTER.nodes()) {
      if (n.isRunning()) {
        try (Jedis j = n.admin()) {
          j.configResetStat();
        }
      }
    }
  }

  @Test
  void theReplicaBecomesCurrentAndChecksCostNoRoundTrip() {
    awaitCurrent(a);
    awaitCurrent(b);
    List<String> subjects = subjectPerMaster();
    Instant until = clock.instant().plus(Duration.ofMinutes(10));
    for (String subject : subjects) {
      a.revokeToken(ISS, "revoked", subject, until);
    }
    Instant iat = clock.instant();
    assertThat(
            RedisFixture.waitUntil(
                PROPAGATION_BOUND,
                () -> subjects.stream().allMatch(s -> b.isRevoked(ISS, "revoked", s, iat))))
        .isTrue();
    awaitCurrent(b);

    resetStats();
    for (String subject : seeded) {
      // Read from the masters by B's bootstrap.
      assertThat(b.isRevoked(ISS, "seed", subject, iat)).isTrue();
    }
    for (int i = 0; i < 100; i++) {
      for (String subject : subjects) {
        assertThat(b.isRevoked(ISS, "revoked", subject, iat)).isTrue();
        assertThat(b.isRevoked(ISS, "live-" + i, subject, iat)).isFalse();
      }
    }
    assertThat(b.isCurrent()).isTrue();
    assertThat(getsOnMasters()).as("GETs a check would have run").isZero();
  }

  @Test
  void revocationsOnEveryShardReachTheOtherNode() {
    awaitCurrent(b);
    List<String> subjects = subjectPerMaster();
    Instant iat = clock.instant();
    Instant until = iat.plus(Duration.ofMinutes(10));
    for (String subject : subjects) {
      a.revokeToken(ISS, "t", subject, until);
      a.revokeSubject(subject + "-all", iat.plusMillis(1), until);
    }
    // Asked while current only: then the answer is the replica's.
    assertThat(
            RedisFixture.waitUntil(
                PROPAGATION_BOUND,
                () ->
                    b.isCurrent()
                        && subjects.stream()
                            .allMatch(
                                s ->
                                    b.isRevoked(ISS, "t", s, iat)
                                        && b.isRevoked(ISS, "other", s + "-all", iat))))
        .isTrue();
    resetStats();
    for (String subject : subjects) {
      assertThat(b.isRevoked(ISS, "t", subject, iat)).isTrue();
      assertThat(b.isRevoked(ISS, "other", subject + "-all", iat)).isTrue();
      assertThat(b.isRevoked(ISS, "other", subject, iat)).isFalse();
    }
    assertThat(getsOnMasters()).isZero();
  }

  @Test
  void aSilentShardMakesTheReplicaNotCurrentAndChecksNeverTrustTheStaleCopy() {
    awaitCurrent(b);
    List<String> subjects = subjectPerMaster();
    RedisServer silent = CLUSTER.masters().get(0);
    String onSilent = subjectOn(silent);
    String elsewhere = subjectOn(CLUSTER.masters().get(1));
    Instant iat = clock.instant();
    String behind = StoredRevocationKeys.token(prefix, ISS, "behind", elsewhere);
    RedisServer behindMaster = CLUSTER.masterOf(behind);
    // Paused for less than the cluster's node timeout: no failover, the shard is only silent.
    silent.pause();
    try {
      assertThat(RedisFixture.waitUntil(SILENCE_BOUND, () -> !b.isCurrent()))
          .as("not current once a shard is silent")
          .isTrue();
      // Written behind the replica's back: only Redis knows it, so a check must ask Redis.
      try (Jedis j = behindMaster.admin()) {
        j.set(
            behind,
            Long.toString(iat.plus(Duration.ofMinutes(10)).toEpochMilli()),
            SetParams.setParams().px(600_000));
      }
      assertThat(b.isCurrent()).isFalse();
      assertThat(b.isRevoked(ISS, "behind", elsewhere, iat)).isTrue();
      assertThat(b.isRevoked(ISS, "live", elsewhere, iat)).isFalse();
      boolean failedClosed;
      try {
        failedClosed = b.isRevoked(ISS, "live", onSilent, iat);
      } catch (StoreUnavailableException e) {
        failedClosed = true;
      }
      assertThat(failedClosed).as("a check on the silent shard cannot be answered").isTrue();
    } finally {
      silent.resume();
    }
    awaitCurrent(b);
    assertThat(b.isRevoked(ISS, "behind", elsewhere, iat)).isTrue();
    assertThat(subjects).hasSize(3);
  }

  /**
   * A master is killed; until its replica is promoted, both nodes' copies are not current (the
   * shard's heartbeats cannot be published), so checks go to Redis: answered on the other shards,
   * refused as unavailable on the dead one, never "not revoked" from the copy. A revocation made on
   * the dead shard meanwhile fails to reach Redis but is kept by the node that made it, which
   * writes it back once its resync reaches the promoted master.
   */
  @Test
  void aMastersFailoverKeepsEveryRevocationRefusedOnBothNodes() {
    awaitCurrent(a);
    awaitCurrent(b);
    List<String> subjects = subjectPerMaster();
    Instant iat = clock.instant();
    Instant until = iat.plus(Duration.ofMinutes(10));
    for (String subject : subjects) {
      a.revokeToken(ISS, "before", subject, until);
    }
    assertThat(
            RedisFixture.waitUntil(
                PROPAGATION_BOUND,
                () -> subjects.stream().allMatch(s -> b.isRevoked(ISS, "before", s, iat))))
        .isTrue();
    String onVictim = subjects.get(0);
    String survivor = subjects.get(1);
    RedisServer victim = CLUSTER.masterOf(StoredRevocationKeys.subject(prefix, onVictim));
    String behind = StoredRevocationKeys.token(prefix, ISS, "behind", survivor);
    RedisServer survivorMaster = CLUSTER.masterOf(behind);

    CLUSTER.failOver(
        victim,
        () -> {
          assertThat(RedisFixture.waitUntil(SILENCE_BOUND, () -> !a.isCurrent() && !b.isCurrent()))
              .as("neither copy current")
              .isTrue();
          try (Jedis j = survivorMaster.admin()) {
            j.set(behind, Long.toString(until.toEpochMilli()), SetParams.setParams().px(600_000));
          }
          assertThat(b.isRevoked(ISS, "behind", survivor, iat)).as("asked Redis").isTrue();
          assertThat(b.isRevoked(ISS, "before", onVictim, iat)).isTrue();
          assertThat(answerOrUnavailable(() -> b.isRevoked(ISS, "during", onVictim, iat)))
              .as("never answered from a copy not current")
              .isNotEqualTo(Answer.NOT_REVOKED);
          for (String subject : subjects) {
            // On the dead shard this fails to reach Redis; node A keeps it all the same.
            answerOrUnavailable(
                () -> {
                  a.revokeToken(ISS, "during", subject, until);
                  return true;
                });
          }
        });
    try {
      awaitCurrent(a);
      awaitCurrent(b);
      for (String subject : subjects) {
        a.revokeToken(ISS, "after", subject, until);
      }
      assertThat(
              RedisFixture.waitUntil(
                  PROPAGATION_BOUND,
                  () ->
                      b.isCurrent()
                          && subjects.stream()
                              .allMatch(
                                  s ->
                                      b.isRevoked(ISS, "after", s, iat)
                                          && b.isRevoked(ISS, "during", s, iat))))
          .isTrue();
      resetStats();
      for (String subject : subjects) {
        for (RedisRevocationList node : List.of(a, b)) {
          assertThat(node.isRevoked(ISS, "before", subject, iat)).isTrue();
          assertThat(node.isRevoked(ISS, "during", subject, iat)).isTrue();
          assertThat(node.isRevoked(ISS, "after", subject, iat)).isTrue();
          assertThat(node.isRevoked(ISS, "live", subject, iat)).isFalse();
        }
      }
      assertThat(getsOnMasters()).isZero();
      // A node that starts after the failover reads every revocation from the new masters.
      try (RedisStores late = stores()) {
        RedisRevocationList c = (RedisRevocationList) late.revocationList();
        awaitCurrent(c);
        for (String subject : subjects) {
          for (String jti : List.of("before", "during", "after")) {
            assertThat(c.isRevoked(ISS, jti, subject, iat)).as(jti).isTrue();
          }
        }
      }
    } finally {
      CLUSTER.rejoin(victim);
    }
  }

  /**
   * A replica that takes over without losing a heartbeat or any data still changes the path its
   * shard's revocations take: the nodes notice it from the topology, resubscribe and resync.
   */
  @Test
  void aGracefulFailoverIsNoticedFromTheTopologyAndResynced() {
    awaitCurrent(a);
    awaitCurrent(b);
    resetStats();
    CLUSTER.failOverGracefully(CLUSTER.masters().get(0));
    assertThat(
            RedisFixture.waitUntil(
                CURRENT_BOUND,
                () ->
                    CLUSTER.nodes().stream()
                            .mapToLong(n -> n.commandCalls().getOrDefault("subscribe", 0L))
                            .sum()
                        >= 2))
        .as("both nodes resubscribed")
        .isTrue();
    awaitCurrent(a);
    awaitCurrent(b);
    List<String> subjects = subjectPerMaster();
    Instant iat = clock.instant();
    for (String subject : subjects) {
      a.revokeToken(ISS, "after", subject, iat.plus(Duration.ofMinutes(10)));
    }
    assertThat(
            RedisFixture.waitUntil(
                PROPAGATION_BOUND,
                () ->
                    b.isCurrent()
                        && subjects.stream().allMatch(s -> b.isRevoked(ISS, "after", s, iat))))
        .isTrue();
    for (String subject : seeded) {
      assertThat(b.isRevoked(ISS, "seed", subject, iat)).isTrue();
    }
  }

  private enum Answer {
    REVOKED,
    NOT_REVOKED,
    UNAVAILABLE
  }

  private static Answer answerOrUnavailable(java.util.function.BooleanSupplier call) {
    try {
      return call.getAsBoolean() ? Answer.REVOKED : Answer.NOT_REVOKED;
    } catch (StoreUnavailableException e) {
      return Answer.UNAVAILABLE;
    }
  }
}

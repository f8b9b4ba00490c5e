package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Principal;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.UnkeyedHashes;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.session.LoginOutcome;
import dev.latchkey.session.SessionManager;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.RefreshTokens;
import dev.latchkey.token.SigningAlgorithm;
import dev.latchkey.token.SigningKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * Session ids and refresh tokens made on Redis end in a tag keyed by a placement key kept in Redis:
 * no one can tell whose an id is by hashing candidate user names, every node sharing one Redis
 * derives the same tag (so a subject's keys share one slot), and a deployment with another key
 * gives other tags. Driven through the public managers, as an application uses them.
 */
class RedisPlacementIT {
  private static final byte[] SECRET =
      "an HMAC secret of at least 32 bytes, for tests".getBytes(StandardCharsets.UTF_8);
  private static final int SUBJECTS = 32;

  private final TestClock clock = TestClock.atNow();
  private final UnifiedJedis client = RedisFixture.sharedStandalone().client();
  private final String prefix = "place" + UUID.randomUUID() + ":";
  private final List<RedisStores> opened = new ArrayList<>();

  @AfterEach
  void closeNodes() {
    opened.forEach(RedisStores::close);
  }

  private RedisStores node(String keyPrefix) {
    RedisStores stores = RedisStores.builder(client).keyPrefix(keyPrefix).clock(clock).build();
    opened.add(stores);
    return stores;
  }

  private SessionManager sessions(RedisStores redis) {
    return SessionManager.builder(redis.sessionStore()).clock(clock).build();
  }

  private RefreshTokens refreshTokens(RedisStores redis) {
    JwtTokenService access =
        JwtTokenService.builder(
                KeyRing.of(SigningKey.hmac("k1", SECRET, SigningAlgorithm.HS256)), "iss", "app")
            .clock(clock)
            .build();
    return RefreshTokens.builder(access, redis.refreshTokenStore()).clock(clock).build();
  }

  private static String cookieTag(SessionManager sessions, String subject) {
    LoginOutcome outcome = sessions.login(Principal.of(subject, Set.of("user")), Map.of());
    return UnkeyedHashes.tagOf(outcome.created().orElseThrow().id());
  }

  private static String refreshTag(RefreshTokens tokens, String subject) {
    return UnkeyedHashes.tagOf(tokens.login(Principal.of(subject, Set.of("user"))).refreshToken());
  }

  private static List<String> subjects() {
    List<String> subjects = new ArrayList<>(List.of("alice", "bob", "admin", "root"));
    for (int i = subjects.size(); i < SUBJECTS; i++) {
      subjects.add("user-" + i);
    }
    return subjects;
  }

  @Test
  void cookieAndRefreshTokenTagsAreNoUnkeyedHashOfTheSubject() {
    RedisStores redis = node(prefix);
    SessionManager sessions = sessions(redis);
    RefreshTokens tokens = refreshTokens(redis);

    // A 3-character tag matches one encoding of one digest by chance once in 2^18: over 32
    // subjects, 8 digests and 4 encodings, a match or two may happen, a pattern may not.
    int matches = 0;
    for (String subject : subjects()) {
      matches += UnkeyedHashes.matches(subject, cookieTag(sessions, subject));
      matches += UnkeyedHashes.matches(subject, refreshTag(tokens, subject));
    }

    assertThat(matches).isLessThanOrEqualTo(1);
  }

  @Test
  void deploymentsWithDifferentPlacementKeysGiveOneUserDifferentTags() {
    SessionManager here = sessions(node(prefix + "a:"));
    SessionManager there = sessions(node(prefix + "b:"));

    // Two keys drawn at random give one subject the same tag once in 2^18.
    int same = 0;
    for (String subject : subjects()) {
      if (cookieTag(here, subject).equals(cookieTag(there, subject))) {
        same++;
      }
    }

    assertThat(same).isLessThanOrEqualTo(1);
  }

  @Test
  void nodesSharingOneRedisGiveOneUserOneTagAndEndEachOthersSessions() {
    RedisStores redisA = node(prefix);
    RedisStores redisB = node(prefix);
    SessionManager sessionsA = sessions(redisA);
    SessionManager sessionsB = sessions(redisB);
    RefreshTokens tokensA = refreshTokens(redisA);
    RefreshTokens tokensB = refreshTokens(redisB);

    for (String subject : subjects()) {
      String tag = cookieTag(sessionsA, subject);
      assertThat(cookieTag(sessionsB, subject)).as(subject).isEqualTo(tag);
      assertThat(refreshTag(tokensA, subject)).as(subject).isEqualTo(tag);
      assertThat(refreshTag(tokensB, subject)).as(subject).isEqualTo(tag);
    }
    // Found by subject from either node: one index, one slot.
    assertThat(sessionsB.sessionsOf("alice")).hasSize(2);
    assertThat(sessionsB.logoutEverywhere("alice")).isEqualTo(2);
    assertThat(sessionsA.sessionsOf("alice")).isEmpty();
    assertThat(tokensB.logoutEverywhere("alice")).isEqualTo(2);
  }

  @Test
  void thePlacementKeyIsMadeOnceAndNeverExpires() {
    Keys keys = new Keys(prefix);
    sessions(node(prefix)).login(Principal.of("alice", Set.of("user")), Map.of());
    String key = client.get(keys.placementKey());

    sessions(node(prefix)).login(Principal.of("bob", Set.of("user")), Map.of());

    assertThat(key).hasSize(43);
    assertThat(client.get(keys.placementKey())).isEqualTo(key);
    assertThat(client.pttl(keys.placementKey())).isEqualTo(-1);
  }

  @Test
  void aNodeGivesBackThePlacementKeyRedisLost() {
    Keys keys = new Keys(prefix);
    AtomicLong nanos = new AtomicLong();
    Placement placement = new Placement(new RedisCalls(client), keys, nanos::get);
    String tag = placement.shardOf("alice");
    String key = client.get(keys.placementKey());

    client.del(keys.placementKey());
    nanos.addAndGet(Duration.ofSeconds(Placement.RECHECK_SECONDS + 1).toNanos());

    assertThat(placement.shardOf("alice")).isEqualTo(tag);
    assertThat(client.get(keys.placementKey())).isEqualTo(key);
    // A node started now reads the key given back, so the fleet still agrees.
    assertThat(new Placement(new RedisCalls(client), keys).of("alice"))
        .isEqualTo(placement.of("alice"));
  }

  @Test
  void aNodeFollowsThePlacementKeyRedisHoldsWithinTheRecheckInterval() {
    Keys keys = new Keys(prefix);
    AtomicLong nanos = new AtomicLong();
    Placement node = new Placement(new RedisCalls(client), keys, nanos::get);
    Placement.Subject before = node.of("alice");
    // Redis lost the key and another node wrote its own first.
    client.set(keys.placementKey(), OpaqueIds.randomToken());
    Placement newcomer = new Placement(new RedisCalls(client), keys);

    nanos.addAndGet(Duration.ofSeconds(Placement.RECHECK_SECONDS - 1).toNanos());
    assertThat(node.of("alice")).isEqualTo(before);
    nanos.addAndGet(Duration.ofSeconds(2).toNanos());

    assertThat(node.of("alice")).isEqualTo(newcomer.of("alice")).isNotEqualTo(before);
  }

  /**
   * Nodes starting at once each offer a fresh key; the load script is one atomic step, so exactly
   * one offer is written and every node reads that one: whatever the interleaving, they agree. Two
   * nodes, then 64, many rounds, each round on a key prefix of its own.
   */
  @Test
  void nodesStartingTogetherAgreeOnOneKey() throws Exception {
    for (int nodes : new int[] {2, 64}) {
      for (int round = 0; round < 20; round++) {
        Keys keys = new Keys(prefix + nodes + ":" + round + ":");
        CyclicBarrier start = new CyclicBarrier(nodes);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
          List<Future<Placement.Subject>> seen = new ArrayList<>();
          for (int i = 0; i < nodes; i++) {
            seen.add(
                pool.submit(
                    () -> {
                      Placement node = new Placement(new RedisCalls(client), keys);
                      start.await(10, TimeUnit.SECONDS);
                      return node.of("alice");
                    }));
          }
          Placement.Subject first = seen.get(0).get(10, TimeUnit.SECONDS);
          for (Future<Placement.Subject> f : seen) {
            assertThat(f.get(10, TimeUnit.SECONDS))
                .as("%d nodes, round %d", nodes, round)
                .isEqualTo(first);
          }
        } finally {
          pool.shutdownNow();
        }
      }
    }
  }

  @Test
  void placementNeverShowsItsKey() {
    Keys keys = new Keys(prefix);
    Placement placement = new Placement(new RedisCalls(client), keys);
    placement.of("alice");

    assertThat(placement.toString()).doesNotContain(client.get(keys.placementKey()));
  }
}

package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.TestClock;
import dev.latchkey.core.internal.Sha256Digest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The replica and the proof of its feed, without Redis: published entries are applied, only ever
 * made later, forgotten once ended, and handed back as Redis stores them; a shard's heartbeats
 * prove it only in sequence, of one incarnation, and for three heartbeats, after which the list
 * must ask Redis (fail closed); so must it once the replica left an entry out for its bound.
 */
class RevocationReplicaEntriesTest {
  private static final String PREFIX = "unit:";
  private static final String ISS = "https://issuer.example";
  private static final long STALE_NANOS = TimeUnit.MILLISECONDS.toNanos(1500);

  private final TestClock clock = TestClock.atNow();
  private final Keys keys = new Keys(PREFIX);
  private final RevocationDigests digests = new RevocationDigests();
  private final RevocationReplica replica = new RevocationReplica(keys, digests, clock);

  private long at(Duration fromNow) {
    return clock.millis() + fromNow.toMillis();
  }

  private String tokenKey(String tokenId, String subject) {
    return keys.revokedToken(
        RevocationDigests.shard(digests.subject(subject)), digests.token(ISS, tokenId));
  }

  private boolean revokes(String tokenId, String subject, String family, long issuedAt) {
    return replica.revokes(digests.token(ISS, tokenId), subject, family, issuedAt);
  }

  @Test
  void aPublishedTokenIsRevokedForItsSubjectOnlyUntilItExpires() {
    long exp = at(Duration.ofMinutes(5));
    replica.apply("t " + exp + " " + tokenKey("j1", "alice"));

    assertThat(revokes("j1", "alice", null, 0)).isTrue();
    assertThat(revokes("j2", "alice", null, 0)).isFalse();
    clock.advance(Duration.ofMinutes(5));
    assertThat(revokes("j1", "alice", null, 0)).as("ended, before any purge").isFalse();
    assertThat(replica.size()).isEqualTo(1);
    replica.purge(clock.millis());
    assertThat(replica.size()).isZero();
  }

  @Test
  void aSubjectCutOffRevokesWhatWasIssuedBeforeIt() {
    long nbf = at(Duration.ZERO);
    long keep = at(Duration.ofMinutes(5));
    replica.apply("s " + nbf + ":" + keep + " " + keys.revokedSubject(digests.subject("bob")));

    assertThat(revokes("any", "bob", null, nbf - 1)).isTrue();
    assertThat(revokes("any", "bob", null, nbf)).isFalse();
    assertThat(revokes("any", "carol", null, nbf - 1)).isFalse();
  }

  @Test
  void aFamilyIsRevokedUnderItsSubjectsShard() {
    long keep = at(Duration.ofMinutes(5));
    String shard = RevocationDigests.shard(digests.subject("dave"));
    replica.apply("g " + keep + " " + keys.revokedFamily(shard, digests.family("fam-1")));

    assertThat(revokes("any", "dave", "fam-1", 0)).isTrue();
    assertThat(revokes("any", "dave", "fam-2", 0)).isFalse();
    assertThat(revokes("any", "dave", null, 0)).isFalse();
  }

  @Test
  void entriesOnlyGetLater() {
    long early = at(Duration.ofMinutes(1));
    long late = at(Duration.ofMinutes(9));
    String key = tokenKey("j1", "erin");
    replica.apply("t " + late + " " + key);
    replica.apply("t " + early + " " + key);
    Sha256Digest subject = digests.subject("erin");
    replica.mergeSubject(subject, late, late);
    replica.mergeSubject(subject, early, early);

    List<String> held = new ArrayList<>();
    replica.forEach((k, value, until, nbf, type) -> held.add(type + " " + value + " " + k));
    assertThat(held)
        .containsExactlyInAnyOrder(
            "t " + late + " " + key, "s " + late + ":" + late + " " + keys.revokedSubject(subject));
  }

  @Test
  void messagesThisVersionCannotReadAreIgnored() {
    String key = tokenKey("j1", "frank");
    for (String message :
        List.of(
            "",
            "t",
            "t 12",
            "t notanumber " + key,
            "s 1 " + key,
            "t 1:2 " + keys.revokedSubject(digests.subject("frank")),
            "t " + at(Duration.ofMinutes(1)) + " other:{abc}:rt:x",
            "x " + at(Duration.ofMinutes(1)) + " " + key)) {
      replica.apply(message);
      assertThat(replica.size()).as(message).isZero();
    }
  }

  @Test
  void storedEntriesAreReadBackAsTheyWereWritten() {
    long exp = at(Duration.ofMinutes(3));
    String key = tokenKey("j9", "gina");
    replica.mergeStored(key, Long.toString(exp));
    replica.mergeStored(key + "x", Long.toString(exp));
    replica.mergeStored(tokenKey("j8", "gina"), "garbage");

    assertThat(replica.size()).isEqualTo(1);
    assertThat(revokes("j9", "gina", null, 0)).isTrue();
  }

  @Test
  void beyondItsBoundTheReplicaKeepsWhatItHoldsAndStopsProvingMisses() {
    RevocationReplica bounded = new RevocationReplica(keys, digests, clock, 2);
    long exp = at(Duration.ofMinutes(5));
    bounded.apply("t " + exp + " " + tokenKey("j1", "hank"));
    bounded.apply("t " + exp + " " + tokenKey("j2", "hank"));
    assertThat(bounded.complete()).isTrue();
    assertThat(bounded.hasRoom()).isFalse();

    bounded.apply("t " + exp + " " + tokenKey("j3", "hank"));
    bounded.mergeSubject(digests.subject("hank"), exp, exp);
    assertThat(bounded.size()).isEqualTo(2);
    assertThat(bounded.complete()).as("a miss proves nothing now").isFalse();
    assertThat(bounded.revokes(digests.token(ISS, "j1"), "hank", null, 0)).isTrue();
    // A later end of an entry held is no new entry: it is kept.
    bounded.apply("t " + (exp + 1) + " " + tokenKey("j2", "hank"));
    List<Long> ends = new ArrayList<>();
    bounded.forEach((k, value, until, nbf, type) -> ends.add(until));
    assertThat(ends).containsExactlyInAnyOrder(exp, exp + 1);

    clock.advance(Duration.ofMinutes(6));
    bounded.purge(clock.millis());
    assertThat(bounded.hasRoom()).isTrue();
    assertThat(bounded.complete()).as("until a resync takes everything in again").isFalse();
    bounded.beginResync();
    assertThat(bounded.complete()).isTrue();
  }

  @Test
  void aShardsNumberIsTheNumberItsTextEncodes() {
    for (String subject : List.of("alice", "bob", "", "\u00e9t\u00e9", "user-123456")) {
      Sha256Digest digest = digests.subject(subject);
      String text = RevocationDigests.shard(digest);
      long code = RevocationDigests.shardCode(digest);
      assertThat(RevocationDigests.shardCode(text)).as(subject).isEqualTo(code);
      assertThat(RevocationDigests.shardText(code)).as(subject).isEqualTo(text);
    }
    for (String notAShard :
        List.of("", "abcde", "abcdefg", "abc+ef", "abc/ef", "abc=ef", "abc\u00e9f")) {
      assertThat(RevocationDigests.shardCode(notAShard)).as(notAShard).isEqualTo(-1);
    }
  }

  @Test
  void anEntryUnderAShardNoSubjectHasIsIgnored() {
    Sha256Digest token = digests.token(ISS, "j1");
    replica.mergeStored(keys.revokedToken("abc", token), Long.toString(at(Duration.ofMinutes(1))));
    replica.mergeToken(token, "abc+ef", at(Duration.ofMinutes(1)));
    assertThat(replica.size()).isZero();
    assertThat(replica.complete()).isTrue();
  }

  @Test
  void aResyncTakesInWhatRedisHoldsAndWritesBackOnlyWhatRedisLacksOrHoldsEarlier() {
    long exp = at(Duration.ofMinutes(5));
    String same = tokenKey("same", "ivan");
    String shorter = tokenKey("shorter", "ivan");
    String missing = tokenKey("missing", "ivan");
    String onlyRemote = tokenKey("only-remote", "judy");
    Sha256Digest subject = digests.subject("ivan");
    replica.mergeStored(same, Long.toString(exp));
    replica.mergeStored(shorter, Long.toString(exp));
    replica.mergeStored(missing, Long.toString(exp));
    replica.mergeSubject(subject, exp, exp);
    RevocationReplica remote = replica.emptyCopy();
    remote.mergeStored(same, Long.toString(exp));
    remote.mergeStored(shorter, Long.toString(exp - 1));
    remote.mergeStored(onlyRemote, Long.toString(exp));
    remote.mergeSubject(subject, exp - 1, exp);

    replica.mergeAll(remote);

    assertThat(replica.size()).isEqualTo(5);
    assertThat(revokes("only-remote", "judy", null, 0)).isTrue();
    List<String> writeBack = new ArrayList<>();
    replica.forEachNotIn(remote, (k, value, until, nbf, type) -> writeBack.add(type + " " + k));
    assertThat(writeBack)
        .containsExactlyInAnyOrder(
            "t " + shorter, "t " + missing, "s " + keys.revokedSubject(subject));
    assertThat(replica.complete()).isTrue();
  }

  @Test
  void aResyncWhoseCopyOfRedisOverflowedLeavesTheReplicaNotComplete() {
    RevocationReplica bounded = new RevocationReplica(keys, digests, clock, 1);
    RevocationReplica remote = bounded.emptyCopy();
    long exp = at(Duration.ofMinutes(5));
    remote.mergeStored(tokenKey("j1", "kim"), Long.toString(exp));
    remote.mergeStored(tokenKey("j2", "kim"), Long.toString(exp));
    assertThat(remote.complete()).isFalse();

    bounded.beginResync();
    bounded.mergeAll(remote);

    assertThat(bounded.size()).isEqualTo(1);
    assertThat(bounded.complete()).as("an entry Redis holds was left out").isFalse();
  }

  @Test
  void aShardIsProvenOnlyByItsHeartbeatsInSequenceAndOnlyForThreeBeats() {
    long t0 = 1_000_000;
    RevocationShards shards = RevocationShards.standalone(keys, STALE_NANOS, t0);
    assertThat(shards.proven(t0)).as("nothing heard yet: fail closed").isFalse();

    assertThat(shards.receive(shards.heartbeat(0, 0, t0) + " inc", t0))
        .isEqualTo(RevocationShards.Beat.IN_SEQUENCE);
    assertThat(shards.proven(t0 + STALE_NANOS - 1)).isTrue();
    assertThat(shards.proven(t0 + STALE_NANOS)).as("silent for three beats").isFalse();

    long t1 = t0 + STALE_NANOS;
    assertThat(shards.receive(shards.heartbeat(0, 1, t1) + " inc", t1))
        .isEqualTo(RevocationShards.Beat.IN_SEQUENCE);
    assertThat(shards.proven(t1)).isTrue();

    RevocationShards others = RevocationShards.standalone(keys, STALE_NANOS, t0);
    assertThat(shards.receive(others.heartbeat(0, 2, t1) + " inc", t1))
        .as("another subscription's")
        .isEqualTo(RevocationShards.Beat.NOT_OURS);
    assertThat(shards.receive(shards.heartbeat(0, 3, t1) + " inc", t1))
        .as("a lost heartbeat")
        .isEqualTo(RevocationShards.Beat.GAP);
    assertThat(shards.receive(shards.heartbeat(0, 2, t1) + " other", t1))
        .as("a master restarted empty")
        .isEqualTo(RevocationShards.Beat.GAP);
  }

  @Test
  void aHeartbeatReadLateProvesOnlyUpToWhenItWasSent() {
    long t0 = 1_000_000;
    RevocationShards shards = RevocationShards.standalone(keys, STALE_NANOS, t0);
    long read = t0 + STALE_NANOS;
    shards.receive(shards.heartbeat(0, 0, t0) + " inc", read);
    assertThat(shards.proven(read)).isFalse();
  }
}

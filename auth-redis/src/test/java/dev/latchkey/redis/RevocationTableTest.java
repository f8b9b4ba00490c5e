package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.internal.Sha256Digest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The replica's compact table: entries only get later, one per digest and shard, whole digests
 * compared (digests sharing a slot or three of four words are told apart), growth and purge keep
 * every live entry findable, adding is refused when not allowed, and lookups racing writers never
 * miss an entry merged before they started nor take a half-written slot for another digest.
 */
class RevocationTableTest {
  private static final long SHARD = 0x1234_5678_9L;
  private static final long END = 2_000_000_000_000L;

  private final SplittableRandom random = new SplittableRandom(42);
  private final RevocationTable table = new RevocationTable();

  private Sha256Digest randomDigest() {
    return new Sha256Digest(
        random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong());
  }

  @Test
  void anEntryOnlyGetsLater() {
    Sha256Digest d = randomDigest();
    assertThat(table.merge(d, SHARD, END, true)).isEqualTo(RevocationTable.Merge.ADDED);
    assertThat(table.merge(d, SHARD, END - 1, true)).isEqualTo(RevocationTable.Merge.MERGED);
    assertThat(table.end(d, SHARD)).isEqualTo(END);
    table.merge(d, SHARD, END + 1, true);
    assertThat(table.end(d, SHARD)).isEqualTo(END + 1);
    assertThat(table.size()).isEqualTo(1);
  }

  @Test
  void oneDigestUnderTwoShardsIsTwoEntriesEachMatchedByItsOwnShard() {
    Sha256Digest d = randomDigest();
    table.merge(d, SHARD, END, true);
    table.merge(d, SHARD + 1, END + 5, true);

    assertThat(table.size()).isEqualTo(2);
    assertThat(table.end(d, SHARD)).isEqualTo(END);
    assertThat(table.end(d, SHARD + 1)).isEqualTo(END + 5);
    assertThat(table.end(d, SHARD + 2)).isZero();
    assertThat(table.holdsAny(d)).isTrue();
  }

  @Test
  void digestsThatShareTheirHomeSlotOrThreeWordsAreToldApart() {
    long w0 = random.nextLong();
    Sha256Digest a = new Sha256Digest(w0, 1, 2, 3);
    Sha256Digest b = new Sha256Digest(w0, 1, 2, 4);
    Sha256Digest c = new Sha256Digest(w0, 9, 2, 3);
    table.merge(a, SHARD, END, true);
    table.merge(b, SHARD, END + 1, true);

    assertThat(table.end(a, SHARD)).isEqualTo(END);
    assertThat(table.end(b, SHARD)).isEqualTo(END + 1);
    assertThat(table.end(c, SHARD)).isZero();
    assertThat(table.holdsAny(c)).isFalse();
    assertThat(table.holdsAny(new Sha256Digest(w0, 1, 3, 3))).isFalse();
  }

  @Test
  void growthKeepsEveryEntryAndStaysUnderAHundredBytesAnEntry() {
    int n = 200_000;
    List<Sha256Digest> held = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Sha256Digest d = randomDigest();
      held.add(d);
      table.merge(d, SHARD, END + i, true);
    }
    assertThat(table.size()).isEqualTo(n);
    for (int i = 0; i < n; i++) {
      assertThat(table.end(held.get(i), SHARD)).isEqualTo(END + i);
    }
    assertThat(table.footprintBytes()).isLessThanOrEqualTo(100L * n);
    for (int i = 0; i < 1_000; i++) {
      assertThat(table.holdsAny(randomDigest())).isFalse();
    }
  }

  @Test
  void purgeForgetsEndedEntriesAndProbesStillPassWhereTheyWere() {
    long w0 = random.nextLong();
    Sha256Digest first = new Sha256Digest(w0, 1, 1, 1);
    Sha256Digest second = new Sha256Digest(w0, 2, 2, 2);
    table.merge(first, SHARD, 100, true);
    table.merge(second, SHARD, END, true);

    table.purge(100);

    assertThat(table.size()).isEqualTo(1);
    assertThat(table.holdsAny(first)).isFalse();
    assertThat(table.end(second, SHARD)).as("found past the dead slot").isEqualTo(END);
    List<Sha256Digest> left = new ArrayList<>();
    table.forEach((d, shard, end) -> left.add(d));
    assertThat(left).containsExactly(second);
    table.merge(first, SHARD, 50, true);
    assertThat(table.end(first, SHARD)).as("merged again after its purge").isEqualTo(50);
    assertThat(table.size()).isEqualTo(2);
  }

  @Test
  void aTableEmptiedByPurgeShrinksAndKeepsWhatLives() {
    for (int i = 0; i < 50_000; i++) {
      table.merge(randomDigest(), SHARD, 100, true);
    }
    Sha256Digest survivor = randomDigest();
    table.merge(survivor, SHARD, END, true);
    long full = table.footprintBytes();

    table.purge(100);

    assertThat(table.size()).isEqualTo(1);
    assertThat(table.footprintBytes()).isLessThan(full / 100);
    assertThat(table.end(survivor, SHARD)).isEqualTo(END);
  }

  @Test
  void churnThroughDeadSlotsNeverFillsTheTable() {
    // Entries come and go: dead slots are dropped by the next rebuild, never fill every slot.
    Sha256Digest keep = randomDigest();
    table.merge(keep, SHARD, END, true);
    for (int round = 1; round <= 200; round++) {
      for (int i = 0; i < 100; i++) {
        table.merge(randomDigest(), SHARD, round, true);
      }
      table.purge(round);
    }
    assertThat(table.size()).isEqualTo(1);
    assertThat(table.end(keep, SHARD)).isEqualTo(END);
    assertThat(table.footprintBytes()).isLessThan(48L * 1_000);
  }

  @Test
  void aNewEntryIsRefusedWhenNotAllowedButAHeldOneStillGetsLater() {
    Sha256Digest held = randomDigest();
    table.merge(held, SHARD, END, true);

    assertThat(table.merge(randomDigest(), SHARD, END, false))
        .isEqualTo(RevocationTable.Merge.REFUSED);
    assertThat(table.merge(held, SHARD, END + 1, false)).isEqualTo(RevocationTable.Merge.MERGED);
    assertThat(table.end(held, SHARD)).isEqualTo(END + 1);
    assertThat(table.size()).isEqualTo(1);
  }

  @Test
  void anEndThatHasPassedBeforeAnyClockIsNotHeld() {
    Sha256Digest d = randomDigest();
    table.merge(d, SHARD, 0, true);
    table.merge(d, SHARD, -5, true);
    assertThat(table.size()).isZero();
    assertThat(table.holdsAny(d)).isFalse();
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void copyingALargeTableIntoAnEmptyOneInSlotOrderStaysLinear() {
    for (int i = 0; i < 300_000; i++) {
      table.merge(randomDigest(), SHARD, END, true);
    }
    RevocationTable copy = new RevocationTable();
    table.forEach((d, shard, end) -> copy.merge(d, shard, end, true));
    assertThat(copy.size()).isEqualTo(300_000);
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void lookupsRacingWritersFindEveryEntryMergedBeforeThemAndNeverAnotherDigest() throws Exception {
    int readers = 3;
    int rounds = 200;
    int perRound = 500;
    Sha256Digest[] keys = new Sha256Digest[rounds * perRound];
    Sha256Digest[] decoys = new Sha256Digest[keys.length];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = randomDigest();
      // Same home slot and three words as a key: only a torn or truncated compare could match.
      decoys[i] = new Sha256Digest(keys[i].w0(), keys[i].w1(), keys[i].w2(), ~keys[i].w3());
    }
    CyclicBarrier roundStart = new CyclicBarrier(readers + 1);
    AtomicInteger merged = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(readers + 1);
    try {
      List<Future<Integer>> checks = new ArrayList<>();
      for (int r = 0; r < readers; r++) {
        checks.add(
            pool.submit(
                () -> {
                  int wrong = 0;
                  for (int round = 0; round < rounds; round++) {
                    roundStart.await(10, TimeUnit.SECONDS);
                    // Read while the writer goes on growing, purging and adding.
                    int before = merged.get();
                    for (int i = 0; i < before; i++) {
                      if (table.end(keys[i], SHARD) != END + i) {
                        wrong++;
                      }
                      if (table.end(decoys[i], SHARD) != 0 || table.holdsAny(decoys[i])) {
                        wrong++;
                      }
                    }
                  }
                  return wrong;
                }));
      }
      Future<?> writer =
          pool.submit(
              () -> {
                for (int round = 0; round < rounds; round++) {
                  roundStart.await(10, TimeUnit.SECONDS);
                  for (int i = round * perRound; i < (round + 1) * perRound; i++) {
                    table.merge(keys[i], SHARD, END + i, true);
                    merged.set(i + 1);
                    // Short-lived neighbours: dead slots and rebuilds while readers probe.
                    table.merge(randomKey(i), SHARD, 10, true);
                  }
                  table.purge(10);
                }
                return null;
              });
      writer.get(30, TimeUnit.SECONDS);
      for (Future<Integer> check : checks) {
        assertThat(check.get(30, TimeUnit.SECONDS)).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(table.size()).isEqualTo(keys.length);
  }

  private static Sha256Digest randomKey(int i) {
    SplittableRandom r = new SplittableRandom(i * 31L + 7);
    return new Sha256Digest(r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong());
  }
}

package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.OneTimeTokenRecord;
import dev.latchkey.core.spi.OneTimeTokenStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link OneTimeTokenStore} must have, through the SPI only. An
 * implementation's test extends this class and creates a fresh, empty store; every method takes the
 * caller's time, so the test's clock decides expiry for every implementation.
 */
public abstract class OneTimeTokenStoreContract {
  protected static final Duration LIFETIME = Duration.ofMinutes(30);
  protected static final String RESET = "password_reset";
  protected static final String VERIFY = "email_verification";

  protected TestClock clock;
  protected OneTimeTokenStore store;
  private ExecutorService pool;

  /** A fresh, empty store. */
  protected abstract OneTimeTokenStore createStore();

  /**
   * What the store holds for {@code subject}, counted as the implementation stores it (records,
   * keys, index members). Only compared with itself.
   */
  protected abstract long footprint(String subject);

  @BeforeEach
  void setUpStore() {
    clock = TestClock.atNow();
    store = createStore();
    pool = Executors.newFixedThreadPool(8);
  }

  @AfterEach
  void stopPool() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }

  protected HashedId newId(String subject) {
    return OpaqueIds.parse(OpaqueIds.generateInShard(store.shardFor(subject))).orElseThrow();
  }

  protected OneTimeTokenRecord record(String subject, String purpose) {
    return record(newId(subject), subject, purpose, Optional.empty());
  }

  protected OneTimeTokenRecord record(
      HashedId id, String subject, String purpose, Optional<String> code) {
    Instant now = clock.instant();
    Instant expires = now.plus(LIFETIME);
    return new OneTimeTokenRecord(
        id, subject, purpose, now, expires, expires.plus(LIFETIME), code, 0);
  }

  protected OneTimeTokenRecord put(String subject, String purpose, int max) {
    OneTimeTokenRecord r = record(subject, purpose);
    store.put(r, max, clock.instant());
    return r;
  }

  @Test
  void aStoredTokenIsFoundWithEveryField() {
    OneTimeTokenRecord r = record(newId("alice"), "alice", RESET, Optional.of("digest"));
    assertThat(store.put(r, 3, clock.instant())).isZero();
    OneTimeTokenRecord found = store.find(r.id(), clock.instant()).orElseThrow();
    assertThat(found.subject()).isEqualTo("alice");
    assertThat(found.purpose()).isEqualTo(RESET);
    assertThat(found.issuedAt().toEpochMilli()).isEqualTo(r.issuedAt().toEpochMilli());
    assertThat(found.expiresAt().toEpochMilli()).isEqualTo(r.expiresAt().toEpochMilli());
    assertThat(found.codeDigest()).contains("digest");
    assertThat(found.attempts()).isZero();
    assertThat(found.id()).isEqualTo(r.id());
  }

  @Test
  void findNeverConsumes() {
    OneTimeTokenRecord r = put("alice", RESET, 3);
    for (int i = 0; i < 5; i++) {
      assertThat(store.find(r.id(), clock.instant())).isPresent();
    }
    assertThat(store.consume(r.id(), clock.instant())).isPresent();
  }

  @Test
  void anUnknownTokenIsNotFound() {
    assertThat(store.find(newId("alice"), clock.instant())).isEmpty();
    assertThat(store.consume(newId("alice"), clock.instant())).isEmpty();
    assertThat(store.countAttempt(newId("alice"), 3, clock.instant())).isEmpty();
  }

  @Test
  void aTokenIsConsumedOnce() {
    OneTimeTokenRecord r = put("alice", RESET, 3);
    assertThat(store.consume(r.id(), clock.instant())).isPresent();
    assertThat(store.consume(r.id(), clock.instant())).isEmpty();
    assertThat(store.find(r.id(), clock.instant())).isEmpty();
  }

  @Test
  void anExpiredTokenIsStillAnsweredUntilItsRetentionEnds() {
    OneTimeTokenRecord r = put("alice", RESET, 3);
    clock.advance(LIFETIME.plusSeconds(1));
    OneTimeTokenRecord found = store.find(r.id(), clock.instant()).orElseThrow();
    assertThat(found.liveAt(clock.instant())).isFalse();
    clock.advance(LIFETIME);
    assertThat(store.find(r.id(), clock.instant())).isEmpty();
  }

  @Test
  void concurrentConsumesOfOneTokenHaveExactlyOneWinner() throws Exception {
    int threads = 8;
    for (int round = 0; round < 25; round++) {
      OneTimeTokenRecord r = put("alice", RESET, 20);
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Callable<Boolean> consume =
            () -> {
              start.await(10, TimeUnit.SECONDS);
              return store.consume(r.id(), clock.instant()).isPresent();
            };
        results.add(pool.submit(consume));
      }
      int winners = 0;
      for (Future<Boolean> f : results) {
        winners += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(winners).as("round %d", round).isEqualTo(1);
    }
  }

  @Test
  void aSubjectHoldsAtMostMaxOutstandingOfAPurposeAndTheOldestEnds() {
    OneTimeTokenRecord first = put("alice", RESET, 2);
    clock.advance(Duration.ofSeconds(1));
    OneTimeTokenRecord second = put("alice", RESET, 2);
    clock.advance(Duration.ofSeconds(1));
    OneTimeTokenRecord third = record("alice", RESET);
    assertThat(store.put(third, 2, clock.instant())).isEqualTo(1);
    assertThat(store.find(first.id(), clock.instant())).isEmpty();
    assertThat(store.find(second.id(), clock.instant())).isPresent();
    assertThat(store.find(third.id(), clock.instant())).isPresent();
  }

  @Test
  void maxOutstandingOfOneEndsEveryEarlierToken() {
    OneTimeTokenRecord a = put("alice", RESET, 3);
    clock.advance(Duration.ofSeconds(1));
    OneTimeTokenRecord b = put("alice", RESET, 3);
    clock.advance(Duration.ofSeconds(1));
    OneTimeTokenRecord c = record("alice", RESET);
    assertThat(store.put(c, 1, clock.instant())).isEqualTo(2);
    assertThat(store.find(a.id(), clock.instant())).isEmpty();
    assertThat(store.find(b.id(), clock.instant())).isEmpty();
    assertThat(store.find(c.id(), clock.instant())).isPresent();
  }

  @Test
  void theBoundIsPerPurposeAndPerSubject() {
    OneTimeTokenRecord reset = put("alice", RESET, 1);
    OneTimeTokenRecord verify = put("alice", VERIFY, 1);
    OneTimeTokenRecord bobs = put("bob", RESET, 1);
    put("alice", RESET, 1);
    assertThat(store.find(reset.id(), clock.instant())).isEmpty();
    assertThat(store.find(verify.id(), clock.instant())).isPresent();
    assertThat(store.find(bobs.id(), clock.instant())).isPresent();
  }

  @Test
  void aFloodOfTokensForOneSubjectLeavesBoundedState() {
    for (int i = 0; i < 50; i++) {
      put("alice", RESET, 3);
      clock.advance(Duration.ofMillis(10));
    }
    long after50 = footprint("alice");
    for (int i = 0; i < 200; i++) {
      put("alice", RESET, 3);
      clock.advance(Duration.ofMillis(10));
    }
    assertThat(footprint("alice")).isLessThanOrEqualTo(after50);
  }

  @Test
  void concurrentPutsForOneSubjectStayWithinTheBound() throws Exception {
    int threads = 8;
    List<OneTimeTokenRecord> all = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<OneTimeTokenRecord>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  OneTimeTokenRecord r = record("alice", RESET);
                  start.await(10, TimeUnit.SECONDS);
                  store.put(r, 2, clock.instant());
                  return r;
                }));
      }
      for (Future<OneTimeTokenRecord> f : results) {
        all.add(f.get(30, TimeUnit.SECONDS));
      }
    }
    long held = all.stream().filter(r -> store.find(r.id(), clock.instant()).isPresent()).count();
    assertThat(held).isLessThanOrEqualTo(2);
  }

  @Test
  void attemptsAreCountedAndTheCodeDiesAtTheLimit() {
    OneTimeTokenRecord r = record(newId("alice"), "alice", "email_code", Optional.of("d"));
    store.put(r, 1, clock.instant());
    assertThat(store.countAttempt(r.id(), 3, clock.instant()).orElseThrow().attempts())
        .isEqualTo(1);
    assertThat(store.countAttempt(r.id(), 3, clock.instant()).orElseThrow().attempts())
        .isEqualTo(2);
    assertThat(store.countAttempt(r.id(), 3, clock.instant()).orElseThrow().attempts())
        .isEqualTo(3);
    assertThat(store.countAttempt(r.id(), 3, clock.instant())).isEmpty();
    assertThat(store.find(r.id(), clock.instant())).isEmpty();
  }

  @Test
  void concurrentAttemptsNeverCountPastTheLimit() throws Exception {
    int threads = 8;
    for (int round = 0; round < 10; round++) {
      OneTimeTokenRecord r = record(newId("alice"), "alice", "email_code", Optional.of("d"));
      store.put(r, 1, clock.instant());
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  return store.countAttempt(r.id(), 3, clock.instant()).isPresent();
                }));
      }
      int counted = 0;
      for (Future<Boolean> f : results) {
        counted += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(counted).as("round %d", round).isEqualTo(3);
    }
  }

  @Test
  void deleteAllEndsEveryPurposeOfOneSubjectOnly() {
    OneTimeTokenRecord reset = put("alice", RESET, 3);
    OneTimeTokenRecord verify = put("alice", VERIFY, 3);
    OneTimeTokenRecord bobs = put("bob", RESET, 3);
    assertThat(store.deleteAll("alice", clock.instant())).isEqualTo(2);
    assertThat(store.find(reset.id(), clock.instant())).isEmpty();
    assertThat(store.find(verify.id(), clock.instant())).isEmpty();
    assertThat(store.find(bobs.id(), clock.instant())).isPresent();
    assertThat(store.deleteAll("nobody", clock.instant())).isZero();
  }

  @Test
  void anIdUnderAnotherShardIsAnotherId() {
    OneTimeTokenRecord r = put("alice", RESET, 3);
    String otherShard = r.id().shard().equals("AAA") ? "AAB" : "AAA";
    HashedId moved = new HashedId(otherShard, r.id().hash());
    assertThat(store.find(moved, clock.instant())).isEmpty();
  }

  @Test
  void aBoundUnderOneIsRefused() {
    assertThatThrownBy(() -> store.put(record("alice", RESET), 0, clock.instant()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.countAttempt(newId("alice"), 0, clock.instant()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

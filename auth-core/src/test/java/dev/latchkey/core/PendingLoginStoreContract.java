package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.PendingLogin;
import dev.latchkey.core.spi.PendingLoginStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * The behaviour every {@link PendingLoginStore} must have, through the SPI only. An
 * implementation's test extends this class and creates a fresh, empty store; every method takes the
 * caller's time, so the test's clock decides expiry for every implementation.
 */
public abstract class PendingLoginStoreContract {
  protected static final Duration LIFETIME = Duration.ofMinutes(10);

  protected TestClock clock;
  protected PendingLoginStore store;
  private ExecutorService pool;

  /** A fresh, empty store. */
  protected abstract PendingLoginStore createStore();

  /**
   * What the store holds for {@code client}, counted as the implementation stores it (records,
   * keys, index members). Only compared with itself.
   */
  protected abstract long footprint(String client);

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

  protected HashedId newId(String client) {
    return OpaqueIds.parse(OpaqueIds.generateInShard(store.shardFor(client))).orElseThrow();
  }

  protected PendingLogin login(String client) {
    Instant now = clock.instant();
    return new PendingLogin(
        newId(client),
        client,
        OpaqueIds.randomToken(),
        OpaqueIds.randomToken(),
        "https://app.example/oidc/callback",
        OpaqueIds.hash(OpaqueIds.randomToken()),
        now,
        now.plus(LIFETIME));
  }

  protected PendingLogin put(String client, int max) {
    PendingLogin l = login(client);
    store.put(l, max, clock.instant());
    return l;
  }

  @Test
  void aStoredLoginIsConsumedOnceWithEveryField() {
    PendingLogin l = login("192.0.2.1");
    assertThat(store.put(l, 3, clock.instant())).isZero();
    PendingLogin got = store.consume(l.id(), clock.instant()).orElseThrow();
    assertThat(got.id()).isEqualTo(l.id());
    assertThat(got.client()).isEqualTo(l.client());
    assertThat(got.nonce()).isEqualTo(l.nonce());
    assertThat(got.codeVerifier()).isEqualTo(l.codeVerifier());
    assertThat(got.redirectUri()).isEqualTo(l.redirectUri());
    assertThat(got.browserHash()).isEqualTo(l.browserHash());
    assertThat(got.createdAt().toEpochMilli()).isEqualTo(l.createdAt().toEpochMilli());
    assertThat(got.expiresAt().toEpochMilli()).isEqualTo(l.expiresAt().toEpochMilli());
    assertThat(store.consume(l.id(), clock.instant())).isEmpty();
  }

  @Test
  void anUnknownStateIsEmpty() {
    put("192.0.2.1", 3);
    assertThat(store.consume(newId("192.0.2.1"), clock.instant())).isEmpty();
  }

  @Test
  void anExpiredLoginIsNeverAnswered() {
    PendingLogin l = put("192.0.2.1", 3);
    clock.advance(LIFETIME);
    assertThat(store.consume(l.id(), clock.instant())).isEmpty();
    // Nor later, at an earlier time: it is gone.
    assertThat(store.consume(l.id(), l.createdAt())).isEmpty();
  }

  @Test
  void aLoginJustBeforeItsExpiryIsAnswered() {
    PendingLogin l = put("192.0.2.1", 3);
    clock.advance(LIFETIME.minusMillis(1));
    assertThat(store.consume(l.id(), clock.instant())).isPresent();
  }

  @Test
  void concurrentConsumesOfOneStateHaveExactlyOneWinner() throws Exception {
    int threads = 8;
    for (int round = 0; round < 25; round++) {
      PendingLogin l = put("192.0.2.1", 50);
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Callable<Boolean> consume =
            () -> {
              start.await(10, TimeUnit.SECONDS);
              return store.consume(l.id(), clock.instant()).isPresent();
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
  void aClientHoldsAtMostMaxPerClientAndTheOldestEnds() {
    PendingLogin first = put("192.0.2.1", 2);
    clock.advance(Duration.ofSeconds(1));
    PendingLogin second = put("192.0.2.1", 2);
    clock.advance(Duration.ofSeconds(1));
    PendingLogin third = login("192.0.2.1");
    assertThat(store.put(third, 2, clock.instant())).isEqualTo(1);
    assertThat(store.consume(first.id(), clock.instant())).isEmpty();
    assertThat(store.consume(second.id(), clock.instant())).isPresent();
    assertThat(store.consume(third.id(), clock.instant())).isPresent();
  }

  @Test
  void theBoundIsPerClient() {
    PendingLogin mine = put("192.0.2.1", 1);
    PendingLogin theirs = put("198.51.100.7", 1);
    put("192.0.2.1", 1);
    assertThat(store.consume(mine.id(), clock.instant())).isEmpty();
    assertThat(store.consume(theirs.id(), clock.instant())).isPresent();
  }

  @Test
  void consumedAndExpiredLoginsDoNotCountAgainstTheBound() {
    PendingLogin used = put("192.0.2.1", 2);
    store.consume(used.id(), clock.instant());
    PendingLogin old = put("192.0.2.1", 2);
    clock.advance(LIFETIME.plusSeconds(1));
    PendingLogin a = put("192.0.2.1", 2);
    PendingLogin b = login("192.0.2.1");
    assertThat(store.put(b, 2, clock.instant())).isZero();
    assertThat(store.consume(old.id(), clock.instant())).isEmpty();
    assertThat(store.consume(a.id(), clock.instant())).isPresent();
    assertThat(store.consume(b.id(), clock.instant())).isPresent();
  }

  @Test
  void aFloodOfLoginsFromOneClientLeavesBoundedState() {
    for (int i = 0; i < 50; i++) {
      put("192.0.2.1", 5);
      clock.advance(Duration.ofMillis(10));
    }
    long after50 = footprint("192.0.2.1");
    for (int i = 0; i < 200; i++) {
      put("192.0.2.1", 5);
      clock.advance(Duration.ofMillis(10));
    }
    assertThat(footprint("192.0.2.1")).isLessThanOrEqualTo(after50);
  }

  @Test
  void concurrentPutsFromOneClientStayWithinTheBound() throws Exception {
    int threads = 8;
    List<PendingLogin> all = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<PendingLogin>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  PendingLogin l = login("192.0.2.1");
                  start.await(10, TimeUnit.SECONDS);
                  store.put(l, 2, clock.instant());
                  return l;
                }));
      }
      for (Future<PendingLogin> f : results) {
        all.add(f.get(30, TimeUnit.SECONDS));
      }
    }
    long held =
        all.stream().filter(l -> store.consume(l.id(), clock.instant()).isPresent()).count();
    assertThat(held).isLessThanOrEqualTo(2);
  }

  @Test
  void aBoundUnderOneIsRefused() {
    PendingLogin l = login("192.0.2.1");
    assertThatThrownBy(() -> store.put(l, 0, clock.instant()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theRecordsStringShowsNoSecret() {
    PendingLogin l = login("192.0.2.1");
    assertThat(l.toString())
        .doesNotContain(l.nonce())
        .doesNotContain(l.codeVerifier())
        .doesNotContain(l.browserHash())
        .doesNotContain(l.id().hash());
  }
}

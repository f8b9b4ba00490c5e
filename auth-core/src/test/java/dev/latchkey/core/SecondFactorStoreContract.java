package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.spi.SecondFactorStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
 * The behaviour every {@link SecondFactorStore} must have, through the SPI only. An
 * implementation's test extends this class and creates a fresh, empty store.
 */
public abstract class SecondFactorStoreContract {
  private static final int THREADS = 8;
  private static final int ROUNDS = 50;

  protected SecondFactorStore store;
  private ExecutorService pool;

  /** A fresh, empty store. */
  protected abstract SecondFactorStore createStore();

  @BeforeEach
  void setUpStore() {
    store = createStore();
    pool = Executors.newFixedThreadPool(THREADS);
  }

  @AfterEach
  void stopPool() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }

  private void active(String subject, String sealed, long step, Set<String> codes) {
    assertThat(store.enroll(subject, sealed)).isTrue();
    assertThat(store.activate(subject, sealed, step, codes)).isTrue();
  }

  @Test
  void unknownSubjectHasNoFactor() {
    assertThat(store.find("nobody")).isEmpty();
    assertThat(store.acceptStep("nobody", 1)).isFalse();
    assertThat(store.consumeRecoveryCode("nobody", "h")).isFalse();
    assertThat(store.replaceRecoveryCodes("nobody", Set.of("h"))).isFalse();
    assertThat(store.disable("nobody")).isFalse();
  }

  @Test
  void enrollmentIsPendingUntilActivated() {
    assertThat(store.enroll("alice", "sealed-1")).isTrue();

    assertThat(store.find("alice"))
        .contains(new SecondFactorStore.Factor("sealed-1", false, -1, 0));
    assertThat(store.acceptStep("alice", 5)).isFalse();
  }

  @Test
  void reEnrollingReplacesAPendingSecret() {
    store.enroll("alice", "sealed-1");
    store.enroll("alice", "sealed-2");

    assertThat(store.activate("alice", "sealed-1", 7, Set.of())).isFalse();
    assertThat(store.activate("alice", "sealed-2", 7, Set.of("a", "b"))).isTrue();
    assertThat(store.find("alice")).contains(new SecondFactorStore.Factor("sealed-2", true, 7, 2));
  }

  @Test
  void activeFactorIsNotReplacedByAnEnrollment() {
    active("alice", "sealed-1", 7, Set.of("a"));

    assertThat(store.enroll("alice", "sealed-2")).isFalse();
    assertThat(store.find("alice").orElseThrow().sealedSecret()).isEqualTo("sealed-1");
  }

  @Test
  void activatingTwiceFails() {
    active("alice", "sealed-1", 7, Set.of("a"));

    assertThat(store.activate("alice", "sealed-1", 9, Set.of("b"))).isFalse();
    assertThat(store.find("alice").orElseThrow().lastStep()).isEqualTo(7);
  }

  @Test
  void stepIsAcceptedOnlyWhenLaterThanTheLast() {
    active("alice", "sealed", 10, Set.of());

    assertThat(store.acceptStep("alice", 10)).isFalse();
    assertThat(store.acceptStep("alice", 9)).isFalse();
    assertThat(store.acceptStep("alice", 11)).isTrue();
    assertThat(store.acceptStep("alice", 11)).isFalse();
    assertThat(store.acceptStep("alice", 13)).isTrue();
    assertThat(store.acceptStep("alice", 12)).isFalse();
    assertThat(store.find("alice").orElseThrow().lastStep()).isEqualTo(13);
  }

  @Test
  void recoveryCodeIsConsumedOnce() {
    active("alice", "sealed", 1, Set.of("h1", "h2"));

    assertThat(store.consumeRecoveryCode("alice", "h1")).isTrue();
    assertThat(store.consumeRecoveryCode("alice", "h1")).isFalse();
    assertThat(store.consumeRecoveryCode("alice", "nope")).isFalse();
    assertThat(store.find("alice").orElseThrow().recoveryCodesLeft()).isEqualTo(1);
  }

  @Test
  void replacingRecoveryCodesDropsTheOldOnes() {
    active("alice", "sealed", 1, Set.of("h1", "h2"));

    assertThat(store.replaceRecoveryCodes("alice", Set.of("n1", "n2", "n3"))).isTrue();

    assertThat(store.consumeRecoveryCode("alice", "h1")).isFalse();
    assertThat(store.consumeRecoveryCode("alice", "n3")).isTrue();
    assertThat(store.find("alice").orElseThrow().recoveryCodesLeft()).isEqualTo(2);
  }

  @Test
  void pendingFactorHasNoRecoveryCodesToReplace() {
    store.enroll("alice", "sealed");

    assertThat(store.replaceRecoveryCodes("alice", Set.of("h"))).isFalse();
    assertThat(store.consumeRecoveryCode("alice", "h")).isFalse();
  }

  @Test
  void disableRemovesEverything() {
    active("alice", "sealed", 1, Set.of("h1"));

    assertThat(store.disable("alice")).isTrue();

    assertThat(store.find("alice")).isEmpty();
    assertThat(store.consumeRecoveryCode("alice", "h1")).isFalse();
    assertThat(store.acceptStep("alice", 2)).isFalse();
    assertThat(store.enroll("alice", "sealed-2")).isTrue();
    assertThat(store.activate("alice", "sealed-2", 3, Set.of())).isTrue();
    assertThat(store.consumeRecoveryCode("alice", "h1")).isFalse();
  }

  @Test
  void subjectsAreIndependent() {
    active("alice", "sealed-a", 5, Set.of("same"));
    active("bob", "sealed-b", 1, Set.of("same"));

    assertThat(store.consumeRecoveryCode("alice", "same")).isTrue();
    assertThat(store.consumeRecoveryCode("bob", "same")).isTrue();
    assertThat(store.acceptStep("bob", 2)).isTrue();
    assertThat(store.find("alice").orElseThrow().lastStep()).isEqualTo(5);
    store.disable("alice");
    assertThat(store.find("bob")).isPresent();
  }

  @Test
  void concurrentPresentationsOfOneStepHaveExactlyOneWinner() throws Exception {
    active("alice", "sealed", 0, Set.of());
    for (int round = 1; round <= ROUNDS; round++) {
      long step = round;
      assertThat(burst(() -> store.acceptStep("alice", step))).isEqualTo(1);
    }
    assertThat(store.find("alice").orElseThrow().lastStep()).isEqualTo(ROUNDS);
  }

  @Test
  void concurrentPresentationsOfOneRecoveryCodeHaveExactlyOneWinner() throws Exception {
    Set<String> codes = new java.util.HashSet<>();
    for (int i = 0; i < ROUNDS; i++) {
      codes.add("code-" + i);
    }
    active("alice", "sealed", 0, codes);
    for (int round = 0; round < ROUNDS; round++) {
      String code = "code-" + round;
      assertThat(burst(() -> store.consumeRecoveryCode("alice", code))).isEqualTo(1);
    }
    assertThat(store.find("alice").orElseThrow().recoveryCodesLeft()).isZero();
  }

  /** Runs {@code call} on every thread at once; answers how many returned true. */
  private int burst(Callable<Boolean> call) throws Exception {
    CyclicBarrier barrier = new CyclicBarrier(THREADS);
    List<Future<Boolean>> results = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      results.add(
          pool.submit(
              () -> {
                barrier.await(10, TimeUnit.SECONDS);
                return call.call();
              }));
    }
    int wins = 0;
    for (Future<Boolean> f : results) {
      if (f.get(30, TimeUnit.SECONDS)) {
        wins++;
      }
    }
    return wins;
  }
}

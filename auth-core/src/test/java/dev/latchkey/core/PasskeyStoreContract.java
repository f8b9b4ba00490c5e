package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.spi.PasskeyChallenge;
import dev.latchkey.core.spi.PasskeyRecord;
import dev.latchkey.core.spi.PasskeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * The behaviour every {@link PasskeyStore} must have, through the SPI only. An implementation's
 * test extends this class and creates a fresh, empty store.
 */
public abstract class PasskeyStoreContract {
  private static final int THREADS = 8;
  private static final int ROUNDS = 30;
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  protected PasskeyStore store;
  private ExecutorService pool;
  private int ids;

  /** A fresh, empty store. */
  protected abstract PasskeyStore createStore();

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

  private PasskeyRecord passkey(String subject, long count) {
    ids++;
    return new PasskeyRecord(
        "cred" + ids + "_" + subject,
        subject,
        "handle-" + subject,
        "pUbLiCkEy" + ids,
        count,
        Set.of("internal", "hybrid"),
        "key " + ids,
        NOW.plusSeconds(ids),
        Optional.empty(),
        true,
        false);
  }

  private static PasskeyChallenge challenge(String subject, Instant expiresAt) {
    return new PasskeyChallenge(
        PasskeyChallenge.Ceremony.REGISTRATION,
        Optional.ofNullable(subject),
        Optional.of("aGFuZGxl"),
        Optional.of("session-hash"),
        expiresAt);
  }

  @Test
  void challengeIsTakenOnce() {
    PasskeyChallenge c = challenge("alice", NOW.plusSeconds(60));
    assertThat(store.putChallenge("h1", c)).isTrue();

    assertThat(store.takeChallenge("h1", NOW)).contains(c);
    assertThat(store.takeChallenge("h1", NOW)).isEmpty();
    assertThat(store.takeChallenge("unknown", NOW)).isEmpty();
  }

  @Test
  void usernameLessChallengeKeepsItsEmptyParts() {
    PasskeyChallenge c =
        new PasskeyChallenge(
            PasskeyChallenge.Ceremony.AUTHENTICATION,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            NOW.plusSeconds(60));
    store.putChallenge("h2", c);

    assertThat(store.takeChallenge("h2", NOW)).contains(c);
  }

  @Test
  void expiredChallengeIsNotTaken() {
    store.putChallenge("h1", challenge("alice", NOW.plusSeconds(60)));

    assertThat(store.takeChallenge("h1", NOW.plusSeconds(60))).isEmpty();
  }

  @Test
  void concurrentTakesOfOneChallengeHaveOneWinner() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String hash = "race" + round;
      store.putChallenge(hash, challenge("alice", NOW.plusSeconds(60)));
      assertThat(winners(() -> store.takeChallenge(hash, NOW).isPresent())).isEqualTo(1);
    }
  }

  @Test
  void createdPasskeyIsFoundByIdAndListedForItsSubject() {
    PasskeyRecord one = passkey("alice", 0);
    PasskeyRecord two = passkey("alice", 5);
    PasskeyRecord bobs = passkey("bob", 0);

    assertThat(store.create(one, 10)).isTrue();
    assertThat(store.create(two, 10)).isTrue();
    assertThat(store.create(bobs, 10)).isTrue();

    assertThat(store.find(one.credentialId())).contains(one);
    assertThat(store.list("alice")).containsExactly(one, two);
    assertThat(store.list("bob")).containsExactly(bobs);
    assertThat(store.list("carol")).isEmpty();
  }

  @Test
  void credentialIdIsClaimedOnce() {
    PasskeyRecord alices = passkey("alice", 0);
    store.create(alices, 10);
    PasskeyRecord sameIdForBob =
        new PasskeyRecord(
            alices.credentialId(),
            "bob",
            "handle-bob",
            "b3RoZXI",
            0,
            Set.of(),
            "stolen id",
            NOW,
            Optional.empty(),
            false,
            false);

    assertThat(store.create(sameIdForBob, 10)).isFalse();
    assertThat(store.find(alices.credentialId())).contains(alices);
    assertThat(store.list("bob")).isEmpty();
  }

  @Test
  void capBoundsOneSubjectsPasskeys() {
    assertThat(store.create(passkey("alice", 0), 2)).isTrue();
    assertThat(store.create(passkey("alice", 0), 2)).isTrue();
    PasskeyRecord third = passkey("alice", 0);

    assertThat(store.create(third, 2)).isFalse();
    assertThat(store.find(third.credentialId())).isEmpty();
    assertThat(store.create(passkey("bob", 0), 2)).isTrue();
  }

  @Test
  void unknownOrMalformedIdsFindNothing() {
    assertThat(store.find("nope")).isEmpty();
    assertThat(store.find("not base64url!")).isEmpty();
    assertThat(store.find("")).isEmpty();
    assertThat(store.updateUse("nope", 0, 1, NOW)).isFalse();
    assertThat(store.rename("alice", "nope", "n")).isFalse();
    assertThat(store.delete("alice", "nope")).isFalse();
  }

  @Test
  void useIsRecordedOnlyFromTheExpectedCounter() {
    PasskeyRecord p = passkey("alice", 5);
    store.create(p, 10);

    assertThat(store.updateUse(p.credentialId(), 4, 6, NOW)).isFalse();
    assertThat(store.updateUse(p.credentialId(), 5, 6, NOW.plusSeconds(1))).isTrue();
    assertThat(store.updateUse(p.credentialId(), 5, 7, NOW)).isFalse();

    PasskeyRecord now = store.find(p.credentialId()).orElseThrow();
    assertThat(now.signCount()).isEqualTo(6);
    assertThat(now.lastUsedAt()).contains(NOW.plusSeconds(1));
    assertThat(store.list("alice")).containsExactly(now);
  }

  @Test
  void concurrentUsesFromOneCounterHaveOneWinner() throws Exception {
    PasskeyRecord p = passkey("alice", 0);
    store.create(p, 10);
    for (int round = 0; round < ROUNDS; round++) {
      long from = round;
      assertThat(winners(() -> store.updateUse(p.credentialId(), from, from + 1, NOW)))
          .isEqualTo(1);
    }
    assertThat(store.find(p.credentialId()).orElseThrow().signCount()).isEqualTo(ROUNDS);
  }

  @Test
  void onlyTheOwnerRenamesOrDeletes() {
    PasskeyRecord p = passkey("alice", 0);
    store.create(p, 10);

    assertThat(store.rename("bob", p.credentialId(), "mine now")).isFalse();
    assertThat(store.delete("bob", p.credentialId())).isFalse();
    assertThat(store.find(p.credentialId())).contains(p);

    assertThat(store.rename("alice", p.credentialId(), "laptop")).isTrue();
    assertThat(store.find(p.credentialId()).orElseThrow().name()).isEqualTo("laptop");

    assertThat(store.delete("alice", p.credentialId())).isTrue();
    assertThat(store.find(p.credentialId())).isEmpty();
    assertThat(store.list("alice")).isEmpty();
    assertThat(store.updateUse(p.credentialId(), 0, 1, NOW)).isFalse();
    assertThat(store.delete("alice", p.credentialId())).isFalse();
  }

  @Test
  void deletedCredentialIdCanBeRegisteredAgain() {
    PasskeyRecord p = passkey("alice", 0);
    store.create(p, 1);
    store.delete("alice", p.credentialId());

    assertThat(store.create(p, 1)).isTrue();
    assertThat(store.find(p.credentialId())).contains(p);
  }

  /** Runs {@code call} on every thread at once; answers how many returned true. */
  private int winners(Callable<Boolean> call) throws Exception {
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Future<Boolean>> futures = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      futures.add(
          pool.submit(
              () -> {
                start.await(10, TimeUnit.SECONDS);
                return call.call();
              }));
    }
    int wins = 0;
    for (Future<Boolean> f : futures) {
      if (f.get(20, TimeUnit.SECONDS)) {
        wins++;
      }
    }
    return wins;
  }
}

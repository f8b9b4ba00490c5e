package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.ConcurrentGuesses.GatedHasher;
import dev.latchkey.core.LoginThrottle.Reservation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link LoginThrottle} shares, run by the in-memory and the Redis
 * implementations alike. Subclasses supply {@link #createThrottle}; the throttle must measure time
 * by the given clock. Names and addresses are unique per test, so a backend shared between tests
 * needs no cleaning; the clock starts at the real current time (millisecond precision), so a
 * backend that also sets real expiry times never sees them in the past.
 *
 * <p>A granted reservation that is never reported right is a failure: these tests "fail" by
 * reserving. Times are half-open, as {@link ThrottlePolicy} computes them: a key locked until
 * {@code T} is free at {@code T}, and a window that starts at {@code S} no longer counts at {@code
 * S + window}.
 *
 * <p>The concurrent cases run on two nodes ({@link #anotherNode}) that share the backend, and start
 * every attempt of a round at one barrier.
 */
public abstract class LoginThrottleContract {
  private static final Duration WINDOW = Duration.ofMinutes(15);
  private static final Duration LOCKOUT = Duration.ofMinutes(1);
  private static final Duration MAX_LOCKOUT = Duration.ofMinutes(8);

  /** 3 attempts per name, 5 per address. */
  protected static final ThrottlePolicy POLICY =
      new ThrottlePolicy(3, 5, WINDOW, LOCKOUT, MAX_LOCKOUT);

  /** The budget of the concurrent cases. */
  private static final int K = 5;

  private final String unique = UUID.randomUUID().toString();
  private final String alice = "alice-" + unique;
  private final String bob = "bob-" + unique;
  private final String carol = "carol-" + unique;
  private final String address = "192.0.2.1-" + unique;
  private final String otherAddress = "198.51.100.7-" + unique;
  private final ExecutorService pool = Executors.newFixedThreadPool(64);

  /** A fresh throttle under {@code policy} that reads the time from {@code clock}. */
  protected abstract LoginThrottle createThrottle(ThrottlePolicy policy, TestClock clock);

  /**
   * The same throttle as another node would see it: a second instance on the same backend, or
   * {@code first} itself when the backend is this process's memory.
   */
  protected LoginThrottle anotherNode(LoginThrottle first, ThrottlePolicy policy, TestClock clock) {
    return first;
  }

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  private TestClock clock() {
    return TestClock.atNow();
  }

  @Test
  void freshNameAndAddressAreGrantedWithoutALock() {
    LoginThrottle throttle = createThrottle(POLICY, clock());

    assertThat(throttle.reserve(alice, address)).isEqualTo(Reservation.grant());
    assertThat(throttle.reserve(bob, null)).isEqualTo(Reservation.grant());
  }

  @Test
  void theAttemptThatReachesTheLimitIsGrantedAndLocksTheName() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);

    assertThat(throttle.reserve(alice, null)).isEqualTo(Reservation.grant());
    clock.advance(Duration.ofSeconds(1));
    assertThat(throttle.reserve(alice, null)).isEqualTo(Reservation.grant());
    clock.advance(Duration.ofSeconds(1));
    Instant until = clock.instant().plus(LOCKOUT);

    assertThat(throttle.reserve(alice, null)).isEqualTo(Reservation.grant(until));
    assertThat(throttle.reserve(alice, null)).isEqualTo(Reservation.refuse(until));
    assertThat(throttle.reserve(alice, otherAddress)).isEqualTo(Reservation.refuse(until));
  }

  @Test
  void aRefusedReservationCountsNothing() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);
    fail(throttle, alice, null, 3);
    for (int i = 0; i < 10; i++) {
      assertThat(throttle.reserve(alice, address).granted()).isFalse();
    }

    clock.advance(LOCKOUT);
    // The fourth counted attempt doubles the lock once: the ten refusals were not counted.
    assertThat(throttle.reserve(alice, null))
        .isEqualTo(Reservation.grant(clock.instant().plus(LOCKOUT.multipliedBy(2))));
    // Nor against the address: four more attempts from it are granted.
    clock.advance(LOCKOUT.multipliedBy(2));
    for (int i = 0; i < 4; i++) {
      assertThat(throttle.reserve("n" + i + "-" + unique, address).granted()).isTrue();
    }
  }

  @Test
  void aNameRefusedForItsAddressIsNotCounted() {
    LoginThrottle throttle = createThrottle(POLICY, clock());
    for (int i = 0; i < 5; i++) {
      throttle.reserve("n" + i + "-" + unique, address);
    }
    for (int i = 0; i < 5; i++) {
      assertThat(throttle.reserve(alice, address).granted()).isFalse();
    }

    assertThat(throttle.reserve(alice, null)).isEqualTo(Reservation.grant());
    assertThat(throttle.reserve(alice, null)).isEqualTo(Reservation.grant());
  }

  @Test
  void lockEndsWhenTheLockoutHasPassed() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);
    fail(throttle, alice, null, 3);
    Instant until = clock.instant().plus(LOCKOUT);

    clock.set(until.minusMillis(1));
    assertThat(throttle.reserve(alice, null)).isEqualTo(Reservation.refuse(until));
    clock.set(until);
    assertThat(throttle.reserve(alice, null).granted()).isTrue();
  }

  @Test
  void eachAttemptAfterALockDoublesTheNextLock() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);
    fail(throttle, alice, null, 3);

    clock.advance(LOCKOUT);
    Instant fourth = clock.instant();
    assertThat(throttle.reserve(alice, null))
        .isEqualTo(Reservation.grant(fourth.plus(LOCKOUT.multipliedBy(2))));

    clock.advance(LOCKOUT.multipliedBy(2));
    Instant fifth = clock.instant();
    Instant until = fifth.plus(LOCKOUT.multipliedBy(4));
    assertThat(throttle.reserve(alice, null)).isEqualTo(Reservation.grant(until));
    assertThat(throttle.reserve(alice, null)).isEqualTo(Reservation.refuse(until));
  }

  @Test
  void backOffStopsAtMaxLockout() {
    TestClock clock = clock();
    ThrottlePolicy longWindow =
        new ThrottlePolicy(1, 100, Duration.ofHours(2), LOCKOUT, Duration.ofMinutes(3));
    LoginThrottle throttle = createThrottle(longWindow, clock);
    assertThat(throttle.reserve(alice, null))
        .isEqualTo(Reservation.grant(clock.instant().plus(LOCKOUT)));

    clock.advance(LOCKOUT);
    assertThat(throttle.reserve(alice, null))
        .isEqualTo(Reservation.grant(clock.instant().plus(Duration.ofMinutes(2))));
    clock.advance(Duration.ofMinutes(2));
    assertThat(throttle.reserve(alice, null))
        .isEqualTo(Reservation.grant(clock.instant().plus(Duration.ofMinutes(3))));
    clock.advance(Duration.ofMinutes(3));
    assertThat(throttle.reserve(alice, null))
        .isEqualTo(Reservation.grant(clock.instant().plus(Duration.ofMinutes(3))));
  }

  @Test
  void successClearsTheNamesCount() {
    LoginThrottle throttle = createThrottle(POLICY, clock());
    fail(throttle, alice, null, 2);
    assertThat(throttle.reserve(alice, null).granted()).isTrue();

    throttle.recordSuccess(alice, null);

    assertThat(throttle.reserve(alice, null)).isEqualTo(Reservation.grant());
    assertThat(throttle.reserve(alice, null)).isEqualTo(Reservation.grant());
    assertThat(throttle.reserve(alice, null).lockedUntil()).isPresent();
  }

  @Test
  void successGivesItsAttemptBackToTheAddressAndKeepsItsFailures() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);
    for (int i = 0; i < 3; i++) {
      fail(throttle, "n" + i + "-" + unique, address, 1);
    }
    assertThat(throttle.reserve(alice, address)).isEqualTo(Reservation.grant());

    throttle.recordSuccess(alice, address);

    // Three failures counted: the fourth and fifth attempts are granted, the fifth locks.
    assertThat(throttle.reserve(bob, address)).isEqualTo(Reservation.grant());
    Instant until = clock.instant().plus(LOCKOUT);
    assertThat(throttle.reserve(carol, address)).isEqualTo(Reservation.grant(until));
    assertThat(throttle.reserve("d-" + unique, address)).isEqualTo(Reservation.refuse(until));
  }

  @Test
  void aLockTheAddressReachedOnlyThroughARightAttemptEnds() {
    LoginThrottle throttle = createThrottle(POLICY, clock());
    for (int i = 0; i < 4; i++) {
      fail(throttle, "n" + i + "-" + unique, address, 1);
    }
    assertThat(throttle.reserve(alice, address).lockedUntil()).isPresent();

    throttle.recordSuccess(alice, address);

    assertThat(throttle.reserve(bob, address).granted()).isTrue();
  }

  @Test
  void successDoesNotUnlockAnAddressLockedByItsFailures() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);
    for (int i = 0; i < 5; i++) {
      fail(throttle, "n" + i + "-" + unique, address, 1);
    }
    clock.advance(LOCKOUT);
    Reservation sixth = throttle.reserve(alice, address);
    assertThat(sixth).isEqualTo(Reservation.grant(clock.instant().plus(LOCKOUT.multipliedBy(2))));

    throttle.recordSuccess(alice, address);

    assertThat(throttle.reserve(bob, address).granted()).isFalse();
  }

  @Test
  void addressLocksIndependentlyOfTheName() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);
    // Five names, one attempt each: no name is near its limit, the address reaches its own.
    for (int i = 0; i < 4; i++) {
      assertThat(throttle.reserve("user" + i + "-" + unique, address))
          .isEqualTo(Reservation.grant());
    }
    Instant until = clock.instant().plus(LOCKOUT);
    assertThat(throttle.reserve("user4-" + unique, address)).isEqualTo(Reservation.grant(until));

    assertThat(throttle.reserve(carol, address)).isEqualTo(Reservation.refuse(until));
    assertThat(throttle.reserve(carol, otherAddress)).isEqualTo(Reservation.grant());
    assertThat(throttle.reserve(bob, null)).isEqualTo(Reservation.grant());
  }

  @Test
  void nameLocksWhateverAddressTheAttemptsCameFrom() {
    LoginThrottle throttle = createThrottle(POLICY, clock());

    throttle.reserve(alice, address);
    throttle.reserve(alice, otherAddress);
    throttle.reserve(alice, "203.0.113.9-" + unique);

    assertThat(throttle.reserve(alice, "203.0.113.10-" + unique).granted()).isFalse();
    assertThat(throttle.reserve(bob, address).granted()).isTrue();
  }

  @Test
  void refusalAnswersTheLaterOfNameAndAddressLocks() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);
    fail(throttle, alice, null, 3);
    Instant nameUntil = clock.instant().plus(LOCKOUT);
    clock.advance(Duration.ofSeconds(30));
    for (int i = 0; i < 5; i++) {
      fail(throttle, "x" + i + "-" + unique, address, 1);
    }
    Instant addressUntil = clock.instant().plus(LOCKOUT);

    assertThat(throttle.reserve(alice, address)).isEqualTo(Reservation.refuse(addressUntil));
    assertThat(throttle.reserve(alice, null)).isEqualTo(Reservation.refuse(nameUntil));
  }

  @Test
  void countsAreForgottenAfterTheWindow() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);
    fail(throttle, alice, address, 2);

    clock.advance(WINDOW);

    assertThat(throttle.reserve(alice, address)).isEqualTo(Reservation.grant());
    assertThat(throttle.reserve(alice, address)).isEqualTo(Reservation.grant());
  }

  @Test
  void windowStartsAtTheFirstAttemptAndDoesNotSlide() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);
    throttle.reserve(alice, null);
    clock.advance(WINDOW.minusMinutes(1));
    throttle.reserve(alice, null);
    clock.advance(Duration.ofMinutes(1));

    // The first window is over: this attempt starts a new count of one.
    assertThat(throttle.reserve(alice, null)).isEqualTo(Reservation.grant());
    assertThat(throttle.reserve(alice, null)).isEqualTo(Reservation.grant());
  }

  @Test
  void afterWindowAndLockEndTheBackOffStartsOver() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);
    fail(throttle, alice, null, 3);

    clock.advance(WINDOW);
    fail(throttle, alice, null, 2);
    assertThat(throttle.reserve(alice, null))
        .isEqualTo(Reservation.grant(clock.instant().plus(LOCKOUT)));
  }

  @Test
  void namesAreComparedExactly() {
    LoginThrottle throttle = createThrottle(POLICY, clock());
    fail(throttle, alice, null, 3);

    assertThat(throttle.reserve(alice.toUpperCase(java.util.Locale.ROOT), null).granted()).isTrue();
  }

  @Test
  void unknownAddressCountsOnlyAgainstTheName() {
    LoginThrottle throttle = createThrottle(POLICY, clock());
    for (int i = 0; i < 6; i++) {
      throttle.reserve("n" + i + "-" + unique, null);
    }

    assertThat(throttle.reserve(carol, address)).isEqualTo(Reservation.grant());
  }

  // ---- concurrent reservations: one atomic step, on one node or two sharing the backend

  @Test
  void ofManyConcurrentReservationsForOneNameExactlyTheBudgetIsGranted() throws Exception {
    ThrottlePolicy policy = new ThrottlePolicy(K, 1_000, WINDOW, LOCKOUT, MAX_LOCKOUT);
    for (int round = 0; round < 10; round++) {
      TestClock clock = clock();
      List<LoginThrottle> nodes = nodes(policy, clock);
      String name = "race-" + round + "-" + unique;

      List<Reservation> first = race(64, i -> nodes.get(i % 2).reserve(name, "a" + i + unique));
      assertThat(first.stream().filter(Reservation::granted)).hasSize(K);

      // Once the lock ends, one more attempt is granted, and it locks again at once.
      clock.advance(LOCKOUT);
      List<Reservation> second = race(64, i -> nodes.get(i % 2).reserve(name, null));
      assertThat(second.stream().filter(Reservation::granted)).hasSize(1);
    }
  }

  @Test
  void ofManyConcurrentReservationsFromOneAddressExactlyTheBudgetIsGranted() throws Exception {
    ThrottlePolicy policy = new ThrottlePolicy(1_000, K, WINDOW, LOCKOUT, MAX_LOCKOUT);
    for (int round = 0; round < 10; round++) {
      List<LoginThrottle> nodes = nodes(policy, clock());
      String from = "race-" + round + "-" + unique;

      List<Reservation> results =
          race(64, i -> nodes.get(i % 2).reserve("n" + i + "-" + unique, from));

      assertThat(results.stream().filter(Reservation::granted)).hasSize(K);
    }
  }

  @Test
  void twoConcurrentReservationsForTheLastAttemptGrantOne() throws Exception {
    ThrottlePolicy policy = new ThrottlePolicy(K, K, WINDOW, LOCKOUT, MAX_LOCKOUT);
    for (int round = 0; round < 100; round++) {
      List<LoginThrottle> nodes = nodes(policy, clock());
      String name = "last-" + round + "-" + unique;
      fail(nodes.get(0), name, null, K - 1);

      List<Reservation> results = race(2, i -> nodes.get(i).reserve(name, null));

      assertThat(results.stream().filter(Reservation::granted)).hasSize(1);
    }
  }

  // ---- concurrent guesses through the password strategy: bCrypt work per budget

  @Test
  void twoConcurrentGuessesForTheLastAttemptEvaluateOne() throws Exception {
    guessBursts(2, 60, K - 1);
  }

  @Test
  void sixteenConcurrentGuessesEvaluateAtMostTheBudget() throws Exception {
    guessBursts(16, 20, 0);
  }

  @Test
  void sixtyFourConcurrentGuessesEvaluateAtMostTheBudget() throws Exception {
    guessBursts(64, 8, 0);
  }

  @Test
  void sixtyFourConcurrentGuessesFromOneAddressEvaluateAtMostItsBudget() throws Exception {
    ThrottlePolicy policy = new ThrottlePolicy(1_000, K, WINDOW, LOCKOUT, MAX_LOCKOUT);
    Guessing g = new Guessing(policy);
    for (int round = 0; round < 8; round++) {
      String from = ConcurrentGuesses.randomIpv6();
      List<PasswordCredentials> attempts = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        attempts.add(PasswordCredentials.of("n" + i + "-" + unique, "guess".toCharArray(), from));
      }
      int before = g.hasher.verifications();

      List<AuthResult> results = ConcurrentGuesses.burst(g.nodes, g.hasher, attempts, pool);

      assertThat(g.hasher.verifications() - before).as("round %d", round).isLessThanOrEqualTo(K);
      assertThat(results).noneMatch(AuthResult::succeeded);
    }
  }

  /**
   * {@code rounds} bursts of {@code threads} guesses for one account, after {@code before} wrong
   * guesses one at a time; the burst's last guess is the right password. However they interleave,
   * at most {@value #K} guesses of a round reach bCrypt, and the right one logs in only if it was
   * among them.
   */
  private void guessBursts(int threads, int rounds, int before) throws Exception {
    ThrottlePolicy policy = new ThrottlePolicy(K, 1_000, WINDOW, LOCKOUT, MAX_LOCKOUT);
    Guessing g = new Guessing(policy);
    for (int round = 0; round < rounds; round++) {
      String name = "victim-" + round + "-" + unique;
      g.directory.add(new UserAccount(name, Principal.of(name, Set.of()), Guessing.HASH));
      int start = g.hasher.verifications();
      for (int i = 0; i < before; i++) {
        PasswordCredentials wrong =
            PasswordCredentials.of(name, "wrong".toCharArray(), ConcurrentGuesses.randomIpv6());
        assertThat(g.nodes.get(0).authenticate(wrong).succeeded()).isFalse();
      }
      List<PasswordCredentials> attempts = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        String password = i == threads - 1 ? Guessing.PASSWORD : "guess-" + i;
        attempts.add(
            PasswordCredentials.of(name, password.toCharArray(), ConcurrentGuesses.randomIpv6()));
      }

      List<AuthResult> results = ConcurrentGuesses.burst(g.nodes, g.hasher, attempts, pool);

      assertThat(g.hasher.verifications() - start)
          .as("bCrypt evaluations in round %d", round)
          .isLessThanOrEqualTo(K);
      for (int i = 0; i < threads - 1; i++) {
        assertThat(results.get(i).succeeded()).as("wrong guess %d", i).isFalse();
      }
    }
  }

  /** Two password strategies, one per node, over one directory and a gated cost-4 hasher. */
  private final class Guessing {
    static final String PASSWORD = "right-password";
    static final String HASH = BcryptPasswordHasher.withCost(4).hash(PASSWORD.toCharArray());
    final InMemoryUserDirectory directory = InMemoryUserDirectory.create();
    final GatedHasher hasher = new GatedHasher(BcryptPasswordHasher.withCost(4));
    final List<PasswordAuthenticator> nodes = new ArrayList<>();

    Guessing(ThrottlePolicy policy) {
      TestClock clock = clock();
      for (LoginThrottle throttle : LoginThrottleContract.this.nodes(policy, clock)) {
        nodes.add(
            PasswordAuthenticator.builder(directory, hasher)
                .throttle(throttle)
                .clock(clock)
                .build());
      }
    }
  }

  private List<LoginThrottle> nodes(ThrottlePolicy policy, TestClock clock) {
    LoginThrottle first = createThrottle(policy, clock);
    return List.of(first, anotherNode(first, policy, clock));
  }

  private interface Attempt {
    Reservation reserve(int i);
  }

  /** Runs {@code n} reservations that start together at a barrier; their answers. */
  private List<Reservation> race(int n, Attempt attempt) throws Exception {
    CyclicBarrier start = new CyclicBarrier(n);
    List<Future<Reservation>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int index = i;
      futures.add(
          pool.submit(
              () -> {
                start.await(20, TimeUnit.SECONDS);
                return attempt.reserve(index);
              }));
    }
    List<Reservation> results = new ArrayList<>();
    for (Future<Reservation> f : futures) {
      results.add(f.get(60, TimeUnit.SECONDS));
    }
    return results;
  }

  /** {@code times} granted reservations, never reported right: failures. */
  private static void fail(LoginThrottle throttle, String name, String address, int times) {
    for (int i = 0; i < times; i++) {
      assertThat(throttle.reserve(name, address).granted()).as("attempt %d", i + 1).isTrue();
    }
  }
}

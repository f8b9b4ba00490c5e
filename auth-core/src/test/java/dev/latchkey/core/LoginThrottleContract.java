package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link LoginThrottle} shares, run by the in-memory and the Redis
 * implementations alike. Subclasses supply {@link #createThrottle}; the throttle must measure time
 * by the given clock. Names and addresses are unique per test, so a backend shared between tests
 * needs no cleaning; the clock starts at the real current time (millisecond precision), so a
 * backend that also sets real expiry times never sees them in the past.
 *
 * <p>Times are half-open, as {@link ThrottlePolicy} computes them: a key locked until {@code T} is
 * free at {@code T}, and a window that starts at {@code S} no longer counts at {@code S + window}.
 */
public abstract class LoginThrottleContract {
  private static final Duration WINDOW = Duration.ofMinutes(15);
  private static final Duration LOCKOUT = Duration.ofMinutes(1);
  private static final Duration MAX_LOCKOUT = Duration.ofMinutes(8);
  /** 3 failures per name, 5 per address. */
  protected static final ThrottlePolicy POLICY =
      new ThrottlePolicy(3, 5, WINDOW, LOCKOUT, MAX_LOCKOUT);

  private final String unique = UUID.randomUUID().toString();
  private final String alice = "alice-" + unique;
  private final String bob = "bob-" + unique;
  private final String carol = "carol-" + unique;
  private final String address = "192.0.2.1-" + unique;
  private final String otherAddress = "198.51.100.7-" + unique;

  /** A fresh throttle under {@code policy} that reads the time from {@code clock}. */
  protected abstract LoginThrottle createThrottle(ThrottlePolicy policy, TestClock clock);

  private TestClock clock() {
    return TestClock.atNow();
  }

  @Test
  void freshNameAndAddressAreNotLocked() {
    LoginThrottle throttle = createThrottle(POLICY, clock());

    assertThat(throttle.lockedUntil(alice, address)).isEmpty();
    assertThat(throttle.lockedUntil(alice, null)).isEmpty();
  }

  @Test
  void nameLocksAtTheNthFailure() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);

    assertThat(throttle.recordFailure(alice, null)).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(throttle.recordFailure(alice, null)).isEmpty();
    assertThat(throttle.lockedUntil(alice, null)).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    Instant third = clock.instant();

    assertThat(throttle.recordFailure(alice, null)).contains(third.plus(LOCKOUT));
    assertThat(throttle.lockedUntil(alice, null)).contains(third.plus(LOCKOUT));
    assertThat(throttle.lockedUntil(alice, otherAddress)).contains(third.plus(LOCKOUT));
  }

  @Test
  void lockEndsWhenTheLockoutHasPassed() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);
    failTimes(throttle, alice, null, 3);
    Instant until = clock.instant().plus(LOCKOUT);

    clock.set(until.minusMillis(1));
    assertThat(throttle.lockedUntil(alice, null)).contains(until);
    clock.set(until);
    assertThat(throttle.lockedUntil(alice, null)).isEmpty();
  }

  @Test
  void eachFailureAfterALockDoublesTheNextLock() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);
    failTimes(throttle, alice, null, 3);

    clock.advance(LOCKOUT);
    Instant fourth = clock.instant();
    assertThat(throttle.recordFailure(alice, null)).contains(fourth.plus(LOCKOUT.multipliedBy(2)));

    clock.advance(LOCKOUT.multipliedBy(2));
    Instant fifth = clock.instant();
    assertThat(throttle.recordFailure(alice, null)).contains(fifth.plus(LOCKOUT.multipliedBy(4)));
    assertThat(throttle.lockedUntil(alice, null)).contains(fifth.plus(LOCKOUT.multipliedBy(4)));
  }

  @Test
  void backOffStopsAtMaxLockout() {
    TestClock clock = clock();
    ThrottlePolicy longWindow =
        new ThrottlePolicy(1, 100, Duration.ofHours(2), LOCKOUT, Duration.ofMinutes(3));
    LoginThrottle throttle = createThrottle(longWindow, clock);
    assertThat(throttle.recordFailure(alice, null)).contains(clock.instant().plus(LOCKOUT));

    clock.advance(LOCKOUT);
    assertThat(throttle.recordFailure(alice, null))
        .contains(clock.instant().plus(Duration.ofMinutes(2)));
    clock.advance(Duration.ofMinutes(2));
    assertThat(throttle.recordFailure(alice, null))
        .contains(clock.instant().plus(Duration.ofMinutes(3)));
    clock.advance(Duration.ofMinutes(3));
    assertThat(throttle.recordFailure(alice, null))
        .contains(clock.instant().plus(Duration.ofMinutes(3)));
  }

  @Test
  void successResetsTheNamesCount() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);
    failTimes(throttle, alice, null, 2);

    throttle.recordSuccess(alice);

    assertThat(throttle.recordFailure(alice, null)).isEmpty();
    assertThat(throttle.recordFailure(alice, null)).isEmpty();
    assertThat(throttle.lockedUntil(alice, null)).isEmpty();
    assertThat(throttle.recordFailure(alice, null)).isPresent();
  }

  @Test
  void successDoesNotResetTheAddressCount() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);
    failTimes(throttle, alice, address, 2);
    failTimes(throttle, bob, address, 2);

    throttle.recordSuccess(alice);
    throttle.recordSuccess(bob);

    assertThat(throttle.recordFailure(carol, address)).contains(clock.instant().plus(LOCKOUT));
    assertThat(throttle.lockedUntil(carol, address)).isPresent();
  }

  @Test
  void addressLocksIndependentlyOfTheName() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);
    // Five names, one failure each: no name is near its limit, the address reaches its own.
    for (int i = 0; i < 4; i++) {
      assertThat(throttle.recordFailure("user" + i + "-" + unique, address)).isEmpty();
    }
    assertThat(throttle.recordFailure("user4-" + unique, address))
        .contains(clock.instant().plus(LOCKOUT));

    assertThat(throttle.lockedUntil(carol, address)).contains(clock.instant().plus(LOCKOUT));
    assertThat(throttle.lockedUntil(carol, otherAddress)).isEmpty();
    assertThat(throttle.lockedUntil(carol, null)).isEmpty();
  }

  @Test
  void nameLocksWhateverAddressTheFailuresCameFrom() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);

    throttle.recordFailure(alice, address);
    throttle.recordFailure(alice, otherAddress);
    throttle.recordFailure(alice, "203.0.113.9-" + unique);

    assertThat(throttle.lockedUntil(alice, "203.0.113.10-" + unique)).isPresent();
    assertThat(throttle.lockedUntil(bob, address)).isEmpty();
  }

  @Test
  void lockedUntilAnswersTheLaterOfNameAndAddressLocks() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);
    failTimes(throttle, alice, null, 3);
    Instant nameUntil = clock.instant().plus(LOCKOUT);
    clock.advance(Duration.ofSeconds(30));
    failTimes(throttle, "x-" + unique, address, 5);
    Instant addressUntil = clock.instant().plus(LOCKOUT);

    assertThat(throttle.lockedUntil(alice, address)).contains(addressUntil);
    assertThat(throttle.lockedUntil(alice, null)).contains(nameUntil);
  }

  @Test
  void countsAreForgottenAfterTheWindow() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);
    failTimes(throttle, alice, address, 2);

    clock.advance(WINDOW);

    assertThat(throttle.recordFailure(alice, address)).isEmpty();
    assertThat(throttle.recordFailure(alice, address)).isEmpty();
    assertThat(throttle.lockedUntil(alice, address)).isEmpty();
  }

  @Test
  void windowStartsAtTheFirstFailureAndDoesNotSlide() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);
    throttle.recordFailure(alice, null);
    clock.advance(WINDOW.minusMinutes(1));
    throttle.recordFailure(alice, null);
    clock.advance(Duration.ofMinutes(1));

    // The first window is over: this failure starts a new count of one.
    assertThat(throttle.recordFailure(alice, null)).isEmpty();
    assertThat(throttle.lockedUntil(alice, null)).isEmpty();
  }

  @Test
  void afterWindowAndLockEndTheBackOffStartsOver() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);
    failTimes(throttle, alice, null, 3);

    clock.advance(WINDOW);
    failTimes(throttle, alice, null, 2);
    assertThat(throttle.recordFailure(alice, null)).contains(clock.instant().plus(LOCKOUT));
  }

  @Test
  void namesAreCaseSensitive() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);
    failTimes(throttle, alice, null, 3);

    assertThat(throttle.lockedUntil(alice.toUpperCase(java.util.Locale.ROOT), null)).isEmpty();
  }

  @Test
  void unknownAddressCountsOnlyAgainstTheName() {
    TestClock clock = clock();
    LoginThrottle throttle = createThrottle(POLICY, clock);
    for (int i = 0; i < 6; i++) {
      throttle.recordFailure("n" + i + "-" + unique, null);
    }

    assertThat(throttle.lockedUntil(carol, address)).isEmpty();
  }

  private static void failTimes(LoginThrottle throttle, String name, String address, int times) {
    for (int i = 0; i < times; i++) {
      throttle.recordFailure(name, address);
    }
  }
}

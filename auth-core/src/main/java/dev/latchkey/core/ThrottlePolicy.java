package dev.latchkey.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How many failed logins a {@link LoginThrottle} tolerates, and for how long it locks after.
 *
 * <p>Failures are counted per login name and per client address, each in a window that starts at
 * its first failure and lasts {@code window}. An attempt counts from the moment the throttle grants
 * it, before the password is checked, and a right one is given back, so concurrent attempts are
 * counted as they arrive. When a count reaches its limit, that key is locked until {@code lockout *
 * 2^(count - limit)} (at most {@code maxLockout}) after the last failure: every failure after a
 * lock ends doubles the next one. So at most {@code limit} wrong passwords per key are checked
 * before its first lock, and one per lock after it, however many arrive at once. Set {@code
 * maxLockout = lockout} for a fixed lock-out without back-off. A counter lives until the later of
 * its window end and its lock end, then disappears by itself.
 *
 * @param maxFailuresPerName failures per login name before it locks, at least 1
 * @param maxFailuresPerAddress failures per client address before it locks, at least 1
 * @param window how long failures are counted from the first one
 * @param lockout the first lock's length
 * @param maxLockout the longest lock, at least {@code lockout}
 */
public record ThrottlePolicy(
    int maxFailuresPerName,
    int maxFailuresPerAddress,
    Duration window,
    Duration lockout,
    Duration maxLockout) {

  /** 5 failures per name, 50 per address, in 15 minutes; locks from 1 minute up to 1 hour. */
  public static final ThrottlePolicy DEFAULT =
      new ThrottlePolicy(5, 50, Duration.ofMinutes(15), Duration.ofMinutes(1), Duration.ofHours(1));

  /**
   * Checks the limits and durations.
   *
   * @param maxFailuresPerName failures per login name before it locks, at least 1
   * @param maxFailuresPerAddress failures per client address before it locks, at least 1
   * @param window how long failures are counted from the first one, positive
   * @param lockout the first lock's length, positive
   * @param maxLockout the longest lock, at least {@code lockout}
   * @throws NullPointerException if a duration is null
   * @throws IllegalArgumentException if a limit is under 1, a duration is zero or negative, or
   *     {@code maxLockout} is shorter than {@code lockout}
   */
  public ThrottlePolicy {
    if (maxFailuresPerName < 1) {
      throw new IllegalArgumentException(
          "maxFailuresPerName must be at least 1: " + maxFailuresPerName);
    }
    if (maxFailuresPerAddress < 1) {
      throw new IllegalArgumentException(
          "maxFailuresPerAddress must be at least 1: " + maxFailuresPerAddress);
    }
    requirePositive(window, "window");
    requirePositive(lockout, "lockout");
    requirePositive(maxLockout, "maxLockout");
    if (maxLockout.compareTo(lockout) < 0) {
      throw new IllegalArgumentException(
          "maxLockout cannot be shorter than lockout: " + maxLockout + " < " + lockout);
    }
  }

  /**
   * When a key with {@code failures} counted failures, the last at {@code lastFailure}, unlocks;
   * {@code null} when the count is under {@code limit}.
   *
   * @param failures the failures counted for the key
   * @param limit the key's limit, {@link #maxFailuresPerName} or {@link #maxFailuresPerAddress}
   * @param lastFailure when the last failure was counted
   * @return when the lock ends: {@code lockout} doubled per failure over {@code limit}, at most
   *     {@code maxLockout}, after {@code lastFailure}; or {@code null} when not locked
   */
  public Instant lockedUntil(long failures, int limit, Instant lastFailure) {
    if (failures < limit) {
      return null;
    }
    long doublings = Math.min(failures - limit, 62);
    Duration lock = lockout;
    for (long i = 0; i < doublings && lock.compareTo(maxLockout) < 0; i++) {
      lock = lock.multipliedBy(2);
    }
    if (lock.compareTo(maxLockout) > 0) {
      lock = maxLockout;
    }
    return lastFailure.plus(lock);
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }
}

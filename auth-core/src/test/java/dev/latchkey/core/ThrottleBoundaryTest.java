package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Exact lock lengths of {@link ThrottlePolicy} and the memory bookkeeping of {@link
 * InMemoryLoginThrottle}: the lock starts at exactly the limit, lasts exactly {@code lockout}, and
 * a flood of throwaway keys can neither grow memory nor push a locked key out.
 */
class ThrottleBoundaryTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  private static final ThrottlePolicy POLICY =
      new ThrottlePolicy(
          3, 5, Duration.ofMinutes(15), Duration.ofMinutes(1), Duration.ofMinutes(8));

  @Test
  void lockStartsAtExactlyTheLimitAndLastsExactlyTheLockout() {
    assertThat(POLICY.lockedUntil(2, 3, T)).isNull();
    assertThat(POLICY.lockedUntil(3, 3, T)).isEqualTo(T.plus(Duration.ofMinutes(1)));
    assertThat(POLICY.lockedUntil(4, 3, T)).isEqualTo(T.plus(Duration.ofMinutes(2)));
    assertThat(POLICY.lockedUntil(5, 3, T)).isEqualTo(T.plus(Duration.ofMinutes(4)));
    assertThat(POLICY.lockedUntil(6, 3, T)).isEqualTo(T.plus(Duration.ofMinutes(8)));
    assertThat(POLICY.lockedUntil(7, 3, T)).isEqualTo(T.plus(Duration.ofMinutes(8)));
    assertThat(POLICY.lockedUntil(Long.MAX_VALUE, 3, T)).isEqualTo(T.plus(Duration.ofMinutes(8)));
  }

  @Test
  void backOffThatOvershootsTheCapIsCutToIt() {
    ThrottlePolicy policy =
        new ThrottlePolicy(
            1, 1, Duration.ofMinutes(15), Duration.ofMinutes(3), Duration.ofMinutes(5));

    assertThat(policy.lockedUntil(1, 1, T)).isEqualTo(T.plus(Duration.ofMinutes(3)));
    assertThat(policy.lockedUntil(2, 1, T)).isEqualTo(T.plus(Duration.ofMinutes(5)));
  }

  @Test
  void throttleLocksAtTheLimitUntilExactlyTheLockoutAfterTheLastFailure() {
    TestClock clock = new TestClock(T);
    InMemoryLoginThrottle throttle = InMemoryLoginThrottle.builder(POLICY).clock(clock).build();

    assertThat(throttle.reserve("alice", null)).isEqualTo(LoginThrottle.Reservation.grant());
    assertThat(throttle.reserve("alice", null)).isEqualTo(LoginThrottle.Reservation.grant());
    clock.advance(Duration.ofSeconds(10));
    Instant until = T.plusSeconds(10).plus(Duration.ofMinutes(1));
    assertThat(throttle.reserve("alice", null)).isEqualTo(LoginThrottle.Reservation.grant(until));

    clock.set(until.minusMillis(1));
    assertThat(throttle.reserve("alice", null)).isEqualTo(LoginThrottle.Reservation.refuse(until));
    clock.set(until);
    assertThat(throttle.reserve("alice", null).granted()).isTrue();
  }

  @Test
  void sizeCountsNamesAndAddressesTogether() {
    InMemoryLoginThrottle throttle =
        InMemoryLoginThrottle.builder(POLICY).clock(new TestClock(T)).build();

    throttle.reserve("a", "10.0.0.1");
    throttle.reserve("b", "10.0.0.1");
    throttle.reserve("c", null);

    assertThat(throttle.size()).isEqualTo(4);
  }

  @Test
  void expiredCountersArePrunedEvery1024WritesEvenFarFromTheCap() {
    TestClock clock = new TestClock(T);
    InMemoryLoginThrottle throttle = InMemoryLoginThrottle.builder(POLICY).clock(clock).build();
    for (int i = 0; i < 500; i++) {
      throttle.reserve("old" + i, "addr" + i);
    }
    assertThat(throttle.size()).isEqualTo(1000);
    clock.advance(Duration.ofHours(1));

    for (int i = 500; i < 1023; i++) {
      throttle.reserve("same", null); // writes 501..1023: no prune yet
    }
    assertThat(throttle.size()).isEqualTo(1001);
    throttle.reserve("same", null); // the 1024th write prunes names and addresses

    assertThat(throttle.size()).isEqualTo(1);
  }

  @Test
  void aFullMapDropsOneTenthOfItsCounters() {
    InMemoryLoginThrottle throttle =
        InMemoryLoginThrottle.builder(POLICY).clock(new TestClock(T)).maxEntries(20).build();
    for (int i = 0; i < 20; i++) {
      throttle.reserve("k" + i, null);
    }
    assertThat(throttle.size()).isEqualTo(20);

    throttle.reserve("one-more", null);

    assertThat(throttle.size()).isEqualTo(19);
  }

  @Test
  void aCapOfOneIsAllowed() {
    InMemoryLoginThrottle throttle =
        InMemoryLoginThrottle.builder(POLICY).clock(new TestClock(T)).maxEntries(1).build();

    throttle.reserve("a", null);
    throttle.reserve("b", null);

    assertThat(throttle.size()).isEqualTo(1);
    assertThat(throttle.toString()).startsWith("InMemoryLoginThrottle[");
  }

  @Test
  void lockedNamesOutliveAFloodWhateverTheirHashOrder() {
    // Locks (1 h, after two failures) outlast the window (1 min) of a one-failure counter: the cap
    // must drop the
    // flood, never the locks, whichever order the map happens to iterate in.
    ThrottlePolicy policy =
        new ThrottlePolicy(
            2, 1_000_000, Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofHours(1));
    TestClock clock = new TestClock(T);
    InMemoryLoginThrottle throttle =
        InMemoryLoginThrottle.builder(policy).clock(clock).maxEntries(100).build();
    for (int i = 0; i < 50; i++) {
      throttle.reserve("victim" + i, null);
      throttle.reserve("victim" + i, null);
    }
    clock.advance(Duration.ofSeconds(1));

    for (int i = 0; i < 1_000; i++) {
      throttle.reserve("flood" + i, null);
    }

    for (int i = 0; i < 50; i++) {
      assertThat(throttle.reserve("victim" + i, null).granted()).as("victim%d", i).isFalse();
    }
  }
}

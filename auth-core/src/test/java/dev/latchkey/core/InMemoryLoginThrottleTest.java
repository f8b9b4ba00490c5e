package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryLoginThrottleTest extends LoginThrottleContract {

  @Override
  protected LoginThrottle createThrottle(ThrottlePolicy policy, TestClock clock) {
    return InMemoryLoginThrottle.builder(policy).clock(clock).build();
  }

  @Test
  void expiredCountersArePrunedWhileWriting() {
    TestClock clock = TestClock.atNow();
    InMemoryLoginThrottle throttle =
        InMemoryLoginThrottle.builder(POLICY).clock(clock).maxEntries(100).build();
    for (int i = 0; i < 100; i++) {
      throttle.reserve("old" + i, null);
    }
    assertThat(throttle.size()).isEqualTo(100);

    clock.advance(Duration.ofHours(1));
    throttle.reserve("new", null);

    assertThat(throttle.size()).isEqualTo(1);
  }

  @Test
  void aFloodOfDistinctKeysStaysUnderTheCap() {
    TestClock clock = TestClock.atNow();
    InMemoryLoginThrottle throttle =
        InMemoryLoginThrottle.builder(POLICY).clock(clock).maxEntries(1_000).build();

    for (int i = 0; i < 20_000; i++) {
      throttle.reserve("name" + i, "addr" + i);
    }

    assertThat(throttle.size()).isLessThanOrEqualTo(2_000);
  }

  @Test
  void aLockedNameOutlivesAFloodOfShortLivedCounters() {
    TestClock clock = TestClock.atNow();
    ThrottlePolicy policy =
        new ThrottlePolicy(
            3, 1_000, Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofHours(1));
    InMemoryLoginThrottle throttle =
        InMemoryLoginThrottle.builder(policy).clock(clock).maxEntries(100).build();
    for (int i = 0; i < 3; i++) {
      throttle.reserve("victim", null);
    }

    // The cap drops the counters that end soonest: one failure each ends with its window.
    for (int i = 0; i < 500; i++) {
      throttle.reserve("flood" + i, null);
    }

    assertThat(throttle.reserve("victim", null).granted()).isFalse();
    assertThat(throttle.size()).isLessThanOrEqualTo(100);
  }

  @Test
  void builderRefusesABadCap() {
    assertThatThrownBy(() -> InMemoryLoginThrottle.builder(POLICY).maxEntries(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxEntries");
  }
}

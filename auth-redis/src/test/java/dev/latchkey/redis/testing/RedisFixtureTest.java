package dev.latchkey.redis.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the fixture decides before it starts anything; no server needed. */
class RedisFixtureTest {

  @Test
  void aMissingProgramFailsNamingItAndHowToInstall() {
    assertThatThrownBy(() -> RedisFixture.requireOnPath("latchkey-no-such-program"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("latchkey-no-such-program is not on the PATH")
        .hasMessageContaining("apt-get install");
  }

  @Test
  void aClusterNeedsThreeMastersAndNoNegativeReplicas() {
    assertThatThrownBy(() -> RedisFixture.cluster(2, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 3 masters");
    assertThatThrownBy(() -> RedisFixture.cluster(3, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be negative");
  }

  @Test
  void freePortsAreNever6379AndClusterPortsLeaveRoomForTheBus() {
    for (int i = 0; i < 50; i++) {
      assertThat(RedisFixture.freePort()).isNotEqualTo(6379).isPositive();
      assertThat(RedisFixture.freePort(true)).isNotEqualTo(6379).isBetween(20000, 55535);
    }
  }

  @Test
  void waitUntilReturnsOnceTheConditionHoldsAndFalseAfterTheBound() {
    AtomicInteger polls = new AtomicInteger();
    assertThat(RedisFixture.waitUntil(Duration.ofSeconds(5), () -> polls.incrementAndGet() == 3))
        .isTrue();
    assertThat(polls).hasValue(3);
    assertThat(RedisFixture.waitUntil(Duration.ofMillis(50), () -> false)).isFalse();
  }
}

package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.spi.HashedId;
import org.junit.jupiter.api.Test;

class RenewalHintsTest {
  private static HashedId id(int i) {
    return new HashedId("shard", "hash-" + i);
  }

  @Test
  void aSessionNeverReadHasNoHint() {
    assertThat(new RenewalHints().lastSeenAt(id(1))).isEqualTo(RenewalHints.NONE);
  }

  @Test
  void theLastReadOfASessionIsItsHintUntilForgotten() {
    RenewalHints hints = new RenewalHints();
    hints.saw(id(1), 1_000);
    hints.saw(id(1), 2_000);
    assertThat(hints.lastSeenAt(id(1))).isEqualTo(2_000);
    assertThat(hints.lastSeenAt(new HashedId("other", "hash-1"))).isEqualTo(RenewalHints.NONE);
    hints.forget(id(1));
    assertThat(hints.lastSeenAt(id(1))).isEqualTo(RenewalHints.NONE);
  }

  @Test
  void moreSessionsThanSlotsKeepAtMostOneHintPerSlotAndNeverAWrongOne() {
    RenewalHints hints = new RenewalHints();
    int sessions = RenewalHints.SLOTS * 4;
    for (int i = 0; i < sessions; i++) {
      hints.saw(id(i), 10_000L + i);
    }
    int known = 0;
    for (int i = 0; i < sessions; i++) {
      long seen = hints.lastSeenAt(id(i));
      if (seen != RenewalHints.NONE) {
        // Single-threaded, a hint is always the session's own.
        assertThat(seen).isEqualTo(10_000L + i);
        known++;
      }
    }
    assertThat(known).isLessThanOrEqualTo(RenewalHints.SLOTS).isGreaterThan(RenewalHints.SLOTS / 2);
  }
}

package dev.latchkey.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.Principal;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.SessionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionTimeoutsTest {
  private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
  private static final Principal ALICE = Principal.of("alice", Set.of("user"));
  private static final HashedId ID = OpaqueIds.parse(OpaqueIds.generate()).orElseThrow();

  private static SessionTimeouts timeouts(
      Duration idle, Duration absolute, Duration renewal, Duration notice) {
    return SessionTimeouts.of(idle, absolute, renewal, notice);
  }

  private static final SessionTimeouts POLICY =
      timeouts(
          Duration.ofMinutes(30),
          Duration.ofHours(8),
          Duration.ofMinutes(5),
          Duration.ofMinutes(10));

  @Test
  void defaultRenewalIntervalIsATenthOfTheIdleTimeoutCappedAtOneMinute() {
    assertThat(SessionTimeouts.defaultRenewalInterval(Duration.ofSeconds(20)))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(SessionTimeouts.defaultRenewalInterval(Duration.ofMinutes(10)))
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(SessionTimeouts.defaultRenewalInterval(Duration.ofHours(2)))
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(
            timeouts(Duration.ofSeconds(20), Duration.ofHours(1), null, Duration.ZERO)
                .renewalInterval())
        .isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void givenRenewalIntervalIsKeptEvenZero() {
    assertThat(POLICY.renewalInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(
            timeouts(Duration.ofMinutes(1), Duration.ofHours(1), Duration.ZERO, Duration.ZERO)
                .renewalInterval())
        .isZero();
  }

  @Test
  void refusesABadDurationNamingIt() {
    Duration h = Duration.ofHours(1);
    Duration m = Duration.ofMinutes(1);
    assertThatThrownBy(() -> timeouts(Duration.ZERO, h, m, m))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("idleTimeout must be positive: PT0S");
    assertThatThrownBy(() -> timeouts(h, Duration.ofSeconds(-1), m, m))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absoluteTimeout");
    assertThatThrownBy(() -> timeouts(h, h, Duration.ofSeconds(-1), m))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("renewalInterval cannot be negative: PT-1S");
    assertThatThrownBy(() -> timeouts(h, h, m, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expiredNotice");
    assertThatThrownBy(() -> timeouts(null, h, m, m))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("idleTimeout");
  }

  @Test
  void refusesAnIdleTimeoutBeyondTheAbsoluteOneOrARenewalIntervalNotBelowIt() {
    assertThatThrownBy(
            () -> timeouts(Duration.ofHours(2), Duration.ofHours(1), null, Duration.ZERO))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("idleTimeout (PT2H) cannot exceed absoluteTimeout (PT1H)");
    assertThatThrownBy(
            () ->
                timeouts(
                    Duration.ofMinutes(5),
                    Duration.ofHours(1),
                    Duration.ofMinutes(5),
                    Duration.ZERO))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("renewalInterval (PT5M) must be less than idleTimeout (PT5M)");
    assertThat(timeouts(Duration.ofHours(1), Duration.ofHours(1), null, Duration.ZERO)).isNotNull();
  }

  @Test
  void newSessionEndsAtTheIdleTimeoutAndStaysKnownForTheNotice() {
    SessionRecord started = POLICY.start(ID, ALICE, NOW, Map.of("k", "v"));

    assertThat(started.id()).isEqualTo(ID);
    assertThat(started.principal()).isEqualTo(ALICE);
    assertThat(started.createdAt()).isEqualTo(NOW);
    assertThat(started.lastSeenAt()).isEqualTo(NOW);
    assertThat(started.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(30)));
    assertThat(started.absoluteExpiresAt()).isEqualTo(NOW.plus(Duration.ofHours(8)));
    assertThat(started.retainUntil()).isEqualTo(NOW.plus(Duration.ofMinutes(40)));
    assertThat(started.attributes()).containsExactly(Map.entry("k", "v"));
  }

  @Test
  void newSessionWhoseIdleTimeoutIsItsAbsoluteOneEndsAtTheAbsoluteEnd() {
    SessionTimeouts equal =
        timeouts(Duration.ofHours(1), Duration.ofHours(1), null, Duration.ofMinutes(15));

    SessionRecord started = equal.start(ID, ALICE, NOW, Map.of());

    assertThat(started.expiresAt()).isEqualTo(started.absoluteExpiresAt());
    assertThat(started.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(1)));
    assertThat(started.retainUntil()).isEqualTo(NOW.plus(Duration.ofMinutes(75)));
  }

  @Test
  void checkTouchRenewsOnlyOnceTheRenewalIntervalHasPassed() {
    SessionRecord started = POLICY.start(ID, ALICE, NOW, Map.of());

    assertThat(POLICY.check(NOW.plus(Duration.ofMinutes(4))).renews(started)).isFalse();
    Instant later = NOW.plus(Duration.ofMinutes(5));
    SessionRecord renewed = POLICY.check(later).apply(started);
    assertThat(renewed.lastSeenAt()).isEqualTo(later);
    assertThat(renewed.expiresAt()).isEqualTo(later.plus(Duration.ofMinutes(30)));
    assertThat(renewed.retainUntil()).isEqualTo(later.plus(Duration.ofMinutes(40)));
  }

  @Test
  void readTouchNeverRenewsButKeepsTheNoticeForTheRead() {
    SessionRecord started = POLICY.start(ID, ALICE, NOW, Map.of());
    Instant later = NOW.plus(Duration.ofMinutes(29));

    assertThat(POLICY.read(later).renews(started)).isFalse();
    assertThat(POLICY.read(later).apply(started)).isSameAs(started);
    assertThat(POLICY.read(later).expiredNotice()).isEqualTo(Duration.ofMinutes(10));
    assertThat(POLICY.read(later).now()).isEqualTo(later);
  }
}

package dev.latchkey.core.spi;

import static dev.latchkey.core.Properties.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Gen;
import dev.latchkey.core.Principal;
import dev.latchkey.core.internal.OpaqueIds;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link SessionTouch#renews}, which every store asks on every cookie check: a live session is
 * renewed exactly when at least the renewal interval has passed since its last renewal, to the
 * nanosecond, whatever the nanosecond parts of the two instants.
 */
class SessionTouchPropertiesTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration NEVER = Duration.ofSeconds(Long.MAX_VALUE);

  @Test
  void liveSessionRenewsExactlyWhenTheIntervalHasPassed() {
    forAll(
        5000,
        cases(),
        c -> {
          SessionRecord record = liveRecord(c.lastSeenAt(), c.now());
          SessionTouch touch =
              new SessionTouch(c.now(), Duration.ofHours(1), c.interval(), Duration.ZERO);

          boolean oracle = Duration.between(c.lastSeenAt(), c.now()).compareTo(c.interval()) >= 0;
          assertThat(touch.renews(record)).isEqualTo(oracle);
        });
  }

  @Test
  void intervalToTheNanosecond() {
    Instant last = T.plusNanos(999_999_999);
    Duration interval = Duration.ofSeconds(3, 5);
    SessionRecord record = liveRecord(last, T.plusSeconds(10));

    // last + 3 s 5 ns = T + 4 s 4 ns: the seconds carry, the nanoseconds borrow.
    assertThat(touchAt(T.plusSeconds(4).plusNanos(3), interval).renews(record)).isFalse();
    assertThat(touchAt(T.plusSeconds(4).plusNanos(4), interval).renews(record)).isTrue();
    assertThat(touchAt(T.plusSeconds(4).plusNanos(4), NEVER).renews(record)).isFalse();
    assertThat(touchAt(last, Duration.ZERO).renews(record)).isTrue();
    // A clock that went back never renews.
    assertThat(touchAt(last.minusNanos(1), Duration.ZERO).renews(record)).isFalse();
  }

  private record Case(Instant lastSeenAt, Instant now, Duration interval) {}

  private static Gen<Case> cases() {
    // Nanosecond parts near both ends of a second, seconds near each other: where a borrow or a
    // carry goes wrong.
    Gen<Integer> nanos =
        Gen.oneOf(Gen.of(0, 1, 999_999_998, 999_999_999, 500_000_000), Gen.ints(0, 999_999_999));
    Gen<Long> seconds = Gen.ints(-3, 70).map(Integer::longValue);
    Gen<Duration> intervals =
        Gen.oneOf(
            Gen.of(Duration.ZERO, NEVER, Duration.ofNanos(1), Duration.ofSeconds(60)),
            seconds.flatMap(s -> nanos.map(n -> Duration.ofSeconds(Math.abs(s), n))));
    return random -> {
      Instant last = T.plusNanos(nanos.next(random));
      Instant now = T.plusSeconds(seconds.next(random)).plusNanos(nanos.next(random));
      return new Case(last, now, intervals.next(random));
    };
  }

  private static SessionTouch touchAt(Instant now, Duration interval) {
    return new SessionTouch(now, Duration.ofHours(1), interval, Duration.ZERO);
  }

  /** A record last renewed at {@code lastSeenAt} and live well past {@code now}. */
  private static SessionRecord liveRecord(Instant lastSeenAt, Instant now) {
    Instant start = lastSeenAt.isBefore(now) ? lastSeenAt : now;
    Instant end = start.plus(Duration.ofDays(1));
    return new SessionRecord(
        OpaqueIds.parse(OpaqueIds.generate()).orElseThrow(),
        Principal.of("user-1", Set.of()),
        start,
        lastSeenAt,
        end,
        end,
        end,
        Map.of());
  }
}

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
 * {@link SessionTouch#inMillis}, which a store that renews inside its server applies by comparing
 * and writing only: the rule its Javadoc states, applied to millisecond times, gives exactly what
 * {@link SessionTouch#apply} gives.
 */
class SessionTouchMillisTest {
  private static final long T = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli();
  private static final Duration NEVER = Duration.ofSeconds(Long.MAX_VALUE);

  @Test
  void theStoreSideRuleIsApply() {
    Gen<Long> offsets = Gen.ints(-5_000, 5_000).map(Integer::longValue);
    Gen<Duration> durations =
        Gen.oneOf(
            Gen.of(Duration.ZERO, Duration.ofMillis(1)),
            Gen.ints(0, 6_000).map(Duration::ofMillis));
    // apply cannot add a huge idle timeout or notice to an Instant; a huge interval it can compare.
    Gen<Duration> intervals = Gen.oneOf(Gen.just(NEVER), durations);
    forAll(
        5000,
        (Gen<Case>)
            random -> {
              long last = T + offsets.next(random);
              long expires = last + Math.abs(offsets.next(random));
              long absolute = expires + Math.abs(offsets.next(random));
              long retain = expires + Math.abs(offsets.next(random));
              SessionRecord record = record(last, expires, absolute, retain);
              SessionTouch touch =
                  new SessionTouch(
                      Instant.ofEpochMilli(T + offsets.next(random)),
                      durations.next(random),
                      intervals.next(random),
                      durations.next(random));
              return new Case(record, touch);
            },
        c -> {
          assertThat(storeSide(c.record(), c.touch().inMillis()))
              .isEqualTo(c.touch().apply(c.record()));
        });
  }

  private record Case(SessionRecord record, SessionTouch touch) {}

  @Test
  void hugeDurationsSaturate() {
    SessionTouch.Millis m =
        new SessionTouch(Instant.ofEpochMilli(T), NEVER, NEVER, NEVER).inMillis();
    assertThat(m.now()).isEqualTo(T);
    assertThat(m.renewIfLastSeenAtOrBefore()).isLessThan(Long.MIN_VALUE / 2);
    assertThat(m.idleExpiresAt()).isEqualTo(Long.MAX_VALUE);
    assertThat(m.idleRetainUntil()).isEqualTo(Long.MAX_VALUE);
    assertThat(m.expiredNotice()).isEqualTo(Long.MAX_VALUE);
  }

  /** The rule as SessionTouch's Javadoc states it for a store: compare, then write. */
  private static SessionRecord storeSide(SessionRecord r, SessionTouch.Millis m) {
    long e = r.expiresAt().toEpochMilli();
    long l = r.lastSeenAt().toEpochMilli();
    long a = r.absoluteExpiresAt().toEpochMilli();
    if (!(e > m.now() && l <= m.renewIfLastSeenAtOrBefore())) {
      return r;
    }
    boolean idle = m.idleExpiresAt() <= a;
    long expires = idle ? m.idleExpiresAt() : a;
    long retain = idle ? m.idleRetainUntil() : a + m.expiredNotice();
    return record(m.now(), expires, a, retain);
  }

  private static final HashedId ID = OpaqueIds.parse(OpaqueIds.generate()).orElseThrow();

  private static SessionRecord record(long last, long expires, long absolute, long retain) {
    return new SessionRecord(
        ID,
        Principal.of("user-1", Set.of()),
        Instant.ofEpochMilli(T - 10_000),
        Instant.ofEpochMilli(last),
        Instant.ofEpochMilli(expires),
        Instant.ofEpochMilli(absolute),
        Instant.ofEpochMilli(retain),
        Map.of());
  }
}

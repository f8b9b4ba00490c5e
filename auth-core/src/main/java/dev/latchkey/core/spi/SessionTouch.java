package dev.latchkey.core.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A sliding renewal that a {@link SessionStore} applies while it reads a session.
 *
 * <p>The rule every store applies, written once in {@link #apply}: a record that is live at {@code
 * now} and was last renewed at least {@code minInterval} ago gets {@code lastSeenAt = now}, {@code
 * expiresAt = min(now + idleTimeout, absoluteExpiresAt)} and {@code retainUntil = expiresAt +
 * expiredNotice}; any other record is returned unchanged and not written.
 *
 * <p><b>How stores apply it.</b> A store that holds its records in this process calls {@link
 * #apply} on the record it read. A store that renews where the record lives (a server-side script,
 * so that a concurrent delete cannot be undone) takes {@link #inMillis()} instead: every threshold
 * and value of the rule, computed here, so that the store only compares stored fields with them and
 * writes them, in one atomic step. A record with {@code expiresAt > now} and {@code lastSeenAt <=
 * renewIfLastSeenAtOrBefore} gets {@code lastSeenAt = now} and, when {@code idleExpiresAt <=
 * absoluteExpiresAt}, {@code expiresAt = idleExpiresAt} and {@code retainUntil = idleRetainUntil};
 * otherwise its stored {@code absoluteExpiresAt} caps the renewal: {@code expiresAt} stays {@code
 * absoluteExpiresAt} and {@code retainUntil = absoluteExpiresAt + expiredNotice}. Any other record
 * is not written, and a record that is gone (ended, or past its {@code retainUntil}) is never
 * written back.
 *
 * @param now the reader's current time
 * @param idleTimeout how long a session lives without renewal
 * @param minInterval the least time between two renewal writes of one session
 * @param expiredNotice how long a dead session stays known (see {@link SessionRecord#retainUntil})
 */
public record SessionTouch(
    Instant now, Duration idleTimeout, Duration minInterval, Duration expiredNotice) {

  /**
   * Checks the durations.
   *
   * @param now the reader's current time
   * @param idleTimeout how long a session lives without renewal, not negative
   * @param minInterval the least time between two renewal writes of one session, not negative
   * @param expiredNotice how long a dead session stays known, not negative
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a duration is negative
   */
  public SessionTouch {
    Objects.requireNonNull(now, "now");
    requireNonNegative(idleTimeout, "idleTimeout");
    requireNonNegative(minInterval, "minInterval");
    requireNonNegative(expiredNotice, "expiredNotice");
  }

  /**
   * {@return whether {@link #apply} would change {@code record}}: a store writes only then.
   *
   * @param record the session as stored
   */
  public boolean renews(SessionRecord record) {
    return record.isLiveAt(now) && atLeastApart(record.lastSeenAt(), now, minInterval);
  }

  /**
   * {@return the record after this touch}; the same instance when nothing changes.
   *
   * @param record the session as stored
   */
  public SessionRecord apply(SessionRecord record) {
    if (!renews(record)) {
      return record;
    }
    Instant idleEnd = now.plus(idleTimeout);
    Instant expiresAt =
        idleEnd.isBefore(record.absoluteExpiresAt()) ? idleEnd : record.absoluteExpiresAt();
    return new SessionRecord(
        record.id(),
        record.principal(),
        record.createdAt(),
        now,
        expiresAt,
        record.absoluteExpiresAt(),
        expiresAt.plus(expiredNotice),
        record.attributes());
  }

  /**
   * {@return this touch in epoch milliseconds, for a store that renews where the record lives} (see
   * the class comment). Durations too long to add saturate at {@link Long#MAX_VALUE}, so a huge
   * {@code minInterval} means "never renew" and a huge {@code idleTimeout} "no idle end".
   * Milliseconds, like the stored times such a store compares them with: at that precision it
   * decides as {@link #apply} does.
   */
  public Millis inMillis() {
    long nowMs = now.toEpochMilli();
    long notice = saturatedMillis(expiredNotice);
    long idleEnd = saturatedAdd(nowMs, saturatedMillis(idleTimeout));
    return new Millis(
        nowMs,
        saturatedAdd(nowMs, -saturatedMillis(minInterval)),
        idleEnd,
        saturatedAdd(idleEnd, notice),
        notice);
  }

  /**
   * A {@link SessionTouch} as epoch milliseconds: the thresholds and values a store compares and
   * writes (see the class comment for the rule).
   *
   * @param now the reader's current time, written as {@code lastSeenAt}
   * @param renewIfLastSeenAtOrBefore a live record is due for renewal when its {@code lastSeenAt}
   *     is at or before this ({@code now - minInterval})
   * @param idleExpiresAt the renewed {@code expiresAt} unless {@code absoluteExpiresAt} is earlier
   *     ({@code now + idleTimeout})
   * @param idleRetainUntil the renewed {@code retainUntil} with {@code idleExpiresAt} ({@code
   *     idleExpiresAt + expiredNotice})
   * @param expiredNotice added to a stored {@code absoluteExpiresAt} when that caps the renewal
   */
  public record Millis(
      long now,
      long renewIfLastSeenAtOrBefore,
      long idleExpiresAt,
      long idleRetainUntil,
      long expiredNotice) {}

  private static long saturatedMillis(Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    // Overflow only when both have the same sign and the sum's sign differs.
    return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
  }

  /**
   * {@code Duration.between(from, to).compareTo(d) >= 0}, without the Duration: a store asks this
   * on every cookie check.
   */
  static boolean atLeastApart(Instant from, Instant to, Duration d) {
    // Epoch seconds of two Instants differ by less than 2^56: no overflow.
    long seconds = to.getEpochSecond() - from.getEpochSecond();
    int nanos = to.getNano() - from.getNano();
    if (nanos < 0) {
      seconds--;
      nanos += 1_000_000_000;
    }
    return seconds != d.getSeconds() ? seconds > d.getSeconds() : nanos >= d.getNano();
  }

  private static void requireNonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " cannot be negative: " + d);
    }
  }
}

package dev.latchkey.token;

import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.spi.RevocationList;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The time rules of "log out everywhere" for {@link JwtTokenService}: the subject cut-off {@link
 * #revokeAll} writes, and the {@code iat} {@link #mintTime} gives a new token.
 *
 * <p><b>What holds.</b> Let {@code F} be the fleet clock skew: any two clocks involved (the nodes
 * minting, verifying and revoking, and a shared list's) differ by at most {@code F}. Once {@link
 * #revokeAll} has returned, every token of the subject minted before it returned, on any node, is
 * refused by every verifier sharing the list.
 *
 * <p><b>Why.</b> Let {@code s} and {@code e} be the revoking node's clock when an attempt starts
 * and when its write has returned, and {@code m} the attempt's margin. The cut-off is {@code c = s
 * + F + m + 1 ms}, refusing every {@code iat < c}. A token minted at a real time before the call
 * returned was minted on a node whose clock then read at most {@code e + F} (the revoking clock
 * read at most {@code e} then, the minter's at most {@code F} more), so its {@code iat <= e + F}.
 * The attempt is accepted only when {@code e - s <= m}, so {@code iat <= s + m + F < c}. When the
 * write took longer than its margin (a slow store, a pause), the cut-off is rewritten from a fresh
 * {@code s} with a margin larger than the time the write took, a few times at most; a store that
 * stays slower than every margin is reported as unavailable rather than trusted. A later cut-off
 * always replaces an earlier one, so rewriting never weakens a previous attempt. The cut-off is
 * kept until a token minted at it (by a clock {@code F} ahead of the list's) has expired: {@code c
 * + lifetime + clock skew + F}.
 *
 * <p><b>Logging straight back in.</b> The cut-off lies up to {@code F + m} ahead of the revoking
 * clock, so a token minted right after it would be refused too. {@link #mintTime} avoids that where
 * the minting node can read the cut-off: a token it mints gets {@code iat = max(now, cut-off)},
 * which the list accepts. That is sound: such a mint read the cut-off after it was written, so it
 * is ordered after the revocation, not before it. It is bounded so that verifiers still accept the
 * {@code iat}: raised by at most {@code clock skew - F}, since a verifier's clock may lag the
 * minter's by {@code F} and accepts an {@code iat} up to the clock skew ahead. Where the cut-off
 * cannot be read or lies further ahead, the token is minted at the node's own time and is refused
 * until the node's clock passes the cut-off (at most {@code F + m}): fail closed.
 */
final class Revocations {
  /** How many cut-offs {@link #revokeAll} writes at most before giving up on a slow store. */
  private static final int MAX_ATTEMPTS = 4;

  /** How long {@link #revokeAll} waits at most for the clock to pass a cut-off just ahead. */
  private static final long MAX_CUTOFF_WAIT_NANOS = 5_000_000;

  private Revocations() {}

  /**
   * Writes the subject cut-off described in the class comment.
   *
   * @param keepAfter how long after the cut-off tokens it refuses can still be accepted by a
   *     verifier with the same clock: the token lifetime plus the verification clock skew
   * @throws StoreUnavailableException when the list cannot be written, or every attempt's write
   *     took longer than its margin
   */
  static void revokeAll(
      RevocationList list, Clock clock, String subject, Duration fleetSkew, Duration keepAfter) {
    long fleet = fleetSkew.toMillis();
    long margin = 0;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      long start = clock.millis();
      Instant cutoff = Instant.ofEpochMilli(start + fleet + margin + 1);
      list.revokeSubject(subject, cutoff, cutoff.plus(keepAfter).plus(fleetSkew));
      long took = clock.millis() - start;
      if (took <= margin) {
        waitOut(clock, cutoff.toEpochMilli());
        return;
      }
      margin = Math.max(4 * took, 2 * margin);
    }
    throw new StoreUnavailableException(
        "log out everywhere not confirmed: every revocation write took longer than its margin");
  }

  /**
   * Returns once the clock has passed a cut-off at most a few milliseconds ahead (with no fleet
   * skew, a node that cannot raise a new token's {@code iat} then still mints an accepted one).
   * Bounded in real time, so a clock that does not move (a test clock) cannot hang the call.
   */
  private static void waitOut(Clock clock, long cutoff) {
    if (cutoff - clock.millis() > 5) {
      return;
    }
    long spinUntil = System.nanoTime() + MAX_CUTOFF_WAIT_NANOS;
    while (clock.millis() < cutoff && System.nanoTime() < spinUntil) {
      Thread.onSpinWait();
    }
  }

  /**
   * The {@code iat} of a token for {@code subject} minted at {@code now}: the subject's cut-off
   * when it lies ahead by at most {@code maxAhead} ms, else {@code now} (also when the list cannot
   * be read: the token may then be refused until the cut-off passes, never wrongly accepted).
   */
  static long mintTime(RevocationList list, String subject, long now, long maxAhead) {
    Optional<Instant> notBefore;
    try {
      notBefore = list.notBefore(subject);
    } catch (RuntimeException e) {
      return now;
    }
    if (notBefore.isEmpty()) {
      return now;
    }
    long cutoff = notBefore.get().toEpochMilli();
    return cutoff > now && cutoff - now <= maxAhead ? cutoff : now;
  }
}

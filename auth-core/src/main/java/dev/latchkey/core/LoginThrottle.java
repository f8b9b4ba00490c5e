package dev.latchkey.core;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Budgets login attempts per login name and per client address under a {@link ThrottlePolicy}, in
 * memory ({@code auth-core}) or in Redis ({@code auth-redis}, shared by every node).
 *
 * <p>An attempt is {@linkplain #reserve reserved} before any password work: the reservation checks
 * and counts the name and the address in one atomic step, so however many attempts arrive at once,
 * on one node or many sharing a store, no more of them are granted than the policy's budget. A
 * granted attempt stays counted as a failure unless the caller reports it right with {@link
 * #recordSuccess}; until then it holds its share of the budget, so more simultaneous attempts for
 * one name or address than its limit are refused, right or wrong, as nothing can tell them apart
 * before the password is checked. Keys are compared exactly as given: the password strategy passes
 * the account's canonical login name, folded, and the client's address group, so spellings of one
 * name or addresses of one network share one budget.
 *
 * <p>Every method throws {@link StoreUnavailableException} when the backend cannot be reached; the
 * password strategy then refuses the login as UNAVAILABLE without doing any password work.
 * Implementations must be safe for concurrent use.
 */
public interface LoginThrottle {

  /**
   * A throttle for one process, holding its counters in memory (at most 100,000 names and as many
   * addresses; the oldest are dropped first). A fleet shares one throttle on Redis instead.
   *
   * @param policy the limits, windows and lock durations to enforce
   * @param clock the clock windows and locks are measured by
   * @return a new throttle with no attempts counted
   * @throws NullPointerException when {@code policy} or {@code clock} is null
   */
  static LoginThrottle inMemory(ThrottlePolicy policy, Clock clock) {
    Objects.requireNonNull(policy, "policy");
    return InMemoryLoginThrottle.builder(policy).clock(clock).build();
  }

  /**
   * Reserves one attempt for {@code loginName} from {@code clientAddress}, atomically: when neither
   * is locked now, counts one attempt against both and answers {@linkplain Reservation#granted()
   * granted}; otherwise counts nothing and answers refused with the later of their unlock times.
   * Under the policy, the attempt that reaches a key's limit is granted and locks that key at once,
   * so every attempt reserved after it is refused until the lock ends.
   *
   * @param loginName the account's canonical login name, folded
   * @param clientAddress the client's address group, or {@code null} when unknown (then only the
   *     name is counted)
   * @return whether the attempt may be made, and until when a key is locked
   * @throws StoreUnavailableException when the backend cannot be reached
   */
  Reservation reserve(String loginName, String clientAddress);

  /**
   * The attempt granted by {@link #reserve} with these keys was right: clears the name's count and
   * gives back the one attempt that reservation counted against the address. The address keeps its
   * failures (one good password must not unlock a scanning address); a lock the address reached
   * only through this attempt ends.
   *
   * @param loginName the login name given to {@link #reserve}
   * @param clientAddress the address given to {@link #reserve}, or {@code null}
   * @throws StoreUnavailableException when the backend cannot be reached
   */
  void recordSuccess(String loginName, String clientAddress);

  /**
   * The answer to {@link #reserve}.
   *
   * @param granted whether the attempt may be made
   * @param lockedUntil when refused, the unlock time; when granted, the unlock time of the lock
   *     this attempt started (the answer to give if it turns out wrong), else empty
   */
  record Reservation(boolean granted, Optional<Instant> lockedUntil) {
    private static final Reservation GRANTED = new Reservation(true, Optional.empty());

    /**
     * An answer with the given parts.
     *
     * @param granted whether the attempt may be made
     * @param lockedUntil when refused, the unlock time; when granted, the unlock time of the lock
     *     this attempt started (the answer to give if it turns out wrong), else empty
     * @throws NullPointerException when {@code lockedUntil} is null
     * @throws IllegalArgumentException when the attempt is refused without an unlock time
     */
    public Reservation {
      Objects.requireNonNull(lockedUntil, "lockedUntil");
      if (!granted && lockedUntil.isEmpty()) {
        throw new IllegalArgumentException("a refused reservation needs its unlock time");
      }
    }

    /** {@return a granted attempt that locks nothing} */
    public static Reservation grant() {
      return GRANTED;
    }

    /**
     * {@return a granted attempt that locked its name or address until {@code until}}
     *
     * @param until the end of the lock this attempt started; {@code null} when it started none
     */
    public static Reservation grant(Instant until) {
      return until == null ? GRANTED : new Reservation(true, Optional.of(until));
    }

    /**
     * {@return a refused attempt; the name or the address is locked until {@code until}}
     *
     * @param until when the lock ends and the client may try again
     * @throws NullPointerException when {@code until} is null
     */
    public static Reservation refuse(Instant until) {
      return new Reservation(false, Optional.of(Objects.requireNonNull(until, "until")));
    }
  }
}

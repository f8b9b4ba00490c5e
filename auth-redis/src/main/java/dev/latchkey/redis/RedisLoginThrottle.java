package dev.latchkey.redis;

import dev.latchkey.core.LoginThrottle;
import dev.latchkey.core.ThrottlePolicy;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A {@link LoginThrottle} on Redis, shared by every node. One hash per login name ({@code
 * <prefix>{lt}:n:<hash>}) and per address ({@code <prefix>{lt}:a:<hash>}) with the attempt count
 * {@code n}, window end {@code w} and lock end {@code k}, each expiring by itself at the later of
 * window and lock end ({@code PEXPIREAT}).
 *
 * <p>A reservation is one script that reads both keys, refuses if either is locked, and otherwise
 * counts both and locks by {@link ThrottlePolicy#lockedUntil}'s rule: Redis runs a script alone, so
 * no two nodes can both pass a check the other's count would have failed. For that, a name's and an
 * address's keys must share a Cluster slot whatever the pair, so every throttle key carries the
 * hash tag {@code {lt}}: the throttle lives on one shard. Each key holds one small hash for at most
 * the window or the lock, and only attempts that do bCrypt work create keys, so that shard's load
 * is bounded by the fleet's bCrypt rate.
 *
 * <p>Times are the calling node's {@link Clock}; nodes whose clocks differ by {@code s} can see a
 * window or lock end up to {@code s} early or late, never more attempts per window or lock.
 * Thread-safe.
 */
final class RedisLoginThrottle implements LoginThrottle {
  /**
   * KEYS: the name's key, then the address's if any. ARGV: now, window, lockout, max lockout (ms),
   * then each key's limit. Returns {granted (1 or 0), unlock time in ms (0: none)}.
   */
  private static final Script<List<?>> RESERVE =
      Script.load("throttle-reserve", 1, 2, Script::list);

  /**
   * KEYS: the name's key, then the address's if any. ARGV: now (ms), the address limit. Deletes the
   * name's count; takes one attempt off the address's, ending its lock when it falls under the
   * limit.
   */
  private static final Script<Object> SUCCEED = Script.load("throttle-success", 1, 2, Script::raw);

  private final RedisCalls redis;
  private final Keys keys;
  private final Clock clock;
  private final ThrottlePolicy policy;
  private final String window;
  private final String lockout;
  private final String maxLockout;

  RedisLoginThrottle(RedisCalls redis, Keys keys, Clock clock, ThrottlePolicy policy) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.window = RedisCalls.millis(policy.window());
    this.lockout = RedisCalls.millis(policy.lockout());
    this.maxLockout = RedisCalls.millis(policy.maxLockout());
  }

  @Override
  public Reservation reserve(String loginName, String clientAddress) {
    Objects.requireNonNull(loginName, "loginName");
    String now = Long.toString(clock.millis());
    String name = keys.throttleName(loginName);
    String nameLimit = Integer.toString(policy.maxFailuresPerName());
    List<String> keyList;
    List<String> args;
    if (clientAddress == null) {
      keyList = List.of(name);
      args = List.of(now, window, lockout, maxLockout, nameLimit);
    } else {
      keyList = List.of(name, keys.throttleAddress(clientAddress));
      args =
          List.of(
              now,
              window,
              lockout,
              maxLockout,
              nameLimit,
              Integer.toString(policy.maxFailuresPerAddress()));
    }
    List<?> reply = RESERVE.call(redis, "throttle reserve", keyList, args);
    long until = RedisCalls.num(reply.get(1));
    Instant lock = until > 0 ? Instant.ofEpochMilli(until) : null;
    if (RedisCalls.num(reply.get(0)) == 1) {
      return Reservation.grant(lock);
    }
    return Reservation.refuse(lock);
  }

  @Override
  public void recordSuccess(String loginName, String clientAddress) {
    Objects.requireNonNull(loginName, "loginName");
    String name = keys.throttleName(loginName);
    List<String> keyList =
        clientAddress == null ? List.of(name) : List.of(name, keys.throttleAddress(clientAddress));
    SUCCEED.call(
        redis,
        "throttle success",
        keyList,
        List.of(Long.toString(clock.millis()), Integer.toString(policy.maxFailuresPerAddress())));
  }

  @Override
  public String toString() {
    return "RedisLoginThrottle[" + policy + "]";
  }
}

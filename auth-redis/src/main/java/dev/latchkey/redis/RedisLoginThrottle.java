package dev.latchkey.redis;

import dev.latchkey.core.LoginThrottle;
import dev.latchkey.core.ThrottlePolicy;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link LoginThrottle} on Redis, shared by every node. One hash per login name ({@code
 * <prefix>lt:n:<hash>}) and per address ({@code lt:a:<hash>}) with the count {@code n}, window end
 * {@code w} and lock end {@code k}; a failure is one script per key (the two keys live in different
 * Cluster slots), which counts, locks by {@link ThrottlePolicy#lockedUntil}'s rule and sets the key
 * to expire at the later of window and lock end. Thread-safe; counting is atomic.
 */
final class RedisLoginThrottle implements LoginThrottle {
  private static final RedisCalls.Script FAIL =
      Lua.script(
          """
          local now = tonumber(ARGV[1])
          local v = redis.call('HMGET', KEYS[1], 'n', 'w', 'k')
          local n, w, k = tonumber(v[1]), tonumber(v[2]), tonumber(v[3]) or 0
          if n and w and now < math.max(w, k) then
            n = n + 1
          else
            n, w, k = 1, now + tonumber(ARGV[2]), 0
          end
          local limit = tonumber(ARGV[3])
          if n >= limit then
            local lock, max = tonumber(ARGV[4]), tonumber(ARGV[5])
            local d, i = math.min(n - limit, 62), 0
            while i < d and lock < max do
              lock = lock * 2
              i = i + 1
            end
            if lock > max then lock = max end
            k = now + lock
          else
            k = 0
          end
          redis.call('HSET', KEYS[1], 'n', n, 'w', ms(w), 'k', ms(k))
          keepuntil(KEYS[1], math.max(w, k), now)
          return n
          """);

  private final RedisCalls redis;
  private final Keys keys;
  private final Clock clock;
  private final ThrottlePolicy policy;

  RedisLoginThrottle(RedisCalls redis, Keys keys, Clock clock, ThrottlePolicy policy) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  @Override
  public Optional<Instant> lockedUntil(String loginName, String clientAddress) {
    Objects.requireNonNull(loginName, "loginName");
    long now = clock.millis();
    long until = lockEnd(keys.throttleName(loginName), now);
    if (clientAddress != null) {
      until = Math.max(until, lockEnd(keys.throttleAddress(clientAddress), now));
    }
    return until > now ? Optional.of(Instant.ofEpochMilli(until)) : Optional.empty();
  }

  @Override
  public Optional<Instant> recordFailure(String loginName, String clientAddress) {
    Objects.requireNonNull(loginName, "loginName");
    Instant now = Instant.ofEpochMilli(clock.millis());
    Instant byName = fail(keys.throttleName(loginName), policy.maxFailuresPerName(), now);
    Instant byAddress =
        clientAddress == null
            ? null
            : fail(keys.throttleAddress(clientAddress), policy.maxFailuresPerAddress(), now);
    if (byName == null) {
      return Optional.ofNullable(byAddress);
    }
    if (byAddress == null) {
      return Optional.of(byName);
    }
    return Optional.of(byName.isAfter(byAddress) ? byName : byAddress);
  }

  @Override
  public void recordSuccess(String loginName) {
    Objects.requireNonNull(loginName, "loginName");
    String key = keys.throttleName(loginName);
    redis.call("throttle reset", j -> j.del(key));
  }

  /** Counts one failure; the unlock time when the key is now locked, else null. */
  private Instant fail(String key, int limit, Instant now) {
    Object reply =
        redis.eval(
            "throttle count",
            FAIL,
            List.of(key),
            List.of(
                Long.toString(now.toEpochMilli()),
                RedisCalls.millis(policy.window()),
                Integer.toString(limit),
                RedisCalls.millis(policy.lockout()),
                RedisCalls.millis(policy.maxLockout())));
    // The script applies the same rule to set the key's lifetime; the answer comes from the policy.
    return policy.lockedUntil(RedisCalls.num(reply), limit, now);
  }

  /** The key's lock end in epoch ms, or 0 when it is not locked or not held at {@code now}. */
  private long lockEnd(String key, long now) {
    List<String> v = redis.call("throttle check", j -> j.hmget(key, "n", "w", "k"));
    try {
      if (v.get(0) == null) {
        return 0;
      }
      long w = Long.parseLong(v.get(1));
      long k = Long.parseLong(v.get(2));
      return now < Math.max(w, k) && k > now ? k : 0;
    } catch (RuntimeException e) {
      return 0;
    }
  }
}

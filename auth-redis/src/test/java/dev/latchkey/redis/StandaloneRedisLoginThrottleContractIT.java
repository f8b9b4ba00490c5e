package dev.latchkey.redis;

import dev.latchkey.core.LoginThrottle;
import dev.latchkey.core.LoginThrottleContract;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.ThrottlePolicy;
import dev.latchkey.redis.testing.RedisFixture;

/** The shared {@link LoginThrottleContract} on RedisLoginThrottle, a standalone server. */
class StandaloneRedisLoginThrottleContractIT extends LoginThrottleContract {
  @Override
  protected LoginThrottle createThrottle(ThrottlePolicy policy, TestClock clock) {
    return RedisStores.builder(RedisFixture.sharedStandalone().client())
        .clock(clock)
        .build()
        .loginThrottle(policy);
  }

  /** A second node: its own {@code RedisStores} on the same server. */
  @Override
  protected LoginThrottle anotherNode(LoginThrottle first, ThrottlePolicy policy, TestClock clock) {
    return createThrottle(policy, clock);
  }
}

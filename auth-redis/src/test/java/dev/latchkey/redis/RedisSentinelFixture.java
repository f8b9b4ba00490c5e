package dev.latchkey.redis;

import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisSentinel;
import dev.latchkey.redis.testing.RedisServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link RedisFixture#sentinel()} setup as a JUnit extension for {@code @RegisterExtension
 * static} fields: started before the class's tests, closed after them. The examples' tests use this
 * name; a new test holds a {@link RedisSentinel} in an {@code @AutoClose} field instead.
 */
public final class RedisSentinelFixture implements BeforeAllCallback, AfterAllCallback {
  /** See {@link RedisSentinel#MASTER}. */
  public static final String MASTER = RedisSentinel.MASTER;

  private RedisSentinel sentinel;

  @Override
  public void beforeAll(ExtensionContext context) {
    sentinel = RedisFixture.sentinel();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (sentinel != null) {
      sentinel.close();
    }
  }

  /** The running setup. */
  public RedisSentinel sentinel() {
    if (sentinel == null) {
      throw new IllegalStateException("the setup starts before the test class's tests");
    }
    return sentinel;
  }

  /** See {@link RedisSentinel#sentinelPort()}. */
  public int sentinelPort() {
    return sentinel().sentinelPort();
  }

  /** See {@link RedisSentinel#primary()}. */
  public RedisServer primary() {
    return sentinel().primary();
  }

  /** See {@link RedisSentinel#replica()}. */
  public RedisServer replica() {
    return sentinel().replica();
  }

  /** See {@link RedisSentinel#currentPrimaryPort()}. */
  public int currentPrimaryPort() {
    return sentinel().currentPrimaryPort();
  }

  /** See {@link RedisSentinel#killPrimary()}. */
  public void killPrimary() {
    sentinel().killPrimary();
  }
}

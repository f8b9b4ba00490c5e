package dev.latchkey.examples;

import dev.latchkey.core.InMemoryLoginThrottle;
import dev.latchkey.core.LoginThrottle;
import dev.latchkey.core.RefreshTokenStore;
import dev.latchkey.core.RevocationList;
import dev.latchkey.core.SessionStore;
import dev.latchkey.core.ThrottlePolicy;
import dev.latchkey.redis.RedisStores;
import dev.latchkey.session.InMemorySessionStore;
import dev.latchkey.token.InMemoryRefreshTokenStore;
import dev.latchkey.token.InMemoryRevocationList;
import java.time.Clock;
import java.util.function.BooleanSupplier;

/** The demo's stores: all in memory, or all on one Redis deployment. */
final class DemoStores implements AutoCloseable {
  static final ThrottlePolicy THROTTLE = ThrottlePolicy.DEFAULT;

  private final String name;
  private final SessionStore sessions;
  private final RevocationList revocations;
  private final RefreshTokenStore refreshTokens;
  private final LoginThrottle throttle;
  private final BooleanSupplier reachable;
  private final AutoCloseable closer;

  DemoStores(
      String name,
      SessionStore sessions,
      RevocationList revocations,
      RefreshTokenStore refreshTokens,
      LoginThrottle throttle,
      BooleanSupplier reachable,
      AutoCloseable closer) {
    this.name = name;
    this.sessions = sessions;
    this.revocations = revocations;
    this.refreshTokens = refreshTokens;
    this.throttle = throttle;
    this.reachable = reachable;
    this.closer = closer;
  }

  static DemoStores inMemory(Clock clock) {
    return new DemoStores(
        "memory",
        InMemorySessionStore.builder().clock(clock).build(),
        InMemoryRevocationList.create(clock),
        InMemoryRefreshTokenStore.create(clock),
        InMemoryLoginThrottle.builder(THROTTLE).clock(clock).build(),
        () -> true,
        () -> {});
  }

  /** Stores on the Redis deployment at {@code url} (any form {@link RedisStores} accepts). */
  static DemoStores redis(String url, Clock clock) {
    RedisStores redis = RedisStores.fromUrl(url).clock(clock).build();
    return new DemoStores(
        "redis",
        redis.sessionStore(),
        redis.revocationList(),
        redis.refreshTokenStore(),
        redis.loginThrottle(THROTTLE),
        redis::isReachable,
        redis);
  }

  String name() {
    return name;
  }

  SessionStore sessions() {
    return sessions;
  }

  RevocationList revocations() {
    return revocations;
  }

  RefreshTokenStore refreshTokens() {
    return refreshTokens;
  }

  LoginThrottle throttle() {
    return throttle;
  }

  boolean reachable() {
    return reachable.getAsBoolean();
  }

  @Override
  public void close() {
    try {
      closer.close();
    } catch (Exception e) {
      System.getLogger(DemoStores.class.getName())
          .log(System.Logger.Level.WARNING, "closing the stores failed: " + e.getClass().getName());
    }
  }
}

package dev.latchkey.examples.demo;

import dev.latchkey.account.InMemoryApiKeyStore;
import dev.latchkey.account.InMemoryOneTimeTokenStore;
import dev.latchkey.account.InMemorySecondFactorStore;
import dev.latchkey.core.LoginThrottle;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.ThrottlePolicy;
import dev.latchkey.core.spi.ApiKeyStore;
import dev.latchkey.core.spi.OneTimeTokenStore;
import dev.latchkey.core.spi.PasskeyStore;
import dev.latchkey.core.spi.PendingLoginStore;
import dev.latchkey.core.spi.RefreshTokenStore;
import dev.latchkey.core.spi.RevocationList;
import dev.latchkey.core.spi.SecondFactorStore;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.oidc.InMemoryPendingLoginStore;
import dev.latchkey.passkey.InMemoryPasskeyStore;
import dev.latchkey.redis.RedisStores;
import dev.latchkey.session.SessionManager;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.RefreshTokens;
import java.time.Clock;
import java.util.function.BooleanSupplier;

/**
 * The demo's stores: all in memory, or all on one Redis deployment.
 *
 * @param name {@code memory} or {@code redis}, as {@code /health} names it
 * @param rememberMe the remember-me families, apart from the refresh-token families (each store
 *     bounds a subject's families, and a refresh logout-everywhere ends all of them)
 * @param probe asks the store whether it answers
 * @param closer releases the stores' connections
 * @param oneTimeTokens password-reset links and other one-time tokens
 * @param apiKeys where the users' API keys live
 * @param pendingLogins sign-ins with an OpenID provider waiting for their callback
 * @param passkeys where the users' passkeys and the ceremonies in progress live
 */
record DemoStores(
    String name,
    SessionStore sessions,
    RevocationList revocations,
    RefreshTokenStore refreshTokens,
    RefreshTokenStore rememberMe,
    LoginThrottle throttle,
    SecondFactorStore secondFactors,
    BooleanSupplier probe,
    AutoCloseable closer,
    OneTimeTokenStore oneTimeTokens,
    ApiKeyStore apiKeys,
    PendingLoginStore pendingLogins,
    PasskeyStore passkeys)
    implements AutoCloseable {
  static final ThrottlePolicy THROTTLE = ThrottlePolicy.DEFAULT;
  static final String REMEMBER_PREFIX = "latchkey:remember:";

  /**
   * Stores with second factors, one-time tokens, API keys and pending logins kept in memory (tests
   * that put one failing store underneath).
   */
  DemoStores(
      String name,
      SessionStore sessions,
      RevocationList revocations,
      RefreshTokenStore refreshTokens,
      RefreshTokenStore rememberMe,
      LoginThrottle throttle,
      BooleanSupplier probe,
      AutoCloseable closer) {
    this(
        name,
        sessions,
        revocations,
        refreshTokens,
        rememberMe,
        throttle,
        new InMemorySecondFactorStore(),
        probe,
        closer,
        InMemoryOneTimeTokenStore.create(),
        InMemoryApiKeyStore.create(),
        InMemoryPendingLoginStore.create(),
        new InMemoryPasskeyStore(Clock.systemUTC()));
  }

  static DemoStores inMemory(Clock clock) {
    return new DemoStores(
        "memory",
        SessionManager.inMemoryStore(clock),
        JwtTokenService.inMemoryRevocationList(clock),
        RefreshTokens.inMemoryStore(clock),
        RefreshTokens.inMemoryStore(clock),
        LoginThrottle.inMemory(THROTTLE, clock),
        new InMemorySecondFactorStore(),
        () -> true,
        () -> {},
        InMemoryOneTimeTokenStore.create(),
        InMemoryApiKeyStore.create(),
        InMemoryPendingLoginStore.create(),
        new InMemoryPasskeyStore(clock));
  }

  /**
   * Stores on the Redis deployment at {@code url} (any form {@link RedisStores} accepts).
   *
   * @throws IllegalArgumentException when the URL is malformed
   * @throws StoreUnavailableException when Redis does not answer: a demo that cannot reach its
   *     store at start is misconfigured, not in an outage
   */
  static DemoStores redis(String url, Clock clock) {
    RedisStores redis;
    try {
      redis = RedisStores.fromUrl(url).clock(clock).build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("REDIS_URL: " + e.getMessage(), e);
    } catch (StoreUnavailableException e) {
      throw unreachable(url);
    }
    if (!redis.isReachable()) {
      redis.close();
      throw unreachable(url);
    }
    // The remember-me families under a key prefix of their own, on the same Redis.
    RedisStores remember;
    try {
      remember = RedisStores.fromUrl(url).keyPrefix(REMEMBER_PREFIX).clock(clock).build();
    } catch (RuntimeException e) {
      redis.close();
      throw unreachable(url);
    }
    RedisStores main = redis;
    return new DemoStores(
        "redis",
        redis.sessionStore(),
        redis.revocationList(),
        redis.refreshTokenStore(),
        remember.refreshTokenStore(),
        redis.loginThrottle(THROTTLE),
        redis.secondFactorStore(),
        redis::isReachable,
        () -> {
          try {
            main.close();
          } finally {
            remember.close();
          }
        },
        redis.oneTimeTokenStore(),
        redis.apiKeyStore(),
        redis.pendingLoginStore(),
        redis.passkeyStore());
  }

  private static StoreUnavailableException unreachable(String url) {
    return new StoreUnavailableException(
        "cannot reach Redis at " + withoutUserInfo(url) + " (check REDIS_URL)");
  }

  /** The URL with any user name and password cut out: it goes into a message. */
  static String withoutUserInfo(String url) {
    int scheme = url.indexOf("://");
    int start = scheme < 0 ? 0 : scheme + 3;
    int end = url.indexOf('/', start);
    int at = url.lastIndexOf('@', end < 0 ? url.length() : end);
    return at < start ? url : url.substring(0, start) + url.substring(at + 1);
  }

  boolean reachable() {
    return probe.getAsBoolean();
  }

  @Override
  public String toString() {
    return "DemoStores[" + name + "]"; // a component's own text might name a Redis password
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

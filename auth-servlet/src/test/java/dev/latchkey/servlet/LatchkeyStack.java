package dev.latchkey.servlet;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Authenticator;
import dev.latchkey.core.InMemoryUserDirectory;
import dev.latchkey.core.PasswordAuthenticator;
import dev.latchkey.core.PasswordCredentials;
import dev.latchkey.core.PasswordHasher;
import dev.latchkey.core.Principal;
import dev.latchkey.core.ThrottlePolicy;
import dev.latchkey.core.UserAccount;
import dev.latchkey.redis.RedisStores;
import dev.latchkey.redis.testing.RedisServer;
import dev.latchkey.session.SessionManager;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.RefreshTokens;
import dev.latchkey.token.SigningAlgorithm;
import dev.latchkey.token.SigningKey;
import dev.latchkey.web.RememberMe;
import dev.latchkey.web.WebAuth;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * Sessions and tokens on a real Redis behind one {@link WebAuth}, as an application wires them: two
 * users, a throttled bCrypt check (cost 4: fast enough for tests), plain-HTTP cookies.
 */
final class LatchkeyStack implements AutoCloseable {
  static final String ALICE = "alice";
  static final String ALICE_PASSWORD = "wonderland";
  static final String ADMIN = "admin";
  static final String ADMIN_PASSWORD = "password123";

  /** A user name whose password check throws, as a faulty application authenticator would. */
  static final String FAULTY_USER = "faulty";

  private final RedisStores stores;
  private final RedisStores rememberStores;
  private final WebAuth web;

  LatchkeyStack(RedisServer redis, Clock clock) {
    this.stores =
        RedisStores.fromUrl(redis.url())
            .timeout(Duration.ofSeconds(1))
            .revocationHeartbeat(Duration.ofMillis(100))
            .clock(clock)
            .build();
    // Remember-me families apart from the refresh-token families: a key prefix of their own.
    this.rememberStores =
        RedisStores.fromUrl(redis.url())
            .keyPrefix("latchkey-remember:")
            .timeout(Duration.ofSeconds(1))
            .clock(clock)
            .build();
    PasswordHasher hasher = PasswordHasher.bcrypt(4);
    InMemoryUserDirectory users = InMemoryUserDirectory.create();
    users.add(
        new UserAccount(
            ALICE, Principal.of(ALICE, Set.of("user")), hasher.hash(ALICE_PASSWORD.toCharArray())));
    users.add(
        new UserAccount(
            ADMIN,
            Principal.of(ADMIN, Set.of("admin", "user")),
            hasher.hash(ADMIN_PASSWORD.toCharArray())));
    PasswordAuthenticator passwords =
        PasswordAuthenticator.builder(users, hasher)
            .throttle(stores.loginThrottle(ThrottlePolicy.DEFAULT))
            .clock(clock)
            .build();
    SessionManager sessions =
        SessionManager.builder(stores.sessionStore()).csrfKey(random(32)).clock(clock).build();
    JwtTokenService tokens =
        JwtTokenService.builder(
                KeyRing.of(SigningKey.hmac("test", random(32), SigningAlgorithm.HS256)),
                "latchkey-servlet-test",
                "latchkey-servlet-test")
            .revocationList(stores.revocationList())
            .clock(clock)
            .build();
    RefreshTokens refresh =
        RefreshTokens.builder(tokens, stores.refreshTokenStore()).clock(clock).build();
    this.web =
        WebAuth.builder()
            .passwords(faultyFor(FAULTY_USER, passwords))
            .sessions(sessions)
            .tokens(tokens, refresh)
            .rememberMe(
                RememberMe.builder(rememberStores.refreshTokenStore(), sessions)
                    .secureCookies(false)
                    .clock(clock)
                    .build())
            .secureCookies(false)
            .publicPaths("/health", "/api/status")
            .clock(clock)
            .build();
  }

  WebAuth web() {
    return web;
  }

  /** {@code passwords}, except that checking {@code user} throws. */
  private static Authenticator<PasswordCredentials> faultyFor(
      String user, Authenticator<PasswordCredentials> passwords) {
    return new Authenticator<>() {
      @Override
      public Class<PasswordCredentials> credentialType() {
        return PasswordCredentials.class;
      }

      @Override
      public AuthResult authenticate(PasswordCredentials credentials) {
        if (credentials.username().equals(user)) {
          throw new IllegalStateException("secret-detail-that-must-not-leak");
        }
        return passwords.authenticate(credentials);
      }
    };
  }

  private static byte[] random(int bytes) {
    byte[] key = new byte[bytes];
    new SecureRandom().nextBytes(key);
    return key;
  }

  @Override
  public void close() {
    try {
      stores.close();
    } finally {
      rememberStores.close();
    }
  }
}

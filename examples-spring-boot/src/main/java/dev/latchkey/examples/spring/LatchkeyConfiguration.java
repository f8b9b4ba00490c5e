package dev.latchkey.examples.spring;

import dev.latchkey.core.InMemoryUserDirectory;
import dev.latchkey.core.LoginThrottle;
import dev.latchkey.core.PasswordAuthenticator;
import dev.latchkey.core.PasswordHasher;
import dev.latchkey.core.Principal;
import dev.latchkey.core.ThrottlePolicy;
import dev.latchkey.core.UserAccount;
import dev.latchkey.micrometer.LatchkeyMetrics;
import dev.latchkey.servlet.LatchkeyFilter;
import dev.latchkey.session.SessionManager;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.RefreshTokens;
import dev.latchkey.token.SigningAlgorithm;
import dev.latchkey.token.SigningKey;
import dev.latchkey.web.WebAuth;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Latchkey's services as Spring beans, all in memory, and the filter in front of every route. An
 * application on Redis builds the same services on {@code RedisStores} instead; nothing else
 * changes.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LatchkeyProperties.class)
public class LatchkeyConfiguration {
  private static final Logger log = LoggerFactory.getLogger(LatchkeyConfiguration.class);

  /** Spring instantiates it; the beans below hold all the state. */
  public LatchkeyConfiguration() {}

  /**
   * {@return the clock every service reads}: one bean, so that a test can replace it and move time
   * without sleeping
   */
  @Bean
  public Clock clock() {
    return Clock.systemUTC();
  }

  /**
   * {@return the HMAC secret} tokens are signed with, and CSRF tokens derived from
   *
   * @param properties the settings
   */
  @Bean
  public JwtSecret jwtSecret(LatchkeyProperties properties) {
    String configured = properties.jwtSecret();
    if (configured.isEmpty()) {
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      log.warn(
          "JWT_SECRET is not set: generated a random one; tokens will not survive a restart or be"
              + " accepted by another instance");
      return new JwtSecret(secret);
    }
    byte[] secret = configured.getBytes(StandardCharsets.UTF_8);
    if (secret.length < 32) {
      throw new IllegalArgumentException(
          "latchkey.jwt-secret (JWT_SECRET) must be at least 32 bytes for HS256, got "
              + secret.length);
    }
    return new JwtSecret(secret);
  }

  /**
   * {@return Latchkey's meters} on Boot's registry, served at {@code /actuator/metrics} ({@code
   * latchkey.authentications}, {@code latchkey.logouts}, ...): every service below reports to it
   *
   * @param registry the registry Spring Boot's actuator configured
   */
  @Bean
  public LatchkeyMetrics latchkeyMetrics(MeterRegistry registry) {
    return LatchkeyMetrics.builder(registry).build();
  }

  /**
   * {@return the password check} over two seeded users, throttled per login name and address
   *
   * @param properties the settings (the bCrypt cost)
   * @param metrics where it reports logins
   * @param clock the clock
   */
  @Bean
  public PasswordAuthenticator passwordAuthenticator(
      LatchkeyProperties properties, LatchkeyMetrics metrics, Clock clock) {
    PasswordHasher hasher = PasswordHasher.bcrypt(properties.bcryptCost());
    InMemoryUserDirectory users = InMemoryUserDirectory.create();
    users.add(
        new UserAccount(
            "admin",
            Principal.of("admin", Set.of("admin", "user")),
            hasher.hash("password123".toCharArray())));
    users.add(
        new UserAccount(
            "alice",
            Principal.of("alice", Set.of("user")),
            hasher.hash("wonderland".toCharArray())));
    return PasswordAuthenticator.builder(users, hasher)
        .throttle(LoginThrottle.inMemory(ThrottlePolicy.DEFAULT, clock))
        .listener(metrics)
        .clock(clock)
        .build();
  }

  /**
   * {@return the session manager} on an in-memory store
   *
   * @param secret the shared secret the CSRF key is derived from
   * @param metrics where it reports session checks and logouts
   * @param clock the clock
   */
  @Bean
  public SessionManager sessionManager(JwtSecret secret, LatchkeyMetrics metrics, Clock clock) {
    return SessionManager.builder(SessionManager.inMemoryStore(clock))
        .idleTimeout(Duration.ofMinutes(30))
        .absoluteTimeout(Duration.ofHours(8))
        // A key of its own for each job: every instance sharing the secret accepts every
        // instance's CSRF tokens, yet the JWT key never signs them.
        .csrfKey(secret.derive("latchkey-spring-example csrf"))
        .listener(metrics)
        .clock(clock)
        .build();
  }

  /**
   * {@return the access-token service}: HS256, 15-minute tokens, an in-memory revocation list
   *
   * @param secret the HMAC secret
   * @param metrics where it reports bearer checks and revocations
   * @param clock the clock
   */
  @Bean
  public JwtTokenService jwtTokenService(JwtSecret secret, LatchkeyMetrics metrics, Clock clock) {
    return JwtTokenService.builder(
            KeyRing.of(SigningKey.hmac("example-hs256", secret.bytes(), SigningAlgorithm.HS256)),
            "latchkey-spring-example",
            "latchkey-spring-example")
        .accessTokenLifetime(Duration.ofMinutes(15))
        .revocationList(JwtTokenService.inMemoryRevocationList(clock))
        .listener(metrics)
        .clock(clock)
        .build();
  }

  /**
   * {@return the refresh-token rotation} on an in-memory store
   *
   * @param tokens the access-token service it issues from
   * @param metrics where it reports refreshes, reuse and logouts
   * @param clock the clock
   */
  @Bean
  public RefreshTokens refreshTokens(JwtTokenService tokens, LatchkeyMetrics metrics, Clock clock) {
    return RefreshTokens.builder(tokens, RefreshTokens.inMemoryStore(clock))
        .listener(metrics)
        .clock(clock)
        .build();
  }

  /**
   * {@return the web layer}: both sessions and tokens, {@code /health} and {@code /actuator/health}
   * public
   *
   * @param properties the settings (whether cookies are {@code Secure})
   * @param passwords the password check
   * @param metrics what times the password check
   * @param sessions the session manager
   * @param tokens the access-token service
   * @param refreshTokens the refresh-token rotation
   * @param clock the clock
   */
  @Bean
  public WebAuth webAuth(
      LatchkeyProperties properties,
      PasswordAuthenticator passwords,
      LatchkeyMetrics metrics,
      SessionManager sessions,
      JwtTokenService tokens,
      RefreshTokens refreshTokens,
      Clock clock) {
    return WebAuth.builder()
        // Timed as well as counted: latchkey.authentication.duration shows what bCrypt costs.
        .passwords(metrics.timed(passwords))
        .sessions(sessions)
        .tokens(tokens, refreshTokens)
        .secureCookies(properties.secureCookies())
        .publicPaths("/health", "/actuator/health")
        .clock(clock)
        .build();
  }

  /**
   * {@return the filter on every path}, first in the chain: a request it refuses reaches no other
   * filter, no controller and no actuator endpoint
   *
   * @param webAuth the web layer it asks
   */
  @Bean
  public FilterRegistrationBean<LatchkeyFilter> latchkeyFilter(WebAuth webAuth) {
    FilterRegistrationBean<LatchkeyFilter> registration =
        new FilterRegistrationBean<>(new LatchkeyFilter(webAuth));
    registration.addUrlPatterns("/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  /**
   * The HMAC secret as a bean of its own type, so that nothing else injects a bare {@code byte[]}.
   * Its {@code toString()} shows no byte of it.
   */
  public static final class JwtSecret {
    private final byte[] secret;

    JwtSecret(byte[] secret) {
      this.secret = secret.clone();
    }

    byte[] bytes() {
      return secret.clone();
    }

    /** A key for another job, so that one key never serves two. */
    byte[] derive(String label) {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
      } catch (NoSuchAlgorithmException | InvalidKeyException e) {
        throw new IllegalStateException("HmacSHA256 is required on every Java platform", e);
      }
    }

    @Override
    public String toString() {
      return "JwtSecret[<redacted>]";
    }
  }
}

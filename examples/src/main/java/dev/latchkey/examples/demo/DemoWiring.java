package dev.latchkey.examples.demo;

import dev.latchkey.core.InMemoryUserDirectory;
import dev.latchkey.core.PasswordAuthenticator;
import dev.latchkey.core.PasswordHasher;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SetCookie;
import dev.latchkey.core.UserAccount;
import dev.latchkey.session.SessionManager;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.RefreshTokens;
import dev.latchkey.token.SigningAlgorithm;
import dev.latchkey.token.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The demo's services on its stores: two seeded users behind a throttled password check, a session
 * manager, a JWT service with revocation, and refresh-token rotation. Everything an application
 * configures once at startup is here; the routes only use it.
 */
final class DemoWiring {
  /** The session cookie's name over plain HTTP. */
  static final String SESSION_COOKIE = "sid";

  /**
   * The session cookie's name with {@code COOKIE_SECURE=true}: a {@code __Host-} cookie is Secure,
   * host-only and {@code Path=/}, so a sibling subdomain or a plain-HTTP page cannot set or
   * overwrite it (cookie tossing, session fixation).
   */
  static final String SECURE_SESSION_COOKIE = "__Host-sid";

  final Clock clock;
  final DemoStores stores;
  final PasswordAuthenticator passwords;
  final SessionManager sessions;
  final JwtTokenService tokens;
  final RefreshTokens refresh;
  final boolean cookieSecure;
  final String sessionCookieName;

  DemoWiring(DemoSettings settings, DemoStores stores, byte[] secret) {
    this.clock = settings.clock();
    this.stores = stores;
    this.cookieSecure = settings.cookieSecure();
    this.sessionCookieName = cookieSecure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;

    PasswordHasher hasher = PasswordHasher.bcrypt(settings.bcryptCost());
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
    this.passwords =
        PasswordAuthenticator.builder(users, hasher)
            .throttle(stores.throttle())
            .clock(clock)
            .build();
    this.sessions =
        SessionManager.builder(stores.sessions())
            .idleTimeout(Duration.ofMinutes(30))
            .absoluteTimeout(Duration.ofHours(8))
            // Separate keys for separate jobs: the CSRF key is derived from the shared secret, so
            // every node of a fleet checks every node's CSRF tokens, yet a JWT key never signs
            // them.
            .csrfKey(derive(secret, "latchkey-demo csrf"))
            .clock(clock)
            .build();
    this.tokens =
        JwtTokenService.builder(
                KeyRing.of(SigningKey.hmac("demo-hs256", secret, SigningAlgorithm.HS256)),
                "latchkey-demo",
                "latchkey-demo")
            .accessTokenLifetime(Duration.ofMinutes(15))
            .revocationList(stores.revocations())
            .clock(clock)
            .build();
    this.refresh = RefreshTokens.builder(tokens, stores.refreshTokens()).clock(clock).build();
  }

  /** The session cookie carrying {@code value}; an empty value with {@code deletion()} ends it. */
  SetCookie sessionCookie(String value) {
    // SetCookie refuses a __Host- cookie without Secure, with a Domain or a Path other than "/".
    return SetCookie.builder(sessionCookieName, value)
        .httpOnly(true)
        .secure(cookieSecure)
        .sameSite(SetCookie.SameSite.LAX)
        .path("/")
        .build();
  }

  private static byte[] derive(byte[] secret, String label) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is required on every Java platform", e);
    }
  }
}

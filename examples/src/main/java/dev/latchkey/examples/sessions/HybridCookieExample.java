package dev.latchkey.examples.sessions;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.BearerToken;
import dev.latchkey.core.Cookies;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SetCookie;
import dev.latchkey.core.TokenService.IssuedToken;
import dev.latchkey.examples.passwords.PasswordLoginExample;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.SigningAlgorithm;
import dev.latchkey.token.SigningKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * Hybrid: a JWT carried in an {@code HttpOnly} cookie instead of an {@code Authorization} header,
 * so browser JavaScript cannot read it (XSS cannot steal it), while any server still verifies it
 * without a session lookup. The cookie's {@code Max-Age} matches the token's lifetime; logout
 * revokes the token (the cookie alone could be replayed until {@code exp}).
 *
 * <p>Run: {@code mvn -B -q package -DskipTests && java -cp examples/target/latchkey-demo.jar
 * dev.latchkey.examples.sessions.HybridCookieExample}
 */
public final class HybridCookieExample {
  private HybridCookieExample() {}

  public static void main(String[] args) {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Duration lifetime = Duration.ofMinutes(15);
    JwtTokenService tokens =
        JwtTokenService.builder(
                KeyRing.of(SigningKey.hmac("k1", secret, SigningAlgorithm.HS256)), "app", "app")
            .accessTokenLifetime(lifetime)
            .revocationList(JwtTokenService.inMemoryRevocationList(Clock.systemUTC()))
            .build();

    // login: the token goes into a __Host- cookie (Secure, Path=/, no Domain: this host only)
    IssuedToken token = tokens.issue(Principal.of("alice", Set.of("user")));
    SetCookie cookie =
        SetCookie.builder("__Host-at", token.value())
            .httpOnly(true)
            .secure(true)
            .sameSite(SetCookie.SameSite.STRICT)
            .path("/")
            .maxAge(lifetime)
            .build();
    String setCookie = cookie.toHeaderValue();
    System.out.println("Set-Cookie: " + setCookie.replace(token.value(), "<jwt>"));

    // a later request: read the cookie, verify it like a bearer token
    String cookieHeader = "theme=dark; __Host-at=" + token.value();
    String jwt = Cookies.read(cookieHeader, "__Host-at").orElseThrow();
    AuthResult result = tokens.authenticator().authenticate(new BearerToken(jwt));
    System.out.println("request with cookie:  " + PasswordLoginExample.describe(result));

    // logout: revoke the token and clear the cookie
    tokens.revoke(jwt);
    System.out.println("Set-Cookie: " + cookie.deletion().toHeaderValue());
    System.out.println(
        "replayed cookie:      "
            + PasswordLoginExample.describe(
                tokens.authenticator().authenticate(new BearerToken(jwt))));
  }
}

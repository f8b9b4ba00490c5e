package dev.latchkey.examples.tokens;

import dev.latchkey.core.Principal;
import dev.latchkey.core.TokenService.IssuedToken;
import dev.latchkey.examples.passwords.PasswordLoginExample;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.SigningAlgorithm;
import dev.latchkey.token.SigningKey;
import java.util.List;

/**
 * Key rotation with a JWK Set: the issuer signs with a new key while the old one still verifies the
 * tokens it signed; a resource server that knows only the published JWK Set (public parts, no
 * private material) verifies both; once the old key is removed its tokens are refused.
 *
 * <p>Run: {@code mvn -B -q package -DskipTests && java -cp examples/target/latchkey-demo.jar
 * dev.latchkey.examples.tokens.KeyRotationExample}
 */
public final class KeyRotationExample {
  private KeyRotationExample() {}

  public static void main(String[] args) {
    Principal bob = Principal.of("bob");
    SigningKey january = SigningKey.generateRsa("2026-01", SigningAlgorithm.RS256);
    JwtTokenService issuer =
        JwtTokenService.builder(KeyRing.of(january), "https://auth.example", "api").build();
    IssuedToken oldToken = issuer.issue(bob);

    // rotate in place: the new key signs, the old one stays for verification until its tokens
    // expire; everything built on the issuer (its authenticator, RefreshTokens) sees it at once
    SigningKey february = SigningKey.generateEc("2026-02");
    issuer.rotateKeys(ring -> ring.rotate(february));
    IssuedToken newToken = issuer.issue(bob);

    // what a resource server fetches from /.well-known/jwks.json
    String jwks = issuer.keyRing().publicJwkSetJson();
    System.out.println(
        "published JWK Set: "
            + jwks.length()
            + " chars, private parts: "
            + (jwks.contains("\"d\"") ? "PRESENT (bug!)" : "none"));
    List<SigningKey> published = SigningKey.fromJwkSet(jwks);
    SigningKey[] rest = published.subList(1, published.size()).toArray(new SigningKey[0]);
    JwtTokenService resourceServer =
        JwtTokenService.builder(
                KeyRing.verifyOnly(published.get(0), rest), "https://auth.example", "api")
            .build();
    System.out.println(
        "old token at resource server: "
            + PasswordLoginExample.describe(resourceServer.verify(oldToken.value())));
    System.out.println(
        "new token at resource server: "
            + PasswordLoginExample.describe(resourceServer.verify(newToken.value())));

    // retire the old key: its tokens are refused everywhere that drops it
    issuer.rotateKeys(ring -> ring.without("2026-01"));
    System.out.println(
        "old token after retiring its key: "
            + PasswordLoginExample.describe(issuer.verify(oldToken.value())));
    System.out.println(
        "new token after retiring the old key: "
            + PasswordLoginExample.describe(issuer.verify(newToken.value())));
  }
}

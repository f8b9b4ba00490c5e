package dev.latchkey.examples.tokens;

import dev.latchkey.core.Principal;
import dev.latchkey.core.TokenService.IssuedToken;
import dev.latchkey.examples.passwords.PasswordLoginExample;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.RefreshTokens;
import dev.latchkey.token.SigningKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The token lifecycle: issue and verify an access token, refresh with rotation, detect a reused
 * refresh token (the whole family dies), and revoke an unexpired access token.
 *
 * <p>Run: {@code mvn -B -q package -DskipTests && java -cp examples/target/latchkey-demo.jar
 * dev.latchkey.examples.tokens.TokenFlowExample}
 */
public final class TokenFlowExample {
  private TokenFlowExample() {}

  public static void main(String[] args) {
    Clock clock = Clock.systemUTC();
    JwtTokenService tokens =
        JwtTokenService.builder(
                KeyRing.of(SigningKey.generateEd25519("2026-11")), "https://auth.example", "api")
            .accessTokenLifetime(Duration.ofMinutes(10))
            .revocationList(JwtTokenService.inMemoryRevocationList(clock))
            .build();
    RefreshTokens refresh =
        RefreshTokens.builder(tokens, RefreshTokens.inMemoryStore(clock))
            .familyLifetime(Duration.ofDays(30))
            .build();
    Principal alice = Principal.of("alice", Set.of("user"));

    // issue and verify a bare access token
    IssuedToken token = tokens.issue(alice);
    System.out.println(
        "access token (" + token.value().length() + " chars) expires " + token.expiresAt());
    System.out.println(
        "verify:                " + PasswordLoginExample.describe(tokens.verify(token.value())));

    // what a verified token carries: its scopes and the extra claims given at issue
    IssuedToken scoped =
        tokens.issue(alice, Map.of("scope", "orders:read orders:write", "tier", 2));
    tokens
        .verifyToken(scoped.value())
        .accessToken()
        .ifPresent(
            t -> System.out.println("scopes, claims:        " + t.scopes() + " " + t.claims()));

    // login with a refresh token, then rotate it
    RefreshTokens.TokenPair first = refresh.login(alice);
    RefreshTokens.Result second = refresh.refresh(first.refreshToken());
    System.out.println("refresh #1:            " + outcome(second));

    // the old refresh token again: theft is assumed, the whole family ends
    System.out.println("reuse of #1:           " + outcome(refresh.refresh(first.refreshToken())));
    RefreshTokens.TokenPair stolenFamily = second.tokens().orElseThrow();
    System.out.println(
        "its successor after:   " + outcome(refresh.refresh(stolenFamily.refreshToken())));

    // revoke an access token before it expires: refused at once, by (iss, jti), for its lifetime
    tokens.revoke(token.value());
    System.out.println(
        "after revoke:          " + PasswordLoginExample.describe(tokens.verify(token.value())));

    // a tampered token
    String tampered = token.value().substring(0, token.value().length() - 3) + "AAA";
    System.out.println(
        "tampered:              " + PasswordLoginExample.describe(tokens.verify(tampered)));
  }

  static String outcome(RefreshTokens.Result result) {
    return result.fold(
        pair -> "new pair (the used refresh token is now dead)",
        refused -> refused.reason() + " - " + refused.detail());
  }
}

package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Principal;
import dev.latchkey.core.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The uncached pipeline alone, over parts built by hand: parse, key, signature, claims and times in
 * that order, the first refusal winning, and headers remembered only once their signature held.
 */
class SignedTokenVerifierTest {
  private static final SigningKey KEY = SigningKey.hmac("k1", new byte[32], SigningAlgorithm.HS256);
  private static final TestClock CLOCK = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  private static final ClaimsRules RULES = new ClaimsRules("https://issuer", "api", 60_000);

  private static TokenIssuer issuer(SigningKey key) {
    return issuer(key, CLOCK);
  }

  private static TokenIssuer issuer(SigningKey key, TestClock clock) {
    return new TokenIssuer(
        key,
        "https://issuer",
        "api",
        900,
        clock,
        JwtTokenService.inMemoryRevocationList(CLOCK),
        55_000,
        8192);
  }

  private static void refused(
      SignedTokenVerifier verifier, String token, Reason reason, String detail) {
    assertThatThrownBy(() -> verifier.verify(token, CLOCK.millis()))
        .isInstanceOfSatisfying(
            Refusal.class,
            r -> {
              assertThat(r.reason).isEqualTo(reason);
              assertThat(r.getMessage()).isEqualTo(detail);
            });
  }

  @Test
  void anIssuedTokenVerifiesToItsClaims() throws Refusal {
    TokenIssuer issuer = issuer(KEY);
    SignedTokenVerifier verifier =
        new SignedTokenVerifier(
            new KeySelector(KeyRing.of(KEY), issuer.headerSegment()), RULES, 8192);
    String token = issuer.issue(Principal.of("alice"), "f1", Map.of()).value();

    VerifiedClaims claims = verifier.verify(token, CLOCK.millis());

    assertThat(claims.principal().subject()).isEqualTo("alice");
    assertThat(claims.familyId()).isEqualTo("f1");
  }

  @Test
  void aHeaderIsRememberedOnlyOnceItsSignatureHeld() throws Refusal {
    SignedTokenVerifier verifier =
        new SignedTokenVerifier(new KeySelector(KeyRing.of(KEY), null), RULES, 8192);
    String token = issuer(KEY).issue(Principal.of("alice"), null, Map.of()).value();
    String forged = token.substring(0, token.lastIndexOf('.') + 1) + "A".repeat(43);

    refused(verifier, forged, Reason.INVALID_CREDENTIALS, "bad signature");
    assertThat(verifier.keys().knownHeaderCount()).isZero();

    verifier.verify(token, CLOCK.millis());
    assertThat(verifier.keys().knownHeaderCount()).isEqualTo(1);
    // Known now, its header is not read again, and the signature is still checked.
    refused(verifier, forged, Reason.INVALID_CREDENTIALS, "bad signature");
  }

  @Test
  void theFirstBrokenRuleInPipelineOrderIsTheRefusal() {
    SigningKey stranger = SigningKey.hmac("k2", new byte[32], SigningAlgorithm.HS256);
    SignedTokenVerifier verifier =
        new SignedTokenVerifier(new KeySelector(KeyRing.of(KEY), null), RULES, 8192);
    TestClock anHourAgo = new TestClock(CLOCK.instant().minus(Duration.ofHours(1)));
    String expiredStranger =
        issuer(stranger, anHourAgo).issue(Principal.of("alice"), null, Map.of()).value();

    refused(verifier, "x".repeat(8193), Reason.MALFORMED, "token too long");
    refused(verifier, "a.b", Reason.MALFORMED, "not a compact JWS");
    // The key step refuses before the signature and the claims are looked at.
    refused(verifier, expiredStranger, Reason.INVALID_CREDENTIALS, "unknown kid");
  }

  @Test
  void theTimesAreCheckedAtTheGivenInstant() throws Refusal {
    SignedTokenVerifier verifier =
        new SignedTokenVerifier(new KeySelector(KeyRing.of(KEY), null), RULES, 8192);
    String token = issuer(KEY).issue(Principal.of("alice"), null, Map.of()).value();
    long expiry = verifier.verify(token, CLOCK.millis()).expiresAtMillis();

    assertThatThrownBy(() -> verifier.verify(token, expiry + 60_000))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.reason).isEqualTo(Reason.EXPIRED));
  }
}

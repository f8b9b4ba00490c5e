package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Principal;
import dev.latchkey.core.TestClock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cache decorator alone: a repeated token answers the claims first verified without the
 * signature step, the time check runs on every call, and a refused token is never kept.
 */
class VerifiedTokenCacheTest {
  private static final SigningKey KEY = SigningKey.hmac("k1", new byte[32], SigningAlgorithm.HS256);
  private static final TestClock CLOCK = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));

  private static String token() {
    return new TokenIssuer(
            KEY,
            "https://issuer",
            "api",
            900,
            CLOCK,
            JwtTokenService.inMemoryRevocationList(CLOCK),
            55_000,
            8192)
        .issue(Principal.of("alice"), null, Map.of())
        .value();
  }

  private static SignedTokenVerifier verifier() {
    return new SignedTokenVerifier(
        new KeySelector(KeyRing.of(KEY), null),
        new ClaimsRules("https://issuer", "api", 60_000),
        8192);
  }

  @Test
  void aRepeatedTokenAnswersTheClaimsFirstVerified() throws Refusal {
    VerifiedTokenCache cache = new VerifiedTokenCache(verifier(), 10);
    String token = token();

    VerifiedClaims first = cache.verify(token, CLOCK.millis());
    // A fresh String, as a server receives it: the cache compares the text, not the instance.
    VerifiedClaims again = cache.verify(new String(token.toCharArray()), CLOCK.millis());

    assertThat(again).isSameAs(first);
  }

  @Test
  void aCachedTokenStillExpires() throws Refusal {
    VerifiedTokenCache cache = new VerifiedTokenCache(verifier(), 10);
    String token = token();
    long expiry = cache.verify(token, CLOCK.millis()).expiresAtMillis();

    assertThatThrownBy(() -> cache.verify(token, expiry + 60_000))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.reason).isEqualTo(Reason.EXPIRED));
  }

  @Test
  void aRefusedTokenIsNeverKept() throws Refusal {
    VerifiedTokenCache cache = new VerifiedTokenCache(verifier(), 10);
    String token = token();
    long expiry = verifier().verify(token, CLOCK.millis()).expiresAtMillis();

    assertThatThrownBy(() -> cache.verify(token, expiry + 60_000)).isInstanceOf(Refusal.class);
    VerifiedClaims later = cache.verify(token, CLOCK.millis());
    // Verified now, it is kept from now on.
    assertThat(cache.verify(token, CLOCK.millis())).isSameAs(later);
  }

  @Test
  void aTokenOfTheSameEndButAnotherTextIsNotTheCachedOne() throws Refusal {
    VerifiedTokenCache cache = new VerifiedTokenCache(verifier(), 10);
    String token = token();
    cache.verify(token, CLOCK.millis());
    // Same last 32 characters (the hashed part), another header: refused by the key step.
    String other = "eyJhbGciOiJIUzI1NiIsImtpZCI6Im5vIn0" + token.substring(token.indexOf('.'));

    assertThatThrownBy(() -> cache.verify(other, CLOCK.millis()))
        .isInstanceOfSatisfying(
            Refusal.class, r -> assertThat(r.reason).isEqualTo(Reason.INVALID_CREDENTIALS));
  }
}

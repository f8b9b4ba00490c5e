package dev.latchkey.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Each claim check of a signature-verified ID token, alone. */
class IdTokenRulesTest {
  private static final String ISSUER = "https://idp.example";
  private static final String CLIENT = "app";
  private static final String NONCE = "n-0S6_WzA2Mj";
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private static final Instant STARTED = NOW.minusSeconds(30);
  private final IdTokenRules rules = new IdTokenRules(ISSUER, CLIENT, Duration.ofSeconds(60));

  private static JWTClaimsSet.Builder good() {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .subject("248289761001")
        .audience(CLIENT)
        .expirationTime(Date.from(NOW.plusSeconds(300)))
        .issueTime(Date.from(NOW.minusSeconds(5)))
        .claim("nonce", NONCE);
  }

  private boolean accepts(UnaryOperator<JWTClaimsSet.Builder> change) {
    return rules.accept(change.apply(good()).build(), NONCE, STARTED, NOW);
  }

  @Test
  void aGoodTokenPasses() {
    assertThat(accepts(b -> b)).isTrue();
  }

  @Test
  void anotherIssuerFails() {
    assertThat(accepts(b -> b.issuer("https://evil.example"))).isFalse();
    assertThat(accepts(b -> b.issuer(ISSUER + "/"))).isFalse();
    assertThat(accepts(b -> b.issuer(null))).isFalse();
  }

  @Test
  void theAudienceMustHoldTheClientAndAzpMustNameItAmongSeveral() {
    assertThat(accepts(b -> b.audience("other"))).isFalse();
    assertThat(accepts(b -> b.audience(List.of("other", CLIENT)))).isFalse();
    assertThat(accepts(b -> b.audience(List.of("other", CLIENT)).claim("azp", CLIENT))).isTrue();
    assertThat(accepts(b -> b.claim("azp", "other"))).isFalse();
    assertThat(accepts(b -> b.audience((String) null))).isFalse();
  }

  @Test
  void expiryIsJudgedByOurClockWithinTheSkew() {
    assertThat(accepts(b -> b.expirationTime(Date.from(NOW.minusSeconds(59))))).isTrue();
    assertThat(accepts(b -> b.expirationTime(Date.from(NOW.minusSeconds(60))))).isFalse();
    assertThat(accepts(b -> b.expirationTime(null))).isFalse();
  }

  @Test
  void anIssueTimeInTheFutureOrBeforeTheLoginFails() {
    assertThat(accepts(b -> b.issueTime(Date.from(NOW.plusSeconds(59))))).isTrue();
    assertThat(accepts(b -> b.issueTime(Date.from(NOW.plusSeconds(61))))).isFalse();
    assertThat(accepts(b -> b.issueTime(Date.from(STARTED.minusSeconds(61))))).isFalse();
    assertThat(accepts(b -> b.issueTime(null))).isFalse();
  }

  @Test
  void theNonceMustBeTheLogins() {
    assertThat(accepts(b -> b.claim("nonce", "other"))).isFalse();
    assertThat(accepts(b -> b.claim("nonce", null))).isFalse();
    assertThat(accepts(b -> b.claim("nonce", 42))).isFalse();
  }

  @Test
  void theSubjectMustBePresentAndShort() {
    assertThat(accepts(b -> b.subject(null))).isFalse();
    assertThat(accepts(b -> b.subject(""))).isFalse();
    assertThat(accepts(b -> b.subject("x".repeat(256)))).isFalse();
  }
}

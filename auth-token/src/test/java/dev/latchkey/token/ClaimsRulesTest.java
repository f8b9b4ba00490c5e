package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.AuthResult.Reason;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The claims step alone: which payloads {@link ClaimsRules#read} accepts and what it answers, and
 * the time window of {@link ClaimsRules#checkTime}, on maps as {@link StrictJson} gives them.
 */
class ClaimsRulesTest {
  private static final long NOW = 1_764_064_800_000L;
  private static final ClaimsRules RULES = new ClaimsRules("https://issuer", "api", 60_000);

  private static Map<String, Object> claims() {
    Map<String, Object> c = new HashMap<>();
    c.put("iss", "https://issuer");
    c.put("sub", "alice");
    c.put("aud", "api");
    c.put("iat", NOW / 1000);
    c.put("exp", NOW / 1000 + 900);
    c.put("jti", "id-1");
    return c;
  }

  private static void refused(Map<String, Object> claims, Reason reason, String detail) {
    assertThatThrownBy(() -> RULES.read(claims))
        .isInstanceOfSatisfying(
            Refusal.class,
            r -> {
              assertThat(r.reason).isEqualTo(reason);
              assertThat(r.getMessage()).isEqualTo(detail);
            });
  }

  private static Map<String, Object> with(String name, Object value) {
    Map<String, Object> c = claims();
    c.put(name, value);
    return c;
  }

  private static Map<String, Object> without(String name) {
    Map<String, Object> c = claims();
    c.remove(name);
    return c;
  }

  @Test
  void aValidPayloadGivesThePrincipalAndTimesInMilliseconds() throws Refusal {
    Map<String, Object> c = claims();
    c.put("roles", List.of("admin", "user", "admin"));
    c.put("attrs", Map.of("tenant", "t1"));
    c.put("sid", "family");
    c.put("iat", 1_764_064_800.123);

    VerifiedClaims v = RULES.read(c);

    assertThat(v.principal().subject()).isEqualTo("alice");
    assertThat(v.principal().roles()).isEqualTo(Set.of("admin", "user"));
    assertThat(v.principal().attributes()).isEqualTo(Map.of("tenant", "t1"));
    assertThat(v.issuedAtMillis()).isEqualTo(NOW + 123);
    assertThat(v.expiresAtMillis()).isEqualTo(NOW + 900_000);
    assertThat(v.notBeforeMillis()).isEqualTo(Long.MIN_VALUE);
    assertThat(v.familyId()).isEqualTo("family");
    assertThat(v.tokenId()).isEqualTo("id-1");
    assertThat(v.claims()).isSameAs(c);
  }

  @Test
  void anAudienceArrayMustNameTheAudience() throws Refusal {
    assertThat(RULES.read(with("aud", List.of("other", "api"))).principal().subject())
        .isEqualTo("alice");
    refused(with("aud", List.of("other")), Reason.INVALID_CREDENTIALS, "wrong audience");
    refused(with("aud", List.of("api", 1)), Reason.MALFORMED, "claim is not a string array: aud");
    refused(with("aud", 1), Reason.MALFORMED, "claim is not a string or array: aud");
  }

  @Test
  void theIssuerAndAudienceMustBeTheConfiguredOnes() {
    refused(with("iss", "https://other"), Reason.INVALID_CREDENTIALS, "wrong issuer");
    refused(with("aud", "web"), Reason.INVALID_CREDENTIALS, "wrong audience");
  }

  @Test
  void requiredClaimsMustBePresentAndTyped() {
    for (String name : new String[] {"iss", "sub", "aud", "exp", "iat", "jti"}) {
      refused(without(name), Reason.MALFORMED, "missing claim: " + name);
    }
    refused(with("sub", 1L), Reason.MALFORMED, "claim is not a string: sub");
    refused(with("sub", " "), Reason.MALFORMED, "blank sub");
    refused(with("jti", ""), Reason.MALFORMED, "empty jti");
    refused(with("exp", "soon"), Reason.MALFORMED, "claim is not a number: exp");
    refused(with("nbf", true), Reason.MALFORMED, "claim is not a number: nbf");
    refused(with("sid", 1L), Reason.MALFORMED, "claim is not a string: sid");
    refused(with("scope", List.of("read")), Reason.MALFORMED, "claim is not a string: scope");
    refused(with("roles", "admin"), Reason.MALFORMED, "claim is not an array: roles");
    refused(with("roles", List.of(1L)), Reason.MALFORMED, "claim is not a string array: roles");
    refused(with("attrs", List.of()), Reason.MALFORMED, "claim is not an object: attrs");
    refused(with("attrs", Map.of("a", 1L)), Reason.MALFORMED, "claim is not a string map: attrs");
  }

  @Test
  void numericDatesMustLieBetween1970And9999() throws Refusal {
    assertThat(RULES.read(with("nbf", 0L)).notBeforeMillis()).isZero();
    assertThat(RULES.read(with("exp", 253_402_300_799L)).expiresAtMillis())
        .isEqualTo(253_402_300_799_000L);
    refused(with("exp", 253_402_300_800L), Reason.MALFORMED, "claim out of range: exp");
    refused(with("iat", -1L), Reason.MALFORMED, "claim out of range: iat");
    refused(with("nbf", -0.5), Reason.MALFORMED, "claim out of range: nbf");
    refused(with("exp", Double.NaN), Reason.MALFORMED, "claim out of range: exp");
  }

  @Test
  void expiryHoldsUntilTheSkewHasPassed() throws Refusal {
    VerifiedClaims v = RULES.read(claims());
    long exp = v.expiresAtMillis();

    RULES.checkTime(v, exp + 59_999);
    assertThatThrownBy(() -> RULES.checkTime(v, exp + 60_000))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.reason).isEqualTo(Reason.EXPIRED));
  }

  @Test
  void notBeforeAndIssuedAtMayLieAheadByTheSkewOnly() throws Refusal {
    VerifiedClaims notYet = RULES.read(with("nbf", NOW / 1000 + 60));
    RULES.checkTime(notYet, NOW);
    assertThatThrownBy(() -> RULES.checkTime(notYet, NOW - 1))
        .isInstanceOfSatisfying(
            Refusal.class,
            r -> {
              assertThat(r.reason).isEqualTo(Reason.INVALID_CREDENTIALS);
              assertThat(r.getMessage()).isEqualTo("token not yet valid");
            });

    VerifiedClaims ahead = RULES.read(with("iat", NOW / 1000 + 60));
    RULES.checkTime(ahead, NOW);
    assertThatThrownBy(() -> RULES.checkTime(ahead, NOW - 1))
        .isInstanceOfSatisfying(
            Refusal.class,
            r -> {
              assertThat(r.reason).isEqualTo(Reason.INVALID_CREDENTIALS);
              assertThat(r.getMessage()).isEqualTo("token issued in the future");
            });
  }
}

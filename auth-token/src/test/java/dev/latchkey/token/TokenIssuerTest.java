package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.latchkey.core.Principal;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.TokenService.IssuedToken;
import dev.latchkey.core.spi.RevocationList;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The issuer alone: the header and claims it writes, what it refuses, and when it mints. */
class TokenIssuerTest {
  private static final SigningKey KEY = SigningKey.hmac("k1", new byte[32], SigningAlgorithm.HS256);

  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00.123Z"));
  private final RevocationList revocations = JwtTokenService.inMemoryRevocationList(clock);

  private TokenIssuer issuer(int maxTokenLength) {
    return new TokenIssuer(
        KEY, "https://issuer", "api", 900, clock, revocations, 55_000, maxTokenLength);
  }

  /** The header (0) or payload (1) of {@code token}, as JSON. */
  private static Map<String, Object> part(String token, int index) throws Exception {
    int first = token.indexOf('.');
    String segment =
        index == 0 ? token.substring(0, first) : token.substring(first + 1, token.lastIndexOf('.'));
    return JSONObjectUtils.parse(
        new String(Base64.getUrlDecoder().decode(segment), StandardCharsets.UTF_8));
  }

  @Test
  void theHeaderNamesTheKeyAndTheAccessTokenType() throws Exception {
    TokenIssuer issuer = issuer(8192);
    String token = issuer.issue(Principal.of("alice"), null, Map.of()).value();

    assertThat(part(token, 0)).isEqualTo(Map.of("alg", "HS256", "kid", "k1", "typ", "at+jwt"));
    assertThat(token).startsWith(issuer.headerSegment() + '.');
  }

  @Test
  void theClaimsAreThePrincipalsWithMillisecondsInIat() throws Exception {
    Principal alice = new Principal("alice", Set.of("user", "admin"), Map.of("tenant", "t1"));

    IssuedToken issued = issuer(8192).issue(alice, "f1", Map.of("scope", "read write"));
    Map<String, Object> claims = part(issued.value(), 1);

    assertThat(claims)
        .containsEntry("iss", "https://issuer")
        .containsEntry("sub", "alice")
        .containsEntry("aud", "api")
        .containsEntry("exp", 1_767_225_600L + 900)
        .containsEntry("sid", "f1")
        .containsEntry("roles", List.of("admin", "user"))
        .containsEntry("attrs", Map.of("tenant", "t1"))
        .containsEntry("scope", "read write")
        .containsKey("jti");
    assertThat(((Number) claims.get("iat")).doubleValue()).isEqualTo(1_767_225_600.123);
    assertThat(issued.expiresAt()).isEqualTo(Instant.parse("2026-01-01T00:15:00Z"));
  }

  @Test
  void everyTokenHasItsOwnId() throws Exception {
    TokenIssuer issuer = issuer(8192);

    Object first = part(issuer.issue(Principal.of("a"), null, Map.of()).value(), 1).get("jti");
    Object second = part(issuer.issue(Principal.of("a"), null, Map.of()).value(), 1).get("jti");

    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void extraClaimsMayNotSetRegisteredOnesNorANonStringScope() {
    TokenIssuer issuer = issuer(8192);
    for (String name : ClaimsRules.REGISTERED) {
      assertThatThrownBy(() -> issuer.issue(Principal.of("a"), null, Map.of(name, "x")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(name);
    }
    assertThatThrownBy(() -> issuer.issue(Principal.of("a"), null, Map.of("scope", List.of("r"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scope");
  }

  @Test
  void aTokenOverTheLengthLimitIsRefusedNotIssued() {
    TokenIssuer issuer = issuer(512);

    assertThatThrownBy(() -> issuer.issue(Principal.of("a"), null, Map.of("big", "x".repeat(600))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("over maxTokenLength 512")
        .hasMessageNotContaining("xxx");
  }

  @Test
  void aCutOffAheadOfTheClockIsTheIssueTime() throws Exception {
    Instant cutOff = clock.instant().plusSeconds(3);
    revocations.revokeSubject("alice", cutOff, cutOff.plusSeconds(3600));

    String token = issuer(8192).issue(Principal.of("alice"), null, Map.of()).value();

    assertThat(((Number) part(token, 1).get("iat")).doubleValue())
        .isEqualTo(cutOff.toEpochMilli() / 1000.0);
  }
}

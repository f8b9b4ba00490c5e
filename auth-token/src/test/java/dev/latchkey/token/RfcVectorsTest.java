package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.AuthResult;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The published JWS examples of RFC 7515 appendix A and RFC 8037 appendix A.4, verified at the
 * signature layer with their published keys. They carry no {@code kid}, {@code iss}, {@code aud} or
 * {@code typ}, so the service would refuse them by policy; the signatures themselves must hold.
 */
class RfcVectorsTest {
  // RFC 7515 A.1: {"typ":"JWT",\r\n "alg":"HS256"} over the "joe" claims.
  static final String A1_KEY =
      "{\"kty\":\"oct\",\"kid\":\"a1\",\"alg\":\"HS256\","
          + "\"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow\"}";
  static final String A1_TOKEN =
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
          + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
          + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

  // RFC 7515 A.2: RS256, public key only.
  static final String A2_KEY =
      "{\"kty\":\"RSA\",\"kid\":\"a2\",\"alg\":\"RS256\",\"e\":\"AQAB\",\"n\":\""
          + "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddx"
          + "HmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMs"
          + "D1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSH"
          + "SXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdV"
          + "MTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8"
          + "NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ\"}";
  static final String A2_TOKEN =
      "eyJhbGciOiJSUzI1NiJ9"
          + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
          + ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7"
          + "AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4"
          + "BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K"
          + "0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv"
          + "hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrB"
          + "p0igcN_IoypGlUPQGe77Rw";

  // RFC 7515 A.3: ES256 on P-256.
  static final String A3_KEY =
      "{\"kty\":\"EC\",\"kid\":\"a3\",\"crv\":\"P-256\","
          + "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
          + "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\","
          + "\"d\":\"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI\"}";
  static final String A3_TOKEN =
      "eyJhbGciOiJFUzI1NiJ9"
          + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
          + ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

  // RFC 8037 A.4: EdDSA on Ed25519, payload "Example of Ed25519 signing".
  static final String A4_KEY =
      "{\"kty\":\"OKP\",\"kid\":\"ed\",\"crv\":\"Ed25519\","
          + "\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\","
          + "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";
  static final String A4_TOKEN =
      "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
          + ".hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

  /** A.1's exp is 1300819380 (2011-03-22T18:43:00Z); this is a minute before. */
  static final Instant INSIDE_VALIDITY = Instant.ofEpochSecond(1300819320);

  private static void verifies(String jwk, String token) throws Refusal {
    SigningKey key = SigningKey.fromJwk(jwk);
    Pipeline.verifyWith(CompactJws.parse(token, 8192), key);
  }

  private static void refusedWhenTampered(String jwk, String token) {
    SigningKey key = SigningKey.fromJwk(jwk);
    // Flip one character of the payload: the signature no longer covers it.
    int at = token.indexOf('.') + 5;
    char c = token.charAt(at) == 'A' ? 'B' : 'A';
    String tampered = token.substring(0, at) + c + token.substring(at + 1);
    assertThatThrownBy(() -> Pipeline.verifyWith(CompactJws.parse(tampered, 8192), key))
        .isInstanceOf(Refusal.class)
        .extracting(r -> ((Refusal) r).reason)
        .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
  }

  @Test
  void rfc7515A1Hs256VerifiesWithItsKeyInsideItsValidity() throws Refusal {
    verifies(A1_KEY, A1_TOKEN);
    VerifiedClaims times =
        new VerifiedClaims(
            dev.latchkey.core.Principal.of("joe"),
            "joe",
            "none",
            Instant.EPOCH,
            0,
            ((Number) CompactJws.parse(A1_TOKEN, 8192).payload().get("exp")).longValue() * 1000,
            Long.MIN_VALUE,
            null,
            java.util.Map.of());
    new ClaimsRules("iss", "aud", 0).checkTime(times, INSIDE_VALIDITY.toEpochMilli());
    assertThatThrownBy(
            () ->
                new ClaimsRules("iss", "aud", 0)
                    .checkTime(times, INSIDE_VALIDITY.plusSeconds(60).toEpochMilli()))
        .isInstanceOf(Refusal.class)
        .extracting(r -> ((Refusal) r).reason)
        .isEqualTo(AuthResult.Reason.EXPIRED);
  }

  @Test
  void rfc7515A1PayloadIsTheJoeClaims() throws Refusal {
    assertThat(CompactJws.parse(A1_TOKEN, 8192).payload())
        .containsEntry("iss", "joe")
        .containsEntry("exp", 1300819380L)
        .containsEntry("http://example.com/is_root", true);
  }

  @Test
  void rfc7515A2Rs256VerifiesWithItsPublicKey() throws Refusal {
    verifies(A2_KEY, A2_TOKEN);
    assertThat(SigningKey.fromJwk(A2_KEY).canSign()).isFalse();
  }

  @Test
  void rfc7515A3Es256VerifiesWithItsPublicKey() throws Refusal {
    Pipeline.verifyWith(CompactJws.parse(A3_TOKEN, 8192), SigningKey.fromJwk(A3_KEY).publicOnly());
  }

  @Test
  void rfc7515A3HasAHighSThatTheSigningKeyRefusesAndItsLowSTwinPasses() throws Refusal {
    // The RFC's signature has s above n / 2. A key that signs accepts only the low spelling,
    // which is the same signature with s replaced by n - s.
    SigningKey signing = SigningKey.fromJwk(A3_KEY);
    assertThatThrownBy(() -> Pipeline.verifyWith(CompactJws.parse(A3_TOKEN, 8192), signing))
        .isInstanceOf(Refusal.class)
        .hasMessage("bad signature");
    Pipeline.verifyWith(
        CompactJws.parse(EcdsaLowSTest.otherSpelling(SigningAlgorithm.ES256, A3_TOKEN), 8192),
        signing);
  }

  @Test
  void rfc8037A4Ed25519VerifiesWithItsKey() throws Refusal {
    verifies(A4_KEY, A4_TOKEN);
  }

  @Test
  void tamperedVectorsAreRefused() {
    refusedWhenTampered(A1_KEY, A1_TOKEN);
    refusedWhenTampered(A2_KEY, A2_TOKEN);
    refusedWhenTampered(A3_KEY, A3_TOKEN);
    refusedWhenTampered(A4_KEY, A4_TOKEN);
  }

  @Test
  void vectorsAreRefusedByAKeyOfAnotherAlgorithm() {
    SigningKey hmac = SigningKey.fromJwk(A1_KEY);
    assertThatThrownBy(() -> Pipeline.verifyWith(CompactJws.parse(A2_TOKEN, 8192), hmac))
        .isInstanceOf(Refusal.class)
        .hasMessage("alg does not match the key");
  }
}

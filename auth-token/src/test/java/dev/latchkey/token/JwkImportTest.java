package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * JWK and JWK Set import alone: which JWKs become which keys, and which are refused with a message
 * that quotes no key material. The {@code key_ops} rules are in {@link JwkKeyOpsTest}.
 */
class JwkImportTest {
  private static final String ZEROS =
      Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);

  @Test
  void jwkWithoutKidIsRefused() {
    assertThatThrownBy(
            () ->
                JwkImport.fromJwk(
                    "{\"kty\":\"oct\",\"alg\":\"HS256\",\"k\":\""
                        + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32])
                        + "\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kid");
  }

  @Test
  void invalidJwkMessageDoesNotQuoteTheInput() {
    assertThatThrownBy(() -> JwkImport.fromJwk("{\"kty\":\"oct\",\"k\":\"SECRET-MATERIAL"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a valid JWK");
  }

  @Test
  void jwkOfAnEncryptionKeyIsRefused() {
    SigningKey ec = SigningKey.generateEc("e");
    String json = ec.publicJwkJson().orElseThrow().replace("\"sig\"", "\"enc\"");

    assertThatThrownBy(() -> JwkImport.fromJwk(json)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void publicJwkRoundTripsToAVerifyOnlyKey() {
    for (SigningKey key :
        List.of(
            SigningKey.generateRsa("r", SigningAlgorithm.RS256),
            SigningKey.generateRsa("p", SigningAlgorithm.PS256),
            SigningKey.generateEc("e"),
            SigningKey.generateEd25519("d"))) {
      SigningKey parsed = JwkImport.fromJwk(key.publicJwkJson().orElseThrow());
      assertThat(parsed.canSign()).isFalse();
      assertThat(parsed.algorithm()).isEqualTo(key.algorithm());
      SigningKeyTest.signsAndVerifies(key, parsed);
    }
  }

  @Test
  void jwkSetIsReadKeyByKey() {
    KeyRing ring = KeyRing.of(SigningKey.generateEc("a"), SigningKey.generateEd25519("b"));

    List<SigningKey> keys = JwkImport.fromJwkSet(ring.publicJwkSetJson());

    assertThat(keys).extracting(SigningKey::kid).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void aJwkWithoutAlgIsReadByItsCurveOrRefused() {
    String ed = SigningKey.generateEd25519("d").publicJwkJson().orElseThrow();
    String ec = SigningKey.generateEc("e").publicJwkJson().orElseThrow();

    assertThat(JwkImport.fromJwk(ed.replace("\"alg\":\"EdDSA\",", "")).algorithm())
        .isEqualTo(SigningAlgorithm.EDDSA);
    assertThat(JwkImport.fromJwk(ec.replace("\"alg\":\"ES256\",", "")).algorithm())
        .isEqualTo(SigningAlgorithm.ES256);
    assertThatThrownBy(
            () -> JwkImport.fromJwk("{\"kty\":\"oct\",\"kid\":\"h\",\"k\":\"" + ZEROS + "\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("JWK h needs an alg member");
  }

  @Test
  void aSecretJwkSignsAndAnUnknownAlgIsRefused() {
    SigningKey hmac =
        JwkImport.fromJwk(
            "{\"kty\":\"oct\",\"kid\":\"h\",\"alg\":\"HS256\",\"k\":\"" + ZEROS + "\"}");

    assertThat(hmac.canSign()).isTrue();
    assertThat(hmac.algorithm()).isEqualTo(SigningAlgorithm.HS256);
    assertThatThrownBy(
            () ->
                JwkImport.fromJwk(
                    "{\"kty\":\"oct\",\"kid\":\"h\",\"alg\":\"none\",\"k\":\"" + ZEROS + "\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported JWS algorithm");
  }

  @Test
  void aJwkOfTheWrongTypeForItsAlgIsRefused() {
    String rsaNamedEs =
        SigningKey.generateRsa("r", SigningAlgorithm.RS256)
            .publicJwkJson()
            .orElseThrow()
            .replace("\"RS256\"", "\"ES256\"");

    assertThatThrownBy(() -> JwkImport.fromJwk(rsaNamedEs))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("JWK r of type RSA cannot be used with ES256");
  }

  @Test
  void notAJwkSetIsRefusedWithoutQuotingIt() {
    assertThatThrownBy(() -> JwkImport.fromJwkSet("{\"keys\":[{\"k\":\"SECRET"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a valid JWK Set");
    assertThat(JwkImport.fromJwkSet("{\"keys\":[]}")).isEqualTo(List.of());
  }
}

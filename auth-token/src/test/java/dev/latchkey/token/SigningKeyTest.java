package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import dev.latchkey.core.TestClock;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SigningKeyTest {
  static final TestClock CLOCK = TestClock.atNow();

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  /** Signs with {@code signer}, verifies with a ring holding only {@code verifier}. */
  static void signsAndVerifies(SigningKey signer, SigningKey verifier) {
    JwtTokenService issuing =
        JwtTokenService.builder(KeyRing.of(signer), "iss", "aud").clock(CLOCK).build();
    String token = issuing.issue(Principal.of("alice")).value();
    SigningKey dummy = SigningKey.hmac("dummy", new byte[32], SigningAlgorithm.HS256);
    JwtTokenService verifying =
        JwtTokenService.builder(KeyRing.of(dummy, verifier), "iss", "aud").clock(CLOCK).build();
    assertThat(verifying.verify(token)).isEqualTo(AuthResult.success(Principal.of("alice")));
  }

  @Test
  void shortHmacSecretIsRefusedNamingTheMinimum() {
    assertThatThrownBy(() -> SigningKey.hmac("k", new byte[31], SigningAlgorithm.HS256))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 32 bytes");
    assertThatThrownBy(() -> SigningKey.hmac("k", new byte[32], SigningAlgorithm.HS384))
        .hasMessageContaining("at least 48 bytes");
    assertThatThrownBy(() -> SigningKey.hmac("k", new byte[63], SigningAlgorithm.HS512))
        .hasMessageContaining("at least 64 bytes");
  }

  @Test
  void hmacKeyRefusesAsymmetricAlgorithm() {
    assertThatThrownBy(() -> SigningKey.hmac("k", new byte[32], SigningAlgorithm.RS256))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hmacSecretIsCopied() {
    byte[] secret = new byte[32];
    SigningKey key = SigningKey.hmac("k", secret, SigningAlgorithm.HS256);
    JwtTokenService s = JwtTokenService.builder(KeyRing.of(key), "iss", "aud").build();
    String token = s.issue(Principal.of("alice")).value();

    secret[0] = 1;

    assertThat(s.verify(token).succeeded()).isTrue();
  }

  @Test
  void rsaUnder2048BitsIsRefused() {
    assertThatThrownBy(() -> SigningKey.generateRsa("k", SigningAlgorithm.RS256, 1024))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2048");
  }

  @Test
  void blankKidIsRefused() {
    assertThatThrownBy(() -> SigningKey.generateEc(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toStringShowsNoKeyMaterial() {
    SigningKey key =
        SigningKey.hmac(
            "k",
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII),
            SigningAlgorithm.HS256);

    assertThat(key.toString()).isEqualTo("SigningKey[kid=k, alg=HS256]");
    assertThat(SigningKey.generateRsa("r", SigningAlgorithm.PS256).publicOnly().toString())
        .isEqualTo("SigningKey[kid=r, alg=PS256, verify-only]");
  }

  // Key ring

  @Test
  void keyRingRefusesDuplicateKids() {
    SigningKey a = SigningKey.generateEc("same");
    SigningKey b = SigningKey.generateEd25519("same");

    assertThatThrownBy(() -> KeyRing.builder().signWith(a).verifyAlso(b).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("same");
  }

  @Test
  void keyRingNeedsASigningKeyThatCanSign() {
    assertThatThrownBy(() -> KeyRing.builder().build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> KeyRing.of(SigningKey.generateEc("e").publicOnly()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void signingKeyCannotBeRemoved() {
    KeyRing ring = KeyRing.of(SigningKey.generateEc("e"));

    assertThatThrownBy(() -> ring.without("e")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void jwkSetExportHoldsPublicPartsOnlyAndNoHmacKey() throws Exception {
    KeyRing ring =
        KeyRing.builder()
            .signWith(SigningKey.generateRsa("rsa", SigningAlgorithm.RS256))
            .verifyAlso(
                SigningKey.hmac("hmac", new byte[32], SigningAlgorithm.HS256),
                SigningKey.generateEc("ec"),
                SigningKey.generateEd25519("ed"),
                SigningKey.generateRsa("pss", SigningAlgorithm.PS256))
            .build();

    Map<String, Object> set = JSONObjectUtils.parse(ring.publicJwkSetJson());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> keys = (List<Map<String, Object>>) set.get("keys");

    assertThat(keys)
        .extracting(k -> k.get("kid"))
        .containsExactlyInAnyOrder("rsa", "ec", "ed", "pss");
    for (Map<String, Object> k : keys) {
      assertThat(k).doesNotContainKeys("d", "p", "q", "dp", "dq", "qi", "k", "oth");
      assertThat(k).containsKeys("kty", "kid", "alg").containsEntry("use", "sig");
    }
  }
}

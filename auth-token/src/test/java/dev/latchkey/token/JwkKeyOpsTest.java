package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.latchkey.core.Principal;
import dev.latchkey.core.TestClock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A JWK is used only as its {@code key_ops} (RFC 7517 section 4.3) and {@code use} allow: a key
 * that may not sign never signs, one that may not verify never verifies, one that may do neither is
 * refused on import; and a JWK Set is either all secret or private keys or all public ones.
 */
class JwkKeyOpsTest {
  private static final byte[] SECRET = new byte[32];
  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));

  private static String oct(String kid, KeyOperation... ops) {
    OctetSequenceKey.Builder b =
        new OctetSequenceKey.Builder(SECRET).keyID(kid).algorithm(JWSAlgorithm.HS256);
    if (ops.length > 0) {
      b.keyOperations(Set.of(ops));
    }
    return b.build().toJSONString();
  }

  private static ECKey ec(String kid, KeyOperation... ops) throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    return ops.length == 0 ? key : new ECKey.Builder(key).keyOperations(Set.of(ops)).build();
  }

  private JwtTokenService service(KeyRing ring) {
    return JwtTokenService.builder(ring, "https://auth.example", "api").clock(clock).build();
  }

  /** A token of {@code SECRET} under kid {@code kid}, from a key with no key_ops. */
  private String tokenOf(String kid) {
    return service(KeyRing.of(SigningKey.hmac(kid, SECRET, SigningAlgorithm.HS256)))
        .issue(Principal.of("alice"))
        .value();
  }

  @Test
  void aKeyWhoseKeyOpsForbidSigningIsNotUsedToSign() {
    SigningKey verifyOnly = SigningKey.fromJwk(oct("h", KeyOperation.VERIFY));

    assertThat(verifyOnly.canSign()).isFalse();
    assertThatThrownBy(() -> KeyRing.of(verifyOnly))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("h");
    // It still verifies, as its key_ops allow.
    assertThat(service(KeyRing.verifyOnly(verifyOnly)).verify(tokenOf("h")).succeeded()).isTrue();
  }

  @Test
  void aKeyWhoseKeyOpsForbidVerifyingIsNotUsedToVerify() throws Exception {
    SigningKey signOnly = SigningKey.fromJwk(oct("h", KeyOperation.SIGN));
    SigningKey ecSignOnly = SigningKey.fromJwk(ec("e", KeyOperation.SIGN).toJSONString());
    SigningKey other = SigningKey.hmac("o", SECRET, SigningAlgorithm.HS256);

    // No ring takes it: a ring's service verifies what it issues, and revoke verifies first, so
    // a signing key that may not verify would issue tokens no logout could revoke.
    for (SigningKey key : List.of(signOnly, ecSignOnly)) {
      assertThatThrownBy(() -> KeyRing.of(key))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("key_ops");
      assertThatThrownBy(() -> KeyRing.verifyOnly(key))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("key_ops");
      assertThatThrownBy(() -> KeyRing.of(other, key))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("key_ops");
    }
    // And the key itself refuses to verify, even a signature it made.
    String token = Forge.sign(signOnly, "{\"alg\":\"HS256\",\"kid\":\"h\"}", "{}");
    assertThatThrownBy(() -> Pipeline.verifyWith(CompactJws.parse(token, 8192), signOnly))
        .isInstanceOf(Refusal.class)
        .hasMessage("bad signature");
    // The same secret without key_ops verifies it: the refusal is the key_ops', not the token's.
    Pipeline.verifyWith(
        CompactJws.parse(token, 8192), SigningKey.hmac("h", SECRET, SigningAlgorithm.HS256));
  }

  @Test
  void aKeyWhoseKeyOpsAllowBothSignsAndVerifies() {
    SigningKey both = SigningKey.fromJwk(oct("h", KeyOperation.SIGN, KeyOperation.VERIFY));
    JwtTokenService service = service(KeyRing.of(both));

    assertThat(service.verify(service.issue(Principal.of("alice")).value()).succeeded()).isTrue();
    assertThat(service.verify(tokenOf("h")).succeeded()).isTrue();
  }

  @Test
  void aKeyWhoseKeyOpsAllowNeitherSigningNorVerifyingIsRefused() throws Exception {
    assertThatThrownBy(() -> SigningKey.fromJwk(oct("h", KeyOperation.ENCRYPT)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key_ops");
    // A public key can only verify: one whose key_ops say sign only is of no use.
    String publicSignOnly = ec("e", KeyOperation.SIGN).toPublicJWK().toJSONString();
    assertThatThrownBy(() -> SigningKey.fromJwk(publicSignOnly))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key_ops");
  }

  @Test
  void thePublishedPartOfASignOnlyKeyVerifiesElsewhere() throws Exception {
    SigningKey signOnly = SigningKey.fromJwk(ec("e", KeyOperation.SIGN).toJSONString());
    long now = clock.instant().getEpochSecond();
    String token =
        Forge.sign(
            signOnly,
            "{\"alg\":\"ES256\",\"kid\":\"e\",\"typ\":\"at+jwt\"}",
            "{\"iss\":\"https://auth.example\",\"sub\":\"alice\",\"aud\":\"api\",\"iat\":"
                + now
                + ",\"exp\":"
                + (now + 60)
                + ",\"jti\":\"j\"}");

    // What the issuer publishes is for verifying: its public JWK carries use=sig, no key_ops.
    SigningKey published = SigningKey.fromJwk(signOnly.publicJwkJson().orElseThrow());

    assertThat(service(KeyRing.verifyOnly(published)).verify(token).succeeded()).isTrue();
  }

  @Test
  void aJwkSetMixingSecretAndPublicKeysIsRefused() throws Exception {
    JWK secret = JWK.parse(oct("h"));
    JWK publicKey = ec("e").toPublicJWK();
    JWK privateKey = ec("p");

    for (List<JWK> mixed : List.of(List.of(secret, publicKey), List.of(privateKey, publicKey))) {
      String json = new JWKSet(mixed).toString(false);
      assertThatThrownBy(() -> SigningKey.fromJwkSet(json))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("e")
          .hasMessageNotContaining(((OctetSequenceKey) secret).getKeyValue().toString());
    }
  }

  @Test
  void aJwkSetOfOnlySecretOrOnlyPublicKeysIsRead() throws Exception {
    String secrets = new JWKSet(List.of(JWK.parse(oct("h")), ec("p"))).toString(false);
    String publics =
        new JWKSet(List.of(ec("a").toPublicJWK(), ec("b").toPublicJWK())).toString(false);

    assertThat(SigningKey.fromJwkSet(secrets))
        .extracting(SigningKey::kid)
        .containsExactly("h", "p");
    assertThat(SigningKey.fromJwkSet(publics))
        .extracting(SigningKey::kid)
        .containsExactly("a", "b");
  }
}

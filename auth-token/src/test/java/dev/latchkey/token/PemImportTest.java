package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * PEM import alone: which blocks become which keys, and which are refused with a message that
 * quotes no key material.
 */
class PemImportTest {
  @Test
  void rsaPkcs8PemSignsAndDerivesItsPublicKey() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    KeyPair pair = gen.generateKeyPair();

    SigningKey key =
        PemImport.fromPem(
            "r",
            SigningAlgorithm.RS256,
            SigningKeyTest.pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    SigningKey pub =
        PemImport.fromPem(
            "r",
            SigningAlgorithm.RS256,
            SigningKeyTest.pem("PUBLIC KEY", pair.getPublic().getEncoded()));

    assertThat(key.canSign()).isTrue();
    assertThat(pub.canSign()).isFalse();
    SigningKeyTest.signsAndVerifies(key, pub);
  }

  @Test
  void ecPemNeedsItsPublicBlock() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = gen.generateKeyPair();
    String priv = SigningKeyTest.pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    String pub = SigningKeyTest.pem("PUBLIC KEY", pair.getPublic().getEncoded());

    assertThatThrownBy(() -> PemImport.fromPem("e", SigningAlgorithm.ES256, priv))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PUBLIC KEY");
    SigningKeyTest.signsAndVerifies(
        PemImport.fromPem("e", SigningAlgorithm.ES256, priv + pub),
        PemImport.fromPem("e", SigningAlgorithm.ES256, pub));
  }

  @Test
  void ecKeyOffItsAlgorithmsCurveIsRefused() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair pair = gen.generateKeyPair();

    assertThatThrownBy(
            () ->
                PemImport.fromPem(
                    "e",
                    SigningAlgorithm.ES256,
                    SigningKeyTest.pem("PUBLIC KEY", pair.getPublic().getEncoded())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                PemImport.fromPem(
                    "e",
                    SigningAlgorithm.ES512,
                    SigningKeyTest.pem("PUBLIC KEY", pair.getPublic().getEncoded())))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({"ES384, secp384r1", "ES512, secp521r1"})
  void p384AndP521PemsSignAndVerifyUnderTheirAlgorithm(SigningAlgorithm alg, String curve)
      throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec(curve));
    KeyPair pair = gen.generateKeyPair();
    String priv = SigningKeyTest.pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    String pub = SigningKeyTest.pem("PUBLIC KEY", pair.getPublic().getEncoded());

    SigningKey key = PemImport.fromPem("e", alg, priv + pub);

    assertThat(key.algorithm()).isEqualTo(alg);
    SigningKeyTest.signsAndVerifies(key, PemImport.fromPem("e", alg, pub));
  }

  @ParameterizedTest
  @EnumSource(names = {"RS384", "RS512", "PS384", "PS512"})
  void rsaPemsTakeEveryRsaAlgorithm(SigningAlgorithm alg) throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    KeyPair pair = gen.generateKeyPair();

    SigningKey key =
        PemImport.fromPem(
            "r", alg, SigningKeyTest.pem("PRIVATE KEY", pair.getPrivate().getEncoded()));

    assertThat(key.algorithm()).isEqualTo(alg);
    SigningKeyTest.signsAndVerifies(key, key.publicOnly());
  }

  @Test
  void ed25519PemSignsAndDerivesItsPublicKey() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

    SigningKey key =
        PemImport.fromPem(
            "d",
            SigningAlgorithm.EDDSA,
            SigningKeyTest.pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    SigningKey pub =
        PemImport.fromPem(
            "d",
            SigningAlgorithm.EDDSA,
            SigningKeyTest.pem("PUBLIC KEY", pair.getPublic().getEncoded()));

    SigningKeyTest.signsAndVerifies(key, pub);
  }

  @Test
  void pemOfTheWrongAlgorithmIsRefused() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

    assertThatThrownBy(
            () ->
                PemImport.fromPem(
                    "d",
                    SigningAlgorithm.RS256,
                    SigningKeyTest.pem("PUBLIC KEY", pair.getPublic().getEncoded())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("PEM does not hold a RS256 key");
  }

  @Test
  void pkcs1PemIsRefusedWithAHint() {
    assertThatThrownBy(
            () ->
                PemImport.fromPem(
                    "r",
                    SigningAlgorithm.RS256,
                    "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("openssl pkcs8");
  }

  @Test
  void textWithoutAKeyBlockOrForHmacIsRefused() {
    assertThatThrownBy(() -> PemImport.fromPem("r", SigningAlgorithm.RS256, "no PEM here"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no PRIVATE KEY or PUBLIC KEY PEM block found");
    assertThatThrownBy(() -> PemImport.fromPem("h", SigningAlgorithm.HS256, "anything"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use hmac()");
  }

  @Test
  void anEd25519PublicBlockMustMatchItsPrivateBlock() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("Ed25519");
    KeyPair pair = gen.generateKeyPair();
    KeyPair other = gen.generateKeyPair();
    String priv = SigningKeyTest.pem("PRIVATE KEY", pair.getPrivate().getEncoded());

    assertThat(
            PemImport.fromPem(
                    "d",
                    SigningAlgorithm.EDDSA,
                    priv + SigningKeyTest.pem("PUBLIC KEY", pair.getPublic().getEncoded()))
                .canSign())
        .isTrue();
    assertThatThrownBy(
            () ->
                PemImport.fromPem(
                    "d",
                    SigningAlgorithm.EDDSA,
                    priv + SigningKeyTest.pem("PUBLIC KEY", other.getPublic().getEncoded())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the Ed25519 PUBLIC KEY does not match the PRIVATE KEY");
  }

  @Test
  void aBlockThatIsNotBase64IsRefusedWithoutQuotingIt() {
    assertThatThrownBy(
            () ->
                PemImport.fromPem(
                    "r",
                    SigningAlgorithm.RS256,
                    "-----BEGIN PRIVATE KEY-----\nSECRET=A\n-----END PRIVATE KEY-----\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("SECRET");
  }
}

package dev.latchkey.token;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Objects;

/**
 * The rules every {@link SigningKey} passes, however it is made (generated, imported from JWK or
 * PEM, built from JCA keys): a {@code kid} that is not blank, an HMAC secret at least as long as
 * the hash, RSA of at least {@value #MIN_RSA_BITS} bits, EC on P-256, P-384 or P-521 only. A broken
 * rule is an {@link IllegalArgumentException} whose message names the key and the rule, never key
 * material. Stateless.
 */
final class KeyChecks {
  static final int MIN_RSA_BITS = 2048;

  private KeyChecks() {}

  static SigningKey rsa(String kid, SigningAlgorithm alg, RSAPublicKey pub, PrivateKey priv) {
    checkRsaSize(pub.getModulus().bitLength());
    RSAKey.Builder b = new RSAKey.Builder(pub).keyID(kid);
    if (priv != null) {
      b.privateKey(priv);
    }
    return new SigningKey(kid, alg, b.build());
  }

  /** An ECDSA key under the algorithm of its curve (ES256, ES384 or ES512). */
  static SigningKey ec(String kid, ECPublicKey pub, ECPrivateKey priv) {
    Curve curve = Curve.forECParameterSpec(pub.getParams());
    SigningAlgorithm alg = curve == null ? null : SigningAlgorithm.forCurve(curve);
    if (alg == null) {
      throw new IllegalArgumentException("EC keys must be on P-256, P-384 or P-521: " + kid);
    }
    return ec(kid, alg, pub, priv);
  }

  /** An ECDSA key for {@code alg}, whose curve the key must be on. */
  static SigningKey ec(String kid, SigningAlgorithm alg, ECPublicKey pub, ECPrivateKey priv) {
    if (!alg.ecCurve().equals(Curve.forECParameterSpec(pub.getParams()))) {
      throw new IllegalArgumentException(
          alg.jwsName() + " keys must be on " + alg.ecCurve() + ": " + kid);
    }
    ECKey.Builder b = new ECKey.Builder(alg.ecCurve(), pub).keyID(kid);
    if (priv != null) {
      b.privateKey(priv);
    }
    return new SigningKey(kid, alg, b.build());
  }

  static void checkSecretLength(int length, SigningAlgorithm alg) {
    if (length < alg.minSecretBytes()) {
      throw new IllegalArgumentException(
          alg.jwsName()
              + " needs a secret of at least "
              + alg.minSecretBytes()
              + " bytes ("
              + alg.minSecretBytes() * 8
              + " bits), got "
              + length);
    }
  }

  static void checkRsaSize(int bits) {
    if (bits < MIN_RSA_BITS) {
      throw new IllegalArgumentException("RSA keys need at least 2048 bits: " + bits);
    }
  }

  static void requireKid(String kid) {
    Objects.requireNonNull(kid, "kid");
    if (kid.isBlank()) {
      throw new IllegalArgumentException("kid cannot be blank");
    }
  }
}

package dev.latchkey.token;

import com.google.crypto.tink.subtle.Ed25519Sign;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@link SigningKey}s from PEM text: an unencrypted PKCS#8 {@code PRIVATE KEY} block, an
 * X.509 {@code PUBLIC KEY} block, or both, for RS, PS and ES 256/384/512 and EdDSA. Anything else
 * (a PKCS#1 or SEC 1 block, an encrypted key, a key of another algorithm) is an {@link
 * IllegalArgumentException} whose message never quotes key material. Stateless.
 */
final class PemImport {
  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
  // The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the 32-byte key follows.
  private static final byte[] ED25519_SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  private PemImport() {}

  /** See {@link SigningKey#fromPem(String, SigningAlgorithm, String)}. */
  static SigningKey fromPem(String kid, SigningAlgorithm algorithm, String pem) {
    KeyChecks.requireKid(kid);
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(pem, "pem");
    if (algorithm.isHmac()) {
      throw new IllegalArgumentException("HMAC secrets are not read from PEM: use hmac()");
    }
    byte[] privateDer = null;
    byte[] publicDer = null;
    Matcher m = PEM_BLOCK.matcher(pem);
    while (m.find()) {
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("PEM block " + m.group(1) + " is not valid base64");
      }
      switch (m.group(1)) {
        case "PRIVATE KEY" -> privateDer = der;
        case "PUBLIC KEY" -> publicDer = der;
        case "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY" ->
            throw new IllegalArgumentException(
                m.group(1)
                    + " PEM is not supported: convert it to unencrypted PKCS#8"
                    + " (openssl pkcs8 -topk8 -nocrypt)");
        default -> {
          // Certificates and parameters are ignored: only keys matter here.
        }
      }
    }
    if (privateDer == null && publicDer == null) {
      throw new IllegalArgumentException("no PRIVATE KEY or PUBLIC KEY PEM block found");
    }
    try {
      return switch (algorithm) {
        case RS256, RS384, RS512, PS256, PS384, PS512 ->
            rsaFromDer(kid, algorithm, privateDer, publicDer);
        case ES256, ES384, ES512 -> ecFromDer(kid, algorithm, privateDer, publicDer);
        case EDDSA -> ed25519FromDer(kid, privateDer, publicDer);
        default -> throw new AssertionError(algorithm);
      };
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("PEM does not hold a " + algorithm.jwsName() + " key");
    }
  }

  private static SigningKey rsaFromDer(
      String kid, SigningAlgorithm alg, byte[] privateDer, byte[] publicDer)
      throws GeneralSecurityException {
    KeyFactory kf = KeyFactory.getInstance("RSA");
    PrivateKey priv =
        privateDer == null ? null : kf.generatePrivate(new PKCS8EncodedKeySpec(privateDer));
    RSAPublicKey pub;
    if (publicDer != null) {
      pub = (RSAPublicKey) kf.generatePublic(new X509EncodedKeySpec(publicDer));
    } else {
      RSAPrivateCrtKey crt = (RSAPrivateCrtKey) priv;
      pub =
          (RSAPublicKey)
              kf.generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
    }
    return KeyChecks.rsa(kid, alg, pub, priv);
  }

  private static SigningKey ecFromDer(
      String kid, SigningAlgorithm alg, byte[] privateDer, byte[] publicDer)
      throws GeneralSecurityException {
    KeyFactory kf = KeyFactory.getInstance("EC");
    if (publicDer == null) {
      throw new IllegalArgumentException(
          "an " + alg.jwsName() + " PEM needs its PUBLIC KEY block beside the PRIVATE KEY block");
    }
    ECPublicKey pub = (ECPublicKey) kf.generatePublic(new X509EncodedKeySpec(publicDer));
    ECPrivateKey priv =
        privateDer == null
            ? null
            : (ECPrivateKey) kf.generatePrivate(new PKCS8EncodedKeySpec(privateDer));
    return KeyChecks.ec(kid, alg, pub, priv);
  }

  private static SigningKey ed25519FromDer(String kid, byte[] privateDer, byte[] publicDer)
      throws GeneralSecurityException {
    byte[] x = null;
    byte[] d = null;
    if (privateDer != null) {
      KeyFactory kf = KeyFactory.getInstance("Ed25519");
      EdECPrivateKey priv =
          (EdECPrivateKey) kf.generatePrivate(new PKCS8EncodedKeySpec(privateDer));
      d = priv.getBytes().orElseThrow(() -> new GeneralSecurityException("no Ed25519 seed"));
      x = Ed25519Sign.KeyPair.newKeyPairFromSeed(d).getPublicKey();
    }
    if (publicDer != null) {
      byte[] fromSpki = ed25519PublicFromSpki(publicDer);
      if (x != null && !MessageDigest.isEqual(x, fromSpki)) {
        throw new IllegalArgumentException("the Ed25519 PUBLIC KEY does not match the PRIVATE KEY");
      }
      x = fromSpki;
    }
    OctetKeyPair.Builder b =
        new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).keyID(kid);
    if (d != null) {
      b.d(Base64URL.encode(d));
    }
    return new SigningKey(kid, SigningAlgorithm.EDDSA, b.build());
  }

  private static byte[] ed25519PublicFromSpki(byte[] der) throws GeneralSecurityException {
    if (der.length != ED25519_SPKI_PREFIX.length + 32
        || !Arrays.equals(
            der,
            0,
            ED25519_SPKI_PREFIX.length,
            ED25519_SPKI_PREFIX,
            0,
            ED25519_SPKI_PREFIX.length)) {
      throw new GeneralSecurityException("not an Ed25519 public key");
    }
    return Arrays.copyOfRange(der, ED25519_SPKI_PREFIX.length, der.length);
  }
}

package dev.latchkey.token;

import com.google.crypto.tink.subtle.Ed25519Sign;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
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
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@link SigningKey}s from JWK, JWK Set and PEM text, checking each before it is used: a weak
 * or unusable key, a JWK whose {@code use} is not {@code sig} or whose {@code key_ops} allow
 * neither signing nor verifying, or a JWK Set mixing secret or private keys with public ones, is an
 * {@link IllegalArgumentException} whose message never quotes key material. Stateless.
 */
final class KeyImport {
  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
  // The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the 32-byte key follows.
  private static final byte[] ED25519_SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  static final int MIN_RSA_BITS = 2048;

  private KeyImport() {}

  static SigningKey rsa(String kid, SigningAlgorithm alg, RSAPublicKey pub, PrivateKey priv) {
    checkRsaSize(pub.getModulus().bitLength());
    RSAKey.Builder b = new RSAKey.Builder(pub).keyID(kid);
    if (priv != null) {
      b.privateKey(priv);
    }
    return new SigningKey(kid, alg, b.build());
  }

  static SigningKey ec(String kid, ECPublicKey pub, ECPrivateKey priv) {
    if (!Curve.P_256.equals(Curve.forECParameterSpec(pub.getParams()))) {
      throw new IllegalArgumentException("ES256 keys must be on P-256: " + kid);
    }
    ECKey.Builder b = new ECKey.Builder(Curve.P_256, pub).keyID(kid);
    if (priv != null) {
      b.privateKey(priv);
    }
    return new SigningKey(kid, SigningAlgorithm.ES256, b.build());
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

  static SigningKey fromJwk(String json) {
    Objects.requireNonNull(json, "json");
    JWK jwk;
    try {
      jwk = JWK.parse(json);
    } catch (ParseException | RuntimeException e) {
      // No cause: the parser's message may quote the input, which holds key material.
      throw new IllegalArgumentException("not a valid JWK");
    }
    return fromJwk(jwk);
  }

  static List<SigningKey> fromJwkSet(String json) {
    Objects.requireNonNull(json, "json");
    JWKSet set;
    try {
      set = JWKSet.parse(json);
    } catch (ParseException | RuntimeException e) {
      throw new IllegalArgumentException("not a valid JWK Set");
    }
    List<SigningKey> keys = new ArrayList<>();
    List<String> secret = new ArrayList<>();
    List<String> publicOnly = new ArrayList<>();
    for (JWK jwk : set.getKeys()) {
      SigningKey key = fromJwk(jwk);
      (jwk.isPrivate() ? secret : publicOnly).add(key.kid());
      keys.add(key);
    }
    if (!secret.isEmpty() && !publicOnly.isEmpty()) {
      // A set holding public keys is one that is published or fetched: a secret or private key
      // in it is readable by everyone who can read the set, and forges tokens that verify.
      throw new IllegalArgumentException(
          "a JWK Set must hold only secret and private keys (configuration) or only public keys"
              + " (as published): keys "
              + secret
              + " hold secret or private parts, keys "
              + publicOnly
              + " do not");
    }
    return List.copyOf(keys);
  }

  static SigningKey fromJwk(JWK jwk) {
    String kid = jwk.getKeyID();
    if (kid == null || kid.isBlank()) {
      throw new IllegalArgumentException("a JWK needs a kid");
    }
    if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
      throw new IllegalArgumentException("JWK " + kid + " is not a signing key (use is not sig)");
    }
    Set<KeyOperation> ops = jwk.getKeyOperations();
    if (ops != null
        && !ops.contains(KeyOperation.VERIFY)
        && !(ops.contains(KeyOperation.SIGN) && jwk.isPrivate())) {
      // SigningKey honours the rest: without sign it never signs, without verify never verifies.
      throw new IllegalArgumentException(
          "JWK "
              + kid
              + " may neither sign nor verify here: its key_ops are "
              + ops.stream().map(KeyOperation::identifier).sorted().toList()
              + (jwk.isPrivate() ? "" : " and it holds no private part to sign with"));
    }
    SigningAlgorithm alg;
    if (jwk.getAlgorithm() != null) {
      alg = SigningAlgorithm.fromJwsName(jwk.getAlgorithm().getName());
    } else if (jwk instanceof ECKey) {
      alg = SigningAlgorithm.ES256;
    } else if (jwk instanceof OctetKeyPair) {
      alg = SigningAlgorithm.EDDSA;
    } else {
      throw new IllegalArgumentException("JWK " + kid + " needs an alg member");
    }
    if (alg.isHmac() && jwk instanceof OctetSequenceKey oct) {
      checkSecretLength(oct.toByteArray().length, alg);
      return new SigningKey(kid, alg, oct);
    }
    if (alg.isRsa() && jwk instanceof RSAKey rsa) {
      checkRsaSize(rsa.size());
      return new SigningKey(kid, alg, rsa);
    }
    if (alg == SigningAlgorithm.ES256 && jwk instanceof ECKey ec) {
      if (!Curve.P_256.equals(ec.getCurve())) {
        throw new IllegalArgumentException("ES256 keys must be on P-256: " + kid);
      }
      return new SigningKey(kid, alg, ec);
    }
    if (alg == SigningAlgorithm.EDDSA && jwk instanceof OctetKeyPair okp) {
      if (!Curve.Ed25519.equals(okp.getCurve())) {
        throw new IllegalArgumentException("EdDSA keys must be Ed25519: " + kid);
      }
      return new SigningKey(kid, alg, okp);
    }
    throw new IllegalArgumentException(
        "JWK " + kid + " of type " + jwk.getKeyType() + " cannot be used with " + alg.jwsName());
  }

  static SigningKey fromPem(String kid, SigningAlgorithm algorithm, String pem) {
    requireKid(kid);
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
        case RS256, PS256 -> rsaFromDer(kid, algorithm, privateDer, publicDer);
        case ES256 -> ecFromDer(kid, privateDer, publicDer);
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
    return rsa(kid, alg, pub, priv);
  }

  private static SigningKey ecFromDer(String kid, byte[] privateDer, byte[] publicDer)
      throws GeneralSecurityException {
    KeyFactory kf = KeyFactory.getInstance("EC");
    if (publicDer == null) {
      throw new IllegalArgumentException(
          "an ES256 PEM needs its PUBLIC KEY block beside the PRIVATE KEY block");
    }
    ECPublicKey pub = (ECPublicKey) kf.generatePublic(new X509EncodedKeySpec(publicDer));
    ECPrivateKey priv =
        privateDer == null
            ? null
            : (ECPrivateKey) kf.generatePrivate(new PKCS8EncodedKeySpec(privateDer));
    return ec(kid, pub, priv);
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

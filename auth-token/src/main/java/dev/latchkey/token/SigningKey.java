package dev.latchkey.token;

import com.google.crypto.tink.subtle.Ed25519Sign;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One JWS key with its key id ({@code kid}) and the one {@link SigningAlgorithm} it is used with.
 * A key holding private (or secret) material can sign and verify; a public-only key can only
 * verify, e.g. another service's key in a {@link KeyRing}.
 *
 * <p>Created by the static factories, which check the key at once and throw {@link
 * IllegalArgumentException} for a weak or unusable key (an HMAC secret shorter than the hash, RSA
 * under 2048 bits, an EC key not on P-256, a JWK without {@code kid}). {@code toString()} shows
 * the {@code kid} and algorithm only, never key material. Immutable and thread-safe.
 */
public final class SigningKey {
  private static final int MIN_RSA_BITS = 2048;
  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
  // The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the 32-byte key follows.
  private static final byte[] ED25519_SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  private final String kid;
  private final SigningAlgorithm algorithm;
  private final JWK publicJwk; // null for HMAC: a shared secret is never exported
  private final JWSSigner signer; // null for a verify-only key
  private final JWSVerifier verifier;
  private final JWSHeader verifyHeader;
  private final Mac hmacPrototype; // initialised with the secret, cloned once per thread
  // Each thread reuses its own initialised Mac (doFinal resets it): a clone per verification cost
  // five allocations and a digest state copy. Entries die with this key's ThreadLocal.
  private final ThreadLocal<Mac> hmac;

  private SigningKey(String kid, SigningAlgorithm algorithm, JWK jwk) {
    this.kid = kid;
    this.algorithm = algorithm;
    this.verifyHeader = new JWSHeader(JWSAlgorithm.parse(algorithm.jwsName()));
    try {
      switch (algorithm) {
        case HS256, HS384, HS512 -> {
          OctetSequenceKey oct = (OctetSequenceKey) jwk;
          this.publicJwk = null;
          this.signer = new MACSigner(oct);
          this.verifier = new MACVerifier(oct);
          this.hmacPrototype = hmacPrototype(algorithm, oct.toByteArray());
          this.hmac = ThreadLocal.withInitial(this::cloneHmac);
        }
        case RS256, PS256 -> {
          RSAKey rsa = (RSAKey) jwk;
          this.hmacPrototype = null;
          this.hmac = null;
          this.publicJwk = rsa.toPublicJWK();
          this.signer = rsa.isPrivate() ? new RSASSASigner(rsa) : null;
          this.verifier = new RSASSAVerifier(rsa.toRSAPublicKey());
        }
        case ES256 -> {
          ECKey ec = (ECKey) jwk;
          this.hmacPrototype = null;
          this.hmac = null;
          this.publicJwk = ec.toPublicJWK();
          this.signer = ec.isPrivate() ? new ECDSASigner(ec) : null;
          this.verifier = new ECDSAVerifier(ec.toECPublicKey());
        }
        case EDDSA -> {
          OctetKeyPair okp = (OctetKeyPair) jwk;
          this.hmacPrototype = null;
          this.hmac = null;
          this.publicJwk = okp.toPublicJWK();
          this.signer = okp.isPrivate() ? new Ed25519Signer(okp) : null;
          this.verifier = new Ed25519Verifier(okp.toPublicJWK());
        }
        default -> throw new AssertionError(algorithm);
      }
    } catch (JOSEException | ClassCastException e) {
      // No cause and no Nimbus message: either might quote key material.
      throw new IllegalArgumentException(
          "key " + kid + " cannot be used with " + algorithm.jwsName());
    }
  }

  private static Mac hmacPrototype(SigningAlgorithm alg, byte[] secret) {
    String name = "Hmac" + "SHA" + alg.jwsName().substring(2);
    try {
      Mac mac = Mac.getInstance(name);
      mac.init(new SecretKeySpec(secret, name));
      // Fail now rather than on the first token if this provider's Mac cannot be cloned.
      mac.clone();
      return mac;
    } catch (GeneralSecurityException | CloneNotSupportedException e) {
      throw new IllegalStateException(name + " is not available", e);
    }
  }

  /**
   * An HMAC key.
   *
   * @param secret at least as long as the hash (32, 48 or 64 bytes); copied
   * @throws IllegalArgumentException when {@code algorithm} is not HMAC or the secret is short
   */
  public static SigningKey hmac(String kid, byte[] secret, SigningAlgorithm algorithm) {
    requireKid(kid);
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(algorithm, "algorithm");
    if (!algorithm.isHmac()) {
      throw new IllegalArgumentException(
          "hmac keys take HS256, HS384 or HS512, not " + algorithm.jwsName());
    }
    checkSecretLength(secret.length, algorithm);
    OctetSequenceKey oct =
        new OctetSequenceKey.Builder(Arrays.copyOf(secret, secret.length)).keyID(kid).build();
    return new SigningKey(kid, algorithm, oct);
  }

  /**
   * A fresh RSA key pair of 2048 bits.
   *
   * @param algorithm {@link SigningAlgorithm#RS256} or {@link SigningAlgorithm#PS256}
   */
  public static SigningKey generateRsa(String kid, SigningAlgorithm algorithm) {
    return generateRsa(kid, algorithm, MIN_RSA_BITS);
  }

  /**
   * A fresh RSA key pair.
   *
   * @param algorithm {@link SigningAlgorithm#RS256} or {@link SigningAlgorithm#PS256}
   * @param bits the modulus size, at least 2048
   */
  public static SigningKey generateRsa(String kid, SigningAlgorithm algorithm, int bits) {
    requireKid(kid);
    Objects.requireNonNull(algorithm, "algorithm");
    if (!algorithm.isRsa()) {
      throw new IllegalArgumentException(
          "RSA keys take RS256 or PS256, not " + algorithm.jwsName());
    }
    if (bits < MIN_RSA_BITS) {
      throw new IllegalArgumentException("RSA keys need at least 2048 bits: " + bits);
    }
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(bits);
      KeyPair pair = gen.generateKeyPair();
      return rsa(kid, algorithm, (RSAPublicKey) pair.getPublic(), pair.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA key generation is not available", e);
    }
  }

  /** A fresh P-256 key pair for {@link SigningAlgorithm#ES256}. */
  public static SigningKey generateEc(String kid) {
    requireKid(kid);
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = gen.generateKeyPair();
      return ec(kid, (ECPublicKey) pair.getPublic(), (ECPrivateKey) pair.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("P-256 key generation is not available", e);
    }
  }

  /** A fresh Ed25519 key pair for {@link SigningAlgorithm#EDDSA}. */
  public static SigningKey generateEd25519(String kid) {
    requireKid(kid);
    try {
      OctetKeyPair okp = new OctetKeyPairGenerator(Curve.Ed25519).keyID(kid).generate();
      return new SigningKey(kid, SigningAlgorithm.EDDSA, okp);
    } catch (JOSEException e) {
      throw new IllegalStateException("Ed25519 key generation is not available", e);
    }
  }

  /**
   * A key from one JWK (RFC 7517). It must carry a {@code kid}; its algorithm is its {@code alg}
   * member, or for EC P-256 and OKP Ed25519 keys without one, ES256 and EdDSA. A JWK with private
   * members ({@code d}, or {@code k} for {@code oct}) can sign; one without can only verify.
   *
   * @throws IllegalArgumentException when the JSON is not a usable signing JWK
   */
  public static SigningKey fromJwk(String json) {
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

  /**
   * Every key of a JWK Set (RFC 7517 section 5), each read as by {@link #fromJwk(String)}.
   *
   * @throws IllegalArgumentException when the JSON is not a JWK Set or one of its keys is unusable
   */
  public static List<SigningKey> fromJwkSet(String json) {
    Objects.requireNonNull(json, "json");
    JWKSet set;
    try {
      set = JWKSet.parse(json);
    } catch (ParseException | RuntimeException e) {
      throw new IllegalArgumentException("not a valid JWK Set");
    }
    List<SigningKey> keys = new ArrayList<>();
    for (JWK jwk : set.getKeys()) {
      keys.add(fromJwk(jwk));
    }
    return List.copyOf(keys);
  }

  private static SigningKey fromJwk(JWK jwk) {
    String kid = jwk.getKeyID();
    if (kid == null || kid.isBlank()) {
      throw new IllegalArgumentException("a JWK needs a kid");
    }
    if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
      throw new IllegalArgumentException("JWK " + kid + " is not a signing key (use is not sig)");
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

  /**
   * A key from PEM text. A {@code PRIVATE KEY} block (PKCS#8) gives a signing key; its public half
   * is derived (RSA, Ed25519) or taken from a {@code PUBLIC KEY} block in the same text (EC, whose
   * public point Java cannot derive). A {@code PUBLIC KEY} block (X.509 SubjectPublicKeyInfo)
   * alone gives a verify-only key.
   *
   * @param algorithm an asymmetric algorithm (HMAC secrets are not PEM)
   * @throws IllegalArgumentException when the PEM does not hold a usable key for {@code algorithm}
   */
  public static SigningKey fromPem(String kid, SigningAlgorithm algorithm, String pem) {
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
                m.group(1) + " PEM is not supported: convert it to unencrypted PKCS#8"
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
    PrivateKey priv = privateDer == null ? null : kf.generatePrivate(new PKCS8EncodedKeySpec(privateDer));
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
          (EdECPrivateKey)
              kf.generatePrivate(new PKCS8EncodedKeySpec(privateDer));
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
        || !Arrays.equals(der, 0, ED25519_SPKI_PREFIX.length, ED25519_SPKI_PREFIX, 0,
            ED25519_SPKI_PREFIX.length)) {
      throw new GeneralSecurityException("not an Ed25519 public key");
    }
    return Arrays.copyOfRange(der, ED25519_SPKI_PREFIX.length, der.length);
  }

  private static SigningKey rsa(
      String kid, SigningAlgorithm alg, RSAPublicKey pub, PrivateKey priv) {
    checkRsaSize(pub.getModulus().bitLength());
    RSAKey.Builder b = new RSAKey.Builder(pub).keyID(kid);
    if (priv != null) {
      b.privateKey(priv);
    }
    return new SigningKey(kid, alg, b.build());
  }

  private static SigningKey ec(String kid, ECPublicKey pub, ECPrivateKey priv) {
    if (!Curve.P_256.equals(Curve.forECParameterSpec(pub.getParams()))) {
      throw new IllegalArgumentException("ES256 keys must be on P-256: " + kid);
    }
    ECKey.Builder b = new ECKey.Builder(Curve.P_256, pub).keyID(kid);
    if (priv != null) {
      b.privateKey(priv);
    }
    return new SigningKey(kid, SigningAlgorithm.ES256, b.build());
  }

  private static void checkSecretLength(int length, SigningAlgorithm alg) {
    if (length < alg.minSecretBytes()) {
      throw new IllegalArgumentException(
          alg.jwsName() + " needs a secret of at least " + alg.minSecretBytes() + " bytes ("
              + alg.minSecretBytes() * 8 + " bits), got " + length);
    }
  }

  private static void checkRsaSize(int bits) {
    if (bits < MIN_RSA_BITS) {
      throw new IllegalArgumentException("RSA keys need at least 2048 bits: " + bits);
    }
  }

  private static void requireKid(String kid) {
    Objects.requireNonNull(kid, "kid");
    if (kid.isBlank()) {
      throw new IllegalArgumentException("kid cannot be blank");
    }
  }

  /** The key id, carried in every token's {@code kid} header. */
  public String kid() {
    return kid;
  }

  /** The one algorithm this key signs and verifies with. */
  public SigningAlgorithm algorithm() {
    return algorithm;
  }

  /** Whether this key holds the private or secret part needed to sign. */
  public boolean canSign() {
    return signer != null;
  }

  /** This key without its private part: verify-only. An HMAC key has no public part. */
  public SigningKey publicOnly() {
    if (algorithm.isHmac()) {
      throw new IllegalStateException("an HMAC key has no public part: " + kid);
    }
    return signer == null ? this : new SigningKey(kid, algorithm, publicJwk);
  }

  /** The public JWK JSON with {@code kid}, {@code alg} and {@code use}; empty for HMAC keys. */
  public Optional<String> publicJwkJson() {
    JWK jwk = exportable();
    return jwk == null ? Optional.empty() : Optional.of(jwk.toJSONString());
  }

  /** The public JWK to publish, or null for a secret key. */
  JWK exportable() {
    if (publicJwk == null) {
      return null;
    }
    try {
      Map<String, Object> map = new LinkedHashMap<>(publicJwk.toJSONObject());
      map.put("kid", kid);
      map.put("alg", algorithm.jwsName());
      map.put("use", "sig");
      return JWK.parse(map);
    } catch (ParseException e) {
      throw new IllegalStateException("cannot export key " + kid, e);
    }
  }

  /** The JCA public key (RSA, EC), or null for HMAC and Ed25519 (whose JWK form is the key). */
  PublicKey javaPublicKey() {
    try {
      if (publicJwk instanceof RSAKey rsa) {
        return rsa.toPublicKey();
      }
      if (publicJwk instanceof ECKey ec) {
        return ec.toPublicKey();
      }
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot convert key " + kid, e);
    }
    return null;
  }

  JWSSigner signer() {
    if (signer == null) {
      throw new IllegalStateException("key " + kid + " is verify-only");
    }
    return signer;
  }

  JWSVerifier verifier() {
    return verifier;
  }

  private Mac cloneHmac() {
    try {
      return (Mac) hmacPrototype.clone();
    } catch (CloneNotSupportedException e) {
      // The constructor cloned it once already, so this cannot happen; verify answers false.
      throw new IllegalStateException("the HMAC cannot be cloned", e);
    }
  }

  /**
   * Whether the compact JWS in {@code jws} (its characters as bytes, base64url apart from the dots,
   * as {@link CompactJws#split} checks) carries after {@code secondDot} this key's signature of
   * everything before it. Never throws: a signature of the wrong length is simply not valid.
   */
  boolean verify(byte[] jws, int secondDot) {
    if (hmac != null) {
      byte[] signature = CompactJws.decode(jws, secondDot + 1, jws.length);
      if (signature == null) {
        return false;
      }
      // Nimbus's MACVerifier looks up a Mac provider on every call; this thread's initialised Mac
      // costs a fraction of that, and the comparison stays constant-time. With the range inside
      // the array, update and doFinal cannot fail half-way, and doFinal resets the Mac.
      Mac mac = hmac.get();
      mac.update(jws, 0, secondDot);
      return MessageDigest.isEqual(mac.doFinal(), signature);
    }
    // The signature as base64url text, as Nimbus's verifiers take it (they decode it themselves).
    String signature =
        new String(jws, secondDot + 1, jws.length - secondDot - 1, StandardCharsets.ISO_8859_1);
    try {
      return verifier.verify(verifyHeader, Arrays.copyOf(jws, secondDot), new Base64URL(signature));
    } catch (JOSEException | RuntimeException e) {
      return false;
    }
  }

  /** A header naming only this key's algorithm: all a Nimbus verifier reads from it. */
  JWSHeader verifyHeader() {
    return verifyHeader;
  }

  @Override
  public String toString() {
    return "SigningKey[kid=" + kid + ", alg=" + algorithm.jwsName()
        + (signer == null ? ", verify-only]" : "]");
  }
}

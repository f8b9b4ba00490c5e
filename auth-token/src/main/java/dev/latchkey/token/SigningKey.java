package dev.latchkey.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.text.ParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One JWS key with its key id ({@code kid}) and the one {@link SigningAlgorithm} it is used with. A
 * key holding private (or secret) material can sign and verify; a public-only key can only verify,
 * e.g. another service's key in a {@link KeyRing}.
 *
 * <p>Created by the static factories, which check the key at once and throw {@link
 * IllegalArgumentException} for a weak or unusable key (an HMAC secret shorter than the hash, RSA
 * under 2048 bits, an EC key not on its algorithm's curve, a JWK without {@code kid}). {@code
 * toString()} shows the {@code kid} and algorithm only, never key material. Immutable and
 * thread-safe.
 *
 * <p>ECDSA: a signature (r, s) has a twin (r, n - s) that verifies as well. Latchkey signs with the
 * low s (at most n / 2) only, and a key that {@linkplain #canSign signs} verifies only that
 * spelling, so every token Latchkey issues has exactly one string. A verify-only key (another
 * issuer's, or {@link #publicOnly}) accepts both, as other signers may not normalise: a deny-list
 * keyed by the token string must then list both spellings, while Latchkey's own revocation, by
 * {@code jti}, refuses both at once.
 */
public final class SigningKey {
  private final String kid;
  private final SigningAlgorithm algorithm;
  private final JWK publicJwk; // null for HMAC: a shared secret is never exported
  private final JWSSigner signer; // null for a verify-only key
  private final boolean mayVerify; // false when the JWK's key_ops leave verify out
  private final JWSHeader verifyHeader;
  private final SignatureCheck signatureCheck;

  /**
   * A key over {@code jwk}, used only as its {@code key_ops} allow (none: every use): it signs only
   * when they include {@code sign}, verifies only when they include {@code verify}.
   */
  SigningKey(String kid, SigningAlgorithm algorithm, JWK jwk) {
    this.kid = kid;
    this.algorithm = algorithm;
    this.verifyHeader = new JWSHeader(JWSAlgorithm.parse(algorithm.jwsName()));
    Set<KeyOperation> ops = jwk.getKeyOperations();
    boolean maySign = ops == null || ops.contains(KeyOperation.SIGN);
    this.mayVerify = ops == null || ops.contains(KeyOperation.VERIFY);
    try {
      switch (algorithm) {
        case HS256, HS384, HS512 -> {
          OctetSequenceKey oct = (OctetSequenceKey) jwk;
          this.publicJwk = null;
          this.signer = maySign ? new MACSigner(oct) : null;
          this.signatureCheck =
              SignatureCheck.hmac(new HmacSignature(algorithm, oct.toByteArray()), mayVerify);
        }
        case RS256, RS384, RS512, PS256, PS384, PS512 -> {
          RSAKey rsa = (RSAKey) jwk;
          this.publicJwk = rsa.toPublicJWK();
          this.signer = maySign && rsa.isPrivate() ? new RSASSASigner(rsa) : null;
          this.signatureCheck =
              SignatureCheck.nimbus(
                  new RSASSAVerifier(rsa.toRSAPublicKey()), verifyHeader, mayVerify, null);
        }
        case ES256, ES384, ES512 -> {
          ECKey ec = (ECKey) jwk;
          if (!algorithm.ecCurve().equals(ec.getCurve())) {
            throw new IllegalArgumentException(
                algorithm.jwsName() + " keys must be on " + algorithm.ecCurve() + ": " + kid);
          }
          LowS lowS = LowS.of(algorithm);
          this.publicJwk = ec.toPublicJWK();
          this.signer = maySign && ec.isPrivate() ? lowS.signer(new ECDSASigner(ec)) : null;
          // ECDSA signatures come in two spellings, (r, s) and (r, n - s). A key Latchkey signs
          // with signs the low one only, so it accepts only that one: each token has one string.
          this.signatureCheck =
              SignatureCheck.nimbus(
                  new ECDSAVerifier(ec.toECPublicKey()),
                  verifyHeader,
                  mayVerify,
                  signer != null ? lowS : null);
        }
        case EDDSA -> {
          OctetKeyPair okp = (OctetKeyPair) jwk;
          this.publicJwk = okp.toPublicJWK();
          this.signer = maySign && okp.isPrivate() ? new Ed25519Signer(okp) : null;
          this.signatureCheck =
              SignatureCheck.nimbus(
                  new Ed25519Verifier(okp.toPublicJWK()), verifyHeader, mayVerify, null);
        }
        default -> throw new AssertionError(algorithm);
      }
    } catch (JOSEException | ClassCastException e) {
      // No cause and no Nimbus message: either might quote key material.
      throw new IllegalArgumentException(
          "key " + kid + " cannot be used with " + algorithm.jwsName());
    }
  }

  /**
   * An HMAC key.
   *
   * @param kid the key id, not blank; carried in the {@code kid} header of every token it signs
   * @param secret at least as long as the hash (32, 48 or 64 bytes); copied
   * @param algorithm {@link SigningAlgorithm#HS256}, {@link SigningAlgorithm#HS384} or {@link
   *     SigningAlgorithm#HS512}
   * @return a key that signs and verifies
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException when {@code kid} is blank, {@code algorithm} is not HMAC or
   *     the secret is short
   */
  public static SigningKey hmac(String kid, byte[] secret, SigningAlgorithm algorithm) {
    KeyChecks.requireKid(kid);
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(algorithm, "algorithm");
    if (!algorithm.isHmac()) {
      throw new IllegalArgumentException(
          "hmac keys take HS256, HS384 or HS512, not " + algorithm.jwsName());
    }
    KeyChecks.checkSecretLength(secret.length, algorithm);
    OctetSequenceKey oct =
        new OctetSequenceKey.Builder(Arrays.copyOf(secret, secret.length)).keyID(kid).build();
    return new SigningKey(kid, algorithm, oct);
  }

  /**
   * A fresh RSA key pair of 2048 bits.
   *
   * @param kid the key id, not blank; carried in the {@code kid} header of every token it signs
   * @param algorithm an RSA algorithm: RS256, RS384, RS512, PS256, PS384 or PS512
   * @return a key that signs and verifies
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException when {@code kid} is blank or {@code algorithm} is not RSA
   */
  public static SigningKey generateRsa(String kid, SigningAlgorithm algorithm) {
    return generateRsa(kid, algorithm, KeyChecks.MIN_RSA_BITS);
  }

  /**
   * A fresh RSA key pair.
   *
   * @param kid the key id, not blank; carried in the {@code kid} header of every token it signs
   * @param algorithm an RSA algorithm: RS256, RS384, RS512, PS256, PS384 or PS512
   * @param bits the modulus size, at least 2048
   * @return a key that signs and verifies
   * @throws NullPointerException if {@code kid} or {@code algorithm} is null
   * @throws IllegalArgumentException when {@code kid} is blank, {@code algorithm} is not RSA or
   *     {@code bits} is under 2048
   */
  public static SigningKey generateRsa(String kid, SigningAlgorithm algorithm, int bits) {
    KeyChecks.requireKid(kid);
    Objects.requireNonNull(algorithm, "algorithm");
    if (!algorithm.isRsa()) {
      throw new IllegalArgumentException(
          "RSA keys take RS256/384/512 or PS256/384/512, not " + algorithm.jwsName());
    }
    KeyChecks.checkRsaSize(bits);
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(bits);
      KeyPair pair = gen.generateKeyPair();
      return KeyChecks.rsa(kid, algorithm, (RSAPublicKey) pair.getPublic(), pair.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA key generation is not available", e);
    }
  }

  /**
   * A fresh P-256 key pair for {@link SigningAlgorithm#ES256}.
   *
   * @param kid the key id, not blank; carried in the {@code kid} header of every token it signs
   * @return a key that signs and verifies
   * @throws NullPointerException if {@code kid} is null
   * @throws IllegalArgumentException when {@code kid} is blank
   */
  public static SigningKey generateEc(String kid) {
    return generateEc(kid, SigningAlgorithm.ES256);
  }

  /**
   * A fresh key pair on the curve of an ECDSA algorithm: P-256 for ES256, P-384 for ES384, P-521
   * for ES512.
   *
   * @param kid the key id, not blank; carried in the {@code kid} header of every token it signs
   * @param algorithm {@link SigningAlgorithm#ES256}, {@link SigningAlgorithm#ES384} or {@link
   *     SigningAlgorithm#ES512}
   * @return a key that signs and verifies
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException when {@code kid} is blank or {@code algorithm} is not ECDSA
   */
  public static SigningKey generateEc(String kid, SigningAlgorithm algorithm) {
    KeyChecks.requireKid(kid);
    Objects.requireNonNull(algorithm, "algorithm");
    if (!algorithm.isEcdsa()) {
      throw new IllegalArgumentException(
          "EC keys take ES256, ES384 or ES512, not " + algorithm.jwsName());
    }
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec(algorithm.ecCurve().getStdName()));
      KeyPair pair = gen.generateKeyPair();
      return KeyChecks.ec(kid, (ECPublicKey) pair.getPublic(), (ECPrivateKey) pair.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm.ecCurve() + " key generation is not available", e);
    }
  }

  /**
   * A fresh Ed25519 key pair for {@link SigningAlgorithm#EDDSA}.
   *
   * @param kid the key id, not blank; carried in the {@code kid} header of every token it signs
   * @return a key that signs and verifies
   * @throws NullPointerException if {@code kid} is null
   * @throws IllegalArgumentException when {@code kid} is blank
   */
  public static SigningKey generateEd25519(String kid) {
    KeyChecks.requireKid(kid);
    try {
      OctetKeyPair okp = new OctetKeyPairGenerator(Curve.Ed25519).keyID(kid).generate();
      return new SigningKey(kid, SigningAlgorithm.EDDSA, okp);
    } catch (JOSEException e) {
      throw new IllegalStateException("Ed25519 key generation is not available", e);
    }
  }

  /**
   * A key from one JWK (RFC 7517). It must carry a {@code kid}; its algorithm is its {@code alg}
   * member, or for EC keys without one the ECDSA algorithm of their curve (ES256 for P-256, ES384
   * for P-384, ES512 for P-521) and EdDSA for OKP Ed25519 keys. A JWK with private members ({@code
   * d}, or {@code k} for {@code oct}) can sign; one without can only verify. Its {@code use}, when
   * present, must be {@code sig}; its {@code key_ops}, when present, are honoured: without {@code
   * sign} the key never signs ({@link #canSign} is false), without {@code verify} it never verifies
   * ({@link #canVerify} is false, and no {@link KeyRing} takes it, since a ring's service verifies,
   * and revokes, the tokens it issues).
   *
   * @param json one JWK as JSON; it holds key material, and no message quotes it
   * @return the key, signing or verify-only as described above
   * @throws NullPointerException if {@code json} is null
   * @throws IllegalArgumentException when the JSON is not a usable signing JWK, or its {@code
   *     key_ops} leave it nothing to do (neither {@code verify}, nor {@code sign} with a private
   *     part)
   */
  public static SigningKey fromJwk(String json) {
    return JwkImport.fromJwk(json);
  }

  /**
   * Every key of a JWK Set (RFC 7517 section 5), each read as by {@link #fromJwk(String)}. A set
   * holds either only secret and private keys (a configuration) or only public keys (as an issuer
   * publishes them): a public set carrying a secret or private key exposes it to everyone who reads
   * the set, so a mixed set is refused.
   *
   * @param json a JWK Set as JSON; it holds key material, and no message quotes it
   * @return the keys, in the set's order
   * @throws NullPointerException if {@code json} is null
   * @throws IllegalArgumentException when the JSON is not a JWK Set, one of its keys is unusable,
   *     or it mixes keys with and without secret or private parts (the message names their kids)
   */
  public static List<SigningKey> fromJwkSet(String json) {
    return JwkImport.fromJwkSet(json);
  }

  /**
   * A key from PEM text. A {@code PRIVATE KEY} block (PKCS#8) gives a signing key; its public half
   * is derived (RSA, Ed25519) or taken from a {@code PUBLIC KEY} block in the same text (EC, whose
   * public point Java cannot derive). A {@code PUBLIC KEY} block (X.509 SubjectPublicKeyInfo) alone
   * gives a verify-only key.
   *
   * @param kid the key id, not blank; carried in the {@code kid} header of every token it signs
   * @param algorithm an asymmetric algorithm (HMAC secrets are not PEM)
   * @param pem the PEM text; it holds key material, and no message quotes it
   * @return a signing key for a private key block, a verify-only key for a public key block alone
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException when {@code kid} is blank, {@code algorithm} is HMAC, or the
   *     PEM does not hold a usable key for {@code algorithm}
   */
  public static SigningKey fromPem(String kid, SigningAlgorithm algorithm, String pem) {
    return PemImport.fromPem(kid, algorithm, pem);
  }

  /** {@return the key id}, carried in every token's {@code kid} header */
  public String kid() {
    return kid;
  }

  /** {@return the one algorithm this key signs and verifies with} */
  public SigningAlgorithm algorithm() {
    return algorithm;
  }

  /**
   * {@return whether this key signs}: it holds the private or secret part needed, and its JWK
   * {@code key_ops}, if any, include {@code sign}.
   */
  public boolean canSign() {
    return signer != null;
  }

  /**
   * {@return whether this key verifies}: false only when its JWK {@code key_ops} leave out {@code
   * verify}.
   */
  public boolean canVerify() {
    return mayVerify;
  }

  /**
   * This key without its private part: verify-only. An HMAC key has no public part.
   *
   * @return a verify-only key with the same {@code kid} and algorithm; this key when it is
   *     verify-only already
   * @throws IllegalStateException for an HMAC key, or a key whose {@code key_ops} forbid verifying
   *     (its public part would be of no use)
   */
  public SigningKey publicOnly() {
    if (algorithm.isHmac()) {
      throw new IllegalStateException("an HMAC key has no public part: " + kid);
    }
    if (!mayVerify) {
      throw new IllegalStateException("key " + kid + " may not verify (key_ops): no public use");
    }
    return signer == null ? this : new SigningKey(kid, algorithm, publicJwk);
  }

  /**
   * {@return the public JWK JSON with {@code kid}, {@code alg} and {@code use}}; empty for HMAC
   * keys
   */
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
      // The public part is published for verifying: use=sig says so, whatever the private key's
      // own key_ops (often just sign) allow it.
      map.remove("key_ops");
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

  /** {@return the signature step of verification with this key} */
  SignatureCheck signatureCheck() {
    return signatureCheck;
  }

  /** A header naming only this key's algorithm: all a Nimbus verifier reads from it. */
  JWSHeader verifyHeader() {
    return verifyHeader;
  }

  @Override
  public String toString() {
    return "SigningKey[kid="
        + kid
        + ", alg="
        + algorithm.jwsName()
        + (signer == null ? ", verify-only]" : "]");
  }
}

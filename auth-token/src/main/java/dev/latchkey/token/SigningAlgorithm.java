package dev.latchkey.token;

import com.nimbusds.jose.jwk.Curve;

/**
 * The JWS algorithms Latchkey signs and verifies with. A {@link SigningKey} is bound to exactly one
 * of them, and a token is accepted only when its header names the algorithm of the key its {@code
 * kid} selects: no {@code none}, no HMAC/RSA confusion.
 */
public enum SigningAlgorithm {
  /** HMAC with SHA-256; the secret has at least 32 bytes. */
  HS256("HS256", 32),
  /** HMAC with SHA-384; the secret has at least 48 bytes. */
  HS384("HS384", 48),
  /** HMAC with SHA-512; the secret has at least 64 bytes. */
  HS512("HS512", 64),
  /** RSASSA-PKCS1-v1_5 with SHA-256; RSA keys of at least 2048 bits. */
  RS256("RS256", 0),
  /** RSASSA-PKCS1-v1_5 with SHA-384; RSA keys of at least 2048 bits. */
  RS384("RS384", 0),
  /** RSASSA-PKCS1-v1_5 with SHA-512; RSA keys of at least 2048 bits. */
  RS512("RS512", 0),
  /** RSASSA-PSS with SHA-256; RSA keys of at least 2048 bits. */
  PS256("PS256", 0),
  /** RSASSA-PSS with SHA-384; RSA keys of at least 2048 bits. */
  PS384("PS384", 0),
  /** RSASSA-PSS with SHA-512; RSA keys of at least 2048 bits. */
  PS512("PS512", 0),
  /** ECDSA on P-256 with SHA-256. */
  ES256("ES256", 0),
  /** ECDSA on P-384 with SHA-384. */
  ES384("ES384", 0),
  /** ECDSA on P-521 with SHA-512 (RFC 7518 section 3.4: the curve is P-521, not P-512). */
  ES512("ES512", 0),
  /** EdDSA on Ed25519 (RFC 8037). */
  EDDSA("EdDSA", 0);

  private final String jwsName;
  private final int minSecretBytes;

  SigningAlgorithm(String jwsName, int minSecretBytes) {
    this.jwsName = jwsName;
    this.minSecretBytes = minSecretBytes;
  }

  /** {@return the name in a JWS {@code alg} header}, e.g. {@code "HS256"}, {@code "EdDSA"} */
  public String jwsName() {
    return jwsName;
  }

  /** {@return whether this is an HMAC algorithm} (a shared secret, never exported) */
  public boolean isHmac() {
    return minSecretBytes > 0;
  }

  /** Whether this is one of the RSA algorithms, RS256/384/512 or PS256/384/512. */
  boolean isRsa() {
    return switch (this) {
      case RS256, RS384, RS512, PS256, PS384, PS512 -> true;
      default -> false;
    };
  }

  /** Whether this is one of the ECDSA algorithms, ES256, ES384 or ES512. */
  boolean isEcdsa() {
    return ecCurve() != null;
  }

  /** The one curve an ECDSA algorithm signs on (RFC 7518 section 3.4), or null for the others. */
  Curve ecCurve() {
    return switch (this) {
      case ES256 -> Curve.P_256;
      case ES384 -> Curve.P_384;
      case ES512 -> Curve.P_521;
      default -> null;
    };
  }

  /** The ECDSA algorithm whose curve is {@code curve}, or null when none is. */
  static SigningAlgorithm forCurve(Curve curve) {
    for (SigningAlgorithm a : values()) {
      if (a.isEcdsa() && a.ecCurve().equals(curve)) {
        return a;
      }
    }
    return null;
  }

  /** The shortest HMAC secret allowed, in bytes; 0 for the asymmetric algorithms. */
  int minSecretBytes() {
    return minSecretBytes;
  }

  /**
   * The algorithm with this JWS name, exactly as spelled in a header.
   *
   * @param name the JWS {@code alg} name, compared case-sensitively
   * @return the algorithm
   * @throws IllegalArgumentException when Latchkey does not support it
   */
  public static SigningAlgorithm fromJwsName(String name) {
    for (SigningAlgorithm a : values()) {
      if (a.jwsName.equals(name)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unsupported JWS algorithm: "
            + name
            + " (use HS256/384/512, RS256/384/512, PS256/384/512, ES256/384/512 or EdDSA)");
  }
}

package dev.latchkey.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The signature step of verification, for one {@link SigningKey}: whether a compact JWS carries the
 * key's signature of its first two segments. HMAC keys take the {@link HmacSignature} fast path;
 * the others go through the key's Nimbus verifier. The header is not looked at here ({@link
 * KeySelector} has checked it against the key). Never throws for a bad token: a refused signature
 * is {@code false} or a {@link Refusal}. Immutable and thread-safe.
 *
 * <p>ECDSA under a key that signs accepts only the low-s spelling of a signature (see {@link
 * SigningKey} and {@link LowS}), so each token Latchkey issues has exactly one string.
 */
final class SignatureCheck {
  private final HmacSignature hmac; // null unless an HMAC key
  private final JWSVerifier verifier; // null for an HMAC key
  private final JWSHeader header; // names only the key's algorithm: all a verifier reads
  private final boolean mayVerify; // false when the JWK's key_ops leave verify out
  private final LowS lowSOnly; // null unless only low-s ECDSA signatures are accepted

  private SignatureCheck(
      HmacSignature hmac,
      JWSVerifier verifier,
      JWSHeader header,
      boolean mayVerify,
      LowS lowSOnly) {
    this.hmac = hmac;
    this.verifier = verifier;
    this.header = header;
    this.mayVerify = mayVerify;
    this.lowSOnly = lowSOnly;
  }

  /** A check by the HMAC fast path. */
  static SignatureCheck hmac(HmacSignature hmac, boolean mayVerify) {
    return new SignatureCheck(hmac, null, null, mayVerify, null);
  }

  /**
   * A check by a Nimbus verifier, given the header it reads; {@code lowSOnly}, when not null,
   * refuses an ECDSA signature whose s is high on its curve.
   */
  static SignatureCheck nimbus(
      JWSVerifier verifier, JWSHeader header, boolean mayVerify, LowS lowSOnly) {
    return new SignatureCheck(null, verifier, header, mayVerify, lowSOnly);
  }

  /**
   * Requires the signature of {@code jws}.
   *
   * @throws Refusal INVALID_CREDENTIALS ({@code "bad signature"}) for a signature that does not
   *     verify, or a key whose {@code key_ops} forbid verifying (which no {@link KeyRing} holds)
   */
  void require(CompactJws jws) throws Refusal {
    if (!verify(jws.ascii, jws.secondDot)) {
      throw Refusal.invalid("bad signature");
    }
  }

  /**
   * Whether the compact JWS in {@code jws} (its characters as bytes, base64url apart from the dots,
   * as {@link CompactJws#split} checks) carries after {@code secondDot} this key's signature of
   * everything before it. Never throws: a signature of the wrong length is simply not valid.
   */
  boolean verify(byte[] jws, int secondDot) {
    if (!mayVerify) {
      return false;
    }
    if (hmac != null) {
      return hmac.verify(jws, secondDot);
    }
    if (lowSOnly != null && !lowSOnly.isLowS(CompactJws.decode(jws, secondDot + 1, jws.length))) {
      return false;
    }
    // The signature as base64url text, as Nimbus's verifiers take it (they decode it themselves).
    String signature =
        new String(jws, secondDot + 1, jws.length - secondDot - 1, StandardCharsets.ISO_8859_1);
    try {
      return verifier.verify(header, Arrays.copyOf(jws, secondDot), new Base64URL(signature));
    } catch (JOSEException | RuntimeException e) {
      return false;
    }
  }
}

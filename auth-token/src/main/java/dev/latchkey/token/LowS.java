package dev.latchkey.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Set;

/**
 * The one spelling of an ECDSA signature Latchkey signs and, for its own keys, accepts. An ECDSA
 * signature (r, s) has a twin (r, n - s) that verifies as well; the JDK's signer gives either. The
 * low one, s at most n / 2 (as Bitcoin's BIP 62 and libsecp256k1 require), is the canonical one.
 * One instance per curve (ES256, ES384, ES512); stateless and thread-safe.
 */
final class LowS {
  private static final LowS P_256 = new LowS(SigningAlgorithm.ES256);
  private static final LowS P_384 = new LowS(SigningAlgorithm.ES384);
  private static final LowS P_521 = new LowS(SigningAlgorithm.ES512);

  /** The order n of the curve's base point. */
  private final BigInteger n;

  /** n / 2 (rounded down) in {@link #half} big-endian bytes: s is low when at most this. */
  private final byte[] halfN;

  /** The length of r and of s in a JWS signature (RFC 7518 section 3.4): 32, 48 or 66 bytes. */
  private final int half;

  private LowS(SigningAlgorithm algorithm) {
    this.n = algorithm.ecCurve().toECParameterSpec().getOrder();
    this.half = (n.bitLength() + 7) / 8;
    this.halfN = toBytes(n.shiftRight(1), half);
  }

  /** The rule for {@code algorithm}'s curve; {@code algorithm} is ES256, ES384 or ES512. */
  static LowS of(SigningAlgorithm algorithm) {
    return switch (algorithm) {
      case ES256 -> P_256;
      case ES384 -> P_384;
      case ES512 -> P_521;
      default -> throw new IllegalArgumentException("not an ECDSA algorithm: " + algorithm);
    };
  }

  /**
   * Whether {@code signature}, an ECDSA signature as JWS carries it (r and s, each as many
   * big-endian bytes as the curve's order), has the low s; false for null or another length.
   */
  boolean isLowS(byte[] signature) {
    return signature != null
        && signature.length == 2 * half
        && Arrays.compareUnsigned(signature, half, 2 * half, halfN, 0, half) <= 0;
  }

  /** {@code ecdsa}, with every signature it makes turned to its low-s spelling. */
  JWSSigner signer(JWSSigner ecdsa) {
    return new LowSSigner(ecdsa, this);
  }

  /** The low-s spelling of a signature (itself when already low or of the wrong length). */
  byte[] normalise(byte[] signature) {
    if (signature.length != 2 * half || isLowS(signature)) {
      return signature;
    }
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, half, 2 * half));
    byte[] low = Arrays.copyOf(signature, 2 * half);
    System.arraycopy(toBytes(n.subtract(s), half), 0, low, half, half);
    return low;
  }

  /** {@code value} (non-negative, below 2^(8 * length)) as exactly {@code length} bytes. */
  private static byte[] toBytes(BigInteger value, int length) {
    byte[] minimal = value.toByteArray(); // may carry a leading sign byte, or be shorter
    byte[] out = new byte[length];
    int copied = Math.min(minimal.length, length);
    System.arraycopy(minimal, minimal.length - copied, out, length - copied, copied);
    return out;
  }

  private static final class LowSSigner implements JWSSigner {
    private final JWSSigner ecdsa;
    private final LowS rule;

    LowSSigner(JWSSigner ecdsa, LowS rule) {
      this.ecdsa = ecdsa;
      this.rule = rule;
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
      Base64URL signature = ecdsa.sign(header, signingInput);
      byte[] raw = signature.decode();
      byte[] low = rule.normalise(raw);
      return low == raw ? signature : Base64URL.encode(low);
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
      return ecdsa.supportedJWSAlgorithms();
    }

    @Override
    public JCAContext getJCAContext() {
      return ecdsa.getJCAContext();
    }
  }
}

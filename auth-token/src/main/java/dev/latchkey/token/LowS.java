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
 * The one spelling of an ES256 signature Latchkey signs and, for its own keys, accepts. ECDSA
 * signature (r, s) over P-256 has a twin (r, n - s) that verifies as well; the JDK's signer gives
 * either. The low one, s at most n / 2 (as Bitcoin's BIP 62 and libsecp256k1 require), is the
 * canonical one. Stateless and thread-safe.
 */
final class LowS {
  /** The order n of P-256's base point. */
  private static final BigInteger N =
      new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

  /** n / 2 (rounded down) in 32 big-endian bytes: s is low when at most this. */
  private static final byte[] HALF_N = toBytes32(N.shiftRight(1));

  private static final int HALF = 32;

  private LowS() {}

  /**
   * Whether {@code signature}, an ES256 signature as JWS carries it (r and s, 32 big-endian bytes
   * each), has the low s; false for null or another length.
   */
  static boolean isLowS(byte[] signature) {
    return signature != null
        && signature.length == 2 * HALF
        && Arrays.compareUnsigned(signature, HALF, 2 * HALF, HALF_N, 0, HALF) <= 0;
  }

  /** {@code ecdsa}, with every signature it makes turned to its low-s spelling. */
  static JWSSigner signer(JWSSigner ecdsa) {
    return new LowSSigner(ecdsa);
  }

  /** The low-s spelling of an ES256 signature (itself when already low or not 64 bytes). */
  static byte[] normalise(byte[] signature) {
    if (signature.length != 2 * HALF || isLowS(signature)) {
      return signature;
    }
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, HALF, 2 * HALF));
    byte[] low = Arrays.copyOf(signature, 2 * HALF);
    System.arraycopy(toBytes32(N.subtract(s)), 0, low, HALF, HALF);
    return low;
  }

  /** {@code value} (non-negative, below 2^256) as exactly 32 big-endian bytes. */
  private static byte[] toBytes32(BigInteger value) {
    byte[] minimal = value.toByteArray(); // may carry a leading sign byte, or be shorter
    byte[] out = new byte[HALF];
    int length = Math.min(minimal.length, HALF);
    System.arraycopy(minimal, minimal.length - length, out, HALF - length, length);
    return out;
  }

  private static final class LowSSigner implements JWSSigner {
    private final JWSSigner ecdsa;

    LowSSigner(JWSSigner ecdsa) {
      this.ecdsa = ecdsa;
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
      Base64URL signature = ecdsa.sign(header, signingInput);
      byte[] raw = signature.decode();
      byte[] low = normalise(raw);
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

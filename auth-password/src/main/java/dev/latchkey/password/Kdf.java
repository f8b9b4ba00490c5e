package dev.latchkey.password;

import java.security.GeneralSecurityException;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The key derivation functions, each one call into Bouncy Castle or the JDK. Every run goes through
 * a {@link Meter}, which tests replace to count the work a verification does.
 */
final class Kdf {
  /** Told of each key derivation run, by algorithm name. */
  @FunctionalInterface
  interface Meter {
    void ran(String algorithm);

    Meter NONE = algorithm -> {};
  }

  private Kdf() {}

  /**
   * Argon2 (RFC 9106). {@code type} is one of {@link Argon2Parameters}'s {@code ARGON2_d}, {@code
   * ARGON2_i}, {@code ARGON2_id}; {@code version} 0x10 or 0x13; {@code secret} and {@code
   * associatedData} may be null (they are the RFC's K and X, which stored hashes do not use).
   */
  static byte[] argon2(
      int type,
      int version,
      byte[] password,
      byte[] salt,
      byte[] secret,
      byte[] associatedData,
      int memoryKib,
      int iterations,
      int parallelism,
      int length) {
    Argon2Parameters.Builder params =
        new Argon2Parameters.Builder(type)
            .withVersion(version)
            .withMemoryAsKB(memoryKib)
            .withIterations(iterations)
            .withParallelism(parallelism)
            .withSalt(salt);
    if (secret != null) {
      params.withSecret(secret);
    }
    if (associatedData != null) {
      params.withAdditional(associatedData);
    }
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(params.build());
    byte[] out = new byte[length];
    generator.generateBytes(password, out);
    return out;
  }

  /** scrypt (RFC 7914) with N = 2^{@code log2N}. */
  static byte[] scrypt(
      byte[] password, byte[] salt, int log2N, int blockSize, int parallelism, int length) {
    return SCrypt.generate(password, salt, 1 << log2N, blockSize, parallelism, length);
  }

  /**
   * PBKDF2-HMAC-SHA256 (RFC 8018) from the JDK, which encodes the password's characters as UTF-8.
   */
  static byte[] pbkdf2Sha256(char[] password, byte[] salt, int iterations, int length) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, length * 8);
    try {
      SecretKey key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec);
      return key.getEncoded();
    } catch (GeneralSecurityException e) {
      // A password the JDK refuses to derive from (an empty one) matches nothing.
      return null;
    } finally {
      spec.clearPassword();
    }
  }
}

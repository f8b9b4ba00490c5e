package dev.latchkey.password;

/**
 * The algorithm and parameters new password hashes are made with. The factories without arguments
 * give the minimums of the OWASP Password Storage Cheat Sheet
 * (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html): Argon2id with
 * 19 MiB, 2 iterations, 1 lane; scrypt with N = 2^17, r = 8, p = 1; PBKDF2-HMAC-SHA256 with 600,000
 * iterations; bCrypt at cost 12 (the sheet's floor is 10). Lower values are accepted so that tests
 * run fast; production should use the defaults or more.
 */
public sealed interface HashAlgorithm
    permits HashAlgorithm.Argon2id,
        HashAlgorithm.Scrypt,
        HashAlgorithm.Pbkdf2Sha256,
        HashAlgorithm.Bcrypt {

  /** {@return Argon2id at m = 19456 KiB, t = 2, p = 1} */
  static Argon2id argon2id() {
    return new Argon2id(19 * 1024, 2, 1);
  }

  /** {@return scrypt at N = 2^17, r = 8, p = 1 (128 MiB per hash)} */
  static Scrypt scrypt() {
    return new Scrypt(17, 8, 1);
  }

  /** {@return PBKDF2-HMAC-SHA256 with 600,000 iterations} */
  static Pbkdf2Sha256 pbkdf2Sha256() {
    return new Pbkdf2Sha256(600_000);
  }

  /** {@return bCrypt at cost 12, with the pre-hash described at {@link Bcrypt}} */
  static Bcrypt bcrypt() {
    return new Bcrypt(12);
  }

  /**
   * Argon2id (RFC 9106), version 0x13, a 16-byte salt and a 32-byte tag, written in the PHC string
   * format the reference implementation prints: {@code $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$
   * <salt>$<tag>}, standard base64 without padding.
   *
   * @param memoryKib memory in KiB, at least 8 per lane, at most 4 GiB
   * @param iterations passes over the memory, 1..1024
   * @param parallelism lanes, 1..64
   */
  record Argon2id(int memoryKib, int iterations, int parallelism) implements HashAlgorithm {
    /**
     * Checks the ranges.
     *
     * @param memoryKib memory in KiB
     * @param iterations passes
     * @param parallelism lanes
     * @throws IllegalArgumentException if a value is out of its range
     */
    public Argon2id {
      if (parallelism < 1 || parallelism > 64) {
        throw new IllegalArgumentException("Argon2 parallelism must be 1..64: " + parallelism);
      }
      if (memoryKib < 8 * parallelism || memoryKib > 4 * 1024 * 1024) {
        throw new IllegalArgumentException(
            "Argon2 memory must be 8 KiB per lane up to 4 GiB: " + memoryKib + " KiB");
      }
      if (iterations < 1 || iterations > 1024) {
        throw new IllegalArgumentException("Argon2 iterations must be 1..1024: " + iterations);
      }
    }
  }

  /**
   * scrypt (RFC 7914) with a 16-byte salt and a 32-byte key, written as {@code $scrypt$ln=<log2
   * N>,r=<r>,p=<p>$<salt>$<key>} in standard base64 without padding (the PHC form; passlib's, with
   * {@code .} for {@code +}, is read too).
   *
   * @param log2N the base-2 logarithm of the CPU/memory cost N, 1..24
   * @param blockSize r, 1..64
   * @param parallelism p, 1..64
   */
  record Scrypt(int log2N, int blockSize, int parallelism) implements HashAlgorithm {
    /**
     * Checks the ranges.
     *
     * @param log2N log2 of N
     * @param blockSize r
     * @param parallelism p
     * @throws IllegalArgumentException if a value is out of its range
     */
    public Scrypt {
      if (log2N < 1 || log2N > 24) {
        throw new IllegalArgumentException("scrypt log2(N) must be 1..24: " + log2N);
      }
      if (blockSize < 1 || blockSize > 64) {
        throw new IllegalArgumentException("scrypt r must be 1..64: " + blockSize);
      }
      if (parallelism < 1 || parallelism > 64) {
        throw new IllegalArgumentException("scrypt p must be 1..64: " + parallelism);
      }
    }
  }

  /**
   * PBKDF2 with HMAC-SHA256 (RFC 8018) from the JDK, a 16-byte salt and a 32-byte key, written as
   * {@code $pbkdf2-sha256$i=<iterations>,l=32$<salt>$<key>} in standard base64 without padding.
   * passlib's {@code $pbkdf2-sha256$<iterations>$<salt>$<key>} (adapted base64) is read too.
   *
   * @param iterations 1..100,000,000
   */
  record Pbkdf2Sha256(int iterations) implements HashAlgorithm {
    /**
     * Checks the range.
     *
     * @param iterations the iteration count
     * @throws IllegalArgumentException if it is out of range
     */
    public Pbkdf2Sha256 {
      if (iterations < 1 || iterations > 100_000_000) {
        throw new IllegalArgumentException("PBKDF2 iterations must be 1..100000000: " + iterations);
      }
    }
  }

  /**
   * bCrypt through {@code auth-core}. bCrypt reads at most 72 bytes, so new hashes pre-hash the
   * password: {@code base64(HMAC-SHA-384(key = "latchkey bcrypt pre-hash", UTF-8(password)))}, 64
   * ASCII characters, is what bCrypt sees; such hashes are marked {@code $bcrypt-sha384$2b$<cost>$
   * ...} (the modular crypt string after the marker), so plain {@code $2a$}, {@code $2b$} and
   * {@code $2y$} hashes of other systems still verify, as plain bCrypt, for passwords of up to 72
   * bytes.
   *
   * @param cost the base-2 logarithm of the rounds, 4..30
   */
  record Bcrypt(int cost) implements HashAlgorithm {
    /**
     * Checks the range.
     *
     * @param cost the cost
     * @throws IllegalArgumentException if it is out of range
     */
    public Bcrypt {
      if (cost < 4 || cost > 30) {
        throw new IllegalArgumentException("bCrypt cost must be 4..30: " + cost);
      }
    }
  }
}

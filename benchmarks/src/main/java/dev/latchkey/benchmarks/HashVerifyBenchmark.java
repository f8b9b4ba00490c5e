package dev.latchkey.benchmarks;

import dev.latchkey.password.HashAlgorithm;
import dev.latchkey.password.PasswordHashers;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Does {@link PasswordHashers#verify} cost more than calling Bouncy Castle (Argon2id, scrypt) or
 * the JDK (PBKDF2-HMAC-SHA256) directly on the same stored hash, at the OWASP defaults (Argon2id
 * m=19456 KiB t=2 p=1, scrypt N=2^17 r=8 p=1, PBKDF2 600,000 iterations)? Latchkey adds parsing the
 * PHC string, the NFKC check, UTF-8 encoding and a constant-time comparison; the goal is at most
 * 1.05 times the direct call. {@code argon2id-8KiB} (m=8 KiB, t=1, a few microseconds) shows
 * Latchkey's own work in absolute terms.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar HashVerify -f 1}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class HashVerifyBenchmark {
  @Param({"argon2id", "scrypt", "pbkdf2"})
  public String algorithm;

  int argon2Memory;
  int argon2Passes;

  PasswordHashers hashers;
  char[] password;
  byte[] passwordBytes;
  String hash;
  byte[] salt;
  byte[] expected;

  @Setup
  public void setUp() {
    HashAlgorithm a =
        switch (algorithm) {
          case "argon2id" -> HashAlgorithm.argon2id();
          // The smallest Argon2id: its few microseconds leave Latchkey's own work visible.
          case "argon2id-8KiB" -> new HashAlgorithm.Argon2id(8, 1, 1);
          case "scrypt" -> HashAlgorithm.scrypt();
          case "pbkdf2" -> HashAlgorithm.pbkdf2Sha256();
          default -> throw new IllegalArgumentException(algorithm);
        };
    hashers = PasswordHashers.builder().algorithm(a).build();
    if (a instanceof HashAlgorithm.Argon2id argon2) {
      argon2Memory = argon2.memoryKib();
      argon2Passes = argon2.iterations();
    }
    password = "correct horse battery staple".toCharArray();
    passwordBytes = new String(password).getBytes(StandardCharsets.UTF_8);
    hash = hashers.hash(password);
    String[] parts = hash.split("\\$", -1);
    salt = Base64.getDecoder().decode(parts[parts.length - 2]);
    expected = Base64.getDecoder().decode(parts[parts.length - 1]);
    if (!hashers.verify(password, hash) || !direct()) {
      throw new IllegalStateException("the hash does not verify");
    }
  }

  @Benchmark
  public boolean latchkey() {
    return hashers.verify(password, hash);
  }

  @Benchmark
  public boolean direct() {
    byte[] actual =
        switch (algorithm) {
          case "argon2id", "argon2id-8KiB" -> {
            Argon2BytesGenerator g = new Argon2BytesGenerator();
            g.init(
                new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withMemoryAsKB(argon2Memory)
                    .withIterations(argon2Passes)
                    .withParallelism(1)
                    .withSalt(salt)
                    .build());
            byte[] out = new byte[32];
            g.generateBytes(passwordBytes, out);
            yield out;
          }
          case "scrypt" -> SCrypt.generate(passwordBytes, salt, 1 << 17, 8, 1, 32);
          default -> pbkdf2();
        };
    return MessageDigest.isEqual(expected, actual);
  }

  private byte[] pbkdf2() {
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
          .generateSecret(new PBEKeySpec(password, salt, 600_000, 256))
          .getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}

package dev.latchkey.benchmarks;

import dev.latchkey.core.PasswordHasher;
import java.util.concurrent.TimeUnit;
import org.mindrot.jbcrypt.BCrypt;
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
 * Does Latchkey's bCrypt hasher ({@link PasswordHasher#bcrypt(int)}) verify a password as fast as
 * raw jBCrypt's {@code checkpw} on the same hash, at cost 10 (≈ 64 ms) and 12 (≈ 256 ms)? Latchkey
 * adds the UTF-8 length check (72-byte rule), a constant-time comparison and no string round trip
 * of the hash.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar PasswordVerify -f 1} (the iteration
 * settings are in the annotations: a few operations per iteration are enough at these costs).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 4, time = 2)
@Fork(1)
public class PasswordVerifyBenchmark {
  @Param({"10", "12"})
  public int cost;

  PasswordHasher hasher;
  char[] password;
  String passwordString;
  String hash;

  @Setup
  public void setUp() {
    hasher = PasswordHasher.bcrypt(cost);
    passwordString = "correct horse battery staple";
    password = passwordString.toCharArray();
    hash = hasher.hash(password);
    if (!hasher.verify(password, hash) || !BCrypt.checkpw(passwordString, hash)) {
      throw new IllegalStateException("the hash does not verify");
    }
  }

  @Benchmark
  public boolean latchkey() {
    return hasher.verify(password, hash);
  }

  @Benchmark
  public boolean jbcrypt() {
    return BCrypt.checkpw(passwordString, hash);
  }
}

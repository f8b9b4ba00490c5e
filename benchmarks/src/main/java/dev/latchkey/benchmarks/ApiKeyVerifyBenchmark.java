package dev.latchkey.benchmarks;

import dev.latchkey.account.ApiKeys;
import dev.latchkey.account.InMemoryApiKeyStore;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.session.SessionManager;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * How long does verifying an API key against the in-memory store take (the goal is at most 1 µs:
 * two SHA-256s, one for the checksum and one for the secret, and one map read), and how does that
 * compare with a bare SHA-256 of 32 bytes and with a session cookie check in the same run?
 *
 * <p>{@code verifyHit} verifies the keys of {@code keyCount} users in turn (100: a hot set that
 * stays in the CPU caches; 10,000: records spread over memory), on the real clock with the default
 * one-minute last-use interval, so nearly every verification is a read without a write. {@code
 * verifyTypo} verifies keys with one character changed: refused by the checksum, no store read.
 * {@code sha256Of32Bytes} and {@code sessionCheck} are the baselines.
 *
 * <p>Run: {@code mvn -B -q -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar ApiKeyVerifyBenchmark -f 1 -wi 3 -i 5 -w 1 -r 1}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ApiKeyVerifyBenchmark {
  /** How many users' keys are verified in turn: a hot few, or many spread over memory. */
  @Param({"100", "10000"})
  public int keyCount;

  private ApiKeys keys;
  private String[] valid;
  private String[] typos;
  private SessionManager sessions;
  private SessionCookie[] cookies;
  private byte[] bytes32;
  private MessageDigest sha256;

  /** A counter per benchmark thread, so threads do not contend on it. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Setup(Level.Trial)
  public void setUp() throws NoSuchAlgorithmException {
    keys = ApiKeys.builder(InMemoryApiKeyStore.create()).appPrefix("bench").build();
    sessions =
        SessionManager.builder(SessionManager.inMemoryStore(Clock.systemUTC()))
            .idleTimeout(Duration.ofMinutes(30))
            .build();
    valid = new String[keyCount];
    typos = new String[keyCount];
    cookies = new SessionCookie[keyCount];
    for (int i = 0; i < keyCount; i++) {
      String subject = "user-" + i;
      valid[i] = keys.create(subject, "bench", Set.of("read", "write"), null).orElseThrow().key();
      char c = valid[i].charAt(40);
      typos[i] = valid[i].substring(0, 40) + (c == 'A' ? 'B' : 'A') + valid[i].substring(41);
      keys.verify(valid[i]); // the first use writes lastUsedAt; the measured ones read only
      cookies[i] =
          new SessionCookie(
              sessions
                  .login(Principal.of(subject, Set.of("user")), java.util.Map.of())
                  .created()
                  .orElseThrow()
                  .id());
    }
    bytes32 = new byte[32];
    new SecureRandom().nextBytes(bytes32);
    sha256 = MessageDigest.getInstance("SHA-256");
    if (!keys.verify(valid[0]).succeeded() || keys.verify(typos[0]).succeeded()) {
      throw new IllegalStateException("the benchmark's keys do not verify as expected");
    }
  }

  /** A valid key, read from the store without a write. */
  @Benchmark
  public AuthResult verifyHit(Cursor cursor) {
    int i = cursor.next++ % keyCount;
    return keys.verify(valid[i]);
  }

  /** A key with one character changed: refused by its checksum before any store read. */
  @Benchmark
  public AuthResult verifyTypo(Cursor cursor) {
    int i = cursor.next++ % keyCount;
    return keys.verify(typos[i]);
  }

  /** Baseline: a bare SHA-256 of 32 bytes on a reused digest. */
  @Benchmark
  public byte[] sha256Of32Bytes() {
    return sha256.digest(bytes32);
  }

  /** Baseline: an in-memory session cookie check ({@code SessionManager.authenticate}). */
  @Benchmark
  public AuthResult sessionCheck(Cursor cursor) {
    int i = cursor.next++ % keyCount;
    return sessions.authenticate(cookies[i]);
  }
}

package dev.latchkey.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What is the least any library can spend on the work inside a token or session check? These are
 * the floors the other benchmarks are read against, with nothing checked and nothing parsed beyond
 * the bytes:
 *
 * <ul>
 *   <li>{@code hmacBase64}: HS256 of the signing input of the benchmarks' access token through an
 *       initialised {@code javax.crypto.Mac}, the payload and signature Base64url-decoded, the
 *       signature compared with {@code MessageDigest.isEqual}.
 *   <li>{@code sha256Id}: {@code MessageDigest} SHA-256 of a 32-byte id on a reused instance.
 *   <li>{@code sha256IdGetInstance}: the same with {@code MessageDigest.getInstance} per call.
 *   <li>{@code caffeineGet}: a Caffeine {@code getIfPresent} hit in a cache of 10,000 entries.
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar CryptoFloor -f 1 -wi 2 -w 1s -i 3 -r
 * 1s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CryptoFloorBenchmark {
  private static final int ENTRIES = 10_000;

  Mac mac;
  String token;
  int dot2;
  MessageDigest sha256;
  byte[] id;
  Cache<String, Object> cache;
  String[] keys;
  int next;

  @Setup
  public void setUp() throws Exception {
    BenchmarkKeys k = BenchmarkKeys.generate("HS256");
    token = BenchmarkKeys.accessToken(k);
    dot2 = token.lastIndexOf('.');
    mac = Mac.getInstance("HmacSHA256");
    mac.init(
        new SecretKeySpec(
            ((com.nimbusds.jose.jwk.OctetSequenceKey) k.jwk).toByteArray(), "HmacSHA256"));
    sha256 = MessageDigest.getInstance("SHA-256");
    id = new byte[32];
    new SecureRandom().nextBytes(id);
    cache = Caffeine.newBuilder().maximumSize(100_000).build();
    keys = new String[ENTRIES];
    for (int i = 0; i < ENTRIES; i++) {
      keys[i] =
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(sha256.digest(("k" + i).getBytes(StandardCharsets.UTF_8)));
      cache.put(keys[i], true);
    }
    if (!hmacBase64()) {
      throw new IllegalStateException("the floor refused the token");
    }
  }

  @Benchmark
  public boolean hmacBase64() {
    int dot1 = token.indexOf('.');
    byte[] input = token.substring(0, dot2).getBytes(StandardCharsets.US_ASCII);
    byte[] payload = Base64.getUrlDecoder().decode(token.substring(dot1 + 1, dot2));
    byte[] signature = Base64.getUrlDecoder().decode(token.substring(dot2 + 1));
    byte[] expected = mac.doFinal(input);
    return MessageDigest.isEqual(expected, signature) && payload.length > 0;
  }

  @Benchmark
  public byte[] sha256Id() {
    return sha256.digest(id);
  }

  @Benchmark
  public byte[] sha256IdGetInstance() throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(id);
  }

  @Benchmark
  public Object caffeineGet() {
    return cache.getIfPresent(keys[next++ % ENTRIES]);
  }
}

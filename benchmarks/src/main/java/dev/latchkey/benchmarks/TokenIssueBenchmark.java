package dev.latchkey.benchmarks;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.core.Principal;
import dev.latchkey.core.TokenService;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What does Latchkey's access-token issue cost next to bare Nimbus building and signing the same
 * token (same header, same claims, a fresh 128-bit {@code jti}), per algorithm?
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar TokenIssue -f 1 -wi 2 -w 1s -i 3 -r 1s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TokenIssueBenchmark {
  static final String ISS = "https://auth.example";
  static final String AUD = "api";
  static final Principal ALICE = Principal.of("alice", Set.of("user", "admin"));
  static final SecureRandom RANDOM = new SecureRandom();

  @Param({"HS256", "RS256", "ES256", "EdDSA"})
  public String alg;

  JwtTokenService service;
  BenchmarkKeys keys;
  JWSHeader header;

  @Setup
  public void setUp() throws Exception {
    keys = BenchmarkKeys.generate(alg);
    service =
        JwtTokenService.builder(KeyRing.of(keys.latchkeyKey), ISS, AUD)
            .accessTokenLifetime(Duration.ofHours(1))
            .build();
    header =
        new JWSHeader.Builder(keys.algorithm)
            .keyID(keys.jwk.getKeyID())
            .type(new JOSEObjectType("at+jwt"))
            .build();
  }

  @Benchmark
  public TokenService.IssuedToken latchkeyIssue() {
    return service.issue(ALICE);
  }

  @Benchmark
  public String nimbusIssue() throws Exception {
    long now = System.currentTimeMillis() / 1000 * 1000;
    byte[] jti = new byte[16];
    RANDOM.nextBytes(jti);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISS)
            .subject("alice")
            .audience(AUD)
            .issueTime(Date.from(Instant.ofEpochMilli(now)))
            .expirationTime(Date.from(Instant.ofEpochMilli(now + 3_600_000)))
            .jwtID(Base64.getUrlEncoder().withoutPadding().encodeToString(jti))
            .claim("roles", List.of("admin", "user"))
            .build();
    SignedJWT jwt = new SignedJWT(header, claims);
    jwt.sign(keys.nimbusSigner);
    return jwt.serialize();
  }
}

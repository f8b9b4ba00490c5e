package dev.latchkey.benchmarks;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import io.jsonwebtoken.Jwts;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What do auth0 {@code java-jwt} and jjwt spend to issue the same access token that {@link
 * TokenIssueBenchmark} issues with Latchkey and bare Nimbus (same header fields, same claims, a
 * fresh 128-bit {@code jti} each)? EdDSA is left out: auth0 has none, and jjwt's Ed25519 signing is
 * the JDK's, which Latchkey does not use.
 *
 * <p>Run: {@code mvn -B -q -Ppeers -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar 'TokenIssue' -f 1 -wi 2 -w 1s -i 3 -r 1s}
 */
// The auth0 and jjwt builders take java.util.Date: the benchmark calls them as users do.
@SuppressWarnings("JavaUtilDate")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PeerTokenIssueBenchmark {
  static final SecureRandom RANDOM = new SecureRandom();

  @Param({"HS256", "RS256", "ES256"})
  public String alg;

  BenchmarkKeys keys;
  Algorithm auth0;
  java.security.Key jjwtKey;

  @Setup
  public void setUp() throws Exception {
    keys = BenchmarkKeys.generate(alg);
    switch (alg) {
      case "HS256" -> {
        byte[] secret = ((OctetSequenceKey) keys.jwk).toByteArray();
        auth0 = Algorithm.HMAC256(secret);
        jjwtKey = new SecretKeySpec(secret, "HmacSHA256");
      }
      case "RS256" -> {
        RSAKey rsa = (RSAKey) keys.jwk;
        auth0 = Algorithm.RSA256(rsa.toRSAPublicKey(), rsa.toRSAPrivateKey());
        jjwtKey = rsa.toRSAPrivateKey();
      }
      default -> {
        ECKey ec = (ECKey) keys.jwk;
        auth0 = Algorithm.ECDSA256(ec.toECPublicKey(), ec.toECPrivateKey());
        PrivateKey p = ec.toECPrivateKey();
        jjwtKey = p;
      }
    }
  }

  @Benchmark
  public String auth0() {
    long now = System.currentTimeMillis() / 1000 * 1000;
    return JWT.create()
        .withKeyId(keys.jwk.getKeyID())
        .withHeader(Map.of("typ", "at+jwt"))
        .withIssuer(BenchmarkKeys.ISS)
        .withSubject("alice")
        .withAudience(BenchmarkKeys.AUD)
        .withIssuedAt(new Date(now))
        .withExpiresAt(new Date(now + 3_600_000))
        .withJWTId(jti())
        .withClaim("roles", List.of("admin", "user"))
        .sign(auth0);
  }

  @Benchmark
  public String jjwt() {
    long now = System.currentTimeMillis() / 1000 * 1000;
    return Jwts.builder()
        .header()
        .keyId(keys.jwk.getKeyID())
        .type("at+jwt")
        .and()
        .issuer(BenchmarkKeys.ISS)
        .subject("alice")
        .audience()
        .add(BenchmarkKeys.AUD)
        .and()
        .issuedAt(new Date(now))
        .expiration(new Date(now + 3_600_000))
        .id(jti())
        .claim("roles", List.of("admin", "user"))
        .signWith(jjwtKey)
        .compact();
  }

  private static String jti() {
    byte[] jti = new byte[16];
    RANDOM.nextBytes(jti);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(jti);
  }
}

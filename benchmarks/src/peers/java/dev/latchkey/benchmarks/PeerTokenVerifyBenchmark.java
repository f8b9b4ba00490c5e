package dev.latchkey.benchmarks;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.core.Principal;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.JwtParserBuilder;
import io.jsonwebtoken.Jwts;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
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
 * What do the libraries a Java user would pick instead of Latchkey spend to verify the same access
 * token with the same checks? The Latchkey rows are {@link TokenVerifyBenchmark}'s, run in the same
 * command; this class holds the peers only, since it needs the {@code peers} profile.
 *
 * <p>Every peer checks what Latchkey checks except revocation (none of them has a revocation list):
 * the signature with the one configured algorithm and key, {@code iss} exact, {@code aud} contains
 * ours, {@code exp}/{@code nbf} with 60 s of skew, {@code sub}, {@code iat}, {@code jti} present;
 * and each builds the same {@link Principal} (subject and roles) from the claims.
 *
 * <ul>
 *   <li>{@code nimbusBare}: {@code SignedJWT.parse}, the bare verifier ({@code MACVerifier}, {@code
 *       RSASSAVerifier}, ...), {@code getJWTClaimsSet}, the claim checks by hand.
 *   <li>{@code auth0}: auth0 {@code java-jwt}'s {@code JWTVerifier} (no EdDSA: that row fails by
 *       design and is shown as "n/a").
 *   <li>{@code jjwt}: jjwt's {@code JwtParser} with {@code requireIssuer}/{@code requireAudience}.
 * </ul>
 *
 * <p>Run: {@code mvn -B -q -Ppeers -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar 'TokenVerify' -f 1 -wi 2 -w 1s -i 3 -r 1s}
 */
// Nimbus's claims API answers java.util.Date: the benchmark checks them as users do.
@SuppressWarnings("JavaUtilDate")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PeerTokenVerifyBenchmark {
  private static final long SKEW_MS = 60_000;

  @Param({"HS256", "RS256", "ES256", "EdDSA"})
  public String alg;

  BenchmarkKeys keys;
  String token;
  JWTVerifier auth0;
  JwtParser jjwt;

  @Setup
  public void setUp() throws Exception {
    keys = BenchmarkKeys.generate(alg);
    token = BenchmarkKeys.accessToken(keys);
    auth0 = auth0Verifier();
    java.security.Key key = jjwtKey();
    JwtParserBuilder builder =
        key instanceof SecretKey secret
            ? Jwts.parser().verifyWith(secret)
            : Jwts.parser().verifyWith((PublicKey) key);
    jjwt =
        builder
            .requireIssuer(BenchmarkKeys.ISS)
            .requireAudience(BenchmarkKeys.AUD)
            .clockSkewSeconds(SKEW_MS / 1000)
            .build();
    // Every path must accept the token, or the figures would compare refusals.
    nimbusBare();
    if (auth0 != null) {
      auth0();
    }
    jjwt();
  }

  @Benchmark
  public Principal nimbusBare() throws Exception {
    SignedJWT jwt = SignedJWT.parse(token);
    if (!jwt.getHeader().getAlgorithm().equals(keys.algorithm)
        || !jwt.verify(keys.nimbusVerifier)) {
      throw new IllegalStateException("bad signature");
    }
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    long now = System.currentTimeMillis();
    Date exp = claims.getExpirationTime();
    Date nbf = claims.getNotBeforeTime();
    List<String> aud = claims.getAudience();
    if (!BenchmarkKeys.ISS.equals(claims.getIssuer())
        || aud == null
        || !aud.contains(BenchmarkKeys.AUD)
        || exp == null
        || exp.getTime() + SKEW_MS <= now
        || (nbf != null && nbf.getTime() - SKEW_MS > now)
        || claims.getSubject() == null
        || claims.getIssueTime() == null
        || claims.getJWTID() == null) {
      throw new IllegalStateException("claims refused");
    }
    return new Principal(
        claims.getSubject(), Set.copyOf(claims.getStringListClaim("roles")), Map.of());
  }

  @Benchmark
  public Principal auth0() {
    if (auth0 == null) {
      throw new UnsupportedOperationException("auth0 java-jwt has no " + alg);
    }
    DecodedJWT jwt = auth0.verify(token);
    return new Principal(
        jwt.getSubject(), Set.copyOf(jwt.getClaim("roles").asList(String.class)), Map.of());
  }

  @Benchmark
  public Principal jjwt() {
    Claims claims = jjwt.parseSignedClaims(token).getPayload();
    if (claims.getSubject() == null || claims.getIssuedAt() == null || claims.getId() == null) {
      throw new IllegalStateException("claims refused");
    }
    List<?> roles = claims.get("roles", List.class);
    String[] names = new String[roles.size()];
    for (int i = 0; i < names.length; i++) {
      names[i] = (String) roles.get(i);
    }
    return new Principal(claims.getSubject(), Set.of(names), Map.of());
  }

  private JWTVerifier auth0Verifier() throws Exception {
    Algorithm a =
        switch (alg) {
          case "HS256" -> Algorithm.HMAC256(((OctetSequenceKey) keys.jwk).toByteArray());
          case "RS256" -> Algorithm.RSA256(((RSAKey) keys.jwk).toRSAPublicKey(), null);
          case "ES256" -> Algorithm.ECDSA256(((ECKey) keys.jwk).toECPublicKey(), null);
          default -> null;
        };
    if (a == null) {
      return null;
    }
    return JWT.require(a)
        .withIssuer(BenchmarkKeys.ISS)
        .withAudience(BenchmarkKeys.AUD)
        .withClaimPresence("sub")
        .withClaimPresence("iat")
        .withClaimPresence("jti")
        .acceptLeeway(SKEW_MS / 1000)
        .build();
  }

  private java.security.Key jjwtKey() throws Exception {
    return switch (alg) {
      case "HS256" -> new SecretKeySpec(((OctetSequenceKey) keys.jwk).toByteArray(), "HmacSHA256");
      case "RS256" -> ((RSAKey) keys.jwk).toRSAPublicKey();
      case "ES256" -> ((ECKey) keys.jwk).toECPublicKey();
      default -> ed25519PublicKey(((OctetKeyPair) keys.jwk).getDecodedX());
    };
  }

  /** The JDK's Ed25519 key for a raw 32-byte public key: the fixed X.509 prefix, then the key. */
  private static PublicKey ed25519PublicKey(byte[] x) throws Exception {
    byte[] prefix = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    byte[] der = new byte[prefix.length + x.length];
    System.arraycopy(prefix, 0, der, 0, prefix.length);
    System.arraycopy(x, 0, der, prefix.length, x.length);
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
  }
}

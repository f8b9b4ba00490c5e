package dev.latchkey.benchmarks;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.spi.RevocationList;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import java.security.Key;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
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
 * What does Latchkey's access-token verify cost next to bare Nimbus doing the same work, per
 * algorithm? And what does a repeated verify of one token cost with the verified-token cache?
 *
 * <ul>
 *   <li>{@code latchkeyVerify}: {@link JwtTokenService#verify} with no cache: parse, header rules,
 *       signature, claims, and the in-memory revocation check.
 *   <li>{@code latchkeyVerifyCached}: the same token again (as a fresh {@code String}, as a server
 *       receives it) through a service with a verified-token cache; expiry and revocation are still
 *       checked.
 *   <li>{@code nimbusProcessor}: Nimbus's {@code DefaultJWTProcessor} with a key selector, a {@code
 *       typ} verifier and a {@code DefaultJWTClaimsVerifier} (iss, aud, exp, nbf, required claims):
 *       the comparable full verify, without any revocation check.
 *   <li>{@code nimbusParseVerify}: the floor: {@code SignedJWT.parse}, the signature, and the
 *       claims set parsed, nothing checked.
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar TokenVerify -f 1 -wi 2 -w 1s -i 3 -r
 * 1s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TokenVerifyBenchmark {
  static final String ISS = BenchmarkKeys.ISS;
  static final String AUD = BenchmarkKeys.AUD;

  /** Revoked tokens of other users, so the revocation lookup is not of an empty list. */
  static final int REVOKED = 1_000;

  @Param({"HS256", "RS256", "ES256", "EdDSA"})
  public String alg;

  JwtTokenService service;
  JwtTokenService cachedService;
  DefaultJWTProcessor<SecurityContext> processor;
  BenchmarkKeys keys;
  String token;
  char[] tokenChars;

  @Setup
  public void setUp() throws Exception {
    keys = BenchmarkKeys.generate(alg);
    KeyRing ring = KeyRing.of(keys.latchkeyKey);
    RevocationList revocations = JwtTokenService.inMemoryRevocationList(Clock.systemUTC());
    Instant later = Instant.now().plus(Duration.ofHours(1));
    for (int i = 0; i < REVOKED; i++) {
      revocations.revokeToken(ISS, "revoked-" + i, "user-" + i, later);
    }
    service =
        JwtTokenService.builder(ring, ISS, AUD)
            .accessTokenLifetime(Duration.ofHours(1))
            .revocationList(revocations)
            .build();
    cachedService =
        JwtTokenService.builder(ring, ISS, AUD)
            .accessTokenLifetime(Duration.ofHours(1))
            .revocationList(revocations)
            .verifiedTokenCacheSize(10_000)
            .build();
    token = BenchmarkKeys.accessToken(keys);
    tokenChars = token.toCharArray();

    processor = new DefaultJWTProcessor<>();
    processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
    if (keys.algorithm.equals(JWSAlgorithm.EdDSA)) {
      // Nimbus's key selector yields JCA keys, and an OKP JWK has none: hand the processor the
      // Ed25519 verifier directly. Selection is then free, which favours Nimbus slightly.
      Key placeholder = new SecretKeySpec(new byte[1], "none");
      processor.setJWSKeySelector((header, context) -> List.of(placeholder));
      processor.setJWSVerifierFactory(new FixedVerifierFactory(keys.nimbusVerifier));
    } else {
      processor.setJWSKeySelector(
          new JWSVerificationKeySelector<>(
              keys.algorithm, new ImmutableJWKSet<>(new JWKSet(keys.jwk))));
    }
    processor.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<>(
            AUD,
            new JWTClaimsSet.Builder().issuer(ISS).build(),
            Set.of("sub", "iat", "exp", "jti")));

    if (!verifyLatchkey().succeeded() || !verifyLatchkeyCached().succeeded()) {
      throw new IllegalStateException("Latchkey refused its own token");
    }
    nimbusProcessor();
  }

  @Benchmark
  public AuthResult latchkeyVerify() {
    return verifyLatchkey();
  }

  @Benchmark
  public AuthResult latchkeyVerifyCached() {
    // A fresh String, as a server gets per request: its hash and equality are computed anew.
    return cachedService.verify(new String(tokenChars));
  }

  @Benchmark
  public JWTClaimsSet nimbusProcessor() throws Exception {
    return processor.process(token, null);
  }

  @Benchmark
  public JWTClaimsSet nimbusParseVerify() throws Exception {
    SignedJWT jwt = SignedJWT.parse(token);
    if (!jwt.verify(keys.nimbusVerifier)) {
      throw new IllegalStateException("bad signature");
    }
    return jwt.getJWTClaimsSet();
  }

  private AuthResult verifyLatchkey() {
    return service.verify(token);
  }

  private AuthResult verifyLatchkeyCached() {
    return cachedService.verify(new String(tokenChars));
  }

  /** Hands out one verifier, whatever the key. */
  private static final class FixedVerifierFactory implements JWSVerifierFactory {
    private final JWSVerifier verifier;
    private final JCAContext jca = new JCAContext();

    FixedVerifierFactory(JWSVerifier verifier) {
      this.verifier = verifier;
    }

    @Override
    public JWSVerifier createJWSVerifier(JWSHeader header, Key key) {
      return verifier;
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
      return verifier.supportedJWSAlgorithms();
    }

    @Override
    public JCAContext getJCAContext() {
      return jca;
    }
  }
}

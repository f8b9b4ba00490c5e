package dev.latchkey.benchmarks;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.latchkey.core.Principal;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.SigningKey;
import java.time.Duration;
import java.util.Set;

/**
 * One key per benchmarked algorithm, the same key material for Latchkey and for bare Nimbus, so
 * both sides of a ratio do the same cryptography.
 */
final class BenchmarkKeys {
  static final String ISS = "https://auth.example";
  static final String AUD = "api";

  /** The principal of every benchmarked token: a typical access token of about 250 bytes. */
  static final Principal ALICE = Principal.of("alice", Set.of("user", "admin"));

  final JWSAlgorithm algorithm;
  final JWK jwk;
  final SigningKey latchkeyKey;
  final JWSSigner nimbusSigner;
  final JWSVerifier nimbusVerifier;

  private BenchmarkKeys(JWSAlgorithm algorithm, JWK jwk) throws JOSEException {
    this.algorithm = algorithm;
    this.jwk = jwk;
    this.latchkeyKey = SigningKey.fromJwk(jwk.toJSONString());
    if (jwk instanceof OctetSequenceKey oct) {
      nimbusSigner = new MACSigner(oct);
      nimbusVerifier = new MACVerifier(oct);
    } else if (jwk instanceof RSAKey rsa) {
      nimbusSigner = new RSASSASigner(rsa);
      nimbusVerifier = new RSASSAVerifier(rsa.toRSAPublicKey());
    } else if (jwk instanceof ECKey ec) {
      nimbusSigner = new ECDSASigner(ec);
      nimbusVerifier = new ECDSAVerifier(ec.toECPublicKey());
    } else {
      OctetKeyPair okp = (OctetKeyPair) jwk;
      nimbusSigner = new Ed25519Signer(okp);
      nimbusVerifier = new Ed25519Verifier(okp.toPublicJWK());
    }
  }

  /**
   * The access token every JWT benchmark verifies, issued by Latchkey with {@code keys}: header
   * {@code alg}, {@code kid}, {@code typ}; claims {@code iss}, {@code sub}, {@code aud}, {@code
   * iat}, {@code exp} (one hour), {@code jti}, {@code roles}.
   */
  static String accessToken(BenchmarkKeys keys) {
    return JwtTokenService.builder(KeyRing.of(keys.latchkeyKey), ISS, AUD)
        .accessTokenLifetime(Duration.ofHours(1))
        .build()
        .issue(ALICE)
        .value();
  }

  /** A fresh key for {@code alg}: HS256, RS256, ES256 or EdDSA. */
  static BenchmarkKeys generate(String alg) throws JOSEException {
    JWSAlgorithm a = JWSAlgorithm.parse(alg);
    JWK jwk =
        switch (alg) {
          case "HS256" -> new OctetSequenceKeyGenerator(256).keyID("bench").algorithm(a).generate();
          case "RS256" -> new RSAKeyGenerator(2048).keyID("bench").algorithm(a).generate();
          case "ES256" -> new ECKeyGenerator(Curve.P_256).keyID("bench").algorithm(a).generate();
          case "EdDSA" ->
              new OctetKeyPairGenerator(Curve.Ed25519).keyID("bench").algorithm(a).generate();
          default -> throw new IllegalArgumentException("unknown algorithm " + alg);
        };
    return new BenchmarkKeys(a, jwk);
  }
}

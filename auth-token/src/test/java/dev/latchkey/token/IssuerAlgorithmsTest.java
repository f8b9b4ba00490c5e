package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.TestClock;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tokens of another issuer under every asymmetric algorithm a trusted issuer may allow (RS, PS and
 * ES 256/384/512 and EdDSA). The issuer here is not Latchkey: its keys are made by the JDK, its JWK
 * Set is written out by hand, and its signatures are made by {@link java.security.Signature}
 * directly, so what is tested is interoperability with another signer, not agreement of Latchkey's
 * signing with its own verifying.
 */
class IssuerAlgorithmsTest {
  private static final String ISS = "https://idp.example";
  private static final String AUD = "orders-api";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /** One key of the foreign issuer: its algorithm, kid, JDK key pair. */
  private record ForeignKey(SigningAlgorithm alg, String kid, KeyPair pair) {}

  private static final Map<SigningAlgorithm, ForeignKey> KEYS = new LinkedHashMap<>();
  private static LoopbackJwks jwks;
  private final TestClock clock = new TestClock(Instant.parse("2026-06-01T12:00:00Z"));

  @BeforeAll
  static void publish() throws Exception {
    KeyPair rsa = rsaPair();
    List<String> published = new ArrayList<>();
    for (SigningAlgorithm alg : SigningAlgorithm.values()) {
      if (alg.isHmac() || alg == SigningAlgorithm.EDDSA) {
        continue;
      }
      // One RSA key per algorithm, since a published key is bound to one alg.
      KeyPair pair = alg.isRsa() ? (alg == SigningAlgorithm.RS256 ? rsa : rsaPair()) : ecPair(alg);
      ForeignKey key =
          new ForeignKey(alg, "idp-" + alg.jwsName().toLowerCase(java.util.Locale.ROOT), pair);
      KEYS.put(alg, key);
      published.add(jwk(key, /* withAlg= */ alg.isRsa()));
    }
    jwks = new LoopbackJwks();
    jwks.serveRaw("{\"keys\":[" + String.join(",", published) + "]}");
  }

  @AfterAll
  static void stop() {
    jwks.close();
  }

  private static KeyPair rsaPair() throws GeneralSecurityException {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    return gen.generateKeyPair();
  }

  private static KeyPair ecPair(SigningAlgorithm alg) throws GeneralSecurityException {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    String curve =
        switch (alg) {
          case ES256 -> "secp256r1";
          case ES384 -> "secp384r1";
          case ES512 -> "secp521r1";
          default -> throw new IllegalArgumentException(alg.toString());
        };
    gen.initialize(new ECGenParameterSpec(curve));
    return gen.generateKeyPair();
  }

  /** The public JWK as an issuer publishes it; EC keys without {@code alg}, as many do. */
  private static String jwk(ForeignKey key, boolean withAlg) {
    Map<String, Object> json;
    if (key.pair().getPublic() instanceof RSAPublicKey rsa) {
      json = new RSAKey.Builder(rsa).build().toJSONObject();
    } else {
      ECPublicKey ec = (ECPublicKey) key.pair().getPublic();
      json = new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build().toJSONObject();
    }
    json.put("kid", key.kid());
    json.put("use", "sig");
    if (withAlg) {
      json.put("alg", key.alg().jwsName());
    }
    return Forge.json(json);
  }

  /** A signature by the JDK alone, in the JWS form (RFC 7518 section 3). */
  private static byte[] jdkSign(SigningAlgorithm alg, KeyPair pair, byte[] input)
      throws GeneralSecurityException {
    Signature sig =
        switch (alg) {
          case RS256 -> Signature.getInstance("SHA256withRSA");
          case RS384 -> Signature.getInstance("SHA384withRSA");
          case RS512 -> Signature.getInstance("SHA512withRSA");
          case PS256, PS384, PS512 -> pss(alg);
          case ES256 -> Signature.getInstance("SHA256withECDSAinP1363Format");
          case ES384 -> Signature.getInstance("SHA384withECDSAinP1363Format");
          case ES512 -> Signature.getInstance("SHA512withECDSAinP1363Format");
          default -> throw new IllegalArgumentException(alg.toString());
        };
    sig.initSign(pair.getPrivate());
    sig.update(input);
    return sig.sign();
  }

  /** RSASSA-PSS as RFC 7518 section 3.5 fixes it: MGF1 with the same hash, salt as long as it. */
  private static Signature pss(SigningAlgorithm alg) throws GeneralSecurityException {
    String hash;
    MGF1ParameterSpec mgf;
    int saltBytes;
    switch (alg) {
      case PS256 -> {
        hash = "SHA-256";
        mgf = MGF1ParameterSpec.SHA256;
        saltBytes = 32;
      }
      case PS384 -> {
        hash = "SHA-384";
        mgf = MGF1ParameterSpec.SHA384;
        saltBytes = 48;
      }
      default -> {
        hash = "SHA-512";
        mgf = MGF1ParameterSpec.SHA512;
        saltBytes = 64;
      }
    }
    Signature sig = Signature.getInstance("RSASSA-PSS");
    sig.setParameter(new PSSParameterSpec(hash, "MGF1", mgf, saltBytes, 1));
    return sig;
  }

  private String token(ForeignKey key, String headerAlg) throws GeneralSecurityException {
    long now = clock.instant().getEpochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", ISS);
    claims.put("sub", "svc-7");
    claims.put("aud", AUD);
    claims.put("iat", now);
    claims.put("exp", now + 300);
    claims.put("jti", UUID.randomUUID().toString());
    claims.put("scope", "orders:read");
    String header =
        "{\"alg\":\"" + headerAlg + "\",\"kid\":\"" + key.kid() + "\",\"typ\":\"at+jwt\"}";
    String input =
        B64.encodeToString(header.getBytes(StandardCharsets.UTF_8))
            + '.'
            + B64.encodeToString(Forge.json(claims).getBytes(StandardCharsets.UTF_8));
    byte[] signature = jdkSign(key.alg(), key.pair(), input.getBytes(StandardCharsets.US_ASCII));
    return input + '.' + B64.encodeToString(signature);
  }

  private IssuerVerifier verifier(SigningAlgorithm first, SigningAlgorithm... more) {
    TrustedIssuer trusted =
        TrustedIssuer.builder(ISS, jwks.uri(), AUD)
            .algorithms(first, more)
            .refreshInterval(Duration.ofMinutes(5))
            .unknownKidInterval(Duration.ofSeconds(30))
            .fetchTimeout(Duration.ofSeconds(2))
            .build();
    return IssuerVerifier.builder(trusted).clock(clock).build();
  }

  private static Reason reason(AuthResult result) {
    return result.failure().map(AuthResult.Failure::reason).orElse(null);
  }

  @ParameterizedTest
  @EnumSource(
      names = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"})
  void verifiesAnotherSignersTokenUnderEachAllowedAlgorithm(SigningAlgorithm alg) throws Exception {
    IssuerVerifier v = verifier(alg);

    AuthResult result = v.verify(token(KEYS.get(alg), alg.jwsName()));

    assertThat(reason(result)).isNull();
    assertThat(result.principal().orElseThrow().subject()).isEqualTo("svc-7");
  }

  @ParameterizedTest
  @EnumSource(
      names = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"})
  void refusesEachAlgorithmWhenTheIssuerDoesNotAllowIt(SigningAlgorithm alg) throws Exception {
    IssuerVerifier v = verifier(SigningAlgorithm.EDDSA);

    assertThat(reason(v.verify(token(KEYS.get(alg), alg.jwsName()))))
        .isEqualTo(Reason.INVALID_CREDENTIALS);
  }

  @Test
  void aKeyVerifiesOnlyUnderItsOwnAlgorithmWhateverTheHeaderSays() throws Exception {
    // Every RSA and EC algorithm allowed: the kid picks the key, the key pins the algorithm.
    IssuerVerifier v =
        verifier(
            SigningAlgorithm.RS256,
            SigningAlgorithm.RS384,
            SigningAlgorithm.RS512,
            SigningAlgorithm.PS256,
            SigningAlgorithm.PS384,
            SigningAlgorithm.PS512,
            SigningAlgorithm.ES256,
            SigningAlgorithm.ES384,
            SigningAlgorithm.ES512);
    for (ForeignKey key : KEYS.values()) {
      assertThat(reason(v.verify(token(key, key.alg().jwsName())))).as(key.kid()).isNull();
      for (SigningAlgorithm other : KEYS.keySet()) {
        if (other != key.alg()) {
          assertThat(reason(v.verify(token(key, other.jwsName()))))
              .as("%s key under an %s header", key.alg(), other)
              .isEqualTo(Reason.INVALID_CREDENTIALS);
        }
      }
    }
  }

  @Test
  void anEcKeyWithoutAlgIsTakenUnderTheAlgorithmOfItsCurveOnly() throws Exception {
    ForeignKey p384 = KEYS.get(SigningAlgorithm.ES384);
    IssuerVerifier es256Only = verifier(SigningAlgorithm.ES256);
    IssuerVerifier es384 = verifier(SigningAlgorithm.ES384);

    assertThat(reason(es384.verify(token(p384, "ES384")))).isNull();
    assertThat(reason(es256Only.verify(token(p384, "ES256"))))
        .isEqualTo(Reason.INVALID_CREDENTIALS);
  }

  @Test
  void aJwkWhoseCurveDisagreesWithItsAlgIsRefused() {
    ForeignKey p256 = KEYS.get(SigningAlgorithm.ES256);
    String mislabelled =
        jwk(new ForeignKey(SigningAlgorithm.ES384, "mislabelled", p256.pair()), true);

    assertThatThrownBy(() -> SigningKey.fromJwk(mislabelled))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ES384 keys must be on P-384: mislabelled");
  }
}

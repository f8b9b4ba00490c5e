package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.BearerToken;
import dev.latchkey.core.Principal;
import dev.latchkey.core.TestClock;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Edge-exact tests written to kill the mutants PIT found surviving in auth-token (see
 * RELIABILITY.md): each time check at its exact instant, each range at its ends, the audience as a
 * string, a header the service has not seen before, signature spellings, weak keys, and the builder
 * limits.
 */
class TokenEdgesTest {
  static final String ISS = "https://auth.example";
  static final String AUD = "api";
  static final Principal ALICE = Principal.of("alice", Set.of("user"));

  final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  final SigningKey hmac = SigningKey.hmac("h1", new byte[32], SigningAlgorithm.HS256);
  final List<AuthEvent> events = new ArrayList<>();
  final JwtTokenService service =
      JwtTokenService.builder(KeyRing.of(hmac), ISS, AUD)
          .clock(clock)
          .clockSkew(Duration.ofSeconds(60))
          .listener(events::add)
          .build();

  Map<String, Object> header() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("alg", "HS256");
    h.put("kid", "h1");
    h.put("typ", "at+jwt");
    return h;
  }

  Map<String, Object> claims() {
    long now = clock.instant().getEpochSecond();
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("iss", ISS);
    c.put("sub", "alice");
    c.put("aud", AUD);
    c.put("iat", now);
    c.put("exp", now + 600);
    c.put("jti", "j1");
    return c;
  }

  String signed(Map<String, Object> header, Map<String, Object> claims) {
    return Forge.sign(hmac, Forge.json(header), Forge.json(claims));
  }

  static Reason reason(AuthResult result) {
    assertThat(result.failure()).isPresent();
    return result.failure().orElseThrow().reason();
  }

  @Test
  void audienceStringOtherThanOursIsRefused() {
    Map<String, Object> c = claims();
    c.put("aud", "other-api");
    assertThat(reason(service.verify(signed(header(), c)))).isEqualTo(Reason.INVALID_CREDENTIALS);
    c.put("aud", AUD);
    assertThat(service.verify(signed(header(), c)).succeeded()).isTrue();
  }

  @Test
  void aValidHeaderNotSeenBeforeIsCheckedAndAccepted() {
    // Another spelling of a valid header (the RFC 9068 media type): the service parses and checks
    // it instead of matching its own header, then accepts the token, twice.
    Map<String, Object> h = header();
    h.put("typ", "application/at+jwt");
    String token = signed(h, claims());
    assertThat(service.verify(token).succeeded()).isTrue();
    assertThat(service.verify(token).succeeded()).isTrue();
    Map<String, Object> crit = header();
    crit.put("crit", List.of("exp"));
    assertThat(reason(service.verify(signed(crit, claims()))))
        .isEqualTo(Reason.INVALID_CREDENTIALS);
  }

  @Test
  void ownHeaderWithBytesAfterItIsNotTakenForTheKnownHeader() {
    // A header segment that starts with the service's own header segment but holds more: its
    // JSON ("{...}xyz") is broken, and must be parsed (and refused), not matched by prefix.
    for (String kid : List.of("k", "kk", "kkk")) {
      SigningKey key = SigningKey.hmac(kid, new byte[32], SigningAlgorithm.HS256);
      JwtTokenService s = JwtTokenService.builder(KeyRing.of(key), ISS, AUD).clock(clock).build();
      String own = s.issue(ALICE).value();
      String ownHeader = own.substring(0, own.indexOf('.'));
      Map<String, Object> h = new LinkedHashMap<>();
      h.put("alg", "HS256");
      h.put("kid", kid);
      h.put("typ", "at+jwt");
      String headerJson = Forge.json(h);
      String forged = Forge.sign(key, headerJson + "xyz", Forge.json(claims()));
      if (ownHeader.length() % 4 == 0) {
        assertThat(forged).startsWith(ownHeader);
      }
      assertThat(reason(s.verify(forged))).isEqualTo(Reason.MALFORMED);
      assertThat(s.verify(own).succeeded()).isTrue();
    }
  }

  @Test
  void expiryIsExactAtExpMinusSkew() {
    String token = signed(header(), claims()); // exp = now + 600 s, skew 60 s
    clock.advance(Duration.ofMinutes(10).plusSeconds(60).minusMillis(1));
    assertThat(service.verify(token).succeeded()).isTrue();
    clock.advance(Duration.ofMillis(1));
    assertThat(reason(service.verify(token))).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void notBeforeAndIssuedAtAreHonouredUpToTheSkewExactly() {
    long now = clock.instant().getEpochSecond();
    Map<String, Object> nbfAtSkew = claims();
    nbfAtSkew.put("nbf", now + 60);
    assertThat(service.verify(signed(header(), nbfAtSkew)).succeeded()).isTrue();
    Map<String, Object> nbfPastSkew = claims();
    nbfPastSkew.put("nbf", new BigDecimal(now + 60).add(new BigDecimal("0.001")));
    assertThat(reason(service.verify(signed(header(), nbfPastSkew))))
        .isEqualTo(Reason.INVALID_CREDENTIALS);

    Map<String, Object> iatAtSkew = claims();
    iatAtSkew.put("iat", now + 60);
    assertThat(service.verify(signed(header(), iatAtSkew)).succeeded()).isTrue();
    Map<String, Object> iatPastSkew = claims();
    iatPastSkew.put("iat", new BigDecimal(now + 60).add(new BigDecimal("0.001")));
    assertThat(reason(service.verify(signed(header(), iatPastSkew))))
        .isEqualTo(Reason.INVALID_CREDENTIALS);
  }

  @Test
  void numericDatesAreReadAtTheEndsOfTheirRange() {
    long max = 253_402_300_799L;
    for (Object nbf : List.<Object>of(0L, new BigDecimal("0.0"), new BigDecimal("0.5"))) {
      Map<String, Object> c = claims();
      c.put("nbf", nbf);
      assertThat(service.verify(signed(header(), c)).succeeded()).as("nbf %s", nbf).isTrue();
    }
    for (Object exp :
        List.<Object>of(
            max, new BigDecimal(max + ".0"), new BigDecimal(max).subtract(new BigDecimal("0.5")))) {
      Map<String, Object> c = claims();
      c.put("exp", exp);
      assertThat(service.verify(signed(header(), c)).succeeded()).as("exp %s", exp).isTrue();
    }
    for (Object bad :
        List.<Object>of(
            -1L,
            max + 1,
            new BigDecimal("-0.001"),
            new BigDecimal(max).add(new BigDecimal("0.001")))) {
      Map<String, Object> c = claims();
      c.put("exp", bad);
      assertThat(reason(service.verify(signed(header(), c))))
          .as("exp %s", bad)
          .isEqualTo(Reason.MALFORMED);
    }
  }

  @Test
  void tokenOfExactlyTheMaximumLengthIsReadAndOneMoreIsNot() {
    Map<String, Object> c = claims();
    c.put("pad", "x".repeat(300));
    String token = signed(header(), c);
    int length = token.length();
    assertThat(length).isGreaterThan(520);
    JwtTokenService exact =
        JwtTokenService.builder(KeyRing.of(hmac), ISS, AUD)
            .clock(clock)
            .maxTokenLength(length)
            .build();
    JwtTokenService shorter =
        JwtTokenService.builder(KeyRing.of(hmac), ISS, AUD)
            .clock(clock)
            .maxTokenLength(length - 1)
            .build();
    assertThat(exact.verify(token).succeeded()).isTrue();
    assertThat(shorter.verify(token).failure().orElseThrow().detail()).isEqualTo("token too long");
    assertThat(exact.verify("").failure().orElseThrow().detail()).isEqualTo("empty token");
    assertThat(exact.verify("a.b").failure().orElseThrow().detail()).isEqualTo("not a compact JWS");
    assertThat(exact.verify("a..b").failure().orElseThrow().detail())
        .isEqualTo("not a compact JWS");
    assertThat(exact.verify("a.b.c.d").failure().orElseThrow().detail())
        .isEqualTo("not a compact JWS");
    assertThat(exact.verify("a.b!.c").failure().orElseThrow().detail()).isEqualTo("bad base64url");
  }

  @Test
  void issueAllowsATokenOfExactlyTheMaximumLength() {
    // Same principal, same clock, same extra claim: every token has the same length.
    int length = service.issue(ALICE, Map.of("pad", "x".repeat(200))).value().length();
    JwtTokenService exact =
        JwtTokenService.builder(KeyRing.of(hmac), ISS, AUD)
            .clock(clock)
            .maxTokenLength(length)
            .build();
    JwtTokenService shorter =
        JwtTokenService.builder(KeyRing.of(hmac), ISS, AUD)
            .clock(clock)
            .maxTokenLength(length - 1)
            .build();
    String token = exact.issue(ALICE, Map.of("pad", "x".repeat(200))).value();
    assertThat(token).hasSize(length);
    assertThat(exact.verify(token).succeeded()).isTrue();
    assertThatThrownBy(() -> shorter.issue(ALICE, Map.of("pad", "x".repeat(200))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everySpellingOfTheSignaturesLastCharacterButTheIssuedOneIsRefused() {
    String token = service.issue(ALICE).value();
    String body = token.substring(0, token.length() - 1);
    char last = token.charAt(token.length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < alphabet.length(); i++) {
      char c = alphabet.charAt(i);
      AuthResult result = service.verify(body + c);
      assertThat(result.succeeded()).as("last character %s", c).isEqualTo(c == last);
    }
    assertThat(canonical("AB")).isFalse();
    assertThat(canonical("AQ")).isTrue();
    assertThat(canonical("ABC")).isFalse();
    assertThat(canonical("ABE")).isTrue();
    assertThat(canonical("A")).isFalse();
    assertThat(canonical("")).isTrue();
    // Each character class at the spare-bit position: only values with clear low bits pass.
    for (int i = 0; i < alphabet.length(); i++) {
      char c = alphabet.charAt(i);
      int value = alphabet.indexOf(c);
      assertThat(canonical("AA" + c)).as("%s", c).isEqualTo((value & 3) == 0);
      assertThat(canonical("A" + c)).as("%s", c).isEqualTo((value & 15) == 0);
    }
  }

  private static boolean canonical(String base64url) {
    byte[] ascii = base64url.getBytes(StandardCharsets.US_ASCII);
    return CompactJws.isCanonicalEnd(ascii, 0, ascii.length);
  }

  @Test
  void extraClaimsMustBeJsonValuesAllTheWayDown() {
    for (Object bad :
        List.<Object>of(
            Double.NaN,
            Float.POSITIVE_INFINITY,
            List.of(1, new Object()),
            Map.of("a", new Object()),
            Map.of(1, "a"),
            List.of(Map.of("a", List.of(Double.NEGATIVE_INFINITY))))) {
      assertThatThrownBy(() -> service.issue(ALICE, Map.of("x", bad)))
          .isInstanceOf(IllegalArgumentException.class);
    }
    String ok =
        service
            .issue(ALICE, Map.of("x", List.of(1, 2.5, "s", true, Map.of("a", List.of()))))
            .value();
    assertThat(service.verify(ok).succeeded()).isTrue();
  }

  @Test
  void accessorsAndTextsShowNoSecret() {
    assertThat(service.accessTokenLifetime()).isEqualTo(Duration.ofMinutes(15));
    assertThat(service.toString()).contains(ISS).contains(AUD).doesNotContain("AAAA");
    String token = service.issue(ALICE).value();
    AuthResult viaStrategy = service.authenticator().authenticate(new BearerToken(token));
    assertThat(viaStrategy.principal().orElseThrow()).isEqualTo(ALICE);
    assertThat(service.authenticator().toString()).doesNotContain(token);
    assertThat(service.keyRing().toString()).contains("h1");
    assertThat(service.keyRing().keys()).containsExactly(hmac);
  }

  @Test
  void builderLimitsAreInclusive() {
    JwtTokenService.Builder b = JwtTokenService.builder(KeyRing.of(hmac), ISS, AUD);
    b.accessTokenLifetime(Duration.ofSeconds(1)).accessTokenLifetime(Duration.ofHours(24));
    assertThatThrownBy(() -> b.accessTokenLifetime(Duration.ofHours(24).plusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.accessTokenLifetime(Duration.ofMillis(999)))
        .isInstanceOf(IllegalArgumentException.class);
    b.clockSkew(Duration.ZERO).clockSkew(Duration.ofMinutes(5));
    assertThatThrownBy(() -> b.clockSkew(Duration.ofMinutes(5).plusNanos(1)))
        .isInstanceOf(IllegalArgumentException.class);
    b.maxTokenLength(512).maxTokenLength(1 << 20);
    assertThatThrownBy(() -> b.maxTokenLength(511)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxTokenLength((1 << 20) + 1))
        .isInstanceOf(IllegalArgumentException.class);
    b.verifiedTokenCacheSize(0);
    assertThatThrownBy(() -> b.verifiedTokenCacheSize(-1))
        .isInstanceOf(IllegalArgumentException.class);
    JwtTokenService built = b.build();
    assertThat(built.accessTokenLifetime()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void weakOrMisnamedKeysAreRefusedFromEveryFactory() throws Exception {
    assertThatThrownBy(() -> SigningKey.hmac(" ", new byte[32], SigningAlgorithm.HS256))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SigningKey.generateEd25519(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SigningKey.generateRsa("", SigningAlgorithm.RS256))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SigningKey.generateRsa("r", SigningAlgorithm.ES256))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SigningKey.hmac("h", new byte[47], SigningAlgorithm.HS384))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("384 bits");
    String shortSecret =
        "{\"kty\":\"oct\",\"kid\":\"o\",\"alg\":\"HS256\",\"k\":\""
            + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[16])
            + "\"}";
    assertThatThrownBy(() -> SigningKey.fromJwk(shortSecret))
        .isInstanceOf(IllegalArgumentException.class);

    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(1024);
    RSAPublicKey weak = (RSAPublicKey) gen.generateKeyPair().getPublic();
    com.nimbusds.jose.jwk.RSAKey weakJwk =
        new com.nimbusds.jose.jwk.RSAKey.Builder(weak)
            .keyID("w")
            .algorithm(com.nimbusds.jose.JWSAlgorithm.RS256)
            .build();
    assertThatThrownBy(() -> SigningKey.fromJwk(weakJwk.toJSONString()))
        .isInstanceOf(IllegalArgumentException.class);
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(weak.getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    assertThatThrownBy(() -> SigningKey.fromPem("w", SigningAlgorithm.RS256, pem))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SigningKey.fromPem(" ", SigningAlgorithm.RS256, pem))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rsaKeysHaveTheAskedSizeAndEcKeysAreOnP256() {
    SigningKey rsa = SigningKey.generateRsa("r", SigningAlgorithm.PS256, 3072);
    assertThat(((RSAPublicKey) rsa.javaPublicKey()).getModulus().bitLength()).isEqualTo(3072);
    SigningKey ec = SigningKey.generateEc("e");
    assertThat(
            ((java.security.interfaces.ECPublicKey) ec.javaPublicKey())
                .getParams()
                .getCurve()
                .getField()
                .getFieldSize())
        .isEqualTo(256);
    assertThat(hmac.javaPublicKey()).isNull();
  }

  @Test
  void moreWeakOrMisnamedKeys() throws Exception {
    // 40 bytes: enough for the JOSE library's HMAC minimum, short of HS384's 48.
    String hs384 =
        "{\"kty\":\"oct\",\"kid\":\"o\",\"alg\":\"HS384\",\"k\":\""
            + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[40])
            + "\"}";
    assertThatThrownBy(() -> SigningKey.fromJwk(hs384))
        .isInstanceOf(IllegalArgumentException.class);
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(256);
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(gen.generateKeyPair().getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    assertThat(SigningKey.fromPem("e", SigningAlgorithm.ES256, pem).kid()).isEqualTo("e");
    assertThatThrownBy(() -> SigningKey.fromPem(" ", SigningAlgorithm.ES256, pem))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSignatureTheVerifierCannotReadIsFalseNotAnException() {
    for (SigningKey key :
        List.of(hmac, SigningKey.generateEc("e"), SigningKey.generateEd25519("d"))) {
      for (String sig : List.of("A", "", "AAAA", "AB", "A".repeat(200))) {
        byte[] jws = ("a.b." + sig).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(key.signatureCheck().verify(jws, 3)).as("%s %s", key, sig).isFalse();
      }
    }
  }

  @Test
  void aClockThatFailsRefusesTheTokenAsUnavailableInsteadOfThrowing() {
    String token = service.issue(ALICE).value();
    java.time.Clock broken =
        new java.time.Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
          }

          @Override
          public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            throw new IllegalStateException("clock failed");
          }
        };
    JwtTokenService failing =
        JwtTokenService.builder(KeyRing.of(hmac), ISS, AUD).clock(broken).build();
    AuthResult result = failing.verify(token);
    // A collaborator failed, not the client: fail closed, and tell the client to retry (503).
    assertThat(reason(result)).isEqualTo(Reason.UNAVAILABLE);
    assertThat(reason(failing.verifyToken(token).toAuthResult())).isEqualTo(Reason.UNAVAILABLE);
  }

  @Test
  void duplicateRolesAreReadOnce() {
    Map<String, Object> c = claims();
    c.put("roles", List.of("admin", "user", "admin"));
    AuthResult result = service.verify(signed(header(), c));
    assertThat(result.principal().orElseThrow().roles()).containsExactlyInAnyOrder("admin", "user");
  }

  @Test
  void bearerStrategyRefusesNullCredentials() {
    assertThat(reason(service.authenticator().authenticate(null))).isEqualTo(Reason.MALFORMED);
  }
}

package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every refusal the issue lists, each its own test; none may throw or succeed. */
class HostileTokenTest {
  static final String ISS = "https://auth.example";
  static final String AUD = "api";
  static final SigningKey HMAC = SigningKey.hmac("h1", new byte[32], SigningAlgorithm.HS256);
  static final SigningKey RSA = SigningKey.generateRsa("r1", SigningAlgorithm.RS256);

  TestClock clock;
  JwtTokenService hmacService;
  JwtTokenService rsaService;

  @BeforeEach
  void setUp() {
    clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    hmacService = JwtTokenService.builder(KeyRing.of(HMAC), ISS, AUD).clock(clock).build();
    rsaService = JwtTokenService.builder(KeyRing.of(RSA), ISS, AUD).clock(clock).build();
  }

  Map<String, Object> header(SigningKey key) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("alg", key.algorithm().jwsName());
    h.put("kid", key.kid());
    h.put("typ", "at+jwt");
    return h;
  }

  Map<String, Object> claims() {
    long now = clock.instant().getEpochSecond();
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("iss", ISS);
    c.put("sub", "mallory");
    c.put("aud", AUD);
    c.put("iat", now);
    c.put("exp", now + 600);
    c.put("jti", "j1");
    c.put("roles", List.of("admin"));
    return c;
  }

  String signed(SigningKey key, Map<String, Object> header, Map<String, Object> claims) {
    return Forge.sign(key, Forge.json(header), Forge.json(claims));
  }

  static void refused(AuthResult result, Reason reason) {
    assertThat(result.failure()).isPresent();
    assertThat(result.failure().orElseThrow().reason()).isEqualTo(reason);
  }

  @Test
  void wellFormedForgeryBaselineIsAccepted() {
    // The forge itself is sound: without a defect its token passes, so every refusal below is
    // caused by the one defect each test adds.
    assertThat(hmacService.verify(signed(HMAC, header(HMAC), claims())).succeeded()).isTrue();
    assertThat(rsaService.verify(signed(RSA, header(RSA), claims())).succeeded()).isTrue();
  }

  @Test
  void hs256SignedWithTheRsaPublicKeyPemIsRefused() {
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(RSA.javaPublicKey().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    Map<String, Object> h = header(RSA);
    h.put("alg", "HS256");

    String token =
        Forge.hs256(pem.getBytes(StandardCharsets.US_ASCII), Forge.json(h), Forge.json(claims()));

    refused(rsaService.verify(token), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void hs256SignedWithTheRsaPublicKeyDerIsRefused() {
    Map<String, Object> h = header(RSA);
    h.put("alg", "HS256");

    String token =
        Forge.hs256(RSA.javaPublicKey().getEncoded(), Forge.json(h), Forge.json(claims()));

    refused(rsaService.verify(token), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void algNoneIsRefused() {
    Map<String, Object> h = header(HMAC);
    h.put("alg", "none");
    String token = Forge.b64(Forge.json(h)) + '.' + Forge.b64(Forge.json(claims())) + '.';

    refused(hmacService.verify(token), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void algNoneWithAValidSignatureOfAnotherTokenIsRefused() {
    String good = signed(HMAC, header(HMAC), claims());
    Map<String, Object> h = header(HMAC);
    h.put("alg", "none");
    String token =
        Forge.b64(Forge.json(h))
            + '.'
            + Forge.b64(Forge.json(claims()))
            + '.'
            + good.substring(good.lastIndexOf('.') + 1);

    refused(hmacService.verify(token), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void algOfAnotherHmacSizeIsRefused() {
    Map<String, Object> h = header(HMAC);
    h.put("alg", "HS512");

    refused(hmacService.verify(signed(HMAC, h, claims())), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void embeddedJwkHeaderIsRefused() {
    Map<String, Object> h = header(RSA);
    h.put("jwk", Map.of("kty", "RSA", "n", "AQAB", "e", "AQAB"));

    refused(rsaService.verify(signed(RSA, h, claims())), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void jkuHeaderIsRefused() {
    Map<String, Object> h = header(RSA);
    h.put("jku", "https://evil.example/jwks.json");

    refused(rsaService.verify(signed(RSA, h, claims())), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void x5uHeaderIsRefused() {
    Map<String, Object> h = header(RSA);
    h.put("x5u", "https://evil.example/cert.pem");

    refused(rsaService.verify(signed(RSA, h, claims())), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void x5cHeaderIsRefused() {
    Map<String, Object> h = header(RSA);
    h.put("x5c", List.of("MIIB"));

    refused(rsaService.verify(signed(RSA, h, claims())), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void critHeaderIsRefused() {
    Map<String, Object> h = header(HMAC);
    h.put("crit", List.of("exp"));
    h.put("exp", 1);

    refused(hmacService.verify(signed(HMAC, h, claims())), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void unknownKidIsRefused() {
    SigningKey stranger = SigningKey.hmac("stranger", new byte[32], SigningAlgorithm.HS256);

    refused(
        hmacService.verify(signed(stranger, header(stranger), claims())),
        Reason.INVALID_CREDENTIALS);
  }

  @Test
  void missingKidIsRefused() {
    Map<String, Object> h = header(HMAC);
    h.remove("kid");

    refused(hmacService.verify(signed(HMAC, h, claims())), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void signatureByAnotherKeyUnderOurKidIsRefused() {
    SigningKey impostor =
        SigningKey.hmac(
            "h1",
            new byte[] {
              1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
              17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32
            },
            SigningAlgorithm.HS256);

    refused(
        hmacService.verify(signed(impostor, header(HMAC), claims())), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void wrongTypIsRefused() {
    Map<String, Object> h = header(HMAC);
    h.put("typ", "JWT");

    refused(hmacService.verify(signed(HMAC, h, claims())), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void missingTypIsRefused() {
    Map<String, Object> h = header(HMAC);
    h.remove("typ");

    refused(hmacService.verify(signed(HMAC, h, claims())), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void typIsComparedCaseInsensitivelyAndMayHaveTheApplicationPrefix() {
    Map<String, Object> h = header(HMAC);
    h.put("typ", "Application/AT+JWT");

    assertThat(hmacService.verify(signed(HMAC, h, claims())).succeeded()).isTrue();
  }

  @Test
  void missingExpIsRefused() {
    Map<String, Object> c = claims();
    c.remove("exp");

    refused(hmacService.verify(signed(HMAC, header(HMAC), c)), Reason.MALFORMED);
  }

  @Test
  void nonNumericExpIsRefused() {
    Map<String, Object> c = claims();
    c.put("exp", "tomorrow");

    refused(hmacService.verify(signed(HMAC, header(HMAC), c)), Reason.MALFORMED);
  }

  @Test
  void missingIatIsRefused() {
    Map<String, Object> c = claims();
    c.remove("iat");

    refused(hmacService.verify(signed(HMAC, header(HMAC), c)), Reason.MALFORMED);
  }

  @Test
  void missingJtiIsRefused() {
    Map<String, Object> c = claims();
    c.remove("jti");

    refused(hmacService.verify(signed(HMAC, header(HMAC), c)), Reason.MALFORMED);
  }

  @Test
  void expiredTokenIsRefused() {
    Map<String, Object> c = claims();
    c.put("exp", clock.instant().getEpochSecond() - 61);

    refused(hmacService.verify(signed(HMAC, header(HMAC), c)), Reason.EXPIRED);
  }

  @Test
  void wrongIssuerIsRefused() {
    Map<String, Object> c = claims();
    c.put("iss", "https://evil.example");

    refused(hmacService.verify(signed(HMAC, header(HMAC), c)), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void wrongAudienceIsRefused() {
    Map<String, Object> c = claims();
    c.put("aud", List.of("other-api", "billing"));

    refused(hmacService.verify(signed(HMAC, header(HMAC), c)), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void audienceArrayContainingOursIsAccepted() {
    Map<String, Object> c = claims();
    c.put("aud", List.of("other-api", AUD));

    assertThat(hmacService.verify(signed(HMAC, header(HMAC), c)).succeeded()).isTrue();
  }

  @Test
  void nbfInTheFutureIsRefused() {
    Map<String, Object> c = claims();
    c.put("nbf", clock.instant().getEpochSecond() + 120);

    refused(hmacService.verify(signed(HMAC, header(HMAC), c)), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void nbfWithinTheSkewIsAccepted() {
    Map<String, Object> c = claims();
    c.put("nbf", clock.instant().getEpochSecond() + 30);

    assertThat(hmacService.verify(signed(HMAC, header(HMAC), c)).succeeded()).isTrue();
  }

  @Test
  void iatInTheFutureIsRefused() {
    Map<String, Object> c = claims();
    c.put("iat", clock.instant().getEpochSecond() + 3600);
    c.put("exp", clock.instant().getEpochSecond() + 7200);

    refused(hmacService.verify(signed(HMAC, header(HMAC), c)), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void oversizeTokenIsRefused() {
    Map<String, Object> c = claims();
    c.put("pad", "x".repeat(9000));

    refused(hmacService.verify(signed(HMAC, header(HMAC), c)), Reason.MALFORMED);
  }

  @Test
  void hugeInputIsRefusedWithoutBeingRead() {
    refused(hmacService.verify("a".repeat(5_000_000)), Reason.MALFORMED);
  }

  @Test
  void badBase64IsRefused() {
    String good = signed(HMAC, header(HMAC), claims());

    refused(hmacService.verify(good.replaceFirst("\\.", "!.")), Reason.MALFORMED);
    refused(hmacService.verify("e30=.e30.AAAA"), Reason.MALFORMED);
  }

  @Test
  void badHeaderJsonIsRefused() {
    String token = Forge.b64("{\"alg\":\"HS256\",") + '.' + Forge.b64("{}") + ".AAAA";

    refused(hmacService.verify(token), Reason.MALFORMED);
  }

  @Test
  void headerOfJsonNullIsRefusedAsBadHeaderJson() {
    AuthResult r = hmacService.verify(Forge.b64("null") + '.' + Forge.b64("{}") + ".AAAA");

    refused(r, Reason.MALFORMED);
    assertThat(r.failure().orElseThrow().detail()).isEqualTo("bad header JSON");
  }

  @Test
  void badPayloadJsonIsRefused() {
    String token = Forge.sign(HMAC, Forge.json(header(HMAC)), "{\"sub\":\"mallory\"");

    refused(hmacService.verify(token), Reason.MALFORMED);
  }

  @Test
  void payloadThatIsNotAnObjectIsRefused() {
    String token = Forge.sign(HMAC, Forge.json(header(HMAC)), "[1,2,3]");

    refused(hmacService.verify(token), Reason.MALFORMED);
  }

  @Test
  void duplicateHeaderMembersAreRefused() {
    String header = "{\"alg\":\"none\",\"alg\":\"HS256\",\"kid\":\"h1\",\"typ\":\"at+jwt\"}";

    refused(hmacService.verify(Forge.sign(HMAC, header, Forge.json(claims()))), Reason.MALFORMED);
  }

  @Test
  void deeplyNestedJsonIsRefusedWithoutCrashing() {
    String deep = "{\"a\":" + "[".repeat(3000) + "]".repeat(3000) + "}";

    AuthResult r = hmacService.verify(Forge.b64(deep) + '.' + Forge.b64("{}") + ".AAAA");

    refused(r, Reason.MALFORMED);
  }

  @Test
  void twoPartTokenIsRefused() {
    String good = signed(HMAC, header(HMAC), claims());

    refused(hmacService.verify(good.substring(0, good.lastIndexOf('.'))), Reason.MALFORMED);
  }

  @Test
  void fourPartTokenIsRefused() {
    refused(hmacService.verify(signed(HMAC, header(HMAC), claims()) + ".AAAA"), Reason.MALFORMED);
  }

  @Test
  void emptyStringIsRefused() {
    refused(hmacService.verify(""), Reason.MALFORMED);
  }

  @Test
  void nullIsRefused() {
    refused(hmacService.verify(null), Reason.MALFORMED);
  }

  @Test
  void jweShapedInputIsRefused() {
    refused(hmacService.verify("eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d"), Reason.MALFORMED);
  }

  @Test
  void truncatedSignatureIsRefused() {
    String good = signed(RSA, header(RSA), claims());

    refused(rsaService.verify(good.substring(0, good.length() - 10)), Reason.INVALID_CREDENTIALS);
  }

  @Test
  void refusalDetailNeverQuotesTheToken() {
    String token = signed(HMAC, header(HMAC), claims()).replace('.', '!');

    AuthResult.Failure f = hmacService.verify(token).failure().orElseThrow();

    assertThat(f.detail()).doesNotContain("mallory").hasSizeLessThan(60);
  }

  @Test
  void secondSpellingOfAValidSignatureIsRefused() {
    String good = signed(HMAC, header(HMAC), claims());
    // 32 signature bytes are 43 characters; the last one carries 2 spare bits, zero in the
    // canonical spelling. Setting one gives the same bytes under another string.
    char last = good.charAt(good.length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char twin = alphabet.charAt(alphabet.indexOf(last) | 1);
    String respelled = good.substring(0, good.length() - 1) + twin;

    assertThat(hmacService.verify(good).succeeded()).isTrue();
    refused(hmacService.verify(respelled), Reason.MALFORMED);
  }

  @Test
  void randomMutationsAreRefusedWithoutThrowing() {
    String good = signed(HMAC, header(HMAC), claims());
    String alphabet = "ABCabc019-_.=+/ {}\"\u00e9\u0000";
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 3000; i++) {
      StringBuilder t = new StringBuilder(good);
      int edits = 1 + random.nextInt(3);
      for (int e = 0; e < edits; e++) {
        int at = random.nextInt(t.length());
        switch (random.nextInt(3)) {
          case 0 -> t.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
          case 1 -> t.deleteCharAt(at);
          default -> t.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      String mutated = t.toString();
      AuthResult r = hmacService.verify(mutated);
      if (!mutated.equals(good)) {
        assertThat(r.succeeded()).as("mutation %s", i).isFalse();
      }
    }
  }

  @Test
  void tokenExpiredBeyondSkewAfterTimePassesIsRefused() {
    String token = signed(HMAC, header(HMAC), claims());

    clock.advance(Duration.ofMinutes(10).plusSeconds(60));

    refused(hmacService.verify(token), Reason.EXPIRED);
  }
}

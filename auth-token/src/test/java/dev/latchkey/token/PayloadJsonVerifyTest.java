package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Gen;
import dev.latchkey.core.Principal;
import dev.latchkey.core.Properties;
import dev.latchkey.core.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * End-to-end verify of signed tokens whose payload JSON takes the less travelled paths of the
 * payload reader ({@link StrictJson}): escapes, non-ASCII subjects, fractional and exponent
 * NumericDates, unknown claims of every shape; and the payloads it refuses although they are signed
 * (a claim twice, malformed UTF-8, a byte-order mark), which must be MALFORMED, never a success for
 * one reading of an ambiguous token.
 */
class PayloadJsonVerifyTest {
  static final String ISS = "https://auth.example";
  static final String AUD = "api";
  static final long NOW = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
  static final String HEADER = "{\"alg\":\"HS256\",\"kid\":\"h1\",\"typ\":\"at+jwt\"}";

  final TestClock clock = new TestClock(Instant.ofEpochSecond(NOW));
  final SigningKey hmac = SigningKey.hmac("h1", new byte[32], SigningAlgorithm.HS256);
  final JwtTokenService service =
      JwtTokenService.builder(KeyRing.of(hmac), ISS, AUD)
          .clock(clock)
          .accessTokenLifetime(Duration.ofMinutes(10))
          .build();

  /** The standard claims, then {@code more} (JSON members, each with a leading comma). */
  static String payload(String sub, String more) {
    return "{\"iss\":\""
        + ISS
        + "\",\"sub\":"
        + sub
        + ",\"aud\":\""
        + AUD
        + "\",\"iat\":"
        + NOW
        + ",\"exp\":"
        + (NOW + 600)
        + ",\"jti\":\"j1\""
        + more
        + "}";
  }

  String signed(String payloadJson) {
    return Forge.sign(hmac, HEADER, payloadJson);
  }

  AuthResult verify(String payloadJson) {
    return service.verify(signed(payloadJson));
  }

  static Principal principal(AuthResult result) {
    assertThat(result.failure()).isEmpty();
    return result.principal().orElseThrow();
  }

  static AuthResult.Failure failure(AuthResult result) {
    assertThat(result.failure()).isPresent();
    return result.failure().orElseThrow();
  }

  static void refusedAsBadJson(AuthResult result) {
    AuthResult.Failure f = failure(result);
    assertThat(f.reason()).isEqualTo(Reason.MALFORMED);
    assertThat(f.detail()).isEqualTo("bad payload JSON");
  }

  @Test
  void aSubjectWithEscapesVerifiesAsItsDecodedText() {
    Principal p = principal(verify(payload("\"al\\\"ice\\\\\\/\\u00e9\\t\\ud83d\\ude00\"", "")));

    assertThat(p.subject()).isEqualTo("al\"ice\\/\u00e9\t\ud83d\ude00");
  }

  @Test
  void aNonAsciiSubjectIsTheSameWhetherRawOrEscaped() {
    String subject = "Zo\u00eb \u65e5\u672c \ud83d\ude00";
    Principal raw = principal(verify(payload("\"" + subject + "\"", "")));
    Principal escaped =
        principal(verify(payload("\"Zo\\u00EB \\u65e5\\u672c \\uD83D\\uDE00\"", "")));

    assertThat(raw.subject()).isEqualTo(subject);
    assertThat(escaped.subject()).isEqualTo(subject);
  }

  @Test
  void aNonAsciiPrincipalRoundTripsThroughIssueAndVerify() {
    Principal zoe =
        new Principal(
            "Zo\u00eb \ud83d\ude00",
            Set.of("r\u00f4le", "\u7ba1\u7406"),
            Map.of("t\u00e9nant", "\u00e9\"\\\n"));

    assertThat(service.verify(service.issue(zoe).value())).isEqualTo(AuthResult.success(zoe));
  }

  @Test
  void rolesAndAttributesAreReadThroughTheirEscapes() {
    Principal p =
        principal(
            verify(
                payload(
                    "\"alice\"",
                    ",\"roles\":[\"ad\\u006din\",\"user\"],\"attrs\":{\"t\\u00e9nant\":\"a\\/b\"}")));

    assertThat(p.roles()).containsExactlyInAnyOrder("admin", "user");
    assertThat(p.attributes()).containsExactly(Map.entry("t\u00e9nant", "a/b"));
  }

  @Test
  void aFractionalIatIsReadToTheMillisecond() throws Refusal {
    String fraction =
        payload("\"alice\"", "").replace("\"iat\":" + NOW, "\"iat\":" + (NOW - 1) + ".5");
    String exponent =
        payload("\"alice\"", "").replace("\"iat\":" + NOW, "\"iat\":" + (NOW - 1) + "5e-1");

    assertThat(service.check(signed(fraction), false).issuedAtMillis())
        .isEqualTo((NOW - 1) * 1000 + 500);
    assertThat(service.check(signed(exponent), false).issuedAtMillis())
        .isEqualTo((NOW - 1) * 1000 + 500);
  }

  @Test
  void numericDatesKeepTheirRangeChecksWhateverTheirSpelling() {
    String base = payload("\"alice\"", "");
    String exp = "\"exp\":" + (NOW + 600);
    // 1e3 is the double 1000.0: a second in 1970, long expired.
    assertThat(failure(verify(base.replace(exp, "\"exp\":1e3"))).reason())
        .isEqualTo(Reason.EXPIRED);
    assertThat(failure(verify(base.replace(exp, "\"exp\":-0"))).reason()).isEqualTo(Reason.EXPIRED);
    assertThat(principal(verify(base.replace(exp, "\"exp\":" + (NOW + 600) + ".0"))).subject())
        .isEqualTo("alice");
    assertThat(principal(verify(base.replace(exp, "\"exp\":" + (NOW + 600) + "e0"))).subject())
        .isEqualTo("alice");
    assertThat(failure(verify(base.replace(exp, "\"exp\":99999999999999999999"))).detail())
        .isEqualTo("claim out of range: exp");
    assertThat(failure(verify(base.replace(exp, "\"exp\":-1"))).detail())
        .isEqualTo("claim out of range: exp");
    assertThat(failure(verify(base.replace(exp, "\"exp\":\"" + (NOW + 600) + "\""))).detail())
        .isEqualTo("claim is not a number: exp");
  }

  @Test
  void aNullClaimIsAnAbsentOne() {
    assertThat(principal(verify(payload("\"alice\"", ",\"nbf\":null,\"roles\":null"))).roles())
        .isEmpty();
    assertThat(
            failure(
                    verify(
                        payload("\"alice\"", "")
                            .replace("\"iss\":\"" + ISS + "\"", "\"iss\":null")))
                .detail())
        .isEqualTo("missing claim: iss");
  }

  @Test
  void unknownClaimsOfEveryShapeAreIgnored() {
    String more =
        ",\"arr\":[1,-2.5e-3,\"x\",[],[[{}]],{\"y\":null}],\"obj\":{\"a\":[true,false],\"b\":{}},"
            + "\"nul\":null,\"big\":99999999999999999999,\"t\":true,\"e\":\"\\u2028\"";

    Principal p = principal(verify(payload("\"alice\"", more)));

    assertThat(p).isEqualTo(Principal.of("alice"));
  }

  @Test
  void aClaimTwiceIsRefusedRatherThanReadOneWay() {
    refusedAsBadJson(verify(payload("\"alice\"", ",\"sub\":\"admin\"")));
    refusedAsBadJson(verify(payload("\"alice\"", ",\"s\\u0075b\":\"admin\"")));
    refusedAsBadJson(verify(payload("\"alice\"", ",\"attrs\":{\"t\":\"a\",\"t\":\"b\"}")));
  }

  @Test
  void aPayloadOfMalformedUtf8IsRefused() {
    // "alice" with its 'a' spelled in two bytes (C1 A1): an overlong form, which a lenient
    // decoder might read as 'a' and another as two replacement characters.
    byte[] text = payload("\"\u0001lice\"", "").getBytes(StandardCharsets.UTF_8);
    int at = indexOf(text, (byte) 1);
    byte[] bytes = new byte[text.length + 1];
    System.arraycopy(text, 0, bytes, 0, at);
    bytes[at] = (byte) 0xc1;
    bytes[at + 1] = (byte) 0xa1;
    System.arraycopy(text, at + 1, bytes, at + 2, text.length - at - 1);

    refusedAsBadJson(service.verify(Forge.sign(hmac, HEADER, bytes)));
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }

  @Test
  void aPayloadWithAByteOrderMarkIsRefused() {
    refusedAsBadJson(verify("\ufeff" + payload("\"alice\"", "")));
  }

  @Test
  void aPayloadNestedTooDeeplyIsRefused() {
    String fine = "[".repeat(StrictJson.MAX_DEPTH - 1) + "]".repeat(StrictJson.MAX_DEPTH - 1);
    String deep = "[".repeat(StrictJson.MAX_DEPTH) + "]".repeat(StrictJson.MAX_DEPTH);

    assertThat(principal(verify(payload("\"alice\"", ",\"x\":" + fine))).subject())
        .isEqualTo("alice");
    refusedAsBadJson(verify(payload("\"alice\"", ",\"x\":" + deep)));
  }

  @Test
  void aSignedPayloadOfAnImpossibleBase64LengthIsRefused() throws JOSEException {
    String segment = Forge.b64(payload("\"alice\"", ""));
    while (segment.length() % 4 != 1) {
      segment += "A"; // 4n + 1 characters: no number of bytes has that length
    }
    String input = Forge.b64(HEADER) + '.' + segment;
    String token =
        input
            + '.'
            + hmac.signer().sign(hmac.verifyHeader(), input.getBytes(StandardCharsets.US_ASCII));

    AuthResult.Failure f = failure(service.verify(token));

    assertThat(f.reason()).isEqualTo(Reason.MALFORMED);
    assertThat(f.detail()).isEqualTo("non-canonical base64url");
  }

  @Test
  void extraClaimsNestedDeeperThanVerifyReadsCannotBeIssued() {
    // The claims object is level 1: an extra claim may nest 31 levels.
    Object fine = nested(StrictJson.MAX_DEPTH - 1);
    String token = service.issue(Principal.of("alice"), Map.of("x", fine)).value();
    assertThat(service.verify(token).succeeded()).isTrue();

    assertThatThrownBy(
            () -> service.issue(Principal.of("alice"), Map.of("x", nested(StrictJson.MAX_DEPTH))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("claim x is nested deeper than 32 levels");
    assertThatThrownBy(
            () ->
                service.issue(
                    Principal.of("alice"),
                    Map.of("m", Map.of("k", nested(StrictJson.MAX_DEPTH - 1)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("claim m is nested deeper than 32 levels");
  }

  @Test
  void aListHoldingItselfCannotBeIssued() {
    List<Object> loop = new ArrayList<>();
    loop.add(loop);

    assertThatThrownBy(() -> service.issue(Principal.of("alice"), Map.of("x", loop)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** {@code levels} lists, each holding the next, the innermost holding 1. */
  static Object nested(int levels) {
    Object value = 1;
    for (int i = 0; i < levels; i++) {
      value = List.of(value);
    }
    return value;
  }

  @Test
  void subjectsOfAnyCodePointsRoundTrip() {
    Gen<String> subjects =
        random -> {
          StringBuilder s = new StringBuilder("u");
          for (int n = random.nextInt(20); n > 0; n--) {
            int cp = random.nextInt(0x110000);
            if (cp > 0xffff || !Character.isSurrogate((char) cp)) {
              s.appendCodePoint(cp);
            }
          }
          return s.toString();
        };
    Properties.forAll(
        300,
        subjects,
        subject -> {
          Principal p = Principal.of(subject);
          assertThat(service.verify(service.issue(p).value())).isEqualTo(AuthResult.success(p));
        });
  }

  @Test
  void base64urlDecodingMatchesTheJdkForEveryLength() {
    Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
    Properties.forAll(
        2_000,
        Gen.ints(0, 64).flatMap(Gen::bytes),
        bytes -> {
          byte[] text = encoder.encode(bytes);
          assertThat(CompactJws.decode(text, 0, text.length)).isEqualTo(bytes);
          byte[] framed =
              ("." + new String(text, StandardCharsets.US_ASCII) + ".")
                  .getBytes(StandardCharsets.US_ASCII);
          assertThat(CompactJws.decode(framed, 1, framed.length - 1)).isEqualTo(bytes);
        });
    for (int length = 1; length < 40; length += 4) {
      assertThat(CompactJws.decode(new byte[length], 0, length)).isNull();
    }
    // Spare bits are ignored, as the JDK's decoder ignores them.
    byte[] spare = "AB".getBytes(StandardCharsets.US_ASCII);
    assertThat(CompactJws.decode(spare, 0, 2)).isEqualTo(Base64.getUrlDecoder().decode("AB"));
  }
}

package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * A token has one reading: its header is read by the same strict JSON reader as its payload, and
 * every segment has exactly one base64url spelling. Each token here is signed by the service's own
 * key over exactly the bytes shown, so nothing but the one defect it carries can refuse it, and it
 * must be refused as MALFORMED.
 */
class TokenEncodingTest {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final SigningKey KEY = SigningKey.hmac("h1", new byte[32], SigningAlgorithm.HS256);
  private static final String HEADER = "{\"alg\":\"HS256\",\"kid\":\"h1\",\"typ\":\"at+jwt\"}";

  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final JwtTokenService service =
      JwtTokenService.builder(KeyRing.of(KEY), "https://auth.example", "api").clock(clock).build();

  private String payload() {
    long now = clock.instant().getEpochSecond();
    return "{\"iss\":\"https://auth.example\",\"sub\":\"alice\",\"aud\":\"api\",\"iat\":"
        + now
        + ",\"exp\":"
        + (now + 600)
        + ",\"jti\":\"j1\"}";
  }

  private static String b64(byte[] bytes) {
    return B64.encodeToString(bytes);
  }

  private static String b64(String text) {
    return b64(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The token of exactly these two segments, with a valid (canonical) signature over them. */
  private static String signed(String headerSegment, String payloadSegment) {
    String input = headerSegment + '.' + payloadSegment;
    try {
      return input
          + '.'
          + KEY.signer().sign(KEY.verifyHeader(), input.getBytes(StandardCharsets.US_ASCII));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code segment} with its last character's spare bits set: the same bytes, another string. */
  private static String withSpareBitSet(String segment) {
    int spare = segment.length() % 4 == 2 ? 15 : segment.length() % 4 == 3 ? 3 : 0;
    assertThat(spare).as("a segment with spare bits").isNotZero();
    char last = segment.charAt(segment.length() - 1);
    char respelled = ALPHABET.charAt(ALPHABET.indexOf(last) | 1);
    String other = segment.substring(0, segment.length() - 1) + respelled;
    assertThat(Base64.getUrlDecoder().decode(other))
        .isEqualTo(Base64.getUrlDecoder().decode(segment));
    return other;
  }

  /** {@code json} with spaces added at the end until its base64url has spare bits. */
  private static String withSpareBits(String json) {
    while (b64(json).length() % 4 == 0) {
      json = json + " ";
    }
    return json;
  }

  private static void malformed(AuthResult result) {
    assertThat(result.failure()).isPresent();
    assertThat(result.failure().orElseThrow().reason()).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void theBaselineTokenIsAccepted() {
    assertThat(service.verify(signed(b64(HEADER), b64(payload()))).succeeded()).isTrue();
  }

  @Test
  void aHeaderThatIsAnArrayOfPairsIsMalformed() {
    String pairs = "[[\"alg\",\"HS256\"],[\"kid\",\"h1\"],[\"typ\",\"at+jwt\"]]";
    malformed(service.verify(signed(b64(pairs), b64(payload()))));
  }

  @Test
  void aHeaderWithAByteOrderMarkIsMalformed() {
    malformed(service.verify(signed(b64("\ufeff" + HEADER), b64(payload()))));
  }

  @Test
  void aHeaderWithANestedNameTwiceIsMalformed() {
    String twice = HEADER.replace("}", ",\"x\":{\"a\":1,\"a\":2}}");
    malformed(service.verify(signed(b64(twice), b64(payload()))));
  }

  @Test
  void aHeaderOfMalformedUtf8IsMalformed() {
    byte[] json = HEADER.replace("}", ",\"x\":\"..\"}").getBytes(StandardCharsets.UTF_8);
    int at = new String(json, StandardCharsets.ISO_8859_1).indexOf("..");
    json[at] = (byte) 0xc0; // an overlong form of '.'
    json[at + 1] = (byte) 0xae;
    malformed(service.verify(signed(b64(json), b64(payload()))));
  }

  @Test
  void aHeaderSegmentWithSpareBitsSetIsMalformed() {
    String header = withSpareBitSet(b64(withSpareBits(HEADER)));
    malformed(service.verify(signed(header, b64(payload()))));
  }

  @Test
  void aPayloadSegmentWithSpareBitsSetIsMalformed() {
    String payload = withSpareBitSet(b64(withSpareBits(payload())));
    malformed(service.verify(signed(b64(HEADER), payload)));
  }

  @Test
  void aSignatureSegmentWithSpareBitsSetIsMalformed() {
    String token = signed(b64(HEADER), b64(payload())); // 32 bytes: 43 characters, 2 spare bits
    int dot = token.lastIndexOf('.');
    String signature = token.substring(dot + 1);
    malformed(service.verify(token.substring(0, dot + 1) + withSpareBitSet(signature)));
  }

  @Test
  void aSegmentOfALengthNoBytesHaveIsMalformed() {
    String token = signed(b64(HEADER), b64(payload()));
    String[] p = token.split("\\.", -1);
    malformed(service.verify(p[0] + "A." + p[1] + '.' + p[2]));
    malformed(service.verify(signed(b64(HEADER), b64(payload()) + "A")));
  }

  @Test
  void paddedOrStandardAlphabetSegmentsAreMalformed() {
    String token = signed(b64(HEADER), b64(payload()));
    String[] p = token.split("\\.", -1);
    malformed(service.verify(p[0] + '.' + p[1] + '.' + p[2] + "="));
    malformed(service.verify(signed(p[0] + "==", p[1])));
    malformed(service.verify(signed(p[0], p[1].replace('-', '+').replace('_', '/') + "+/")));
  }

  @Test
  void theCachedHeaderPathRefusesNonCanonicalSegmentsToo() {
    // The service's own header segment is known, so its tokens skip the header parse: the
    // encoding of the other segments is checked all the same.
    String token = service.issue(dev.latchkey.core.Principal.of("alice")).value();
    String[] p = token.split("\\.", -1);
    String payload = p[1];
    if (payload.length() % 4 != 0) {
      malformed(service.verify(signed(p[0], withSpareBitSet(payload))));
    }
    malformed(service.verify(p[0] + '.' + p[1] + '.' + withSpareBitSet(p[2])));
  }
}

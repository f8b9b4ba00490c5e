package dev.latchkey.token;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * The signature layer: a JWS in compact serialization, split, its header parsed and checked, its
 * signature verified with one {@link SigningKey}. Claims are not looked at here (see {@link
 * JwtTokenService}); the payload is decoded only after the signature holds, so unauthenticated
 * JSON beyond the small header is never parsed.
 *
 * <p>Header rules: {@code alg} must be exactly the key's algorithm (so never {@code none}, and
 * never HMAC with an RSA key's bytes); {@code jwk}, {@code jku}, {@code x5u}, {@code x5c} are
 * refused outright (a key from the token itself proves nothing), as is any {@code crit}.
 */
final class CompactJws {
  private static final Base64.Decoder B64 = Base64.getUrlDecoder();
  private static final String[] FORBIDDEN_HEADERS = {"jwk", "jku", "x5u", "x5c"};

  /** The value of each base64url character, -1 for every other byte (indexed by its bits). */
  private static final byte[] SEXTETS = new byte[256];

  static {
    Arrays.fill(SEXTETS, (byte) -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < alphabet.length(); i++) {
      SEXTETS[alphabet.charAt(i)] = (byte) i;
    }
  }

  final String token;
  /** The token's characters as bytes: all ASCII, as {@link #split} checked. */
  private final byte[] ascii;
  final int firstDot;
  final int secondDot;
  final Map<String, Object> header;

  private CompactJws(
      String token, byte[] ascii, int firstDot, int secondDot, Map<String, Object> header) {
    this.token = token;
    this.ascii = ascii;
    this.firstDot = firstDot;
    this.secondDot = secondDot;
    this.header = header;
  }

  /**
   * Splits a compact JWS and parses its header.
   *
   * @throws Refusal MALFORMED for oversize input, a wrong shape, bad base64url or bad header JSON
   */
  static CompactJws parse(String token, int maxLength) throws Refusal {
    return split(token, maxLength).withParsedHeader();
  }

  /** This token with its header parsed. */
  CompactJws withParsedHeader() throws Refusal {
    return new CompactJws(
        token, ascii, firstDot, secondDot, parseJson(token, 0, firstDot, "bad header"));
  }

  /**
   * Splits a compact JWS without parsing its header ({@link #header} is null): for a caller that
   * recognises the header segment as one it has already checked.
   *
   * @throws Refusal MALFORMED for oversize input, a wrong shape or characters outside base64url
   */
  static CompactJws split(String token, int maxLength) throws Refusal {
    if (token == null || token.isEmpty()) {
      throw Refusal.malformed("empty token");
    }
    int length = token.length();
    if (length > maxLength) {
      throw Refusal.malformed("token too long");
    }
    // One copy of the token serves the signature, its decoding and the payload's. A character
    // outside Latin-1 becomes '?', one inside it above ASCII a negative byte: both are refused.
    byte[] ascii = token.getBytes(StandardCharsets.ISO_8859_1);
    if (ascii.length != length) {
      // A surrogate pair became one '?', so the indexes below would not match.
      throw shapeRefusal(ascii);
    }
    int first = token.indexOf('.');
    int second = token.indexOf('.', first + 1); // no dot at all: -1 twice
    // The common case without a branch per character: two dots, and every other byte in the
    // table (one -1 turns the OR negative). Anything else is refused, named at its first fault.
    if (second < 0
        || token.indexOf('.', second + 1) >= 0
        || (sextets(ascii, 0, first) | sextets(ascii, first + 1, second)
                | sextets(ascii, second + 1, length))
            < 0) {
      throw shapeRefusal(ascii);
    }
    if (first == 0 || second == first + 1) {
      // An empty signature is let through to be refused by the key check: an unsecured
      // ("alg":"none") token is an attack, not a typo, and is answered as such.
      throw Refusal.malformed("not a compact JWS");
    }
    return new CompactJws(token, ascii, first, second, null);
  }

  /** The OR of the table entries of the bytes in [from, to): negative when one is not base64url. */
  private static int sextets(byte[] ascii, int from, int to) {
    int all = 0;
    for (int i = from; i < to; i++) {
      all |= SEXTETS[ascii[i] & 0xff];
    }
    return all;
  }

  /**
   * Why a token that is not two dots between base64url is refused, from its first fault: a
   * character outside base64url ("bad base64url") or a third dot, else too few dots ("not a
   * compact JWS").
   */
  private static Refusal shapeRefusal(byte[] ascii) {
    int dots = 0;
    for (byte c : ascii) {
      if (c == '.') {
        if (++dots > 2) {
          break;
        }
      } else if (!isBase64Url(c)) {
        return Refusal.malformed("bad base64url");
      }
    }
    return Refusal.malformed("not a compact JWS");
  }

  /** The {@code kid} header, or null when absent or not a string. */
  String kid() {
    Object kid = header.get("kid");
    return kid instanceof String s ? s : null;
  }

  /** The {@code typ} header, or null when absent or not a string. */
  String typ() {
    Object typ = header.get("typ");
    return typ instanceof String s ? s : null;
  }

  /**
   * Checks the header against {@code key} and verifies the signature with it.
   *
   * @throws Refusal INVALID_CREDENTIALS for a refused header or a bad signature
   */
  void verifyWith(SigningKey key) throws Refusal {
    checkHeader(key);
    verifySignature(key);
  }

  /**
   * Checks the header against {@code key}: {@code alg} exactly the key's, no key-carrying header,
   * no {@code crit}.
   *
   * @throws Refusal INVALID_CREDENTIALS for a refused header, MALFORMED for a missing {@code alg}
   */
  void checkHeader(SigningKey key) throws Refusal {
    Object alg = header.get("alg");
    if (!(alg instanceof String)) {
      throw Refusal.malformed("missing alg");
    }
    if (!key.algorithm().jwsName().equals(alg)) {
      throw Refusal.invalid("alg does not match the key");
    }
    for (String name : FORBIDDEN_HEADERS) {
      if (header.containsKey(name)) {
        throw Refusal.invalid("refused header: " + name);
      }
    }
    if (header.containsKey("crit")) {
      throw Refusal.invalid("refused header: crit");
    }
  }

  /**
   * Verifies the signature with {@code key}, whatever the header says: call {@link #checkHeader}
   * first, or know the header segment to have passed it.
   *
   * @throws Refusal INVALID_CREDENTIALS for a bad signature
   */
  void verifySignature(SigningKey key) throws Refusal {
    if (!isCanonicalBase64Url(token, secondDot + 1, token.length())) {
      // Spare bits set in the last character would give a second spelling of one valid
      // signature: refuse it, so that one token has exactly one string.
      throw Refusal.invalid("bad signature");
    }
    if (!key.verify(ascii, secondDot)) {
      throw Refusal.invalid("bad signature");
    }
  }

  /** The header segment, base64url as received. */
  String headerSegment() {
    return token.substring(0, firstDot);
  }

  /**
   * The payload JSON object, read by {@link StrictJson}; call only after the signature has been
   * verified.
   *
   * @throws Refusal MALFORMED for a payload of a base64url length no bytes have, or one that is
   *     not a JSON object as {@link StrictJson} reads it
   */
  Map<String, Object> payload() throws Refusal {
    byte[] json = decode(ascii, firstDot + 1, secondDot);
    if (json == null) {
      throw Refusal.malformed("bad payload base64url");
    }
    return StrictJson.parseObject(json);
  }

  /**
   * The bytes of the unpadded base64url text in [from, to) of {@code ascii}, whose characters
   * {@link #split} has checked; null for a length that encodes no whole byte (4n + 1). Spare bits
   * of the last character are ignored, as the JDK's decoder ignores them: call {@link
   * #isCanonicalBase64Url} where a second spelling matters.
   */
  static byte[] decode(byte[] ascii, int from, int to) {
    int length = to - from;
    if (length % 4 == 1) {
      return null;
    }
    byte[] out = new byte[length / 4 * 3 + Math.max(0, length % 4 - 1)];
    int o = 0;
    int i = from;
    for (int whole = from + length / 4 * 4; i < whole; i += 4) {
      int bits =
          SEXTETS[ascii[i]] << 18
              | SEXTETS[ascii[i + 1]] << 12
              | SEXTETS[ascii[i + 2]] << 6
              | SEXTETS[ascii[i + 3]];
      out[o++] = (byte) (bits >> 16);
      out[o++] = (byte) (bits >> 8);
      out[o++] = (byte) bits;
    }
    if (to - i >= 2) {
      int bits = SEXTETS[ascii[i]] << 18 | SEXTETS[ascii[i + 1]] << 12;
      out[o++] = (byte) (bits >> 16);
      if (to - i == 3) {
        bits |= SEXTETS[ascii[i + 2]] << 6;
        out[o] = (byte) (bits >> 8);
      }
    }
    return out;
  }

  private static Map<String, Object> parseJson(String token, int from, int to, String what)
      throws Refusal {
    byte[] json;
    try {
      json = B64.decode(token.substring(from, to));
    } catch (IllegalArgumentException e) {
      throw Refusal.malformed(what + " base64url");
    }
    Map<String, Object> object;
    try {
      object = JSONObjectUtils.parse(new String(json, StandardCharsets.UTF_8));
    } catch (ParseException | RuntimeException | StackOverflowError e) {
      throw Refusal.malformed(what + " JSON");
    }
    if (object == null) {
      // Nimbus reads the JSON text null as no object at all, without an exception.
      throw Refusal.malformed(what + " JSON");
    }
    return object;
  }

  /**
   * Whether the base64url text in [from, to) has a valid length and no spare bits set; its
   * characters must be base64url (as {@link #split} checks).
   */
  static boolean isCanonicalBase64Url(String s, int from, int to) {
    int length = to - from;
    if (length == 0) {
      return true;
    }
    int spareBits =
        switch (length % 4) {
          case 2 -> 4;
          case 3 -> 2;
          case 0 -> 0;
          default -> -1; // one character alone encodes no whole byte
        };
    if (spareBits < 0) {
      return false;
    }
    return (SEXTETS[s.charAt(to - 1) & 0xff] & ((1 << spareBits) - 1)) == 0;
  }

  private static boolean isBase64Url(byte c) {
    return SEXTETS[c & 0xff] >= 0;
  }
}

package dev.latchkey.token;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * The parsing step of verification: a JWS in compact serialization, its length bounded, split at
 * its dots, its segments checked canonical base64url, its header read by {@link StrictJson} on
 * request. Nothing is trusted here: {@link KeySelector} checks the header against a key, {@link
 * SignatureCheck} the signature, and {@link #payload} is decoded only after that, so
 * unauthenticated JSON beyond the small header is never parsed. Header and payload are read by the
 * same {@link StrictJson}.
 *
 * <p>Every segment must be canonical base64url (RFC 7515 section 2, RFC 4648 section 3.5): the
 * URL-safe alphabet only, no padding, no length of 4n + 1, and the spare bits of the last character
 * zero. A lenient decoder maps several strings to one token; requiring one spelling keeps a token
 * string and its bytes one-to-one, for caches and deny-lists keyed by the string.
 *
 * <p>Immutable once made.
 */
final class CompactJws {
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

  /** The token's characters as bytes: all ASCII, as {@link #split} checked. Never modified. */
  final byte[] ascii;

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

  /**
   * This token with its header parsed.
   *
   * @throws Refusal MALFORMED ({@code "bad header JSON"}) for a header that is not one object as
   *     {@link StrictJson} reads it
   */
  CompactJws withParsedHeader() throws Refusal {
    // split checked the segment canonical, so it decodes.
    return new CompactJws(
        token, ascii, firstDot, secondDot, StrictJson.parseHeader(decode(ascii, 0, firstDot)));
  }

  /**
   * Splits a compact JWS without parsing its header ({@link #header} is null): for a caller that
   * recognises the header segment as one it has already checked.
   *
   * @throws Refusal MALFORMED for oversize input, a wrong shape, characters outside base64url or a
   *     segment not in canonical base64url
   */
  static CompactJws split(String token, int maxLength) throws Refusal {
    checkLength(token, maxLength);
    int length = token.length();
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
        || (sextets(ascii, 0, first)
                | sextets(ascii, first + 1, second)
                | sextets(ascii, second + 1, length))
            < 0) {
      throw shapeRefusal(ascii);
    }
    if (first == 0 || second == first + 1) {
      // An empty signature is let through to be refused by the key check: an unsecured
      // ("alg":"none") token is an attack, not a typo, and is answered as such.
      throw Refusal.malformed("not a compact JWS");
    }
    // Constant work per segment: the alphabet was checked above, the rest is in the last character.
    if (!(isCanonicalEnd(ascii, 0, first)
        && isCanonicalEnd(ascii, first + 1, second)
        && isCanonicalEnd(ascii, second + 1, length))) {
      throw Refusal.malformed("non-canonical base64url");
    }
    return new CompactJws(token, ascii, first, second, null);
  }

  /**
   * Refuses a token that is null, empty or longer than {@code maxLength}: the first rule of
   * verification, applied before any other work (also before a cache lookup).
   *
   * @throws Refusal MALFORMED ({@code "empty token"} or {@code "token too long"})
   */
  static void checkLength(String token, int maxLength) throws Refusal {
    if (token == null || token.isEmpty()) {
      throw Refusal.malformed("empty token");
    }
    if (token.length() > maxLength) {
      throw Refusal.malformed("token too long");
    }
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
   * character outside base64url ("bad base64url") or a third dot, else too few dots ("not a compact
   * JWS").
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

  /** The header segment, base64url as received. */
  String headerSegment() {
    return token.substring(0, firstDot);
  }

  /**
   * The payload JSON object, read by {@link StrictJson}; call only after the signature has been
   * verified.
   *
   * @throws Refusal MALFORMED for a payload of a base64url length no bytes have, or one that is not
   *     a JSON object as {@link StrictJson} reads it
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
   * of the last character are ignored, as the JDK's decoder ignores them: {@link #split} has
   * refused a segment with any set.
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

  /**
   * Whether the base64url text in [from, to) of {@code ascii} has a length that encodes whole bytes
   * (not 4n + 1) and no spare bit set in its last character; its characters must be base64url (as
   * {@link #split} checks). Empty text is canonical.
   */
  static boolean isCanonicalEnd(byte[] ascii, int from, int to) {
    int rest = (to - from) & 3;
    // 2 characters past a whole group carry 4 spare bits, 3 carry 2; a lone one is no byte.
    return rest == 0 || (rest != 1 && (SEXTETS[ascii[to - 1]] & (rest == 2 ? 15 : 3)) == 0);
  }

  private static boolean isBase64Url(byte c) {
    return SEXTETS[c & 0xff] >= 0;
  }
}

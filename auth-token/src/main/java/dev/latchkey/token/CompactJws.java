package dev.latchkey.token;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
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

  final String token;
  final int firstDot;
  final int secondDot;
  final Map<String, Object> header;

  private CompactJws(String token, int firstDot, int secondDot, Map<String, Object> header) {
    this.token = token;
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
    return new CompactJws(token, firstDot, secondDot, parseJson(token, 0, firstDot, "bad header"));
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
    int first = -1;
    int second = -1;
    for (int i = 0; i < length; i++) {
      char c = token.charAt(i);
      if (c == '.') {
        if (first < 0) {
          first = i;
        } else if (second < 0) {
          second = i;
        } else {
          throw Refusal.malformed("not a compact JWS");
        }
      } else if (!isBase64Url(c)) {
        throw Refusal.malformed("bad base64url");
      }
    }
    if (second < 0 || first == 0 || second == first + 1) {
      // An empty signature is let through to be refused by the key check: an unsecured
      // ("alg":"none") token is an attack, not a typo, and is answered as such.
      throw Refusal.malformed("not a compact JWS");
    }
    return new CompactJws(token, first, second, null);
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
    byte[] signingInput = token.substring(0, secondDot).getBytes(StandardCharsets.ISO_8859_1);
    if (!key.verify(signingInput, token.substring(secondDot + 1))) {
      throw Refusal.invalid("bad signature");
    }
  }

  /** The header segment, base64url as received. */
  String headerSegment() {
    return token.substring(0, firstDot);
  }

  /** The payload JSON object; call only after the signature has been verified. */
  Map<String, Object> payload() throws Refusal {
    return parseJson(token, firstDot + 1, secondDot, "bad payload");
  }

  private static Map<String, Object> parseJson(String token, int from, int to, String what)
      throws Refusal {
    byte[] json;
    try {
      json = B64.decode(token.substring(from, to));
    } catch (IllegalArgumentException e) {
      throw Refusal.malformed(what + " base64url");
    }
    try {
      return JSONObjectUtils.parse(new String(json, StandardCharsets.UTF_8));
    } catch (ParseException | RuntimeException | StackOverflowError e) {
      throw Refusal.malformed(what + " JSON");
    }
  }

  /** Whether the base64url text in [from, to) has a valid length and no spare bits set. */
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
    return (sextet(s.charAt(to - 1)) & ((1 << spareBits) - 1)) == 0;
  }

  private static int sextet(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    return c == '-' ? 62 : 63;
  }

  private static boolean isBase64Url(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }
}

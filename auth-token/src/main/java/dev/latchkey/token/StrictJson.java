package dev.latchkey.token;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

// Longer than 400 lines because it is one recursive-descent reader: every method moves the same
// cursor over the same bytes, and splitting it would pass that state between classes on the
// hottest path of verification. About half of it is the contract and the why of each rule.
/**
 * A strict RFC 8259 reader for a token's header and, once its signature holds, its payload: one
 * JSON object, read straight from its UTF-8 bytes into the values Nimbus's {@code
 * JSONObjectUtils.parse} gives, so that {@link ClaimsRules#read} sees no difference: a {@code Map}
 * for an object (a {@code HashMap}, {@code null} values kept), an {@code ArrayList} for an array,
 * {@code String}, {@code Boolean}, {@code null}, and a number as a {@code Long} when it has neither
 * fraction nor exponent and fits in a {@code long}, as a finite {@code Double} otherwise ({@code
 * 1e3} is {@code 1000.0}, {@code -0} is {@code 0L}, {@code 1.0} is {@code 1.0}, a 20-digit integer
 * a {@code Double}).
 *
 * <p>Everything RFC 8259 does not allow is refused, as Nimbus refuses it: another top level, a
 * trailing comma, comments, single quotes, unquoted names, {@code NaN}/{@code Infinity}, a leading
 * {@code +} or zero, a number that overflows to infinity, an unescaped control character, an
 * unknown escape, bytes after the object. These are refused too, although Nimbus (its shaded Gson)
 * accepts them; each is a narrower reading of the same grammar:
 *
 * <ul>
 *   <li>a top level other than one object: Nimbus reads {@code null} as no map at all, and an array
 *       of {@code [name, value]} pairs as a map;
 *   <li>a byte-order mark (RFC 8259 section 8.1: never added; Gson skips one);
 *   <li>bytes that are not well-formed UTF-8 (Unicode table 3-7: no overlong forms, no encoded
 *       surrogates, nothing above U+10FFFF, no cut sequence); Nimbus reads them as U+FFFD;
 *   <li>a {@code \}{@code u} escape that leaves a surrogate unpaired: Gson keeps it as a lone
 *       {@code char}, which no UTF-8 text can carry, so a subject holding one would change (to
 *       {@code ?}) wherever it is written down;
 *   <li>a member name twice in any object: Gson refuses it at the top level only (and not after a
 *       {@code null} value), and keeps the last one in nested objects;
 *   <li>nesting deeper than {@value #MAX_DEPTH} (the top-level object is depth 1; Gson: 255);
 *   <li>a number longer than {@value #MAX_NUMBER_LENGTH} characters (Gson: 1023).
 * </ul>
 *
 * <p>Total: any bytes end in a map or a {@link Refusal}, never another exception, in time linear in
 * their length, with recursion bounded by the depth limit. Not thread-safe; one instance reads one
 * document.
 */
final class StrictJson {
  /** The deepest nesting read; the top-level object is depth 1. */
  static final int MAX_DEPTH = 32;

  /** The longest number read, in characters: no {@code double} needs more than a few dozen. */
  static final int MAX_NUMBER_LENGTH = 256;

  private final byte[] in;
  private final int end;
  private final String detail;
  private int pos;
  private int depth;

  private StrictJson(byte[] in, int from, int to, String detail) {
    this.in = in;
    this.pos = from;
    this.end = to;
    this.detail = detail;
  }

  /**
   * The JSON object in {@code utf8}, a token's payload.
   *
   * @throws Refusal MALFORMED ({@code "bad payload JSON"}) for anything but one well-formed object
   *     within the limits above
   */
  static Map<String, Object> parseObject(byte[] utf8) throws Refusal {
    return parse(utf8, "bad payload JSON");
  }

  /**
   * The JSON object in {@code utf8}, a token's header: read by the same rules as the payload, so
   * that no part of a token has a more lenient reading than another.
   *
   * @throws Refusal MALFORMED ({@code "bad header JSON"}) for anything but one well-formed object
   *     within the limits above
   */
  static Map<String, Object> parseHeader(byte[] utf8) throws Refusal {
    return parse(utf8, "bad header JSON");
  }

  private static Map<String, Object> parse(byte[] utf8, String detail) throws Refusal {
    StrictJson reader = new StrictJson(utf8, 0, utf8.length, detail);
    reader.skipWhitespace();
    reader.expect('{');
    Map<String, Object> object = reader.object();
    reader.skipWhitespace();
    if (reader.pos != reader.end) {
      throw reader.refused();
    }
    return object;
  }

  private Refusal refused() {
    return Refusal.malformed(detail);
  }

  /** The next byte, or -1 at the end; non-ASCII bytes are negative too, and match no token. */
  private int peek() {
    return pos < end ? in[pos] : -1;
  }

  private void expect(char c) throws Refusal {
    if (peek() != c) {
      throw refused();
    }
    pos++;
  }

  private void skipWhitespace() {
    while (pos < end) {
      byte b = in[pos];
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return;
      }
      pos++;
    }
  }

  private void enter() throws Refusal {
    if (++depth > MAX_DEPTH) {
      throw refused();
    }
  }

  /** An object whose '{' has been read. */
  private Map<String, Object> object() throws Refusal {
    enter();
    Map<String, Object> object = new HashMap<>();
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      depth--;
      return object;
    }
    while (true) {
      expect('"');
      String name = string(true);
      skipWhitespace();
      expect(':');
      skipWhitespace();
      Object value = value();
      // put's answer cannot tell a repeated name from one whose earlier value was null.
      int size = object.size();
      object.put(name, value);
      if (object.size() == size) {
        throw refused();
      }
      skipWhitespace();
      if (peek() == '}') {
        pos++;
        depth--;
        return object;
      }
      expect(',');
      skipWhitespace();
    }
  }

  /** An array whose '[' has been read. */
  private List<Object> array() throws Refusal {
    enter();
    List<Object> array = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      depth--;
      return array;
    }
    while (true) {
      array.add(value());
      skipWhitespace();
      if (peek() == ']') {
        pos++;
        depth--;
        return array;
      }
      expect(',');
      skipWhitespace();
    }
  }

  private Object value() throws Refusal {
    int c = peek();
    switch (c) {
      case '{' -> {
        pos++;
        return object();
      }
      case '[' -> {
        pos++;
        return array();
      }
      case '"' -> {
        pos++;
        return string(false);
      }
      case 't' -> {
        literal("true");
        return true;
      }
      case 'f' -> {
        literal("false");
        return false;
      }
      case 'n' -> {
        literal("null");
        return null;
      }
      default -> {
        if (c == '-' || isDigit(c)) {
          return number();
        }
        throw refused();
      }
    }
  }

  private void literal(String word) throws Refusal {
    for (int i = 0; i < word.length(); i++) {
      expect(word.charAt(i));
    }
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  /**
   * number = [ "-" ] ( "0" / digit1-9 *digit ) [ "." 1*digit ] [ ( "e" / "E" ) [ "+" / "-" ]
   * 1*digit ]
   */
  private Object number() throws Refusal {
    int start = pos;
    boolean negative = peek() == '-';
    if (negative) {
      pos++;
    }
    int c = peek();
    if (c == '0') {
      pos++; // a zero stands alone: a digit after it is refused by whatever reads next
    } else if (isDigit(c)) {
      digits();
    } else {
      throw refused();
    }
    boolean integral = true;
    if (peek() == '.') {
      integral = false;
      pos++;
      requireDigits();
    }
    c = peek();
    if (c == 'e' || c == 'E') {
      integral = false;
      pos++;
      c = peek();
      if (c == '+' || c == '-') {
        pos++;
      }
      requireDigits();
    }
    int length = pos - start;
    if (length > MAX_NUMBER_LENGTH) {
      throw refused();
    }
    if (integral) {
      Long exact = exactLong(negative ? start + 1 : start, negative);
      if (exact != null) {
        return exact;
      }
      // Nimbus's rule: an integer beyond long is a Double.
    }
    String text = new String(in, start, length, StandardCharsets.ISO_8859_1);
    double value = Double.parseDouble(text);
    if (Double.isInfinite(value)) {
      throw refused();
    }
    return value;
  }

  /**
   * The integer of the digits in [from, pos), negated when {@code negative}, or null when it is
   * beyond {@code long}. Accumulated below zero, where {@code Long.MIN_VALUE} has room.
   */
  private Long exactLong(int from, boolean negative) {
    long value = 0;
    for (int i = from; i < pos; i++) {
      int digit = in[i] - '0';
      // value * 10 - digit >= MIN_VALUE, without overflowing on the way; the division rounds
      // toward zero, which for a negative bound is up, as an integer value needs.
      if (value < (Long.MIN_VALUE + digit) / 10) {
        return null;
      }
      value = value * 10 - digit;
    }
    if (negative) {
      return value;
    }
    return value == Long.MIN_VALUE ? null : -value;
  }

  private void requireDigits() throws Refusal {
    if (!isDigit(peek())) {
      throw refused();
    }
    digits();
  }

  private void digits() {
    while (pos < end && isDigit(in[pos])) {
      pos++;
    }
  }

  /**
   * The shared instance of a registered claim name in [start, start + length), or null: literals
   * are interned, so it is the very instance {@link JwtTokenService} asks the map for, and the
   * lookup is decided by identity. Its bytes are plain ASCII (the caller read them on the plain
   * path), so three of them pack exactly into an int.
   */
  private String knownName(int start, int length) {
    if (length == 3) {
      return switch (in[start] << 16 | in[start + 1] << 8 | in[start + 2]) {
        case 'i' << 16 | 's' << 8 | 's' -> "iss";
        case 's' << 16 | 'u' << 8 | 'b' -> "sub";
        case 'a' << 16 | 'u' << 8 | 'd' -> "aud";
        case 'e' << 16 | 'x' << 8 | 'p' -> "exp";
        case 'n' << 16 | 'b' << 8 | 'f' -> "nbf";
        case 'i' << 16 | 'a' << 8 | 't' -> "iat";
        case 'j' << 16 | 't' << 8 | 'i' -> "jti";
        default -> null;
      };
    }
    if (length == 5) {
      if (sameAscii("roles", start)) {
        return "roles";
      }
      if (sameAscii("attrs", start)) {
        return "attrs";
      }
    }
    return null;
  }

  private boolean sameAscii(String ascii, int at) {
    for (int i = 0; i < ascii.length(); i++) {
      if (in[at + i] != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** A string whose opening quote has been read; a known claim name as its shared instance. */
  private String string(boolean name) throws Refusal {
    int start = pos;
    while (pos < end) {
      byte b = in[pos];
      if (b == '"') {
        int length = pos - start;
        pos++;
        String known = name ? knownName(start, length) : null;
        // Plain ASCII: one copy into a Latin-1 string.
        return known != null ? known : new String(in, start, length, StandardCharsets.ISO_8859_1);
      }
      if (b < 0x20 || b == '\\') {
        return decodedString(start); // a control character, a non-ASCII byte or an escape
      }
      pos++;
    }
    throw refused();
  }

  /** The rest of a string with escapes or non-ASCII text, whose plain start is [start, pos). */
  private String decodedString(int start) throws Refusal {
    StringBuilder out = new StringBuilder();
    for (int i = start; i < pos; i++) {
      out.append((char) in[i]);
    }
    while (pos < end) {
      int b = in[pos] & 0xff;
      if (b == '"') {
        pos++;
        return out.toString();
      } else if (b == '\\') {
        pos++;
        escape(out);
      } else if (b < 0x20) {
        throw refused();
      } else if (b < 0x80) {
        out.append((char) b);
        pos++;
      } else {
        utf8(out, b);
      }
    }
    throw refused();
  }

  private void escape(StringBuilder out) throws Refusal {
    int c = peek();
    pos++;
    switch (c) {
      case '"' -> out.append('"');
      case '\\' -> out.append('\\');
      case '/' -> out.append('/');
      case 'b' -> out.append('\b');
      case 'f' -> out.append('\f');
      case 'n' -> out.append('\n');
      case 'r' -> out.append('\r');
      case 't' -> out.append('\t');
      case 'u' -> {
        char unit = hex4();
        if (Character.isHighSurrogate(unit)) {
          // Only a low surrogate's escape may follow: a pair is one code point.
          expect('\\');
          expect('u');
          char low = hex4();
          if (!Character.isLowSurrogate(low)) {
            throw refused();
          }
          out.append(unit).append(low);
        } else if (Character.isLowSurrogate(unit)) {
          throw refused();
        } else {
          out.append(unit);
        }
      }
      default -> throw refused();
    }
  }

  private char hex4() throws Refusal {
    int unit = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(peek(), 16); // -1 for the end, a non-ASCII byte, a non-digit
      if (d < 0) {
        throw refused();
      }
      unit = unit << 4 | d;
      pos++;
    }
    return (char) unit;
  }

  /**
   * One UTF-8 sequence starting with {@code lead} (at or above 0x80), as Unicode's table 3-7 of
   * well-formed sequences allows: the second byte's range depends on the lead, which rules out
   * overlong forms, surrogates (ED A0..BF) and code points above U+10FFFF (F4 90.., F5..).
   */
  private void utf8(StringBuilder out, int lead) throws Refusal {
    int continuation;
    int min = 0x80;
    int max = 0xbf;
    int codePoint;
    if (lead >= 0xc2 && lead <= 0xdf) {
      continuation = 1;
      codePoint = lead & 0x1f;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      continuation = 2;
      codePoint = lead & 0x0f;
      if (lead == 0xe0) {
        min = 0xa0;
      } else if (lead == 0xed) {
        max = 0x9f;
      }
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      continuation = 3;
      codePoint = lead & 0x07;
      if (lead == 0xf0) {
        min = 0x90;
      } else if (lead == 0xf4) {
        max = 0x8f;
      }
    } else {
      throw refused(); // a continuation byte, C0, C1, or F5..FF
    }
    if (end - pos <= continuation) {
      throw refused();
    }
    for (int i = 1; i <= continuation; i++) {
      int b = in[pos + i] & 0xff;
      if (b < min || b > max) {
        throw refused();
      }
      codePoint = codePoint << 6 | (b & 0x3f);
      min = 0x80;
      max = 0xbf;
    }
    pos += continuation + 1;
    out.appendCodePoint(codePoint);
  }
}

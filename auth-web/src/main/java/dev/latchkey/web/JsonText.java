package dev.latchkey.web;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The little JSON the web layer speaks. Reading: a request body that must be exactly one object,
 * strict RFC 8259 over strict UTF-8, no member name twice at any depth (two parsers in front of
 * each other could otherwise read different usernames from one body), nesting at most {@value
 * #MAX_DEPTH}; its string members are kept, other values checked and skipped. Writing: strings,
 * numbers, booleans, null, collections and maps. Total: bad input is an empty answer, never an
 * exception.
 */
final class JsonText {
  static final int MAX_DEPTH = 16;

  private final String in;
  private int pos;
  private int depth;

  private JsonText(String in) {
    this.in = in;
  }

  /**
   * The body's top-level members, or empty when it is not exactly one well-formed object: a string
   * as {@link String}, a number as {@link JsonNumber}, {@code true}/{@code false} as {@link
   * Boolean}, {@code null} as {@link #NULL}, an array as a {@link java.util.List} of such values,
   * an object as {@link #OBJECT}.
   */
  static Optional<Map<String, Object>> readMembers(byte[] utf8) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(utf8))
              .toString();
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
    JsonText reader = new JsonText(text);
    try {
      reader.whitespace();
      Map<String, Object> members = new HashMap<>();
      reader.object(members);
      reader.whitespace();
      return reader.pos == text.length() ? Optional.of(members) : Optional.empty();
    } catch (Malformed e) {
      return Optional.empty();
    }
  }

  /** The body's string members, or empty when it is not exactly one well-formed object. */
  static Optional<Map<String, String>> readObject(byte[] utf8) {
    return readMembers(utf8)
        .map(
            members -> {
              Map<String, String> strings = new HashMap<>();
              members.forEach(
                  (name, value) -> {
                    if (value instanceof String s) {
                      strings.put(name, s);
                    }
                  });
              return strings;
            });
  }

  /** A number as its JSON text, for the reader to convert within its own bounds. */
  record JsonNumber(String text) {}

  /** A nested object's place among the top-level members: its contents are not kept. */
  static final Object OBJECT = new Object();

  /** JSON {@code null} among the top-level members. */
  static final Object NULL = new Object();

  /** Signals malformed input; no stack trace, it never leaves this class. */
  private static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed() {
      super(null, null, false, false);
    }
  }

  /** Reads an object; its members go to {@code members} when it is the top level. */
  private void object(Map<String, Object> members) throws Malformed {
    expect('{');
    if (++depth > MAX_DEPTH) {
      throw new Malformed();
    }
    Map<String, Boolean> seen = new HashMap<>();
    whitespace();
    if (peek() == '}') {
      pos++;
      depth--;
      return;
    }
    while (true) {
      whitespace();
      String name = string();
      if (seen.put(name, Boolean.TRUE) != null) {
        throw new Malformed();
      }
      whitespace();
      expect(':');
      whitespace();
      Object value = value();
      if (members != null) {
        members.put(name, value);
      }
      whitespace();
      int c = next();
      if (c == '}') {
        depth--;
        return;
      }
      if (c != ',') {
        throw new Malformed();
      }
    }
  }

  private List<Object> array() throws Malformed {
    expect('[');
    if (++depth > MAX_DEPTH) {
      throw new Malformed();
    }
    List<Object> values = new ArrayList<>();
    whitespace();
    if (peek() == ']') {
      pos++;
      depth--;
      return values;
    }
    while (true) {
      whitespace();
      values.add(value());
      whitespace();
      int c = next();
      if (c == ']') {
        depth--;
        return values;
      }
      if (c != ',') {
        throw new Malformed();
      }
    }
  }

  private Object value() throws Malformed {
    int c = peek();
    switch (c) {
      case '{' -> {
        object(null);
        return OBJECT;
      }
      case '[' -> {
        return array();
      }
      case '"' -> {
        return string();
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
        return NULL;
      }
      default -> {
        int start = pos;
        number();
        return new JsonNumber(in.substring(start, pos));
      }
    }
  }

  private void literal(String word) throws Malformed {
    if (!in.startsWith(word, pos)) {
      throw new Malformed();
    }
    pos += word.length();
  }

  private void number() throws Malformed {
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else {
      digits();
    }
    if (peek() == '.') {
      pos++;
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      digits();
    }
  }

  private void digits() throws Malformed {
    int start = pos;
    while (peek() >= '0' && peek() <= '9') {
      pos++;
    }
    if (pos == start) {
      throw new Malformed();
    }
  }

  private String string() throws Malformed {
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      int c = next();
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) { // also the end of input (-1)
        throw new Malformed();
      }
      if (c != '\\') {
        out.append((char) c);
        continue;
      }
      int e = next();
      switch (e) {
        case '"', '\\', '/' -> out.append((char) e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> out.append(hex4());
        default -> throw new Malformed();
      }
    }
  }

  private char hex4() throws Malformed {
    if (pos + 4 > in.length()) {
      throw new Malformed();
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(in.charAt(pos++), 16);
      if (d < 0) {
        throw new Malformed();
      }
      v = v * 16 + d;
    }
    return (char) v;
  }

  private void whitespace() {
    while (pos < in.length()) {
      char c = in.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private int peek() {
    return pos < in.length() ? in.charAt(pos) : -1;
  }

  private int next() {
    return pos < in.length() ? in.charAt(pos++) : -1;
  }

  private void expect(char c) throws Malformed {
    if (next() != c) {
      throw new Malformed();
    }
  }

  /** {@code value} as JSON text. */
  static String write(Object value) {
    StringBuilder out = new StringBuilder(64);
    write(value, out);
    return out.toString();
  }

  private static void write(Object value, StringBuilder out) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof CharSequence s) {
      quote(s, out);
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.append(first ? "" : ",");
        first = false;
        quote(String.valueOf(e.getKey()), out);
        out.append(':');
        write(e.getValue(), out);
      }
      out.append('}');
    } else if (value instanceof Collection<?> list) {
      out.append('[');
      boolean first = true;
      for (Object o : list) {
        out.append(first ? "" : ",");
        first = false;
        write(o, out);
      }
      out.append(']');
    } else {
      quote(value.toString(), out);
    }
  }

  private static void quote(CharSequence s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          // Control characters, and < > & so that an answer pasted into HTML cannot close a tag.
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}

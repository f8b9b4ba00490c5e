package dev.latchkey.web;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
  private final Set<String> trueMembers = new HashSet<>();
  private int pos;
  private int depth;

  /**
   * A body's top-level members that the web layer reads.
   *
   * @param strings the string members
   * @param trueMembers the names of the members whose value is {@code true}
   */
  record Members(Map<String, String> strings, Set<String> trueMembers) {
    Members {
      strings = Map.copyOf(strings);
      trueMembers = Set.copyOf(trueMembers);
    }
  }

  private JsonText(String in) {
    this.in = in;
  }

  /** The body's string members, or empty when it is not exactly one well-formed object. */
  static Optional<Map<String, String>> readObject(byte[] utf8) {
    return readMembers(utf8).map(Members::strings);
  }

  /**
   * The body's string and {@code true} members, or empty when it is not exactly one well-formed
   * object.
   */
  static Optional<Members> readMembers(byte[] utf8) {
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
      Map<String, String> strings = new HashMap<>();
      reader.object(strings);
      reader.whitespace();
      return reader.pos == text.length()
          ? Optional.of(new Members(strings, reader.trueMembers))
          : Optional.empty();
    } catch (Malformed e) {
      return Optional.empty();
    }
  }

  /** Signals malformed input; no stack trace, it never leaves this class. */
  private static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed() {
      super(null, null, false, false);
    }
  }

  /** Reads an object; its string members go to {@code strings} when it is the top level. */
  private void object(Map<String, String> strings) throws Malformed {
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
      if (peek() == '"') {
        String value = string();
        if (strings != null) {
          strings.put(name, value);
        }
      } else if (strings != null && peek() == 't') {
        literal("true");
        trueMembers.add(name);
      } else {
        value();
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

  private void array() throws Malformed {
    expect('[');
    if (++depth > MAX_DEPTH) {
      throw new Malformed();
    }
    whitespace();
    if (peek() == ']') {
      pos++;
      depth--;
      return;
    }
    while (true) {
      whitespace();
      value();
      whitespace();
      int c = next();
      if (c == ']') {
        depth--;
        return;
      }
      if (c != ',') {
        throw new Malformed();
      }
    }
  }

  private void value() throws Malformed {
    int c = peek();
    switch (c) {
      case '{' -> object(null);
      case '[' -> array();
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> number();
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

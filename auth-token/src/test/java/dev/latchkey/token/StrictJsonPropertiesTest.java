package dev.latchkey.token;

import static dev.latchkey.core.HostileInput.bounded;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.shaded.gson.Strictness;
import com.nimbusds.jose.shaded.gson.stream.JsonReader;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.latchkey.core.Gen;
import dev.latchkey.core.HostileInput;
import dev.latchkey.core.Properties;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link StrictJson} against the parser it replaced, Nimbus's {@code JSONObjectUtils.parse} of the
 * bytes decoded as UTF-8, on generated JSON objects (every value kind, escapes, unicode, numbers of
 * every spelling, whitespace), on their mutations (characters and bytes flipped, inserted, deleted,
 * truncated; malformed UTF-8; deep nesting; huge numbers) and on noise.
 *
 * <p>The property: ours reads a map exactly when Nimbus reads one and the input breaks none of
 * ours's documented narrower rules (well-formed UTF-8, no byte-order mark, one top-level object, no
 * name twice in an object, no unpaired surrogate escape, nesting and number length limits), and
 * then the two maps are equal, value types included. So whatever Nimbus refuses, ours refuses; and
 * whatever ours refuses beyond that is one of the documented rules, which an independent reading
 * (the JDK's strict UTF-8 decoder, Gson's streaming reader) finds in the input.
 */
class StrictJsonPropertiesTest {
  private static final int TRIES = 3_000;

  private static final String[] NAMES = {
    "iss",
    "sub",
    "aud",
    "exp",
    "nbf",
    "iat",
    "jti",
    "roles",
    "attrs",
    "a",
    "b",
    "c",
    "is",
    "issu",
    "rolez",
    "Iss",
    "k",
    "x y",
    "",
    "\u00e9",
    "\u65e5\u672c",
    "\ud83d\ude00",
    "\"",
    "\\",
    "/",
    "\u0000",
    "\n",
    "scope",
    "azp",
    "client_id",
    "tenant",
    "n1",
    "n2",
    "n3",
    "n4",
    "n5",
    "n6"
  };

  private static final String[] EDGE_NUMBERS = {
    "0",
    "-0",
    "-0.0",
    "1.0",
    "1e3",
    "1E+2",
    "25e-1",
    "1e-400",
    "-1e-400",
    "1e309",
    "-1e309",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "999999999999999999",
    "1000000000000000000",
    "99999999999999999999",
    "1764064800.123",
    "1.7976931348623157e308",
    "4.9e-324",
    "0.1e1",
    "1e0400"
  };

  /** What either parser made of the input: a map, or a refusal. */
  private record Outcome(Map<String, Object> map) {
    boolean refused() {
      return map == null;
    }
  }

  private static Outcome ours(byte[] json) {
    return bounded(
        () -> {
          try {
            return new Outcome(StrictJson.parseObject(json));
          } catch (Refusal r) {
            assertThat(r.getMessage()).isEqualTo("bad payload JSON");
            return new Outcome(null);
          }
        });
  }

  private static Outcome nimbus(byte[] json) {
    try {
      return new Outcome(JSONObjectUtils.parse(new String(json, StandardCharsets.UTF_8)));
    } catch (ParseException e) {
      return new Outcome(null);
    }
  }

  /** The property of the class comment, for one input. */
  private static void agreesWithNimbus(byte[] json) {
    Outcome ours = ours(json);
    Outcome nimbus = nimbus(json);
    if (nimbus.refused()) {
      assertThat(ours.refused()).as("Nimbus refuses, ours reads %s", ours.map()).isTrue();
      return;
    }
    List<String> rules = narrowerRulesBroken(json);
    if (rules.isEmpty()) {
      assertThat(ours.refused()).as("ours refuses what Nimbus reads as %s", nimbus.map()).isFalse();
      assertThat(ours.map()).isEqualTo(nimbus.map());
    } else {
      assertThat(ours.refused()).as("ours reads what breaks %s", rules).isTrue();
    }
  }

  /** Which of StrictJson's documented narrower rules {@code json}, which Nimbus reads, breaks. */
  static List<String> narrowerRulesBroken(byte[] json) {
    List<String> broken = new ArrayList<>();
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(json))
              .toString();
    } catch (CharacterCodingException e) {
      broken.add("malformed UTF-8");
      text = new String(json, StandardCharsets.UTF_8);
    }
    if (text.startsWith("\ufeff")) {
      broken.add("byte-order mark");
    } else if (!text.strip().startsWith("{")) {
      broken.add("not one object");
    }
    JsonReader reader = new JsonReader(new StringReader(text));
    reader.setStrictness(Strictness.STRICT);
    try {
      walk(reader, 1, broken);
    } catch (IOException | RuntimeException e) {
      throw new AssertionError("Gson's reader refuses what Nimbus reads", e);
    }
    return broken;
  }

  private static void walk(JsonReader reader, int depth, List<String> broken) throws IOException {
    switch (reader.peek()) {
      case BEGIN_OBJECT -> {
        tooDeep(depth, broken);
        reader.beginObject();
        Set<String> names = new HashSet<>();
        while (reader.hasNext()) {
          String name = reader.nextName();
          if (!names.add(name)) {
            broken.add("name twice: " + name);
          }
          unpaired(name, broken);
          walk(reader, depth + 1, broken);
        }
        reader.endObject();
      }
      case BEGIN_ARRAY -> {
        tooDeep(depth, broken);
        reader.beginArray();
        while (reader.hasNext()) {
          walk(reader, depth + 1, broken);
        }
        reader.endArray();
      }
      case STRING -> unpaired(reader.nextString(), broken);
      case NUMBER -> {
        String literal = reader.nextString();
        if (literal.length() > StrictJson.MAX_NUMBER_LENGTH) {
          broken.add("number of " + literal.length() + " characters");
        }
      }
      case BOOLEAN -> reader.skipValue();
      case NULL -> reader.nextNull();
      default -> throw new AssertionError(reader.peek());
    }
  }

  private static void tooDeep(int depth, List<String> broken) {
    if (depth > StrictJson.MAX_DEPTH) {
      broken.add("depth " + depth);
    }
  }

  private static void unpaired(String s, List<String> broken) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        broken.add("unpaired surrogate");
      }
    }
  }

  // ---- generators of JSON text ----

  /** JSON objects as text: every value kind, names that sometimes repeat, escapes, whitespace. */
  static Gen<String> objects(int maxDepth) {
    return random -> {
      StringBuilder out = new StringBuilder();
      ws(out, random);
      object(out, random, maxDepth);
      ws(out, random);
      return out.toString();
    };
  }

  /** Mostly objects; sometimes another top level, or a byte-order mark in front. */
  static Gen<String> documents() {
    Gen<String> others =
        Gen.of("null", "[]", "[[\"sub\",\"x\"]]", "\"s\"", "1", "true", "\ufeff{}", "{}", " ");
    return Gen.frequency(
        Gen.weight(12, objects(4)),
        Gen.weight(1, objects(2).map(o -> "\ufeff" + o)),
        Gen.weight(1, others));
  }

  private static void ws(StringBuilder out, SplittableRandom random) {
    if (random.nextInt(3) == 0) {
      for (int n = 1 + random.nextInt(3); n > 0; n--) {
        out.append(" \t\n\r".charAt(random.nextInt(4)));
      }
    }
  }

  private static void object(StringBuilder out, SplittableRandom random, int depth) {
    out.append('{');
    ws(out, random);
    int members = random.nextInt(6);
    List<String> used = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      if (i > 0) {
        out.append(',');
        ws(out, random);
      }
      String name;
      if (!used.isEmpty() && random.nextInt(20) == 0) {
        name = used.get(random.nextInt(used.size())); // a repeated name, now and then
      } else {
        do {
          name = random.nextInt(4) == 0 ? text(random) : NAMES[random.nextInt(NAMES.length)];
        } while (used.contains(name));
      }
      used.add(name);
      string(out, random, name);
      ws(out, random);
      out.append(':');
      ws(out, random);
      value(out, random, depth - 1);
      ws(out, random);
    }
    out.append('}');
  }

  private static void value(StringBuilder out, SplittableRandom random, int depth) {
    int kind = random.nextInt(depth > 0 ? 8 : 6);
    switch (kind) {
      case 0, 1 -> string(out, random, text(random));
      case 2, 3 -> out.append(number(random));
      case 4 -> out.append(random.nextBoolean() ? "true" : "false");
      case 5 -> out.append("null");
      case 6 -> object(out, random, depth);
      default -> {
        out.append('[');
        ws(out, random);
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
          if (i > 0) {
            out.append(',');
            ws(out, random);
          }
          value(out, random, depth - 1);
          ws(out, random);
        }
        out.append(']');
      }
    }
  }

  /** Text of up to 12 code points from every range, now and then an unpaired surrogate. */
  private static String text(SplittableRandom random) {
    StringBuilder s = new StringBuilder();
    for (int n = random.nextInt(13); n > 0; n--) {
      switch (random.nextInt(10)) {
        case 0 -> s.append((char) random.nextInt(0x20)); // control
        case 1 -> s.append("\"\\/".charAt(random.nextInt(3)));
        case 2 -> s.append((char) random.nextInt(0x80, 0x800));
        case 3 -> s.append((char) random.nextInt(0x800, 0xd800));
        case 4 -> s.appendCodePoint(random.nextInt(0x10000, 0x110000));
        case 5 -> s.append("\u007f\u2028\u2029\ufeff\uffff\ue000\ud7ff".charAt(random.nextInt(7)));
        case 6 -> {
          if (random.nextInt(8) == 0) {
            s.append((char) random.nextInt(0xd800, 0xe000)); // unpaired: only ever escaped
          } else {
            s.append('x');
          }
        }
        default -> s.append((char) random.nextInt(0x20, 0x7f));
      }
    }
    return s.toString();
  }

  /** {@code s} as a JSON string: what must be escaped is, the rest now and then. */
  private static void string(StringBuilder out, SplittableRandom random, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean pair =
          Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1));
      if (pair && random.nextInt(3) != 0) {
        out.append(c).append(s.charAt(++i));
      } else if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || Character.isSurrogate(c) || random.nextInt(10) == 0) {
        String short1 =
            switch (c) {
              case '\b' -> "\\b";
              case '\f' -> "\\f";
              case '\n' -> "\\n";
              case '\r' -> "\\r";
              case '\t' -> "\\t";
              case '/' -> "\\/";
              default -> null;
            };
        if (short1 != null && random.nextBoolean()) {
          out.append(short1);
        } else {
          String hex = String.format("%04x", (int) c);
          out.append("\\u").append(random.nextBoolean() ? hex : hex.toUpperCase(Locale.ROOT));
        }
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }

  /** A number in the grammar (or one of the edge spellings), of any size. */
  private static String number(SplittableRandom random) {
    if (random.nextInt(5) == 0) {
      return EDGE_NUMBERS[random.nextInt(EDGE_NUMBERS.length)];
    }
    StringBuilder n = new StringBuilder();
    if (random.nextInt(4) == 0) {
      n.append('-');
    }
    if (random.nextInt(4) == 0) {
      n.append('0');
    } else {
      n.append((char) ('1' + random.nextInt(9)));
      digits(n, random, random.nextInt(8) == 0 ? random.nextInt(30) : random.nextInt(4));
    }
    if (random.nextInt(3) == 0) {
      n.append('.');
      digits(n, random, 1 + random.nextInt(random.nextInt(8) == 0 ? 30 : 4));
    }
    if (random.nextInt(4) == 0) {
      n.append(random.nextBoolean() ? 'e' : 'E');
      int sign = random.nextInt(3);
      if (sign > 0) {
        n.append(sign == 1 ? '+' : '-');
      }
      digits(n, random, 1 + random.nextInt(3));
    }
    return n.toString();
  }

  private static void digits(StringBuilder out, SplittableRandom random, int count) {
    for (int i = 0; i < count; i++) {
      out.append((char) ('0' + random.nextInt(10)));
    }
  }

  /** Objects holding one path of arrays and objects around the depth limit. */
  static Gen<String> deepNests() {
    return random -> {
      int depth = StrictJson.MAX_DEPTH - 4 + random.nextInt(9);
      StringBuilder open = new StringBuilder("{\"d\":");
      StringBuilder close = new StringBuilder("}");
      for (int level = 2; level <= depth; level++) {
        if (random.nextBoolean()) {
          open.append('[');
          close.insert(0, ']');
        } else {
          open.append("{\"k\":");
          close.insert(0, '}');
        }
      }
      return open + number(random) + close;
    };
  }

  /** Objects holding one number of 200 to 1,100 characters. */
  static Gen<String> hugeNumbers() {
    return random -> {
      StringBuilder n = new StringBuilder(random.nextBoolean() ? "-" : "");
      int length = 200 + random.nextInt(900);
      if (random.nextBoolean()) {
        n.append("0.");
      } else {
        n.append('1');
      }
      digits(n, random, length - n.length());
      return "{\"n\":" + n + "}";
    };
  }

  // ---- byte-level mutations ----

  private static final int[] HOSTILE_BYTES = {
    0x00, 0x1f, 0x20, '"', '\\', '{', '}', '[', ']', ',', ':', '-', '0', 'e', '.', 0x7f, 0x80, 0xbf,
    0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xf8, 0xfe, 0xff
  };

  private static final byte[][] HOSTILE_SEQUENCES = {
    {(byte) 0xc0, (byte) 0xaf}, // overlong '/'
    {(byte) 0xe0, (byte) 0x80, (byte) 0xaf}, // overlong '/'
    {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // an encoded surrogate
    {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
    {(byte) 0xe2, (byte) 0x82}, // a cut euro sign
    {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, // a byte-order mark
    {(byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80}, // a well-formed emoji
  };

  /** One to three byte edits of a valid document's UTF-8. */
  static Gen<byte[]> byteMutations() {
    return random -> {
      byte[] bytes = documents().next(random).getBytes(StandardCharsets.UTF_8);
      for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
        bytes = byteEdit(bytes, random);
      }
      return bytes;
    };
  }

  private static byte[] byteEdit(byte[] bytes, SplittableRandom random) {
    int at = random.nextInt(bytes.length + 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    switch (random.nextInt(5)) {
      case 0 -> { // replace one byte
        if (at == bytes.length) {
          return bytes;
        }
        byte[] copy = bytes.clone();
        copy[at] = hostileByte(random);
        return copy;
      }
      case 1 -> { // delete one byte
        if (at == bytes.length) {
          return bytes;
        }
        out.write(bytes, 0, at);
        out.write(bytes, at + 1, bytes.length - at - 1);
      }
      case 2 -> { // insert one byte
        out.write(bytes, 0, at);
        out.write(hostileByte(random));
        out.write(bytes, at, bytes.length - at);
      }
      case 3 -> { // insert a sequence
        out.write(bytes, 0, at);
        out.writeBytes(HOSTILE_SEQUENCES[random.nextInt(HOSTILE_SEQUENCES.length)]);
        out.write(bytes, at, bytes.length - at);
      }
      default -> out.write(bytes, 0, at); // truncate
    }
    return out.toByteArray();
  }

  private static byte hostileByte(SplittableRandom random) {
    return (byte)
        (random.nextBoolean()
            ? HOSTILE_BYTES[random.nextInt(HOSTILE_BYTES.length)]
            : random.nextInt(256));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ---- the properties ----

  @Test
  void generatedDocumentsReadAsNimbusReadsThem() {
    Properties.forAll(TRIES, documents(), doc -> agreesWithNimbus(utf8(doc)));
  }

  @Test
  void mostGeneratedObjectsAreRead() {
    // Guards the property above against a generator that only ever makes refused input.
    int[] read = new int[1];
    Properties.forAll(
        500,
        objects(4),
        doc -> {
          if (!ours(utf8(doc)).refused()) {
            read[0]++;
          }
        });
    assertThat(read[0]).isGreaterThan(250);
  }

  @Test
  void mutatedDocumentsReadAsNimbusReadsThem() {
    Properties.forAll(
        TRIES, HostileInput.mutationsOf(documents()), m -> agreesWithNimbus(utf8(m.mutated())));
  }

  @Test
  void byteMutationsReadAsNimbusReadsThem() {
    Properties.forAll(TRIES, byteMutations(), bytes -> agreesWithNimbus(bytes));
  }

  @Test
  void nestingAroundTheLimitReadsAsNimbusReadsIt() {
    Properties.forAll(500, deepNests(), doc -> agreesWithNimbus(utf8(doc)));
    Properties.forAll(
        500, HostileInput.mutationsOf(deepNests()), m -> agreesWithNimbus(utf8(m.mutated())));
  }

  @Test
  void integersNearTheEndsOfLongAreLongExactlyWhenTheyFit() {
    java.math.BigInteger max = java.math.BigInteger.valueOf(Long.MAX_VALUE);
    java.math.BigInteger min = java.math.BigInteger.valueOf(Long.MIN_VALUE);
    Gen<java.math.BigInteger> near =
        random -> {
          java.math.BigInteger end = random.nextBoolean() ? max : min;
          java.math.BigInteger offset =
              java.math.BigInteger.valueOf(random.nextLong(-2_000_000_000_000L, 2_000_000_000_000L))
                  .shiftRight(random.nextInt(41));
          return end.add(offset).multiply(java.math.BigInteger.TEN.pow(random.nextInt(2)));
        };
    Properties.forAll(
        3_000,
        near,
        n -> {
          Object read = StrictJsonTest.value(n.toString());
          if (n.bitLength() < 64) {
            assertThat(read).isEqualTo(n.longValueExact());
          } else {
            assertThat(read).isEqualTo(n.doubleValue());
          }
          agreesWithNimbus(utf8("{\"n\":" + n + "}"));
        });
  }

  @Test
  void hugeNumbersReadAsNimbusReadsThem() {
    Properties.forAll(300, hugeNumbers(), doc -> agreesWithNimbus(utf8(doc)));
  }

  @Test
  void noiseIsRefusedOrReadAsNimbusReadsIt() {
    Properties.forAll(TRIES, HostileInput.hostileStrings(64), s -> agreesWithNimbus(utf8("{" + s)));
    Properties.forAll(TRIES, HostileInput.hostileStrings(64), s -> agreesWithNimbus(utf8(s)));
    Gen<byte[]> noise = StrictJsonPropertiesTest::randomBytes;
    Properties.forAll(TRIES, noise, bytes -> agreesWithNimbus(bytes));
  }

  private static byte[] randomBytes(SplittableRandom random) {
    byte[] bytes = new byte[random.nextInt(40)];
    random.nextBytes(bytes);
    if (bytes.length > 0 && random.nextBoolean()) {
      bytes[0] = '{';
    }
    return bytes;
  }

  @Test
  void aMegabyteIsAnsweredWithinTheBound() {
    Properties.forAll(
        10,
        HostileInput.hugeStrings("{\"a\":\""),
        s -> assertThat(ours(utf8(s)).refused()).isTrue());
    Properties.forAll(
        10,
        Gen.ints(100_000, 1_000_000),
        n -> {
          assertThat(ours(utf8("{\"a\":" + "[".repeat(n))).refused()).isTrue();
          assertThat(ours(utf8("{\"a\":\"" + "x".repeat(n) + "\"}")).refused()).isFalse();
          assertThat(ours(utf8("{\"a\":" + "1".repeat(n) + "}")).refused()).isTrue();
        });
  }

  @Test
  void theNarrowerRulesAreFoundByTheIndependentReading() {
    // The classifier is a test oracle: it must see each rule, or the property would be vacuous.
    assertThat(narrowerRulesBroken(utf8("{\"a\":1}"))).isEmpty();
    assertThat(
            narrowerRulesBroken(
                new byte[] {'{', '"', (byte) 0xc0, (byte) 0xaf, '"', ':', '1', '}'}))
        .contains("malformed UTF-8");
    assertThat(narrowerRulesBroken(utf8("\ufeff{}"))).contains("byte-order mark");
    assertThat(narrowerRulesBroken(utf8("[]"))).contains("not one object");
    assertThat(narrowerRulesBroken(utf8("{\"o\":{\"a\":1,\"a\":2}}"))).contains("name twice: a");
    assertThat(narrowerRulesBroken(utf8("{\"a\":\"\\ud800\"}"))).contains("unpaired surrogate");
    assertThat(narrowerRulesBroken(utf8("{\"\\udc00\":1}"))).contains("unpaired surrogate");
    assertThat(narrowerRulesBroken(utf8("{\"a\":" + "[".repeat(32) + "]".repeat(32) + "}")))
        .contains("depth 33");
    assertThat(narrowerRulesBroken(utf8("{\"a\":" + "1".repeat(257) + "}")))
        .contains("number of 257 characters");
    assertThat(Arrays.asList(NAMES)).doesNotHaveDuplicates();
  }
}

package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.AuthResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One test per rule of {@link StrictJson}, the payload reader: what it reads and into which Java
 * types (those Nimbus's parser gives, which {@link ClaimsRules#read} expects), and each thing it
 * refuses, at the edge where acceptance turns into refusal.
 */
class StrictJsonTest {

  static Map<String, Object> parse(String json) throws Refusal {
    return StrictJson.parseObject(json.getBytes(StandardCharsets.UTF_8));
  }

  /** The value of member {@code v} in {@code {"v": json}}. */
  static Object value(String json) throws Refusal {
    return parse("{\"v\":" + json + "}").get("v");
  }

  static void refused(String json) {
    refused(json.getBytes(StandardCharsets.UTF_8));
  }

  static void refused(byte[] json) {
    assertThatThrownBy(() -> StrictJson.parseObject(json))
        .as("%s", Arrays.toString(json))
        .isInstanceOf(Refusal.class)
        .hasMessage("bad payload JSON")
        .extracting(r -> ((Refusal) r).reason)
        .isEqualTo(AuthResult.Reason.MALFORMED);
  }

  static void refusedValue(String json) {
    refused("{\"v\":" + json + "}");
  }

  /** {@code {"v":"<bytes>"}}: raw bytes inside a string. */
  static byte[] inString(int... bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("{\"v\":\"".getBytes(StandardCharsets.US_ASCII));
    for (int b : bytes) {
      out.write(b);
    }
    out.writeBytes("\"}".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  @Test
  void readsEveryKindOfValueIntoTheTypesNimbusGives() throws Refusal {
    Map<String, Object> m =
        parse(
            "{\"s\":\"text\",\"i\":42,\"d\":1.5,\"t\":true,\"f\":false,\"n\":null,"
                + "\"a\":[1,\"x\",[],{}],\"o\":{\"k\":[null]}}");

    Map<String, Object> inner = new HashMap<>();
    inner.put("k", java.util.Collections.singletonList(null));
    assertThat(m)
        .hasSize(8)
        .containsEntry("s", "text")
        .containsEntry("i", 42L)
        .containsEntry("d", 1.5)
        .containsEntry("t", true)
        .containsEntry("f", false)
        .containsEntry("n", null)
        .containsEntry("a", List.of(1L, "x", List.of(), Map.of()))
        .containsEntry("o", inner);
    assertThat(m.get("a")).isInstanceOf(ArrayList.class);
  }

  @Test
  void emptyObjectsAndArraysWithOrWithoutWhitespace() throws Refusal {
    assertThat(parse("{}")).isEmpty();
    assertThat(parse(" \t\r\n{ \t\r\n} \t\r\n")).isEmpty();
    assertThat(value("[ ]")).isEqualTo(List.of());
    assertThat(value("{ }")).isEqualTo(Map.of());
    assertThat(parse("{ \"a\" : [ 1 , 2 ] , \"b\" : { \"c\" : 3 } }"))
        .containsEntry("a", List.of(1L, 2L))
        .containsEntry("b", Map.of("c", 3L));
  }

  @Test
  void emptyContainersAreTheSameMutableTypesAsFullOnes() throws Refusal {
    Map<String, Object> m = parse("{\"a\":[],\"o\":{}}");

    assertThat(m).isInstanceOf(HashMap.class);
    assertThat(m.get("a")).isInstanceOf(ArrayList.class);
    assertThat(m.get("o")).isInstanceOf(HashMap.class);
    assertThat(parse("{}")).isInstanceOf(HashMap.class);
  }

  @Test
  void manyEmptySiblingsDoNotAddUpToDepth() throws Refusal {
    int many = 3 * StrictJson.MAX_DEPTH;
    String arrays = String.join(",", java.util.Collections.nCopies(many, "[]"));
    String objects = String.join(",", java.util.Collections.nCopies(many, "{}"));
    String full = String.join(",", java.util.Collections.nCopies(many, "{\"b\":[1]}"));

    assertThat(parse("{\"a\":[" + arrays + "],\"o\":[" + objects + "],\"f\":[" + full + "]}"))
        .hasSize(3);
  }

  @Test
  void integersThatFitAreLongs() throws Refusal {
    assertThat(value("0")).isEqualTo(0L);
    assertThat(value("-0")).isEqualTo(0L);
    assertThat(value("7")).isEqualTo(7L);
    assertThat(value("-7")).isEqualTo(-7L);
    assertThat(value("1764064800")).isEqualTo(1764064800L);
    assertThat(value("999999999999999999")).isEqualTo(999_999_999_999_999_999L); // 18 digits
    assertThat(value("-999999999999999999")).isEqualTo(-999_999_999_999_999_999L);
    assertThat(value("1000000000000000000")).isEqualTo(1_000_000_000_000_000_000L); // 19
    assertThat(value("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(value("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void integersBeyondLongAreDoubles() throws Refusal {
    assertThat(value("9223372036854775808")).isEqualTo(0x1p63);
    assertThat(value("-9223372036854775809")).isEqualTo(-0x1p63);
    assertThat(value("9999999999999999999")).isEqualTo(1.0E19);
    assertThat(value("99999999999999999999")).isEqualTo(1.0E20);
  }

  @Test
  void fractionsAndExponentsAreDoubles() throws Refusal {
    assertThat(value("1.0")).isEqualTo(1.0);
    assertThat(value("-0.0")).isEqualTo(-0.0);
    assertThat(value("1e3")).isEqualTo(1000.0);
    assertThat(value("1E3")).isEqualTo(1000.0);
    assertThat(value("1E+2")).isEqualTo(100.0);
    assertThat(value("25e-1")).isEqualTo(2.5);
    assertThat(value("-1.5e-3")).isEqualTo(-0.0015);
    assertThat(value("0e0")).isEqualTo(0.0);
    assertThat(value("1764064800.123")).isEqualTo(1764064800.123);
    assertThat(value("1e-400")).isEqualTo(0.0);
    assertThat(value("-1e-400")).isEqualTo(-0.0);
    assertThat(value("1.7976931348623157e308")).isEqualTo(Double.MAX_VALUE);
  }

  @Test
  void numbersThatOverflowToInfinityAreRefused() {
    refusedValue("1e309");
    refusedValue("-1e309");
    refusedValue("1e400");
    refusedValue("1e99999999999999999999");
    refusedValue("1" + "0".repeat(309));
  }

  @Test
  void numbersOutsideTheGrammarAreRefused() {
    for (String bad :
        List.of(
            "01",
            "-01",
            "00",
            "1.",
            ".5",
            "+1",
            "1e",
            "1e+",
            "1E-",
            "-",
            "--1",
            "- 1",
            "0x10",
            "1.e3",
            "1.5.2",
            "1e3e3",
            "NaN",
            "Infinity",
            "-Infinity",
            "1_000",
            "١")) {
      refusedValue(bad);
    }
  }

  @Test
  void numbersUpToTheLengthLimitAreRead() throws Refusal {
    String longest = "0." + "1".repeat(StrictJson.MAX_NUMBER_LENGTH - 2);
    assertThat(value(longest)).isEqualTo(Double.parseDouble(longest));
    String integer = "1".repeat(StrictJson.MAX_NUMBER_LENGTH);
    assertThat(value(integer)).isEqualTo(Double.parseDouble(integer));
    assertThat(value("-" + "1".repeat(StrictJson.MAX_NUMBER_LENGTH - 1)))
        .isEqualTo(-Double.parseDouble("1".repeat(StrictJson.MAX_NUMBER_LENGTH - 1)));
  }

  @Test
  void numbersLongerThanTheLimitAreRefused() {
    refusedValue("0." + "1".repeat(StrictJson.MAX_NUMBER_LENGTH - 1));
    refusedValue("-" + "1".repeat(StrictJson.MAX_NUMBER_LENGTH));
    refusedValue("1" + "0".repeat(StrictJson.MAX_NUMBER_LENGTH - 4) + "e-99");
  }

  @Test
  void literalsMustBeWholeAndLowerCase() throws Refusal {
    assertThat(value("true")).isEqualTo(true);
    assertThat(value("false")).isEqualTo(false);
    assertThat(value("null")).isNull();
    for (String bad :
        List.of(
            "tru",
            "fals",
            "nul",
            "True",
            "FALSE",
            "Null",
            "truex",
            "nulll",
            "trUe",
            "fAlse",
            "nuLl",
            "t",
            "f",
            "n",
            "undefined",
            "none")) {
      refusedValue(bad);
    }
    refused("{\"v\":tr");
    refused("{\"v\":fals");
    refused("{\"v\":nul");
  }

  @Test
  void theTopLevelMustBeOneObject() {
    for (String bad :
        List.of(
            "",
            " ",
            "null",
            "[]",
            "[[\"sub\",\"x\"]]",
            "\"x\"",
            "1",
            "true",
            "{}{}",
            "{} {}",
            "{}x",
            "{},",
            "{}}",
            "{",
            "}",
            "{\"a\":1}]")) {
      refused(bad);
    }
  }

  @Test
  void aByteOrderMarkIsRefused() {
    refused("\ufeff{}");
    refused("{}\ufeff");
  }

  @Test
  void onlyTheFourJsonWhitespaceCharactersAreWhitespace() throws Refusal {
    assertThat(parse(" \t\n\r{ \t\n\r\"a\" \t\n\r: \t\n\r[ \t\n\r1 \t\n\r, 2 \t\n\r] \t\n\r}"))
        .containsEntry("a", List.of(1L, 2L));
    for (String ws : List.of("\f", "\u000b", "\u00a0", "\u2028", "\u0000", "\u0085")) {
      refused(ws + "{}");
      refused("{}" + ws);
      refused("{\"a\":" + ws + "1}");
    }
  }

  @Test
  void trailingCommasAreRefused() {
    refused("{\"a\":1,}");
    refused("{,}");
    refused("{,\"a\":1}");
    refusedValue("[1,]");
    refusedValue("[,]");
    refusedValue("[,1]");
    refused("{\"a\":1,,\"b\":2}");
  }

  @Test
  void commentsQuotesAndOtherLeniencesAreRefused() {
    for (String bad :
        List.of(
            "{\"a\":1 /* c */}",
            "{\"a\":1 // c\n}",
            "{\"a\":1 # c\n}",
            "{'a':1}",
            "{\"a\":'x'}",
            "{a:1}",
            "{\"a\"=1}",
            "{\"a\"=>1}",
            "{\"a\":1;\"b\":2}",
            "{\"a\" 1}",
            "{\"a\":1 \"b\":2}",
            "{1:1}",
            "{null:1}",
            "{\"a\"}",
            "{\"a\":}",
            "{:1}",
            "{\"a\":[1 2]}",
            "{\"a\":[1:2]}",
            "{\"a\":{\"b\"}}",
            "{\"a\":[}",
            "{\"a\":{]}",
            "{\"a\":1]",
            ")]}'\n{}",
            "{\"a\":\"x\"\"}")) {
      refused(bad);
    }
  }

  @Test
  void everyEscapeIsDecoded() throws Refusal {
    assertThat(value("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"")).isEqualTo("\"\\/\b\f\n\r\t");
    assertThat(value("\"\\u0041\\u00e9\\u00E9\\u20ac\\u0000\\uffff\""))
        .isEqualTo("A\u00e9\u00e9\u20ac\u0000\uffff");
    assertThat(value("\"plain then \\n escaped\"")).isEqualTo("plain then \n escaped");
  }

  @Test
  void unknownAndCutEscapesAreRefused() {
    for (String bad :
        List.of(
            "\\x",
            "\\'",
            "\\a",
            "\\U0041",
            "\\u",
            "\\u1",
            "\\u12",
            "\\u123",
            "\\u12G4",
            "\\uG234",
            "\\u-123",
            "\\u 123",
            "\\0",
            "\\",
            "\\\u00e9")) {
      refusedValue("\"" + bad + "\"");
    }
    refused("{\"v\":\"\\");
    refused("{\"v\":\"\\u12");
  }

  @Test
  void escapedSurrogatePairsAreOneCodePoint() throws Refusal {
    assertThat(value("\"\\ud83d\\ude00\"")).isEqualTo("\ud83d\ude00");
    assertThat(value("\"\\uD800\\uDC00\"")).isEqualTo(new String(Character.toChars(0x10000)));
    assertThat(value("\"\\uDBFF\\uDFFF\"")).isEqualTo(new String(Character.toChars(0x10FFFF)));
    assertThat(value("\"\\ud7ff\\ue000\"")).isEqualTo("\ud7ff\ue000"); // neighbours, not surrogates
  }

  @Test
  void unpairedSurrogateEscapesAreRefused() {
    for (String bad :
        List.of(
            "\\ud800",
            "\\udbff",
            "\\udc00",
            "\\udfff",
            "\\ud800x",
            "\\ud800\\n",
            "\\ud800\\u0041",
            "\\ud800\\ud800",
            "\\ude00\\ud83d",
            "x\\udc00",
            "\\ud800\\",
            "\\ud800\\u",
            "\\ud800\\ude0",
            "\\ud800u\\dc00")) {
      refusedValue("\"" + bad + "\"");
    }
    refused("{\"v\":\"\\ud800");
    refused("{\"v\":\"\\ud800\\");
  }

  @Test
  void everyControlCharacterMustBeEscaped() throws Refusal {
    for (int c = 0; c < 0x20; c++) {
      refused(inString('a', c, 'b'));
      refused(inString(c));
      assertThat(value("\"\\u" + String.format("%04x", c) + "\""))
          .isEqualTo(String.valueOf((char) c));
    }
    assertThat(value("\"\u007f\"")).isEqualTo("\u007f");
    assertThat(value("\"\u2028 \"")).isEqualTo("\u2028 ");
    assertThat(value("\" ~\"")).isEqualTo(" ~");
  }

  @Test
  void wellFormedUtf8IsDecodedAtEveryBoundaryOfTable37() throws Refusal {
    int[][] valid = {
      {0xc2, 0x80}, {0xdf, 0xbf}, // U+0080, U+07FF
      {0xe0, 0xa0, 0x80}, {0xe0, 0xbf, 0xbf}, // U+0800, U+0FFF
      {0xe1, 0x80, 0x80}, {0xec, 0xbf, 0xbf}, // U+1000, U+CFFF
      {0xed, 0x80, 0x80}, {0xed, 0x9f, 0xbf}, // U+D000, U+D7FF
      {0xee, 0x80, 0x80}, {0xef, 0xbf, 0xbf}, // U+E000, U+FFFF
      {0xf0, 0x90, 0x80, 0x80}, {0xf0, 0xbf, 0xbf, 0xbf}, // U+10000, U+3FFFF
      {0xf1, 0x80, 0x80, 0x80}, {0xf3, 0xbf, 0xbf, 0xbf}, // U+40000, U+FFFFF
      {0xf4, 0x80, 0x80, 0x80}, {0xf4, 0x8f, 0xbf, 0xbf}, // U+100000, U+10FFFF
    };
    for (int[] seq : valid) {
      byte[] bytes = new byte[seq.length];
      for (int i = 0; i < seq.length; i++) {
        bytes[i] = (byte) seq[i];
      }
      String expected = new String(bytes, StandardCharsets.UTF_8);
      assertThat(StrictJson.parseObject(inString(seq)).get("v")).isEqualTo(expected);
      // After plain text and before an escape: the sequence is read off the plain fast path.
      int[] around = new int[seq.length + 3];
      around[0] = 'a';
      System.arraycopy(seq, 0, around, 1, seq.length);
      around[seq.length + 1] = '\\';
      around[seq.length + 2] = 'n';
      assertThat(StrictJson.parseObject(inString(around)).get("v"))
          .isEqualTo("a" + expected + "\n");
    }
    assertThat(value("\"Zo\u00eb \u20ac \ud83d\ude00 \u65e5\u672c\""))
        .isEqualTo("Zo\u00eb \u20ac \ud83d\ude00 \u65e5\u672c");
  }

  @Test
  void malformedUtf8IsRefused() {
    int[][] invalid = {
      {0x80},
      {0xbf}, // a continuation byte alone
      {0xc0, 0x80},
      {0xc0, 0xaf},
      {0xc1, 0xbf}, // overlong two-byte forms
      {0xe0, 0x80, 0x80},
      {0xe0, 0x9f, 0xbf}, // overlong three-byte forms
      {0xf0, 0x80, 0x80, 0x80},
      {0xf0, 0x8f, 0xbf, 0xbf}, // overlong four-byte forms
      {0xed, 0xa0, 0x80},
      {0xed, 0xbf, 0xbf}, // UTF-16 surrogates, encoded
      {0xf4, 0x90, 0x80, 0x80},
      {0xf4, 0xbf, 0xbf, 0xbf}, // above U+10FFFF
      {0xf5, 0x80, 0x80, 0x80},
      {0xf7, 0xbf, 0xbf, 0xbf},
      {0xf8, 0x88, 0x80, 0x80, 0x80},
      {0xfc, 0x84, 0x80, 0x80, 0x80, 0x80},
      {0xfe},
      {0xff},
      {0xc2},
      {0xc2, 'a'},
      {0xc2, 0xc0},
      {0xc2, 0x7f}, // cut or bad continuation
      {0xe1, 0x80},
      {0xe1, 0x80, 'a'},
      {0xe1, 'a', 0x80},
      {0xe1, 0xc0, 0x80},
      {0xe1, 0x80, 0xc0},
      {0xf1, 0x80, 0x80},
      {0xf1, 0x80, 0x80, 'a'},
      {0xf1, 0x80, 'a', 0x80},
      {0xf1, 0x80, 0x80, 0xc0},
      {0xf1, 0xc0, 0x80, 0x80},
      {0xe0, 0xc0, 0x80},
      {0xed, 0x7f, 0x80},
      {0xf0, 0xc0, 0x80, 0x80},
      {0xf4, 0x7f, 0x80, 0x80},
    };
    for (int[] seq : invalid) {
      refused(inString(seq));
    }
    // Cut by the end of the input itself.
    refused(new byte[] {'{', '"', 'v', '"', ':', '"', (byte) 0xe2, (byte) 0x82});
    refused(new byte[] {'{', '"', 'v', '"', ':', '"', (byte) 0xc3});
    // Outside strings, any byte above ASCII.
    refused(new byte[] {'{', (byte) 0xc3, (byte) 0xa9, '}'});
  }

  @Test
  void aNameTwiceInAnyObjectIsRefused() {
    refused("{\"a\":1,\"a\":1}");
    refused("{\"a\":1,\"b\":2,\"a\":3}");
    refused("{\"a\":null,\"a\":2}");
    refused("{\"a\":1,\"a\":null}");
    refused("{\"sub\":\"alice\",\"sub\":\"admin\"}");
    refused("{\"o\":{\"a\":1,\"a\":2}}");
    refused("{\"o\":[{\"a\":1,\"a\":2}]}");
    // The same name spelled two ways is one name.
    refused("{\"a\":1,\"\\u0061\":2}");
    refused("{\"\u00e9\":1,\"\\u00e9\":2}");
  }

  @Test
  void theSameNameInDifferentObjectsIsFine() throws Refusal {
    assertThat(parse("{\"a\":{\"a\":{\"a\":1}},\"b\":[{\"a\":1},{\"a\":2}]}"))
        .containsEntry("a", Map.of("a", Map.of("a", 1L)))
        .containsEntry("b", List.of(Map.of("a", 1L), Map.of("a", 2L)));
  }

  @Test
  void nestingUpToTheLimitIsRead() throws Refusal {
    int inner = StrictJson.MAX_DEPTH - 1; // the top-level object is one level
    assertThat(parse("{\"a\":" + "[".repeat(inner) + "]".repeat(inner) + "}")).containsKey("a");
    assertThat(
            parse("{\"a\":".repeat(StrictJson.MAX_DEPTH) + "1" + "}".repeat(StrictJson.MAX_DEPTH)))
        .containsKey("a");
    String mixed = "[{\"a\":".repeat(inner / 2) + "1" + "}]".repeat(inner / 2);
    assertThat(parse("{\"m\":" + mixed + "}")).containsKey("m");
  }

  @Test
  void nestingBeyondTheLimitIsRefused() {
    int inner = StrictJson.MAX_DEPTH;
    refused("{\"a\":" + "[".repeat(inner) + "]".repeat(inner) + "}");
    refused(
        "{\"a\":".repeat(StrictJson.MAX_DEPTH + 1) + "1" + "}".repeat(StrictJson.MAX_DEPTH + 1));
    refused("{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}");
    refused("{\"a\":" + "[".repeat(100_000));
  }

  @Test
  void depthIsCountedPerPathNotPerDocument() throws Refusal {
    // Many siblings, each shallow: closing a level gives it back.
    String sibling = "[".repeat(StrictJson.MAX_DEPTH - 1) + "]".repeat(StrictJson.MAX_DEPTH - 1);
    StringBuilder json = new StringBuilder("{\"a\":[");
    for (int i = 0; i < 3; i++) {
      json.append(i == 0 ? "" : ",").append("{\"b\":").append("1}");
    }
    json.append("],\"c\":").append(sibling).append(",\"d\":").append(sibling).append('}');
    assertThat(parse(json.toString())).containsKeys("a", "c", "d");
  }

  @Test
  void knownClaimNamesAreTheSharedInstances() throws Refusal {
    Map<String, Object> m =
        parse(
            "{\"iss\":1,\"sub\":1,\"aud\":1,\"exp\":1,\"nbf\":1,\"iat\":1,\"jti\":1,\"roles\":1,"
                + "\"attrs\":1}");
    for (String name : List.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "roles", "attrs")) {
      assertThat(m.keySet().stream().filter(k -> k.equals(name)).findFirst().orElseThrow())
          .isSameAs(name);
    }
  }

  @Test
  void namesNearAKnownNameAreReadAsWritten() throws Refusal {
    Map<String, Object> m =
        parse(
            "{\"isx\":1,\"xss\":2,\"is\":3,\"issu\":4,\"rolez\":5,\"Iss\":6,\"\\u0069ss\":7,"
                + "\"su\u00e9\":8,\"\":9}");
    assertThat(m)
        .containsEntry("isx", 1L)
        .containsEntry("xss", 2L)
        .containsEntry("is", 3L)
        .containsEntry("issu", 4L)
        .containsEntry("rolez", 5L)
        .containsEntry("Iss", 6L)
        .containsEntry("iss", 7L)
        .containsEntry("su\u00e9", 8L)
        .containsEntry("", 9L)
        .hasSize(9);
  }

  @Test
  void everyCutOfAValidDocumentIsRefused() throws Refusal {
    String json =
        "{\"iss\":\"https://a\",\"sub\":\"Zo\u00eb\\n\\ud83d\\ude00\",\"n\":[-1.5e+3,0,true,false,"
            + "null,{\"x\":{}}],\"iat\":1764064800.123}";
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    assertThat(StrictJson.parseObject(bytes)).hasSize(4);
    for (int cut = 0; cut < bytes.length; cut++) {
      refused(Arrays.copyOf(bytes, cut));
    }
  }

  @Test
  void stringsAreCutByTheEndOfTheInput() {
    refused("{\"v\":\"abc");
    refused("{\"v\":\"ab\\n");
    refused("{\"v\":\"\u00e9");
    refused("{\"abc");
    refused("{\"a\\n");
  }
}

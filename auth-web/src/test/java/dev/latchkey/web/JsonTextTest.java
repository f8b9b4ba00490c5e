package dev.latchkey.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Gen;
import dev.latchkey.core.Properties;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonTextTest {
  private static Optional<Map<String, String>> read(String json) {
    return JsonText.readObject(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsTheStringMembersOfOneObjectAndSkipsOtherValues() {
    Optional<Map<String, String>> m =
        read(
            " {\"a\":\"x\\u00e9\\n\",\"n\":-1.5e3,\"t\":true,\"z\":null,\"o\":{\"a\":\"inner\"},"
                + "\"l\":[1,\"s\",[]]} ");

    assertThat(m).contains(Map.of("a", "x\u00e9\n"));
  }

  @Test
  void refusesEverythingThatIsNotExactlyOneStrictObject() {
    for (String bad :
        new String[] {
          "",
          "[]",
          "\"s\"",
          "{} {}",
          "{\"a\":1,}",
          "{'a':\"b\"}",
          "{a:\"b\"}",
          "{\"a\":01}",
          "{\"a\":NaN}",
          "{\"a\":\"\\x\"}",
          "{\"a\":\"line\nbreak\"}",
          "{\"a\":1 // c\n}",
          "{\"a\":\"b\",\"a\":\"c\"}",
          "{\"o\":{\"k\":1,\"k\":2}}",
          "{\"a\":tru}",
          "{\"a\"}",
          "{\"a\":\"b\"",
          "{\"a\":-}",
          "{\"a\":1.}",
          "{\"a\":\"\\u12\"}"
        }) {
      assertThat(read(bad)).as(bad).isEmpty();
    }
  }

  @Test
  void nestingIsBounded() {
    String deep = "{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}";
    String fine = "{\"a\":" + "[".repeat(10) + "]".repeat(10) + "}";

    assertThat(read(deep)).isEmpty();
    assertThat(read(fine)).isPresent();
  }

  @Test
  void anyBytesGiveAnObjectOrNothingNeverAnException() {
    Gen<byte[]> bytes =
        random -> {
          byte[] b = new byte[random.nextInt(64)];
          String alphabet = "{}[]\":,\\ab01-.eE tfnul\u00e9";
          for (int i = 0; i < b.length; i++) {
            b[i] =
                random.nextInt(8) == 0
                    ? (byte) random.nextInt(256)
                    : (byte) alphabet.charAt(random.nextInt(alphabet.length()));
          }
          return b;
        };
    Properties.forAll(5_000, bytes, b -> assertThat(JsonText.readObject(b)).isNotNull());
  }

  @Test
  void writtenStringsReadBackUnchanged() {
    Gen<String> strings = Gen.strings(Gen.anyChar(), 0, 40);
    Properties.forAll(
        2_000,
        strings,
        s -> {
          if (s.chars().anyMatch(c -> Character.isSurrogate((char) c))) {
            return; // a lone surrogate has no UTF-8 form to travel in
          }
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("k", s);
          assertThat(read(JsonText.write(m))).contains(Map.of("k", s));
        });
  }

  @Test
  void writesNumbersBooleansNullListsAndEscapesHtmlSensitiveCharacters() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n", 3);
    m.put("b", true);
    m.put("z", null);
    List<String> roles = new ArrayList<>(List.of("a", "</script>"));
    m.put("roles", roles);

    assertThat(JsonText.write(m))
        .isEqualTo("{\"n\":3,\"b\":true,\"z\":null,\"roles\":[\"a\",\"\\u003c/script\\u003e\"]}");
  }
}

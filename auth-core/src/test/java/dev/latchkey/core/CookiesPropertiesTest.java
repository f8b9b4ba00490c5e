package dev.latchkey.core;

import static dev.latchkey.core.HostileInput.bounded;
import static dev.latchkey.core.Properties.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link Cookies#read} and {@link Cookies#readAll} against attacker {@code Cookie} headers: never
 * an exception, within a bound, and every value handed back is a clean {@code cookie-octet} string
 * that was in the header, so a cookie value read here cannot smuggle a separator, a header break or
 * non-ASCII into the application.
 */
class CookiesPropertiesTest {
  /** RFC 6265 cookie-octet, written out independently of the parser's own check. */
  private static final java.util.regex.Pattern COOKIE_VALUE =
      java.util.regex.Pattern.compile("[\\x21\\x23-\\x2B\\x2D-\\x3A\\x3C-\\x5B\\x5D-\\x7E]*");

  @Test
  void anyHeaderYieldsOnlyCleanValuesThatWereInIt() {
    record Case(String header, String name) {}
    forAll(
        1000,
        random -> new Case(headers().next(random), names().next(random)),
        c -> {
          String header = c.header();
          String name = c.name();
          List<String> all = bounded(() -> Cookies.readAll(header, name));
          Optional<String> first = bounded(() -> Cookies.read(header, name));

          assertThat(first).isEqualTo(all.stream().findFirst());
          for (String value : all) {
            assertThat(COOKIE_VALUE.matcher(value).matches())
                .as(HostileInput.escape(value))
                .isTrue();
            assertThat(value).doesNotContain(";", "\r", "\n", " ", "\"", ",", "\\");
            assertThat(header).contains(name).contains(value);
          }
          if (header == null || header.length() > Cookies.MAX_HEADER_LENGTH) {
            assertThat(all).isEmpty();
          }
        });
  }

  @Test
  void readsWhatSplittingEveryPairAndTrimmingItWouldRead() {
    record Case(String header, String name) {}
    Gen<String> names = Gen.of("sid", "a", "b", "s d", "");
    Gen<String> headers = Gen.strings(Gen.charsOf("sidab =;\t\"x,"), 0, 40);
    forAll(
        3000,
        random -> new Case(headers.next(random), names.next(random)),
        c ->
            assertThat(Cookies.readAll(c.header(), c.name()))
                .as(HostileInput.escape(c.header()))
                .isEqualTo(splitAndTrim(c.header(), c.name())));
  }

  /** The model: split on {@code ;}, trim, split on the first {@code =}, trim, unquote, check. */
  private static List<String> splitAndTrim(String header, String name) {
    List<String> values = new ArrayList<>();
    for (String part : header.split(";", -1)) {
      String pair = part.strip();
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String pairName = pair.substring(0, eq).strip();
      String value = pair.substring(eq + 1).strip();
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1);
      }
      if (pairName.equals(name)
          && pairName.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")
          && COOKIE_VALUE.matcher(value).matches()) {
        values.add(value);
      }
    }
    return values;
  }

  @Test
  void wellFormedPairsAreReadBackInOrder() {
    record Case(List<String[]> pairs, String name) {}
    forAll(
        1000,
        random -> new Case(pairLists().next(random), names().next(random)),
        c -> {
          List<String[]> pairs = c.pairs();
          String name = c.name();
          StringBuilder header = new StringBuilder();
          List<String> expected = new ArrayList<>();
          for (String[] pair : pairs) {
            if (header.length() > 0) {
              header.append("; ");
            }
            header.append(pair[0]).append('=').append(pair[1]);
            if (pair[0].equals(name)) {
              expected.add(pair[1]);
            }
          }

          assertThat(bounded(() -> Cookies.readAll(header.toString(), name))).isEqualTo(expected);
        });
  }

  @Test
  void mutatedHeaderNeverYieldsAnUncleanValue() {
    forAll(
        1000,
        mutatedHeaders(),
        header -> {
          List<String> all = bounded(() -> Cookies.readAll(header.mutated(), "__Host-sid"));

          for (String value : all) {
            assertThat(COOKIE_VALUE.matcher(value).matches())
                .as(HostileInput.escape(value))
                .isTrue();
          }
          if (!header.changed()) {
            assertThat(all).hasSize(1);
          }
        });
  }

  @Test
  void headerIsReadUpToTheLimitAndIgnoredBeyondIt() {
    forAll(
        30,
        headerLengths(),
        length -> {
          String header = "sid=" + "a".repeat(length - 4);

          List<String> values = bounded(() -> Cookies.readAll(header, "sid"));

          if (length <= Cookies.MAX_HEADER_LENGTH) {
            assertThat(values).containsExactly("a".repeat(length - 4));
          } else {
            assertThat(values).isEmpty();
          }
        });
  }

  @Test
  void megabyteHeadersAreIgnoredInBoundedTime() {
    forAll(
        5,
        hugeHeaders(),
        header -> {
          assertThat(bounded(() -> Cookies.readAll(header, "sid"))).isEmpty();
        });
  }

  Gen<Integer> headerLengths() {
    int max = Cookies.MAX_HEADER_LENGTH;
    return Gen.oneOf(Gen.of(4, max - 1, max, max + 1), Gen.ints(4, 4 * max));
  }

  Gen<String> names() {
    return Gen.of("sid", "__Host-sid", "a", "SID", "csrf");
  }

  Gen<String> headers() {
    Gen<String> pair =
        random ->
            Gen.oneOf(names(), HostileInput.hostileStrings(6)).next(random)
                + Gen.of("=", " = ", "==", "", "=\"").next(random)
                + HostileInput.hostileStrings(20).next(random);
    return Gen.oneOf(
        HostileInput.hostileStrings(100),
        pair.list(0, 6).map(list -> String.join(";", list)),
        pair.list(0, 6).map(list -> String.join("; ", list)),
        Gen.just((String) null));
  }

  Gen<List<String[]>> pairLists() {
    Gen<String> value =
        Gen.strings(
            Gen.charsOf(
                "!#$%&'()*+-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~"),
            0,
            30);
    Gen<String[]> pair = random -> new String[] {names().next(random), value.next(random)};
    return pair.list(0, 8);
  }

  Gen<HostileInput.Mutated> mutatedHeaders() {
    Gen<String> valid =
        Gen.strings(Gen.charsOf(HostileInput.BASE64URL), 1, 60)
            .map(v -> "theme=dark; __Host-sid=" + v + "; lang=en");
    return HostileInput.mutationsOf(valid);
  }

  Gen<String> hugeHeaders() {
    return Gen.of("sid=", "", "sid=abc; ").flatMap(HostileInput::hugeStrings);
  }
}

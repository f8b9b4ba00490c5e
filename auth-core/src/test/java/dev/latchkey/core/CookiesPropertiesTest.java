package dev.latchkey.core;

import static dev.latchkey.core.HostileInput.bounded;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link Cookies#read} and {@link Cookies#readAll} against attacker {@code Cookie} headers: never an
 * exception, within a bound, and every value handed back is a clean {@code cookie-octet} string
 * that was in the header, so a cookie value read here cannot smuggle a separator, a header break
 * or non-ASCII into the application.
 */
class CookiesPropertiesTest {
  /** RFC 6265 cookie-octet, written out independently of the parser's own check. */
  private static final java.util.regex.Pattern COOKIE_VALUE =
      java.util.regex.Pattern.compile("[\\x21\\x23-\\x2B\\x2D-\\x3A\\x3C-\\x5B\\x5D-\\x7E]*");

  @Property(tries = 1000)
  void anyHeaderYieldsOnlyCleanValuesThatWereInIt(
      @ForAll("headers") String header, @ForAll("names") String name) {
    List<String> all = bounded(() -> Cookies.readAll(header, name));
    Optional<String> first = bounded(() -> Cookies.read(header, name));

    assertThat(first).isEqualTo(all.stream().findFirst());
    for (String value : all) {
      assertThat(COOKIE_VALUE.matcher(value).matches()).as(HostileInput.escape(value)).isTrue();
      assertThat(value).doesNotContain(";", "\r", "\n", " ", "\"", ",", "\\");
      assertThat(header).contains(name).contains(value);
    }
    if (header == null || header.length() > Cookies.MAX_HEADER_LENGTH) {
      assertThat(all).isEmpty();
    }
  }

  @Property(tries = 1000)
  void wellFormedPairsAreReadBackInOrder(
      @ForAll("pairLists") List<String[]> pairs, @ForAll("names") String name) {
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
  }

  @Property(tries = 1000)
  void mutatedHeaderNeverYieldsAnUncleanValue(@ForAll("mutatedHeaders") HostileInput.Mutated header) {
    List<String> all = bounded(() -> Cookies.readAll(header.mutated(), "__Host-sid"));

    for (String value : all) {
      assertThat(COOKIE_VALUE.matcher(value).matches()).as(HostileInput.escape(value)).isTrue();
    }
    if (!header.changed()) {
      assertThat(all).hasSize(1);
    }
  }

  @Property(tries = 30)
  void headerIsReadUpToTheLimitAndIgnoredBeyondIt(@ForAll("headerLengths") int length) {
    String header = "sid=" + "a".repeat(length - 4);

    List<String> values = bounded(() -> Cookies.readAll(header, "sid"));

    if (length <= Cookies.MAX_HEADER_LENGTH) {
      assertThat(values).containsExactly("a".repeat(length - 4));
    } else {
      assertThat(values).isEmpty();
    }
  }

  @Property(tries = 5)
  void megabyteHeadersAreIgnoredInBoundedTime(@ForAll("hugeHeaders") String header) {
    assertThat(bounded(() -> Cookies.readAll(header, "sid"))).isEmpty();
  }

  @Provide
  Arbitrary<Integer> headerLengths() {
    int max = Cookies.MAX_HEADER_LENGTH;
    return Arbitraries.oneOf(
        Arbitraries.of(4, max - 1, max, max + 1), Arbitraries.integers().between(4, 4 * max));
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.of("sid", "__Host-sid", "a", "SID", "csrf");
  }

  @Provide
  Arbitrary<String> headers() {
    Arbitrary<String> pair =
        Combinators.combine(
                Arbitraries.oneOf(names(), HostileInput.hostileStrings(6)),
                Arbitraries.of("=", " = ", "==", "", "=\""),
                HostileInput.hostileStrings(20))
            .as((n, eq, v) -> n + eq + v);
    return Arbitraries.oneOf(
        HostileInput.hostileStrings(100),
        pair.list().ofMaxSize(6).map(list -> String.join(";", list)),
        pair.list().ofMaxSize(6).map(list -> String.join("; ", list)),
        Arbitraries.just((String) null));
  }

  @Provide
  Arbitrary<List<String[]>> pairLists() {
    Arbitrary<String> value =
        Arbitraries.strings()
            .withChars(
                "!#$%&'()*+-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~")
            .ofMaxLength(30);
    Arbitrary<String[]> pair = Combinators.combine(names(), value).as((n, v) -> new String[] {n, v});
    return pair.list().ofMaxSize(8);
  }

  @Provide
  Arbitrary<HostileInput.Mutated> mutatedHeaders() {
    Arbitrary<String> valid =
        Arbitraries.strings()
            .withChars(HostileInput.BASE64URL.toCharArray())
            .ofMinLength(1)
            .ofMaxLength(60)
            .map(v -> "theme=dark; __Host-sid=" + v + "; lang=en");
    return HostileInput.mutationsOf(valid);
  }

  @Provide
  Arbitrary<String> hugeHeaders() {
    return Arbitraries.of("sid=", "", "sid=abc; ").flatMap(HostileInput::hugeStrings);
  }
}

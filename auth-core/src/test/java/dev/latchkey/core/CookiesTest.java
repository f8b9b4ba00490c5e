package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CookiesTest {

  @Test
  void readsANamedCookie() {
    String header = "theme=dark; sid=abc123; lang=en";

    assertThat(Cookies.read(header, "sid")).contains("abc123");
    assertThat(Cookies.read(header, "theme")).contains("dark");
    assertThat(Cookies.read(header, "lang")).contains("en");
  }

  @Test
  void absentHeaderOrNameIsEmpty() {
    assertThat(Cookies.read(null, "sid")).isEmpty();
    assertThat(Cookies.read("", "sid")).isEmpty();
    assertThat(Cookies.read("theme=dark", "sid")).isEmpty();
  }

  @Test
  void namesCompareExactly() {
    assertThat(Cookies.read("SID=a", "sid")).isEmpty();
    assertThat(Cookies.read("xsid=a; sidx=b", "sid")).isEmpty();
  }

  @Test
  void toleratesOptionalWhitespaceAndEmptyPairs() {
    assertThat(Cookies.read(" ;;  sid = abc ;\t", "sid")).contains("abc");
    assertThat(Cookies.read("sid=", "sid")).contains("");
  }

  @Test
  void stripsDoubleQuotes() {
    assertThat(Cookies.read("sid=\"abc\"", "sid")).contains("abc");
  }

  @Test
  void valueMayHoldAnEqualsSign() {
    assertThat(Cookies.read("t=a=b==", "t")).contains("a=b==");
  }

  @Test
  void firstOfSeveralIsReturnedAndAllCanBeRead() {
    assertThat(Cookies.read("sid=first; sid=second", "sid")).contains("first");
    assertThat(Cookies.readAll("sid=first; sid=second", "sid")).containsExactly("first", "second");
  }

  @Test
  void malformedPairsAreSkipped() {
    assertThat(Cookies.read("sid=a b; sid=good", "sid")).contains("good");
    assertThat(Cookies.read("sid=é", "sid")).isEmpty();
    assertThat(Cookies.read("sid=a\"b", "sid")).isEmpty();
    assertThat(Cookies.read("sid=a\\b", "sid")).isEmpty();
    assertThat(Cookies.read("=abc", "sid")).isEmpty();
    assertThat(Cookies.read("sid", "sid")).isEmpty();
  }

  @Test
  void oversizedHeaderIsIgnored() {
    String header = "sid=abc; pad=" + "x".repeat(Cookies.MAX_HEADER_LENGTH);

    assertThat(Cookies.read(header, "sid")).isEmpty();
  }
}

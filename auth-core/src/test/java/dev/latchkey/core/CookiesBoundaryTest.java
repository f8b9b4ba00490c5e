package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link Cookies} at the edges of its header syntax. */
class CookiesBoundaryTest {

  @Test
  void headerStartingWithASeparatorStillYieldsItsCookies() {
    assertThat(Cookies.read(";sid=abc", "sid")).contains("abc");
    assertThat(Cookies.read(";;sid=abc;", "sid")).contains("abc");
  }

  @Test
  void emptyQuotedValueIsTheEmptyValue() {
    assertThat(Cookies.read("sid=\"\"", "sid")).contains("");
    assertThat(Cookies.read("sid=\"a\"", "sid")).contains("a");
    assertThat(Cookies.read("sid=\"", "sid")).isEmpty();
  }

  @Test
  void headerOfExactlyTheLimitIsReadAndOneMoreCharacterIsNot() {
    String atLimit = "sid=" + "a".repeat(Cookies.MAX_HEADER_LENGTH - 4);

    assertThat(Cookies.read(atLimit, "sid")).contains("a".repeat(Cookies.MAX_HEADER_LENGTH - 4));
    assertThat(Cookies.read(atLimit + "a", "sid")).isEmpty();
  }

  @Test
  void everyCharacterInAValueIsAcceptedExactlyWhenItIsACookieOctet() {
    for (char c : HostileInput.everyInterestingChar()) {
      boolean octet = c > ' ' && c < 0x7f && c != '"' && c != ',' && c != ';' && c != '\\';

      if (octet) {
        assertThat(Cookies.read("sid=a" + c + "b", "sid")).contains("a" + c + "b");
      } else if (c != ';') {
        assertThat(Cookies.read("sid=a" + c + "b", "sid")).as("char %04x", (int) c).isEmpty();
      }
    }
  }
}

package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The exact answers of {@link BearerHeader#parse} at its edges, for every character. */
class BearerHeaderBoundaryTest {
  private static final String B64TOKEN_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/";

  @Test
  void schemeAloneAndSchemeWithOneSpaceAreMalformedWithTheirOwnDetail() {
    assertThat(BearerHeader.parse("Bearer"))
        .isEqualTo(new BearerHeader.Malformed("bearer scheme without a token"));
    assertThat(BearerHeader.parse("Bearer "))
        .isEqualTo(new BearerHeader.Malformed("bearer scheme without a token"));
    assertThat(BearerHeader.parse("Beare")).isInstanceOf(BearerHeader.Missing.class);
    assertThat(BearerHeader.parse("Bearer  a"))
        .isEqualTo(
            new BearerHeader.Malformed("bearer token does not start with a token character"));
    assertThat(BearerHeader.parse("Bearer\ta"))
        .isEqualTo(
            new BearerHeader.Malformed("bearer scheme must be followed by exactly one space"));
  }

  @Test
  void everyCharacterInsideATokenIsAcceptedExactlyWhenItIsB64Token() {
    for (char c : HostileInput.everyInterestingChar()) {
      BearerHeader parsed = BearerHeader.parse("Bearer a" + c + "b");

      if (B64TOKEN_CHARS.indexOf(c) >= 0) {
        assertThat(parsed.token()).map(BearerToken::value).contains("a" + c + "b");
      } else {
        assertThat(parsed).as("char %04x", (int) c).isInstanceOf(BearerHeader.Malformed.class);
      }
    }
  }

  @Test
  void everyCharacterAfterTheSchemeNameDecidesBetweenMissingAndMalformed() {
    for (char c : HostileInput.everyInterestingChar()) {
      BearerHeader parsed = BearerHeader.parse("Bearer" + c + "abc");

      if (c == ' ') {
        assertThat(parsed).isInstanceOf(BearerHeader.Token.class);
      } else if (SetCookie.isTokenChar(c)) {
        assertThat(parsed).as("char %04x", (int) c).isInstanceOf(BearerHeader.Missing.class);
      } else {
        assertThat(parsed).as("char %04x", (int) c).isInstanceOf(BearerHeader.Malformed.class);
      }
    }
  }

  @Test
  void schemeMatchesOnlyAsciiLetters() {
    for (char c : HostileInput.everyInterestingChar()) {
      BearerHeader parsed = BearerHeader.parse("B" + c + "arer abc");

      if (c == 'e' || c == 'E') {
        assertThat(parsed).isInstanceOf(BearerHeader.Token.class);
      } else {
        assertThat(parsed).as("char %04x", (int) c).isInstanceOf(BearerHeader.Missing.class);
      }
    }
  }

  @Test
  void everyAsciiCaseOfTheSchemeIsAccepted() {
    for (int mask = 0; mask < 64; mask++) {
      StringBuilder scheme = new StringBuilder();
      for (int i = 0; i < 6; i++) {
        char c = "bearer".charAt(i);
        scheme.append((mask & (1 << i)) != 0 ? Character.toUpperCase(c) : c);
      }

      assertThat(BearerHeader.parse(scheme + " abc").token())
          .as(scheme.toString())
          .map(BearerToken::value)
          .contains("abc");
    }
  }
}

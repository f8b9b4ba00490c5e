package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Every character against each of {@link SetCookie}'s character classes, and the length limits of a
 * domain: the edges a header-injection bug would hide in.
 */
class SetCookieBoundaryTest {
  private static final String SEPARATORS = "()<>@,;:\\\"/[]?={}";

  @Test
  void nameAcceptsExactlyVisibleAsciiWithoutSeparators() {
    for (char c : HostileInput.everyInterestingChar()) {
      boolean token = c > ' ' && c < 0x7f && SEPARATORS.indexOf(c) < 0;
      String name = "a" + c;

      if (token) {
        assertThat(SetCookie.builder(name, "v").build().name()).isEqualTo(name);
      } else {
        assertThatThrownBy(() -> SetCookie.builder(name, "v"))
            .as("char %04x", (int) c)
            .isInstanceOf(IllegalArgumentException.class);
      }
    }
  }

  @Test
  void valueAcceptsExactlyCookieOctets() {
    for (char c : HostileInput.everyInterestingChar()) {
      boolean octet = c > ' ' && c < 0x7f && c != '"' && c != ',' && c != ';' && c != '\\';
      String value = "a" + c + "b";

      if (octet) {
        assertThat(SetCookie.builder("sid", value).build().toHeaderValue())
            .startsWith("sid=" + value + "; ");
      } else {
        assertThatThrownBy(() -> SetCookie.builder("sid", value))
            .as("char %04x", (int) c)
            .isInstanceOf(IllegalArgumentException.class);
      }
    }
  }

  @Test
  void pathAcceptsExactlyPrintableAsciiWithoutSemicolon() {
    for (char c : HostileInput.everyInterestingChar()) {
      boolean allowed = c >= ' ' && c < 0x7f && c != ';';
      String path = "/a" + c;

      if (allowed) {
        assertThat(SetCookie.builder("sid", "v").path(path).build().path()).contains(path);
      } else {
        assertThatThrownBy(() -> SetCookie.builder("sid", "v").path(path))
            .as("char %04x", (int) c)
            .isInstanceOf(IllegalArgumentException.class);
      }
    }
  }

  @Test
  void domainLabelsAcceptExactlyLettersDigitsAndInnerHyphens() {
    for (char c : HostileInput.everyInterestingChar()) {
      boolean allowed =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      String domain = "a" + c + "b.example";

      if (allowed) {
        assertThat(SetCookie.builder("sid", "v").domain(domain).build().domain()).contains(domain);
      } else if (c != '.') {
        assertThatThrownBy(() -> SetCookie.builder("sid", "v").domain(domain))
            .as("char %04x", (int) c)
            .isInstanceOf(IllegalArgumentException.class);
      }
    }
  }

  @Test
  void domainIsAtMost253CharactersWithLabelsOfAtMost63() {
    String label63 = "a".repeat(63);
    String domain253 = String.join(".", label63, label63, label63, "a".repeat(61));

    assertThat(domain253).hasSize(253);
    assertThatCode(() -> SetCookie.builder("sid", "v").domain(domain253))
        .doesNotThrowAnyException();
    assertThatCode(() -> SetCookie.builder("sid", "v").domain("." + domain253))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> SetCookie.builder("sid", "v").domain(domain253 + "a"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatCode(() -> SetCookie.builder("sid", "v").domain(label63 + ".com"))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> SetCookie.builder("sid", "v").domain(label63 + "a.com"))
        .isInstanceOf(IllegalArgumentException.class);
    for (String bad : new String[] {"", ".", "a..b", "a.", "..a", "-a.com", "a-.com", "a.-b"}) {
      assertThatThrownBy(() -> SetCookie.builder("sid", "v").domain(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void accessorsReportWhatWasBuilt() {
    SetCookie cookie =
        SetCookie.builder("sid", "v")
            .httpOnly(false)
            .secure(true)
            .sameSite(SetCookie.SameSite.STRICT)
            .path("/app")
            .domain("example.com")
            .maxAge(Duration.ofSeconds(90))
            .build();

    assertThat(cookie.name()).isEqualTo("sid");
    assertThat(cookie.httpOnly()).isFalse();
    assertThat(cookie.secure()).isTrue();
    assertThat(cookie.sameSite()).isEqualTo(SetCookie.SameSite.STRICT);
    assertThat(cookie.path()).contains("/app");
    assertThat(cookie.domain()).contains("example.com");
    assertThat(cookie.maxAge()).contains(Duration.ofSeconds(90));
    SetCookie defaults = SetCookie.builder("sid", "v").secure(false).build();
    assertThat(defaults.httpOnly()).isTrue();
    assertThat(defaults.secure()).isFalse();
    assertThat(defaults.sameSite()).isEqualTo(SetCookie.SameSite.LAX);
    assertThat(defaults.path()).contains("/");
    assertThat(defaults.domain()).isEmpty();
    assertThat(defaults.maxAge()).isEmpty();
    assertThat(defaults.toString()).startsWith("SetCookie[name=sid");
  }
}

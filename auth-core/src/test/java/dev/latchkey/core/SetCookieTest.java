package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.internal.OpaqueIds;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SetCookieTest {

  @Test
  void defaultsAreSecureHttpOnlyLaxRootPath() {
    SetCookie cookie = SetCookie.builder("sid", "abc123").build();

    assertThat(cookie.toHeaderValue())
        .isEqualTo("sid=abc123; Path=/; Secure; HttpOnly; SameSite=Lax");
  }

  @Test
  void everyAttributeIsWritten() {
    SetCookie cookie =
        SetCookie.builder("sid", "v")
            .path("/app")
            .domain("example.com")
            .maxAge(Duration.ofMinutes(30))
            .sameSite(SetCookie.SameSite.STRICT)
            .httpOnly(false)
            .build();

    assertThat(cookie.toHeaderValue())
        .isEqualTo("sid=v; Path=/app; Domain=example.com; Max-Age=1800; Secure; SameSite=Strict");
  }

  @Test
  void nullPathLeavesTheAttributeOut() {
    assertThat(SetCookie.builder("a", "b").path(null).build().toHeaderValue())
        .isEqualTo("a=b; Secure; HttpOnly; SameSite=Lax");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a;b",
        "a,b",
        "a b",
        "a\"b",
        "a\\b",
        "a\r\nSet-Cookie: x=y",
        "a\nb",
        "a\rb",
        "a\tb",
        "é",
        "a\u0000b",
        "a\u007fb",
        "\"quoted\""
      })
  void valuesOutsideCookieOctetAreRefused(String value) {
    assertThatThrownBy(() -> SetCookie.builder("sid", value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cookie-octet")
        .hasMessageNotContaining(value);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "a b", "a=b", "a;b", "a,b", "a(b", "a/b", "a\r\nb", "ä", "a\"b", "a{b"})
  void namesThatAreNotTokensAreRefused(String name) {
    assertThatThrownBy(() -> SetCookie.builder(name, "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("token");
  }

  @Test
  void base64urlAndCommonValueCharactersAreAccepted() {
    String id = OpaqueIds.generate();

    assertThat(SetCookie.builder("sid", id).build().toHeaderValue()).startsWith("sid=" + id + ";");
    assertThat(SetCookie.builder("x", "a+b/c=d!#$%&'()*-.:<>?@[]^_`{|}~").build()).isNotNull();
    assertThat(SetCookie.builder("x", "").build().toHeaderValue()).startsWith("x=;");
  }

  @Test
  void sameSiteNoneRequiresSecure() {
    assertThatThrownBy(
            () ->
                SetCookie.builder("sid", "v")
                    .sameSite(SetCookie.SameSite.NONE)
                    .secure(false)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SameSite=None requires Secure");
    assertThat(
            SetCookie.builder("sid", "v").sameSite(SetCookie.SameSite.NONE).build().toHeaderValue())
        .contains("; Secure")
        .endsWith("SameSite=None");
  }

  @Test
  void hostPrefixRequiresSecureRootPathAndNoDomain() {
    assertThat(SetCookie.builder("__Host-sid", "v").build().toHeaderValue())
        .isEqualTo("__Host-sid=v; Path=/; Secure; HttpOnly; SameSite=Lax");
    assertThatThrownBy(() -> SetCookie.builder("__Host-sid", "v").secure(false).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("__Host-");
    assertThatThrownBy(() -> SetCookie.builder("__Host-sid", "v").path("/app").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SetCookie.builder("__Host-sid", "v").path(null).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SetCookie.builder("__Host-sid", "v").domain("example.com").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SetCookie.builder("__host-sid", "v").secure(false).build())
        .as("prefixes match case-insensitively")
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void securePrefixRequiresSecure() {
    assertThatThrownBy(() -> SetCookie.builder("__Secure-sid", "v").secure(false).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("__Secure-");
    assertThat(SetCookie.builder("__Secure-sid", "v").domain("example.com").build()).isNotNull();
  }

  @Test
  void insecureCookieWithoutPrefixIsAllowedExplicitly() {
    assertThat(SetCookie.builder("dev", "v").secure(false).build().toHeaderValue())
        .isEqualTo("dev=v; Path=/; HttpOnly; SameSite=Lax");
  }

  @ParameterizedTest
  @ValueSource(strings = {"app", "/a;b", "/a\r\nb", "/ä", "/a\u0000"})
  void badPathsAreRefused(String path) {
    assertThatThrownBy(() -> SetCookie.builder("sid", "v").path(path))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        ".",
        "exa mple.com",
        "example.com;",
        "ex\r\nample.com",
        "-a.com",
        "a..com",
        "a.com.",
        "exämple.com",
        "a_b.com"
      })
  void badDomainsAreRefused(String domain) {
    assertThatThrownBy(() -> SetCookie.builder("sid", "v").domain(domain))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void leadingDotDomainIsAccepted() {
    assertThat(SetCookie.builder("sid", "v").domain(".example.com").build().toHeaderValue())
        .contains("; Domain=.example.com");
  }

  @Test
  void negativeMaxAgeIsRefused() {
    assertThatThrownBy(() -> SetCookie.builder("sid", "v").maxAge(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void deletionKeepsNamePathDomainAndSetsMaxAgeZero() {
    SetCookie cookie =
        SetCookie.builder("sid", "secret-value")
            .path("/app")
            .domain("example.com")
            .maxAge(Duration.ofHours(1))
            .build();

    SetCookie deletion = cookie.deletion();

    assertThat(deletion.toHeaderValue())
        .isEqualTo(
            "sid=; Path=/app; Domain=example.com; Max-Age=0; Secure; HttpOnly; SameSite=Lax");
    assertThat(SetCookie.builder("__Host-sid", "v").build().deletion().toHeaderValue())
        .isEqualTo("__Host-sid=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax");
  }

  @Test
  void toStringHidesTheValue() {
    SetCookie cookie = SetCookie.builder("sid", "very-secret-session-id").build();

    assertThat(cookie.toString()).contains("sid").doesNotContain("very-secret-session-id");
  }
}

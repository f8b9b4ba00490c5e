package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OriginCheckTest {
  private final OriginCheck check =
      OriginCheck.builder("https://app.example.com", "https://admin.example.com:8443").build();

  @ParameterizedTest
  @ValueSource(strings = {"GET", "HEAD", "OPTIONS", "TRACE"})
  void safeMethodsAreAlwaysAllowed(String method) {
    assertThat(check.allows(method, "cross-site", "https://evil.example")).isTrue();
  }

  @Test
  void sameOriginAndUserInitiatedFetchesAreAllowed() {
    assertThat(check.allows("POST", "same-origin", null)).isTrue();
    assertThat(check.allows("POST", "none", null)).isTrue();
    assertThat(check.allows("DELETE", "Same-Origin", null)).isTrue();
  }

  @Test
  void crossSiteIsRefusedUnlessTheOriginIsAllowed() {
    assertThat(check.allows("POST", "cross-site", "https://evil.example")).isFalse();
    assertThat(check.allows("POST", "cross-site", null)).isFalse();
    assertThat(check.allows("POST", "cross-site", "https://admin.example.com:8443")).isTrue();
    assertThat(check.allows("POST", "same-site", "https://blog.example.com")).isFalse();
    assertThat(check.allows("POST", "same-site", "https://app.example.com")).isTrue();
  }

  @Test
  void unknownSecFetchSiteValueIsRefused() {
    assertThat(check.allows("POST", "same-origin-ish", "https://app.example.com")).isFalse();
  }

  @Test
  void withoutSecFetchSiteTheOriginDecides() {
    assertThat(check.allows("POST", null, "https://app.example.com")).isTrue();
    assertThat(check.allows("POST", null, "HTTPS://APP.EXAMPLE.COM")).isTrue();
    assertThat(check.allows("POST", null, "https://app.example.com:443")).isTrue();
    assertThat(check.allows("POST", null, "http://app.example.com")).isFalse();
    assertThat(check.allows("POST", null, "https://app.example.com.evil.example")).isFalse();
    assertThat(check.allows("POST", null, "https://admin.example.com")).isFalse();
    assertThat(check.allows("POST", null, "null")).isFalse();
    assertThat(check.allows("POST", null, "garbage \r\n")).isFalse();
  }

  @Test
  void neitherHeaderIsRefusedByDefault() {
    assertThat(check.allows("POST", null, null)).isFalse();
  }

  @Test
  void neitherHeaderCanBeAllowedExplicitly() {
    OriginCheck lenient =
        OriginCheck.builder("https://app.example.com").allowMissingHeaders(true).build();

    assertThat(lenient.allows("POST", null, null)).isTrue();
    assertThat(lenient.allows("POST", null, "https://evil.example")).isFalse();
  }

  @Test
  void methodsAreCaseSensitiveSoLowercaseGetIsNotSafe() {
    assertThat(check.allows("get", "cross-site", "https://evil.example")).isFalse();
    assertThat(check.allows(null, "cross-site", "https://evil.example")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "app.example.com",
        "https://app.example.com/",
        "https://app.example.com/path",
        "ftp://app.example.com",
        "https://user@app.example.com",
        "https://app.example.com?q",
        "null",
        ""
      })
  void badConfiguredOriginsAreRefusedAtBuild(String origin) {
    assertThatThrownBy(() -> OriginCheck.builder(origin))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

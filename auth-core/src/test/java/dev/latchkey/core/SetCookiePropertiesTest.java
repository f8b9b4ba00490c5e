package dev.latchkey.core;

import static dev.latchkey.core.HostileInput.bounded;
import static dev.latchkey.core.Properties.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link SetCookie.Builder} with arbitrary names, values, paths and domains. A cookie value may
 * come from application data, so the one thing that must never happen is header injection: whatever
 * is passed, either the builder refuses it with an {@link IllegalArgumentException} (never another
 * exception, never the value in the message), or {@link SetCookie#toHeaderValue()} is visible ASCII
 * holding the value verbatim and exactly the attributes that were set — no CR, LF, control
 * character, or extra {@code ;} anywhere.
 */
class SetCookiePropertiesTest {
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
  private static final Pattern COOKIE_VALUE =
      Pattern.compile("[\\x21\\x23-\\x2B\\x2D-\\x3A\\x3C-\\x5B\\x5D-\\x7E]*");

  @Test
  void builderAcceptsExactlyTokenNamesAndCookieOctetValues() {
    record Case(String name, String value) {}
    forAll(
        2000,
        random -> new Case(names().next(random), values().next(random)),
        c -> {
          String name = c.name();
          String value = c.value();
          boolean valid = TOKEN.matcher(name).matches() && COOKIE_VALUE.matcher(value).matches();

          if (valid) {
            SetCookie cookie = bounded(() -> SetCookie.builder(name, value).build());
            String header = cookie.toHeaderValue();
            assertNoInjection(header);
            assertThat(header).startsWith(name + "=" + value + "; ");
            assertThat(Cookies.read(name + "=" + value, name)).contains(value);
          } else {
            assertThatThrownBy(() -> SetCookie.builder(name, value))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .satisfies(
                    e -> {
                      // The message names the cookie (programmer input) but never echoes the value.
                      if (value.length() >= 8 && !name.contains(value)) {
                        assertThat(e.getMessage()).doesNotContain(value);
                      }
                    });
          }
        });
  }

  @Test
  void attributesNeverInjectAnotherAttributeOrHeader() {
    record Case(
        String value, String path, String domain, boolean secure, SetCookie.SameSite sameSite) {}
    forAll(
        1000,
        random ->
            new Case(
                values().next(random),
                paths().next(random),
                domains().next(random),
                Gen.booleans().next(random),
                sameSites().next(random)),
        c -> {
          String value = c.value();
          String path = c.path();
          String domain = c.domain();
          boolean secure = c.secure();
          SetCookie.SameSite sameSite = c.sameSite();
          SetCookie cookie;
          try {
            cookie =
                SetCookie.builder("sid", value)
                    .path(path)
                    .domain(domain)
                    .secure(secure)
                    .sameSite(sameSite)
                    .maxAge(Duration.ofSeconds(60))
                    .build();
          } catch (IllegalArgumentException refused) {
            return; // a refusal is the typed outcome for programmer input
          }
          String header = cookie.toHeaderValue();

          assertNoInjection(header);
          int attributes = 3 + (path != null ? 1 : 0) + (domain != null ? 1 : 0) + (secure ? 1 : 0);
          // name=value, then "; " before each attribute: Max-Age, HttpOnly, SameSite, and the
          // optional ones.
          assertThat(header.split(";", -1)).hasSize(1 + attributes);
          assertThat(cookie.deletion().toHeaderValue()).startsWith("sid=; ");
          assertNoInjection(cookie.deletion().toHeaderValue());
        });
  }

  @Test
  void megabyteValuesAreCheckedInBoundedTime() {
    forAll(
        3,
        hugeValues(),
        value -> {
          try {
            SetCookie cookie = bounded(() -> SetCookie.builder("sid", value).build());
            assertNoInjection(cookie.toHeaderValue());
          } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).hasSizeLessThan(300);
          }
        });
  }

  private static void assertNoInjection(String header) {
    for (int i = 0; i < header.length(); i++) {
      char c = header.charAt(i);
      assertThat(c >= 0x20 && c < 0x7f).as("char %04x at %d", (int) c, i).isTrue();
    }
    assertThat(header).doesNotContain("\r", "\n", ";;");
  }

  Gen<String> names() {
    return Gen.oneOf(
        Gen.of("sid", "__Host-sid", "__Secure-sid", "a"),
        Gen.strings(Gen.charsOf("!#$%&'*+-.^_`|~abcXYZ019"), 1, 10),
        HostileInput.hostileStrings(12));
  }

  Gen<String> values() {
    Gen<String> mutated =
        HostileInput.mutationsOf(Gen.strings(Gen.charsOf(HostileInput.BASE64URL), 0, 50))
            .map(HostileInput.Mutated::mutated);
    // Mutations weigh most: a valid value with one character off probes every character class.
    return Gen.oneOf(
        Gen.strings(Gen.charsOf(HostileInput.BASE64URL), 0, 50),
        mutated,
        mutated,
        mutated,
        HostileInput.hostileStrings(50),
        Gen.of("a\r\nSet-Cookie: admin=1", "x; Domain=evil.example", "v\u0000", "\u00e9"));
  }

  Gen<String> paths() {
    return Gen.oneOf(
        Gen.of("/", "/app", "/a b", "/x;Secure", "/\r\nX: y", "relative"),
        HostileInput.hostileStrings(20).map(p -> "/" + p),
        HostileInput.hostileStrings(20),
        Gen.just((String) null));
  }

  Gen<String> domains() {
    return Gen.oneOf(
        Gen.of("example.com", ".example.com", "a-b.example", "-a.com", "a..com", "evil.com;"),
        HostileInput.hostileStrings(20),
        Gen.just((String) null));
  }

  Gen<SetCookie.SameSite> sameSites() {
    return Gen.of(SetCookie.SameSite.values());
  }

  Gen<String> hugeValues() {
    return HostileInput.hugeStrings("");
  }
}

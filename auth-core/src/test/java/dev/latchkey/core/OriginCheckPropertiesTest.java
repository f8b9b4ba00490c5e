package dev.latchkey.core;

import static dev.latchkey.core.HostileInput.bounded;
import static dev.latchkey.core.Properties.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link OriginCheck#allows} with attacker-chosen methods, {@code Sec-Fetch-Site} and {@code
 * Origin} headers: a boolean, never an exception, within a bound, and exactly the answer of the
 * rules its class documentation lists — in particular, no changed origin passes as the allowed one.
 */
class OriginCheckPropertiesTest {
  private static final String ALLOWED = "https://app.example";
  private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

  /**
   * The allowed origin as an origin parser must see it, after ASCII lowercasing: the https scheme's
   * default port may be written out (with leading zeros, or empty), nothing else may be.
   */
  private static final Pattern SAME_ORIGIN = Pattern.compile("https://app\\.example(:0*443|:)?");

  private final OriginCheck strict = OriginCheck.builder(ALLOWED).build();
  private final OriginCheck lenient =
      OriginCheck.builder(ALLOWED).allowMissingHeaders(true).build();

  @Test
  void answersExactlyAsTheDocumentedRules() {
    record Case(String method, String fetchSite, String origin, boolean allowMissing) {}
    forAll(
        2000,
        random ->
            new Case(
                methods().next(random),
                fetchSites().next(random),
                origins().next(random),
                Gen.booleans().next(random)),
        c -> {
          String method = c.method();
          String fetchSite = c.fetchSite();
          String origin = c.origin();
          boolean allowMissing = c.allowMissing();
          OriginCheck check = allowMissing ? lenient : strict;

          boolean allowed = bounded(() -> check.allows(method, fetchSite, origin));

          assertThat(allowed).isEqualTo(expected(method, fetchSite, origin, allowMissing));
        });
  }

  @Test
  void megabyteOriginsAreRefusedInBoundedTime() {
    forAll(
        5,
        hugeOrigins(),
        origin -> {
          assertThat(bounded(() -> strict.allows("POST", null, origin))).isFalse();
          assertThat(bounded(() -> strict.allows("POST", "cross-site", origin))).isFalse();
        });
  }

  private static boolean expected(
      String method, String fetchSite, String origin, boolean allowMissing) {
    if (method != null && SAFE.contains(method)) {
      return true;
    }
    if (fetchSite != null) {
      return switch (asciiLower(fetchSite)) {
        case "same-origin", "none" -> true;
        case "same-site", "cross-site" -> matches(origin);
        default -> false;
      };
    }
    if (origin != null) {
      return matches(origin);
    }
    return allowMissing;
  }

  private static boolean matches(String origin) {
    return origin != null
        && origin.length() <= 2048
        && SAME_ORIGIN.matcher(asciiLower(origin)).matches();
  }

  private static String asciiLower(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
    }
    return out.toString();
  }

  Gen<String> methods() {
    return Gen.oneOf(
        Gen.of("POST", "PUT", "DELETE", "PATCH", "GET", "HEAD", "OPTIONS", "TRACE"),
        Gen.of("get", "Get", "GET ", " GET", "GET\r\n", "P0ST"),
        HostileInput.hostileStrings(8),
        Gen.just((String) null));
  }

  Gen<String> fetchSites() {
    Gen<String> keywords = Gen.of("same-origin", "none", "same-site", "cross-site");
    return Gen.oneOf(
        Gen.just((String) null),
        Gen.just((String) null),
        keywords,
        keywords.map(k -> k.toUpperCase(java.util.Locale.ROOT)),
        HostileInput.mutationsOf(keywords).map(HostileInput.Mutated::mutated),
        HostileInput.hostileStrings(12));
  }

  Gen<String> origins() {
    Gen<String> near =
        Gen.of(
            ALLOWED,
            "HTTPS://APP.EXAMPLE",
            ALLOWED + ":443",
            ALLOWED + ":0443",
            ALLOWED + ":",
            ALLOWED + ":80",
            ALLOWED + ":4430",
            ALLOWED + "/",
            ALLOWED + ".",
            ALLOWED + "?",
            ALLOWED + "#",
            "http://app.example",
            "https://user@app.example",
            "https://app.example.evil",
            "https://evil.app.example",
            "https://app.example@evil.example",
            "null");
    return Gen.oneOf(
        Gen.just((String) null),
        near,
        HostileInput.mutationsOf(near).map(HostileInput.Mutated::mutated),
        HostileInput.mutationsOf(near).map(HostileInput.Mutated::mutated),
        HostileInput.hostileStrings(40));
  }

  Gen<String> hugeOrigins() {
    return Gen.of(ALLOWED, "https://").flatMap(HostileInput::hugeStrings);
  }
}

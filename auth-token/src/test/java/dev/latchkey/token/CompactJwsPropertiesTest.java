package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Gen;
import dev.latchkey.core.HostileInput;
import dev.latchkey.core.Properties;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link CompactJws#split}'s answer for any string against the plain reading of its contract: one
 * pass, refusing at the first character outside base64url or the third dot, then the shape.
 */
class CompactJwsPropertiesTest {
  /** What split answers: the refusal's detail, or "ok" and where the dots are. */
  static String split(String token) {
    try {
      CompactJws jws = CompactJws.split(token, 8192);
      return "ok " + jws.firstDot + " " + jws.secondDot;
    } catch (Refusal r) {
      return r.getMessage();
    }
  }

  /** The contract, read one character at a time. */
  static String reference(String token) {
    if (token.isEmpty()) {
      return "empty token";
    }
    int first = -1;
    int second = -1;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c == '.') {
        if (first < 0) {
          first = i;
        } else if (second < 0) {
          second = i;
        } else {
          return "not a compact JWS";
        }
      } else if (HostileInput.BASE64URL.indexOf(c) < 0) {
        return "bad base64url";
      }
    }
    if (second < 0 || first == 0 || second == first + 1) {
      return "not a compact JWS";
    }
    for (String segment :
        List.of(
            token.substring(0, first),
            token.substring(first + 1, second),
            token.substring(second + 1))) {
      if (!canonical(segment)) {
        return "non-canonical base64url";
      }
    }
    return "ok " + first + " " + second;
  }

  /** Whether the JDK's encoder gives back exactly {@code segment} for the bytes it decodes to. */
  private static boolean canonical(String segment) {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(segment);
    } catch (IllegalArgumentException e) {
      return false; // 4n + 1 characters
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(segment);
  }

  @Test
  void splitAnswersAsTheOnePassReadingDoes() {
    Gen<String> near = Gen.strings(Gen.charsOf("Ab0-_..!=\u00e9\u0100"), 0, 12);
    Properties.forAll(5_000, near, t -> assertThat(split(t)).isEqualTo(reference(t)));
    Properties.forAll(
        5_000, HostileInput.hostileStrings(40), t -> assertThat(split(t)).isEqualTo(reference(t)));
    Gen<String> tokens =
        Gen.strings(Gen.charsOf(HostileInput.BASE64URL), 1, 30)
            .list(3, 3)
            .map(parts -> String.join(".", parts));
    Properties.forAll(
        2_000,
        HostileInput.mutationsOf(tokens),
        m -> assertThat(split(m.mutated())).isEqualTo(reference(m.mutated())));
  }
}

package dev.latchkey.core;

import static dev.latchkey.core.HostileInput.bounded;
import static dev.latchkey.core.Properties.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link BearerHeader#parse} against attacker headers: it always answers with a value, within a
 * bound, and accepts exactly what RFC 6750's grammar (as the class documents it) accepts, returning
 * the token byte for byte.
 */
class BearerHeaderPropertiesTest {
  /**
   * The documented grammar as an independent oracle. Without UNICODE_CASE, (?i) folds ASCII only:
   * the Kelvin sign is not a 'k', as in the parser.
   */
  private static final Pattern GRAMMAR =
      Pattern.compile("(?i:bearer) [A-Za-z0-9\\-._~+/]+=*", Pattern.DOTALL);

  private static final String B64TOKEN =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/";

  @Test
  void anyHeaderGetsTheAnswerTheGrammarGives() {
    forAll(
        1000,
        headers(),
        header -> {
          BearerHeader parsed = bounded(() -> BearerHeader.parse(header));

          assertMatchesGrammar(header, parsed);
        });
  }

  @Test
  void mutatedValidHeaderGetsTheAnswerTheGrammarGives() {
    forAll(
        1000,
        mutatedHeaders(),
        header -> {
          BearerHeader parsed = bounded(() -> BearerHeader.parse(header.mutated()));

          assertMatchesGrammar(header.mutated(), parsed);
        });
  }

  @Test
  void tokenIsAcceptedUpToTheLimitAndMalformedBeyondIt() {
    forAll(
        30,
        tokenLengths(),
        length -> {
          String header = "Bearer " + "a".repeat(length);

          BearerHeader parsed = bounded(() -> BearerHeader.parse(header));

          if (length <= BearerHeader.MAX_TOKEN_LENGTH) {
            assertThat(parsed).isInstanceOf(BearerHeader.Token.class);
          } else {
            assertThat(parsed).isEqualTo(new BearerHeader.Malformed("bearer token too long"));
          }
        });
  }

  @Test
  void megabyteHeadersAreRefusedInBoundedTime() {
    forAll(
        5,
        hugeHeaders(),
        header -> {
          BearerHeader parsed = bounded(() -> BearerHeader.parse(header));

          assertThat(parsed).isNotInstanceOf(BearerHeader.Token.class);
        });
  }

  private static void assertMatchesGrammar(String header, BearerHeader parsed) {
    assertThat(parsed).isNotNull();
    boolean grammatical =
        header != null
            && header.length() - 7 <= BearerHeader.MAX_TOKEN_LENGTH
            && GRAMMAR.matcher(header).matches();
    if (grammatical) {
      assertThat(parsed).isInstanceOf(BearerHeader.Token.class);
      // The token is the header's rest, unchanged: no trimming, no decoding, no case folding.
      assertThat(parsed.token().orElseThrow().value()).isEqualTo(header.substring(7));
    } else {
      assertThat(parsed).isNotInstanceOf(BearerHeader.Token.class);
      assertThat(parsed.token()).isEmpty();
    }
    if (parsed instanceof BearerHeader.Malformed malformed) {
      assertThat(malformed.failure().orElseThrow().reason()).isEqualTo(AuthResult.Reason.MALFORMED);
      // The detail is safe to log: it never echoes what came after the scheme.
      String rest = header.substring(Math.min(header.length(), 7));
      if (rest.length() >= 12) {
        assertThat(malformed.detail()).doesNotContain(rest);
      }
    }
  }

  Gen<String> headers() {
    Gen<String> schemes =
        Gen.of("Bearer", "bearer", "BEARER", "bEaReR", "Basic", "Bearer\t", "Bearer ", "");
    // A token of valid characters with one arbitrary character somewhere: probes the alphabet.
    Gen<String> nearTokens =
        random ->
            "Bearer "
                + Gen.strings(Gen.charsOf(B64TOKEN), 0, 20).next(random)
                + Gen.oneOf(Gen.charRange(' ', '~'), HostileInput.hostileChars()).next(random)
                + Gen.strings(Gen.charsOf(B64TOKEN), 0, 20).next(random)
                + Gen.of("", "=", "==").next(random);
    return Gen.oneOf(
        HostileInput.hostileStrings(80),
        nearTokens,
        nearTokens,
        schemes.flatMap(scheme -> HostileInput.hostileStrings(60).map(rest -> scheme + rest)),
        schemes.flatMap(scheme -> HostileInput.hostileStrings(60).map(rest -> scheme + " " + rest)),
        // A valid token behind a wrong separator: exactly one space is the grammar's rule.
        random ->
            Gen.of("Bearer", "bearer").next(random)
                + Gen.of(" ", "  ", "\t", " \t", "\u00a0", "").next(random)
                + Gen.strings(Gen.charsOf(B64TOKEN), 1, 20).next(random),
        Gen.just((String) null));
  }

  Gen<HostileInput.Mutated> mutatedHeaders() {
    Gen<String> valid =
        Gen.strings(Gen.charsOf(B64TOKEN), 1, 120)
            .flatMap(
                token ->
                    Gen.of("", "=", "==")
                        .flatMap(
                            pad ->
                                Gen.of("Bearer ", "bearer ", "BEARER ")
                                    .map(scheme -> scheme + token + pad)));
    return HostileInput.mutationsOf(valid);
  }

  Gen<Integer> tokenLengths() {
    int max = BearerHeader.MAX_TOKEN_LENGTH;
    return Gen.oneOf(Gen.of(1, max - 1, max, max + 1), Gen.ints(1, 4 * max));
  }

  Gen<String> hugeHeaders() {
    return Gen.of("Bearer ", "bearer ", "", "Bearer  ").flatMap(HostileInput::hugeStrings);
  }
}

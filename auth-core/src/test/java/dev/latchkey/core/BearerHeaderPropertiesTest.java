package dev.latchkey.core;

import static dev.latchkey.core.HostileInput.bounded;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

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

  @Property(tries = 1000)
  void anyHeaderGetsTheAnswerTheGrammarGives(@ForAll("headers") String header) {
    BearerHeader parsed = bounded(() -> BearerHeader.parse(header));

    assertMatchesGrammar(header, parsed);
  }

  @Property(tries = 1000)
  void mutatedValidHeaderGetsTheAnswerTheGrammarGives(
      @ForAll("mutatedHeaders") HostileInput.Mutated header) {
    BearerHeader parsed = bounded(() -> BearerHeader.parse(header.mutated()));

    assertMatchesGrammar(header.mutated(), parsed);
  }

  @Property(tries = 30)
  void tokenIsAcceptedUpToTheLimitAndMalformedBeyondIt(@ForAll("tokenLengths") int length) {
    String header = "Bearer " + "a".repeat(length);

    BearerHeader parsed = bounded(() -> BearerHeader.parse(header));

    if (length <= BearerHeader.MAX_TOKEN_LENGTH) {
      assertThat(parsed).isInstanceOf(BearerHeader.Token.class);
    } else {
      assertThat(parsed).isEqualTo(new BearerHeader.Malformed("bearer token too long"));
    }
  }

  @Property(tries = 5)
  void megabyteHeadersAreRefusedInBoundedTime(@ForAll("hugeHeaders") String header) {
    BearerHeader parsed = bounded(() -> BearerHeader.parse(header));

    assertThat(parsed).isNotInstanceOf(BearerHeader.Token.class);
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
      assertThat(malformed.failure().reason()).isEqualTo(AuthResult.Reason.MALFORMED);
      // The detail is safe to log: it never echoes what came after the scheme.
      String rest = header.substring(Math.min(header.length(), 7));
      if (rest.length() >= 12) {
        assertThat(malformed.detail()).doesNotContain(rest);
      }
    }
  }

  @Provide
  Arbitrary<String> headers() {
    Arbitrary<String> schemes =
        Arbitraries.of("Bearer", "bearer", "BEARER", "bEaReR", "Basic", "Bearer\t", "Bearer ", "")
            .injectDuplicates(0.1);
    // A token of valid characters with one arbitrary character somewhere: probes the alphabet.
    Arbitrary<String> nearTokens =
        net.jqwik.api.Combinators.combine(
                Arbitraries.strings().withChars(B64TOKEN).ofMaxLength(20),
                Arbitraries.oneOf(Arbitraries.chars().range(' ', '~'), HostileInput.hostileChars()),
                Arbitraries.strings().withChars(B64TOKEN).ofMaxLength(20),
                Arbitraries.of("", "=", "=="))
            .as((a, c, b, pad) -> "Bearer " + a + c + b + pad);
    return Arbitraries.oneOf(
        HostileInput.hostileStrings(80),
        nearTokens,
        nearTokens,
        schemes.flatMap(
            scheme -> HostileInput.hostileStrings(60).map(rest -> scheme + rest)),
        schemes.flatMap(
            scheme -> HostileInput.hostileStrings(60).map(rest -> scheme + " " + rest)),
        Arbitraries.just((String) null));
  }

  @Provide
  Arbitrary<HostileInput.Mutated> mutatedHeaders() {
    Arbitrary<String> valid =
        Arbitraries.strings()
            .withChars(B64TOKEN)
            .ofMinLength(1)
            .ofMaxLength(120)
            .flatMap(
                token ->
                    Arbitraries.of("", "=", "==")
                        .flatMap(
                            pad ->
                                Arbitraries.of("Bearer ", "bearer ", "BEARER ")
                                    .map(scheme -> scheme + token + pad)));
    return HostileInput.mutationsOf(valid);
  }

  @Provide
  Arbitrary<Integer> tokenLengths() {
    int max = BearerHeader.MAX_TOKEN_LENGTH;
    return Arbitraries.oneOf(
        Arbitraries.of(1, max - 1, max, max + 1), Arbitraries.integers().between(1, 4 * max));
  }

  @Provide
  Arbitrary<String> hugeHeaders() {
    return Arbitraries.of("Bearer ", "bearer ", "", "Bearer  ").flatMap(HostileInput::hugeStrings);
  }
}

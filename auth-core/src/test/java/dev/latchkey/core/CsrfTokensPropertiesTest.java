package dev.latchkey.core;

import static dev.latchkey.core.HostileInput.bounded;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link CsrfTokens#verify} against attacker tokens: false or true, never an exception, within a
 * bound; false for anything that is not a token issued for this session under this key — a changed
 * token, a token of another session, a token of another key, noise.
 */
class CsrfTokensPropertiesTest {
  private static final CsrfTokens CSRF =
      CsrfTokens.withKey("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
  private static final CsrfTokens OTHER_KEY =
      CsrfTokens.withKey("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII));
  private static final HashedId SESSION = OpaqueIds.parse(OpaqueIds.generate("user-1")).orElseThrow();
  private static final HashedId OTHER_SESSION =
      OpaqueIds.parse(OpaqueIds.generate("user-1")).orElseThrow();

  @Property(tries = 1000)
  void noiseNeverVerifies(@ForAll("noise") String token) {
    assertThat(bounded(() -> CSRF.verify(SESSION, token))).isFalse();
  }

  @Property(tries = 1000)
  void changedTokenNeverVerifies(@ForAll("mutatedTokens") HostileInput.Mutated token) {
    boolean verified = bounded(() -> CSRF.verify(SESSION, token.mutated()));

    assertThat(verified).isEqualTo(!token.changed());
  }

  @Property(tries = 200)
  void issuedTokenVerifiesOnlyForItsSessionAndKey(@ForAll("sessions") HashedId session) {
    String token = CSRF.issue(session);

    assertThat(CSRF.verify(session, token)).isTrue();
    assertThat(CSRF.verify(session.equals(SESSION) ? OTHER_SESSION : SESSION, token)).isFalse();
    assertThat(OTHER_KEY.verify(session, token)).isFalse();
  }

  @Property(tries = 5)
  void megabyteTokensAreRefusedInBoundedTime(@ForAll("hugeTokens") String token) {
    assertThat(bounded(() -> CSRF.verify(SESSION, token))).isFalse();
  }

  @Provide
  Arbitrary<String> noise() {
    return Arbitraries.oneOf(
        HostileInput.hostileStrings(80),
        // The right length with the dot in place: reaches the MAC comparison.
        Arbitraries.strings()
            .withChars(HostileInput.BASE64URL + "=+/\u00e9")
            .ofLength(22)
            .flatMap(
                nonce ->
                    Arbitraries.oneOf(
                            Arbitraries.strings().withChars(HostileInput.BASE64URL).ofLength(43),
                            Arbitraries.strings().withCharRange('\u0000', '\u007f').ofLength(43),
                            Arbitraries.strings().all().ofLength(43))
                        .map(mac -> nonce + '.' + mac)),
        Arbitraries.just((String) null));
  }

  @Provide
  Arbitrary<HostileInput.Mutated> mutatedTokens() {
    // Issued tokens are random; jqwik draws the edits, and a failure prints the token itself.
    String[] issued = new String[64];
    for (int i = 0; i < issued.length; i++) {
      issued[i] = CSRF.issue(SESSION);
    }
    return HostileInput.mutationsOf(Arbitraries.of(issued));
  }

  @Provide
  Arbitrary<HashedId> sessions() {
    return OpaqueIdsPropertiesTest.validIds().map(raw -> OpaqueIds.parse(raw).orElseThrow());
  }

  @Provide
  Arbitrary<String> hugeTokens() {
    return Arbitraries.of("", CSRF.issue(SESSION)).flatMap(HostileInput::hugeStrings);
  }
}

package dev.latchkey.core.internal;

import static dev.latchkey.core.HostileInput.bounded;
import static dev.latchkey.core.Properties.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Gen;
import dev.latchkey.core.HostileInput;
import dev.latchkey.core.spi.HashedId;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

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
  private static final HashedId SESSION = OpaqueIds.parse(OpaqueIds.generate()).orElseThrow();
  private static final HashedId OTHER_SESSION = OpaqueIds.parse(OpaqueIds.generate()).orElseThrow();

  @Test
  void noiseNeverVerifies() {
    forAll(
        1000,
        noise(),
        token -> {
          assertThat(bounded(() -> CSRF.verify(SESSION, token))).isFalse();
        });
  }

  @Test
  void changedTokenNeverVerifies() {
    forAll(
        1000,
        mutatedTokens(),
        token -> {
          boolean verified = bounded(() -> CSRF.verify(SESSION, token.mutated()));

          assertThat(verified).isEqualTo(!token.changed());
        });
  }

  @Test
  void issuedTokenVerifiesOnlyForItsSessionAndKey() {
    forAll(
        200,
        sessions(),
        session -> {
          String token = CSRF.issue(session);

          assertThat(CSRF.verify(session, token)).isTrue();
          assertThat(CSRF.verify(session.equals(SESSION) ? OTHER_SESSION : SESSION, token))
              .isFalse();
          assertThat(OTHER_KEY.verify(session, token)).isFalse();
        });
  }

  @Test
  void megabyteTokensAreRefusedInBoundedTime() {
    forAll(
        5,
        hugeTokens(),
        token -> {
          assertThat(bounded(() -> CSRF.verify(SESSION, token))).isFalse();
        });
  }

  Gen<String> noise() {
    return Gen.oneOf(
        HostileInput.hostileStrings(80),
        // The right length with the dot in place: reaches the MAC comparison.
        Gen.strings(Gen.charsOf(HostileInput.BASE64URL + "=+/\u00e9"), 22, 22)
            .flatMap(
                nonce ->
                    Gen.oneOf(
                            Gen.strings(Gen.charsOf(HostileInput.BASE64URL), 43, 43),
                            Gen.strings(Gen.charRange('\u0000', '\u007f'), 43, 43),
                            Gen.strings(Gen.anyChar(), 43, 43))
                        .map(mac -> nonce + '.' + mac)),
        Gen.just((String) null));
  }

  Gen<HostileInput.Mutated> mutatedTokens() {
    // Issued tokens are random; the harness draws the edits, and a failure prints the token itself.
    String[] issued = new String[64];
    for (int i = 0; i < issued.length; i++) {
      issued[i] = CSRF.issue(SESSION);
    }
    return HostileInput.mutationsOf(Gen.of(issued));
  }

  Gen<HashedId> sessions() {
    return OpaqueIdsPropertiesTest.validIds().map(raw -> OpaqueIds.parse(raw).orElseThrow());
  }

  Gen<String> hugeTokens() {
    return Gen.of("", CSRF.issue(SESSION)).flatMap(HostileInput::hugeStrings);
  }
}

package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRingVerifyOnlyTest {
  private final SigningKey issuerKey = SigningKey.generateEc("ec-1");
  private final JwtTokenService issuer =
      JwtTokenService.builder(KeyRing.of(issuerKey), "https://auth.example", "api").build();

  private JwtTokenService resourceServer() {
    List<SigningKey> published = SigningKey.fromJwkSet(issuer.keyRing().publicJwkSetJson());
    return JwtTokenService.builder(
            KeyRing.verifyOnly(published.get(0)), "https://auth.example", "api")
        .build();
  }

  @Test
  void resourceServerVerifiesWithThePublishedJwkSetAlone() {
    String token = issuer.issue(Principal.of("bob")).value();

    AuthResult result = resourceServer().verify(token);

    assertThat(result.failure()).isEmpty();
    assertThat(result.principal().orElseThrow().subject()).isEqualTo("bob");
  }

  @Test
  void verifyOnlyServiceRefusesToIssue() {
    JwtTokenService verifier = resourceServer();

    assertThatThrownBy(() -> verifier.issue(Principal.of("bob")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("verify");
    assertThat(verifier.keyRing().canSign()).isFalse();
    assertThatThrownBy(() -> verifier.keyRing().signingKey())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void verifyOnlyRingRefusesTokensOfOtherKeys() {
    SigningKey stranger = SigningKey.generateEc("ec-1");
    String forged =
        JwtTokenService.builder(KeyRing.of(stranger), "https://auth.example", "api")
            .build()
            .issue(Principal.of("bob"))
            .value();

    AuthResult result = resourceServer().verify(forged);

    assertThat(result)
        .isInstanceOfSatisfying(
            AuthResult.Failure.class,
            f -> assertThat(f.reason()).isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS));
  }

  @Test
  void rotatingAVerifyOnlyRingMakesItSign() {
    KeyRing ring =
        KeyRing.verifyOnly(issuerKey.publicOnly()).rotate(SigningKey.generateEd25519("ed-2"));

    assertThat(ring.canSign()).isTrue();
    assertThat(ring.signingKey().kid()).isEqualTo("ed-2");
    assertThat(ring.key("ec-1")).isPresent();
  }
}

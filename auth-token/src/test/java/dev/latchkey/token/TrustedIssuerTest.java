package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TrustedIssuerTest {
  private static final URI JWKS = URI.create("https://issuer.example/jwks.json");

  @Test
  void defaultsToRs256AccessTokensAndTheScopeClaim() {
    TrustedIssuer t = TrustedIssuer.builder("https://issuer.example", JWKS, "api").build();

    assertThat(t.algorithms()).containsExactly(SigningAlgorithm.RS256);
    assertThat(t.tokenType()).isEqualTo(TrustedIssuer.TokenType.ACCESS_TOKEN);
    assertThat(t.scopeClaim()).isEqualTo("scope");
  }

  @Test
  void refusesHmacForARemoteIssuer() {
    assertThatThrownBy(
            () ->
                TrustedIssuer.builder("https://issuer.example", JWKS, "api")
                    .algorithms(SigningAlgorithm.RS256, SigningAlgorithm.HS256))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HS256");
  }

  @Test
  void refusesAJwksUriThatIsNotAnAbsoluteHttpUrl() {
    assertThatThrownBy(
            () ->
                TrustedIssuer.builder("https://issuer.example", URI.create("file:///keys"), "api")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jwksUri");
  }

  @Test
  void refusesAnUnknownKidIntervalLongerThanTheRefreshInterval() {
    assertThatThrownBy(
            () ->
                TrustedIssuer.builder("https://issuer.example", JWKS, "api")
                    .refreshInterval(Duration.ofMinutes(1))
                    .unknownKidInterval(Duration.ofMinutes(2))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknownKidInterval");
  }

  @Test
  void refusesAnUnknownKidIntervalUnderOneSecond() {
    assertThatThrownBy(
            () ->
                TrustedIssuer.builder("https://issuer.example", JWKS, "api")
                    .unknownKidInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknownKidInterval");
  }

  @Test
  void refusesABlankIssuerAndTwoIssuersWithOneIss() {
    assertThatThrownBy(() -> TrustedIssuer.builder(" ", JWKS, "api").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("issuer");
    TrustedIssuer t = TrustedIssuer.builder("https://issuer.example", JWKS, "api").build();
    assertThatThrownBy(() -> IssuerVerifier.builder(t, t))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");
  }
}

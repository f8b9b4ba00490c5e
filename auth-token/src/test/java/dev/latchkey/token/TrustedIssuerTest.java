package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

  @Test
  void readsIssuersFromAJsonArrayWithDefaultsAndOptionalMembers() {
    List<TrustedIssuer> list =
        TrustedIssuer.listFromJson(
            """
            [{"issuer":"https://a.example","jwks_uri":"https://a.example/jwks","audience":"api"},
             {"issuer":"https://b.example","jwks_uri":"http://127.0.0.1:9/keys","audience":"b",
              "algorithms":["ES384","PS512"],"token_type":"JWT","scope_claim":"scp"}]
            """,
            b -> b);

    assertThat(list).hasSize(2);
    TrustedIssuer a = list.get(0);
    assertThat(a.issuer()).isEqualTo("https://a.example");
    assertThat(a.jwksUri()).isEqualTo(URI.create("https://a.example/jwks"));
    assertThat(a.audience()).isEqualTo("api");
    assertThat(a.algorithms()).containsExactly(SigningAlgorithm.RS256);
    assertThat(a.tokenType()).isEqualTo(TrustedIssuer.TokenType.ACCESS_TOKEN);
    TrustedIssuer b = list.get(1);
    assertThat(b.algorithms())
        .containsExactlyInAnyOrder(SigningAlgorithm.ES384, SigningAlgorithm.PS512);
    assertThat(b.tokenType()).isEqualTo(TrustedIssuer.TokenType.JWT);
    assertThat(b.scopeClaim()).isEqualTo("scp");
    assertThat(TrustedIssuer.listFromJson(" [ ] ", defaults -> defaults)).isEmpty();
  }

  @Test
  void whatAnEntryLeavesOutIsTheDefaultsGivenAndWhatItNamesWins() {
    String json =
        "[{\"issuer\":\"i\",\"jwks_uri\":\"https://i/k\",\"audience\":\"a\"},"
            + "{\"issuer\":\"j\",\"jwks_uri\":\"https://j/k\",\"audience\":\"a\","
            + "\"token_type\":\"at+jwt\",\"algorithms\":[\"PS256\"]}]";

    List<TrustedIssuer> list =
        TrustedIssuer.listFromJson(
            json,
            b ->
                b.tokenType(TrustedIssuer.TokenType.ACCESS_TOKEN_OR_JWT)
                    .algorithms(SigningAlgorithm.RS256, SigningAlgorithm.ES256));

    assertThat(list.get(0).tokenType()).isEqualTo(TrustedIssuer.TokenType.ACCESS_TOKEN_OR_JWT);
    assertThat(list.get(0).algorithms())
        .containsExactlyInAnyOrder(SigningAlgorithm.RS256, SigningAlgorithm.ES256);
    assertThat(list.get(1).tokenType()).isEqualTo(TrustedIssuer.TokenType.ACCESS_TOKEN);
    assertThat(list.get(1).algorithms()).containsExactly(SigningAlgorithm.PS256);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[{\"issuer\": | not valid JSON",
        "{\"issuer\":1} | expected a JSON array of objects",
        "{} | expected a JSON array of objects",
        "[1] | trusted issuers[0]: expected an object",
        "[{\"jwks_uri\":\"https://i/k\",\"audience\":\"a\"}] | trusted issuers[0]: issuer is required",
        "[{\"issuer\":\"i\",\"jwks_uri\":\"https://i/k\",\"audience\":7}] | audience must be a string",
        "[{\"issuer\":\"i\",\"jwks_uri\":\"file:///k\",\"audience\":\"a\"}] | jwksUri must be",
        "[{\"issuer\":\"i\",\"jwks_uri\":\"https://i/k\",\"audience\":\"a\",\"audiance\":\"b\"}] | unknown member audiance",
        "[{\"issuer\":\"i\",\"jwks_uri\":\"https://i/k\",\"audience\":\"a\",\"algorithms\":[\"HS256\"]}] | HMAC",
        "[{\"issuer\":\"i\",\"jwks_uri\":\"https://i/k\",\"audience\":\"a\",\"algorithms\":[\"none\"]}] | unsupported JWS algorithm: none",
        "[{\"issuer\":\"i\",\"jwks_uri\":\"https://i/k\",\"audience\":\"a\",\"algorithms\":[]}] | non-empty array",
        "[{\"issuer\":\"i\",\"jwks_uri\":\"https://i/k\",\"audience\":\"a\",\"token_type\":\"jwt\"}] | token_type must be",
        "[{\"issuer\":\"i\",\"jwks_uri\":\"https://i/k\",\"audience\":\"a\"},{\"issuer\":\"i\",\"jwks_uri\":\"https://i/k\",\"audience\":\"b\"}] | trusted issuers[1]: issuer named twice",
      })
  void refusesABadListNamingTheEntryAndMember(String json, String message) {
    assertThatThrownBy(() -> TrustedIssuer.listFromJson(json, b -> b))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void eitherTypeAcceptsAnAccessTokenTypeJwtOrNone() {
    TrustedIssuer.TokenType either = TrustedIssuer.TokenType.ACCESS_TOKEN_OR_JWT;

    assertThat(either.accepts("at+jwt")).isTrue();
    assertThat(either.accepts("application/AT+JWT")).isTrue();
    assertThat(either.accepts("JWT")).isTrue();
    assertThat(either.accepts(null)).isTrue();
    assertThat(either.accepts("JOSE")).isFalse();
    assertThat(either.accepts("dpop+jwt")).isFalse();
  }
}

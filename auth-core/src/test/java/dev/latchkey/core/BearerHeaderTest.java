package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BearerHeaderTest {

  @Test
  void readsAToken() {
    BearerHeader header = BearerHeader.parse("Bearer eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl");

    assertThat(header).isInstanceOf(BearerHeader.Token.class);
    assertThat(header.token()).contains(new BearerToken("eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl"));
    assertThat(header.failure()).isEmpty();
    assertThat(header.presented()).isTrue();
    assertThat(header.fold(BearerToken::value, f -> "refused"))
        .isEqualTo("eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bearer abc", "bearer abc", "BEARER abc", "bEaReR abc"})
  void schemeIsCaseInsensitive(String value) {
    assertThat(BearerHeader.parse(value).token()).contains(new BearerToken("abc"));
  }

  @Test
  void acceptsEveryB64TokenCharacterAndTrailingEquals() {
    String token = "AZaz09-._~+/abc==";

    assertThat(BearerHeader.parse("Bearer " + token).token()).contains(new BearerToken(token));
  }

  @Test
  void noHeaderIsMissing() {
    assertThat(BearerHeader.parse(null)).isInstanceOf(BearerHeader.Missing.class);
    assertThat(BearerHeader.parse("")).isInstanceOf(BearerHeader.Missing.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Basic dXNlcjpwYXNz", "Bearerx abc", "Digest x", "Bear abc", "B"})
  void anotherSchemeIsMissingNotMalformed(String value) {
    assertThat(BearerHeader.parse(value)).isInstanceOf(BearerHeader.Missing.class);
  }

  @Test
  void missingTokenIsAnInvalidCredentialsFailureNotPresented() {
    BearerHeader header = BearerHeader.parse("Basic dXNlcjpwYXNz");

    assertThat(header.presented()).isFalse();
    assertThat(header.failure().orElseThrow().reason())
        .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
    int status = header.fold(token -> 200, f -> f.reason().httpStatus());
    assertThat(status).isEqualTo(401);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Bearer",
        "Bearer ",
        "Bearer  abc",
        "Bearer\tabc",
        "Bearer abc ",
        "Bearer abc def",
        "Bearer =abc",
        "Bearer ab=c",
        "Bearer abc\r\n",
        "Bearer abç",
        "Bearer \u00e9",
        "Bearer a\u0000b",
        "Bearer a,b",
        "Bearer a;b",
        "Bearer \"abc\"",
        "Bearer:abc"
      })
  void brokenBearerSyntaxIsMalformed(String value) {
    BearerHeader header = BearerHeader.parse(value);

    assertThat(header).isInstanceOf(BearerHeader.Malformed.class);
    assertThat(header.token()).isEmpty();
    assertThat(header.presented()).isTrue();
    AuthResult.Failure failure = header.failure().orElseThrow();
    assertThat(failure.reason()).isEqualTo(AuthResult.Reason.MALFORMED);
    AuthResult.Failure folded = header.fold(token -> null, f -> f);
    assertThat(folded).isEqualTo(failure);
  }

  @Test
  void leadingSpaceIsNotABearerHeader() {
    // " Bearer abc" has an empty scheme: not the bearer scheme, so no token.
    assertThat(BearerHeader.parse(" Bearer abc").token()).isEmpty();
  }

  @Test
  void tokenLengthIsBounded() {
    String atLimit = "a".repeat(BearerHeader.MAX_TOKEN_LENGTH);

    assertThat(BearerHeader.parse("Bearer " + atLimit).token()).isPresent();
    assertThat(BearerHeader.parse("Bearer " + atLimit + "a"))
        .isInstanceOf(BearerHeader.Malformed.class);
  }

  @Test
  void malformedDetailNeverHoldsTheInput() {
    BearerHeader.Malformed header =
        (BearerHeader.Malformed) BearerHeader.parse("Bearer secret-token\u00e9");

    assertThat(header.detail()).doesNotContain("secret");
    assertThat(header.toString()).doesNotContain("secret");
  }

  @Test
  void tokenToStringHidesTheToken() {
    assertThat(BearerHeader.parse("Bearer secret-token").toString()).doesNotContain("secret-token");
  }
}

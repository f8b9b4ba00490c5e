package dev.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.Gen;
import dev.latchkey.core.Properties;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Base32Test {

  /** RFC 4648 section 10 test vectors. */
  @ParameterizedTest
  @CsvSource({
    "'', ''",
    "f, MY======",
    "fo, MZXQ====",
    "foo, MZXW6===",
    "foob, MZXW6YQ=",
    "fooba, MZXW6YTB",
    "foobar, MZXW6YTBOI======"
  })
  void matchesRfc4648Vectors(String plain, String encoded) {
    byte[] bytes = plain.getBytes(StandardCharsets.US_ASCII);

    assertThat(Base32.encodePadded(bytes)).isEqualTo(encoded);
    assertThat(Base32.encode(bytes)).isEqualTo(encoded.replace("=", ""));
    assertThat(Base32.decode(encoded)).isEqualTo(bytes);
    assertThat(Base32.decode(encoded.replace("=", "").toLowerCase(java.util.Locale.ROOT)))
        .isEqualTo(bytes);
  }

  @Test
  void decodesWhatItEncodes() {
    Properties.forAll(
        500,
        Gen.ints(0, 80).flatMap(Gen::bytes),
        bytes -> assertThat(Base32.decode(Base32.encode(bytes))).isEqualTo(bytes));
  }

  @Test
  void refusesWhatNoEncodingGives() {
    assertThatThrownBy(() -> Base32.decode("MY1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Base32.decode("M")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Base32.decode("MZ")).isInstanceOf(IllegalArgumentException.class);
  }
}

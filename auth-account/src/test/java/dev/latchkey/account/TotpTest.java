package dev.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.Gen;
import dev.latchkey.core.Properties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TotpTest {
  private static final byte[] SEED20 = ascii("12345678901234567890");
  private static final byte[] SEED32 = ascii("12345678901234567890123456789012");
  private static final byte[] SEED64 =
      ascii("1234567890123456789012345678901234567890123456789012345678901234");

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** RFC 6238 Appendix B: 8 digits, 30 s step, T0 = 0; each algorithm has its own seed length. */
  @ParameterizedTest
  @CsvSource({
    "59, 94287082, SHA1",
    "59, 46119246, SHA256",
    "59, 90693936, SHA512",
    "1111111109, 07081804, SHA1",
    "1111111109, 68084774, SHA256",
    "1111111109, 25091201, SHA512",
    "1111111111, 14050471, SHA1",
    "1111111111, 67062674, SHA256",
    "1111111111, 99943326, SHA512",
    "1234567890, 89005924, SHA1",
    "1234567890, 91819424, SHA256",
    "1234567890, 93441116, SHA512",
    "2000000000, 69279037, SHA1",
    "2000000000, 90698825, SHA256",
    "2000000000, 38618901, SHA512",
    "20000000000, 65353130, SHA1",
    "20000000000, 77737706, SHA256",
    "20000000000, 47863826, SHA512"
  })
  void matchesRfc6238AppendixB(long seconds, String expected, Totp.Algorithm algorithm) {
    byte[] seed =
        switch (algorithm) {
          case SHA1 -> SEED20;
          case SHA256 -> SEED32;
          case SHA512 -> SEED64;
        };
    Totp totp = new Totp(algorithm, 8, Duration.ofSeconds(30));

    assertThat(totp.code(seed, Instant.ofEpochSecond(seconds))).isEqualTo(expected);
  }

  /** RFC 4226 Appendix D: HOTP-SHA-1, 6 digits, counters 0 to 9. */
  @ParameterizedTest
  @CsvSource({
    "0, 755224", "1, 287082", "2, 359152", "3, 969429", "4, 338314",
    "5, 254676", "6, 287922", "7, 162583", "8, 399871", "9, 520489"
  })
  void matchesRfc4226AppendixD(long counter, String expected) {
    assertThat(Totp.DEFAULT.hotp(SEED20, counter)).isEqualTo(expected);
  }

  @Test
  void stepIsWholePeriodsSinceTheEpoch() {
    assertThat(Totp.DEFAULT.step(Instant.ofEpochSecond(59))).isEqualTo(1);
    assertThat(Totp.DEFAULT.step(Instant.ofEpochSecond(60))).isEqualTo(2);
    assertThat(Totp.DEFAULT.step(Instant.ofEpochSecond(1111111109))).isEqualTo(0x23523EC);
  }

  @Test
  void base32SecretGivesTheSameCodeAsItsBytes() {
    Instant at = Instant.ofEpochSecond(1234567890);
    assertThat(Totp.DEFAULT.code(Base32.encode(SEED20), at))
        .isEqualTo(Totp.DEFAULT.code(SEED20, at));
  }

  @Test
  void matchesOnlyTheExactCode() {
    String code = Totp.DEFAULT.hotp(SEED20, 42);

    assertThat(Totp.DEFAULT.matches(SEED20, 42, code)).isTrue();
    assertThat(Totp.DEFAULT.matches(SEED20, 43, code)).isFalse();
    assertThat(Totp.DEFAULT.matches(SEED20, 42, code.substring(1))).isFalse();
    assertThat(Totp.DEFAULT.matches(SEED20, 42, code + "0")).isFalse();
    assertThat(Totp.DEFAULT.matches(SEED20, 42, "")).isFalse();
  }

  @Test
  void everyCodeHasItsDigitsAndMatchesOnlyItsOwnStep() {
    Totp eight = new Totp(Totp.Algorithm.SHA256, 8, Duration.ofSeconds(30));
    Properties.forAll(
        300,
        Gen.ints(1, 64).flatMap(Gen::bytes),
        secret -> {
          long step = secret.length * 1_000_003L;
          for (Totp totp : new Totp[] {Totp.DEFAULT, eight}) {
            String code = totp.hotp(secret, step);
            assertThat(code).hasSize(totp.digits()).containsOnlyDigits();
            assertThat(totp.matches(secret, step, code)).isTrue();
            assertThat(totp.matches(secret, step, code + "0")).isFalse();
          }
        });
  }

  @Test
  void refusesUnsupportedParameters() {
    assertThatThrownBy(() -> new Totp(Totp.Algorithm.SHA1, 7, Duration.ofSeconds(30)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("digits");
    assertThatThrownBy(() -> new Totp(Totp.Algorithm.SHA1, 6, Duration.ofMillis(1500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("period");
    assertThatThrownBy(() -> Totp.DEFAULT.hotp(new byte[0], 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

package dev.latchkey.password;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

/** The key derivation functions against the published vectors of their RFCs. */
class KnownAnswerTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] filled(int length, int value) {
    byte[] out = new byte[length];
    Arrays.fill(out, (byte) value);
    return out;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * RFC 9106 section 5.3: Argon2id v=0x13, 32 KiB, 3 passes, 4 lanes, password 32 × 0x01, salt 16 ×
   * 0x02, secret K 8 × 0x03, associated data X 12 × 0x04 (Bouncy Castle takes K and X as {@code
   * withSecret} and {@code withAdditional}).
   */
  @Test
  void argon2idMatchesRfc9106Section5_3() {
    byte[] tag =
        Kdf.argon2(
            Argon2Parameters.ARGON2_id,
            Argon2Parameters.ARGON2_VERSION_13,
            filled(32, 1),
            filled(16, 2),
            filled(8, 3),
            filled(12, 4),
            32,
            3,
            4,
            32);
    assertThat(HEX.formatHex(tag))
        .isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
  }

  /** RFC 7914 section 12, the three vectors a unit test can afford (the fourth needs 1 GiB). */
  @Test
  void scryptMatchesRfc7914Section12() {
    assertThat(HEX.formatHex(Kdf.scrypt(new byte[0], new byte[0], 4, 1, 1, 64)))
        .isEqualTo(
            "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
                + "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
    assertThat(HEX.formatHex(Kdf.scrypt(ascii("password"), ascii("NaCl"), 10, 8, 16, 64)))
        .isEqualTo(
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
                + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
    assertThat(
            HEX.formatHex(
                Kdf.scrypt(ascii("pleaseletmein"), ascii("SodiumChloride"), 14, 8, 1, 64)))
        .isEqualTo(
            "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
                + "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887");
  }

  /** RFC 7914 section 11: the PBKDF2-HMAC-SHA256 vectors (RFC 6070's are for SHA-1). */
  @Test
  void pbkdf2Sha256MatchesRfc7914Section11() {
    assertThat(HEX.formatHex(Kdf.pbkdf2Sha256("passwd".toCharArray(), ascii("salt"), 1, 64)))
        .isEqualTo(
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    assertThat(HEX.formatHex(Kdf.pbkdf2Sha256("Password".toCharArray(), ascii("NaCl"), 80_000, 64)))
        .isEqualTo(
            "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
                + "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
  }
}

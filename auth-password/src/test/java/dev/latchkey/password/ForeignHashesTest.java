package dev.latchkey.password;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hashes made by other implementations (the Argon2 reference command, libxcrypt's bCrypt, Python's
 * hashlib in the PHC and passlib encodings; see {@code foreign-hashes.txt} for the command lines)
 * verify, refuse a wrong password, and are due for a rehash to the current default.
 */
class ForeignHashesTest {
  private static final PasswordHashers HASHERS =
      PasswordHashers.builder().algorithm(new HashAlgorithm.Argon2id(19456, 3, 1)).build();

  record Fixture(String password, String hash) {}

  static List<Fixture> fixtures() throws IOException {
    List<Fixture> out = new ArrayList<>();
    try (InputStream in = ForeignHashesTest.class.getResourceAsStream("foreign-hashes.txt");
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split(" ", 2);
        out.add(
            new Fixture(
                new String(HexFormat.of().parseHex(parts[0]), StandardCharsets.UTF_8), parts[1]));
      }
    }
    return out;
  }

  @Test
  void everyForeignHashVerifiesAndRefusesAWrongPassword() throws IOException {
    List<Fixture> fixtures = fixtures();
    assertThat(fixtures).hasSize(11);
    for (Fixture f : fixtures) {
      assertThat(HASHERS.check(f.password().toCharArray(), f.hash()))
          .as(f.hash())
          .isEqualTo(PasswordCheck.MATCH);
      assertThat(HASHERS.check((f.password() + "!").toCharArray(), f.hash()))
          .as(f.hash())
          .isEqualTo(PasswordCheck.MISMATCH);
      assertThat(HASHERS.needsRehash(f.hash())).as(f.hash()).isTrue();
    }
  }

  @Test
  void aNonNfkcPasswordHashedRawElsewhereStillVerifies() throws IOException {
    // "pässwörd ﬁ" with the ligature U+FB01, whose NFKC is "fi": hashed raw by argon2 and hashlib.
    List<Fixture> raw = fixtures().stream().filter(f -> f.password().contains("\ufb01")).toList();
    assertThat(raw).hasSize(2);
    for (Fixture f : raw) {
      assertThat(HASHERS.verify(f.password().toCharArray(), f.hash())).isTrue();
    }
  }
}

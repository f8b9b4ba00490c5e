package dev.latchkey.password;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Gen;
import dev.latchkey.core.PasswordHasher;
import dev.latchkey.core.Properties;
import org.junit.jupiter.api.Test;

/**
 * Every format written parses back to the same string; any mangling of it is refused as a value.
 */
class StoredHashPropertiesTest {
  private static final PasswordHasher BCRYPT = PasswordHasher.bcrypt(4);

  private static final Gen<String> HASHES =
      random -> {
        HashAlgorithm algorithm =
            switch (random.nextInt(4)) {
              case 0 -> new HashAlgorithm.Argon2id(8 + random.nextInt(64), 1, 1);
              case 1 -> new HashAlgorithm.Scrypt(1 + random.nextInt(4), 1 + random.nextInt(8), 1);
              case 2 -> new HashAlgorithm.Pbkdf2Sha256(1 + random.nextInt(50));
              default -> new HashAlgorithm.Bcrypt(4);
            };
        String pepper = random.nextBoolean() ? null : "k" + random.nextInt(1000);
        char[] password = Gen.strings(Gen.anyChar(), 1, 20).next(random).toCharArray();
        if (Utf8.length(password) < 0) {
          password = "fallback".toCharArray();
        }
        return StoredHash.create(
                algorithm, password, pepper, new java.security.SecureRandom(), BCRYPT)
            .encode();
      };

  @Test
  void encodeParseRoundTrip() {
    Properties.forAll(
        60, HASHES, hash -> assertThat(StoredHash.parse(hash, BCRYPT).encode()).isEqualTo(hash));
  }

  @Test
  void mangledHashesAreUnreadableOrAnotherHashNeverAnException() {
    Gen<String[]> mangled =
        random -> {
          String hash = HASHES.next(random);
          int at = random.nextInt(hash.length());
          char c = Gen.anyChar().next(random);
          String out =
              switch (random.nextInt(3)) {
                case 0 -> hash.substring(0, at);
                case 1 -> hash.substring(0, at) + c + hash.substring(at + 1);
                default -> hash.substring(0, at) + c + hash.substring(at);
              };
          return new String[] {hash, out};
        };
    Properties.forAll(
        200,
        mangled,
        pair -> {
          StoredHash parsed = StoredHash.parse(pair[1], BCRYPT);
          if (parsed != null) {
            parsed.encode();
          }
        });
  }
}

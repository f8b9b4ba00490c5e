package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpaqueIdsTest {

  @Test
  void generatedIdHasTheDocumentedShape() {
    String id = OpaqueIds.generate("user-1");

    assertThat(id).hasSize(OpaqueIds.LENGTH).hasSize(50);
    assertThat(id).matches("[A-Za-z0-9_-]{43}\\.[A-Za-z0-9_-]{6}");
    assertThat(id).endsWith("." + OpaqueIds.shardOf("user-1"));
  }

  @Test
  void randomTokensAreDistinctOverAHundredThousand() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      seen.add(OpaqueIds.randomToken());
    }

    assertThat(seen).hasSize(100_000);
  }

  @Test
  void randomTokenCarries256Bits() {
    String token = OpaqueIds.randomToken();

    assertThat(token).hasSize(OpaqueIds.RANDOM_CHARS);
    assertThat(java.util.Base64.getUrlDecoder().decode(token)).hasSize(32);
  }

  @Test
  void everyBitPositionVaries() {
    // A crude check that no byte is stuck: over 200 tokens every bit of 32 bytes takes both values.
    int[] ones = new int[256];
    for (int n = 0; n < 200; n++) {
      byte[] bytes = java.util.Base64.getUrlDecoder().decode(OpaqueIds.randomToken());
      for (int bit = 0; bit < 256; bit++) {
        if ((bytes[bit / 8] >> (bit % 8) & 1) == 1) {
          ones[bit]++;
        }
      }
    }

    for (int bit = 0; bit < 256; bit++) {
      assertThat(ones[bit]).as("bit %d", bit).isBetween(1, 199);
    }
  }

  @Test
  void parseAcceptsAGeneratedIdAndHashesTheWholeValue() {
    String id = OpaqueIds.generate("user-1");

    HashedId hashed = OpaqueIds.parse(id).orElseThrow();

    assertThat(hashed.shard()).isEqualTo(OpaqueIds.shardOf("user-1"));
    assertThat(hashed.hash()).isEqualTo(OpaqueIds.hash(id)).hasSize(43).doesNotContain(id);
  }

  @Test
  void parseLeavesNoCopyOfTheRawIdInItsWorkingMemory() {
    String id = OpaqueIds.generate("user-1");

    OpaqueIds.parse(id).orElseThrow();

    // The buffer lives as long as the thread: a heap dump must not find the last cookie in it.
    assertThat(OpaqueIds.SCRATCH.get().in).containsOnly((byte) 0);
  }

  @Test
  void parseRejectsWrongLength() {
    String id = OpaqueIds.generate("user-1");

    assertThat(OpaqueIds.parse(null)).isEmpty();
    assertThat(OpaqueIds.parse("")).isEmpty();
    assertThat(OpaqueIds.parse(id.substring(1))).isEmpty();
    assertThat(OpaqueIds.parse(id + "A")).isEmpty();
  }

  @Test
  void parseRejectsWrongCharset() {
    String id = OpaqueIds.generate("user-1");

    assertThat(OpaqueIds.parse("+" + id.substring(1))).isEmpty();
    assertThat(OpaqueIds.parse("/" + id.substring(1))).isEmpty();
    assertThat(OpaqueIds.parse("=" + id.substring(1))).isEmpty();
    assertThat(OpaqueIds.parse("é" + id.substring(1))).isEmpty();
    assertThat(OpaqueIds.parse(id.substring(0, 43) + "-" + id.substring(44))).isEmpty();
    assertThat(OpaqueIds.parse(id.substring(0, 49) + ".")).isEmpty();
  }

  @Test
  void parseRejectsANonCanonicalLastCharacter() {
    String id = OpaqueIds.generate("user-1");
    char last = id.charAt(42);
    // The last of 43 characters encodes 4 data bits and 2 zero bits: setting a spare bit gives
    // another string for the same bytes, which must not be accepted.
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char nonCanonical = alphabet.charAt(alphabet.indexOf(last) | 1);
    String twin = id.substring(0, 42) + nonCanonical + id.substring(43);

    assertThat(OpaqueIds.parse(id)).isPresent();
    assertThat(OpaqueIds.parse(twin)).isEmpty();
  }

  @Test
  void hashIsStableAndDistinguishesValues() {
    assertThat(OpaqueIds.hash("abc")).isEqualTo(OpaqueIds.hash("abc"));
    // SHA-256("abc"), base64url: a public test vector (FIPS 180-2).
    assertThat(OpaqueIds.hash("abc")).isEqualTo("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
    assertThat(OpaqueIds.hash("abd")).isNotEqualTo(OpaqueIds.hash("abc"));
  }

  @Test
  void shardIsStablePerSubject() {
    assertThat(OpaqueIds.shardOf("user-1"))
        .isEqualTo(OpaqueIds.shardOf("user-1"))
        .hasSize(OpaqueIds.SHARD_CHARS)
        .isNotEqualTo(OpaqueIds.shardOf("user-2"));
  }

  @Test
  void constantTimeEqualsComparesContent() {
    assertThat(OpaqueIds.constantTimeEquals("abc", "abc")).isTrue();
    assertThat(OpaqueIds.constantTimeEquals("abc", "abd")).isFalse();
    assertThat(OpaqueIds.constantTimeEquals("abc", "abcd")).isFalse();
    assertThat(OpaqueIds.constantTimeEquals(null, "abc")).isFalse();
  }
}

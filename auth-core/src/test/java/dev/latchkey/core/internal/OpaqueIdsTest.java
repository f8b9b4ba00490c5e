package dev.latchkey.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.spi.HashedId;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpaqueIdsTest {

  @Test
  void generatedIdHasTheDocumentedShape() {
    String id = OpaqueIds.generateInShard("K9g");

    assertThat(id).hasSize(OpaqueIds.LENGTH).hasSize(47);
    assertThat(id).matches("[A-Za-z0-9_-]{43}\\.[A-Za-z0-9_-]{3}");
    assertThat(id).endsWith(".K9g");
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
    String id = OpaqueIds.generateInShard("K9g");

    HashedId hashed = OpaqueIds.parse(id).orElseThrow();

    assertThat(hashed.shard()).isEqualTo("K9g");
    assertThat(hashed.hash()).isEqualTo(OpaqueIds.hash(id)).hasSize(43).doesNotContain(id);
  }

  @Test
  void parseLeavesNoCopyOfTheRawIdInItsWorkingMemory() {
    String id = OpaqueIds.generate();

    assertThat(OpaqueIds.parse(id)).isPresent();

    // The buffer lives as long as the thread: a heap dump must not find the last cookie in it.
    assertThat(OpaqueIds.SCRATCH.get().in).containsOnly((byte) 0);
  }

  @Test
  void parseRejectsWrongLength() {
    String id = OpaqueIds.generate();

    assertThat(OpaqueIds.parse(null)).isEmpty();
    assertThat(OpaqueIds.parse("")).isEmpty();
    assertThat(OpaqueIds.parse(id.substring(1))).isEmpty();
    assertThat(OpaqueIds.parse(id + "A")).isEmpty();
  }

  @Test
  void parseRejectsWrongCharset() {
    String id = OpaqueIds.generate();

    assertThat(OpaqueIds.parse("+" + id.substring(1))).isEmpty();
    assertThat(OpaqueIds.parse("/" + id.substring(1))).isEmpty();
    assertThat(OpaqueIds.parse("=" + id.substring(1))).isEmpty();
    assertThat(OpaqueIds.parse("é" + id.substring(1))).isEmpty();
    assertThat(OpaqueIds.parse(id.substring(0, 43) + "-" + id.substring(44))).isEmpty();
    assertThat(OpaqueIds.parse(id.substring(0, OpaqueIds.LENGTH - 1) + ".")).isEmpty();
  }

  @Test
  void parseRejectsANonCanonicalLastCharacter() {
    String id = OpaqueIds.generate();
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
  void randomShardsAreWellFormedAndSpreadOverEveryCharacter() {
    Set<String> shards = new HashSet<>();
    Set<Character> firsts = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String shard = OpaqueIds.randomShard();
      assertThat(shard).matches("[A-Za-z0-9_-]{3}");
      shards.add(shard);
      firsts.add(shard.charAt(0));
    }

    // 10,000 draws from 2^18 tags: about 190 repeats expected, far fewer than 1,000.
    assertThat(shards).hasSizeGreaterThan(9_000);
    assertThat(firsts).hasSize(64);
  }

  @Test
  void anIdIsMadeOnlyWithAWellFormedShard() {
    for (String bad : new String[] {"", "ab", "abcd", "a.b", "ab=", "\u00e9bc", "alice"}) {
      assertThatThrownBy(() -> OpaqueIds.generateInShard(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageNotContaining(bad.isEmpty() ? "\u0000" : bad);
    }
    assertThatThrownBy(() -> OpaqueIds.generateInShard(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void constantTimeEqualsComparesContent() {
    assertThat(OpaqueIds.constantTimeEquals("abc", "abc")).isTrue();
    assertThat(OpaqueIds.constantTimeEquals("abc", "abd")).isFalse();
    assertThat(OpaqueIds.constantTimeEquals("abc", "abcd")).isFalse();
    assertThat(OpaqueIds.constantTimeEquals(null, "abc")).isFalse();
  }
}

package dev.latchkey.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.HostileInput;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** {@link OpaqueIds#parse} for every character at every kind of position of an id. */
class OpaqueIdsBoundaryTest {
  private static final String BASE64URL =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final String ID = OpaqueIds.generate();

  @Test
  void lastRandomCharacterMustCarryZeroSpareBits() {
    for (int value = 0; value < 64; value++) {
      char c = BASE64URL.charAt(value);
      String id = ID.substring(0, 42) + c + ID.substring(43);

      // A multiple of 4 leaves the two spare bits zero: the only canonical encodings.
      assertThat(OpaqueIds.parse(id).isPresent()).as("char %s", c).isEqualTo(value % 4 == 0);
    }
  }

  @Test
  void canonicalIdsRoundTripThroughTheDecoder() {
    for (int value = 0; value < 64; value += 4) {
      String random = ID.substring(0, 42) + BASE64URL.charAt(value);
      byte[] bytes = Base64.getUrlDecoder().decode(random);

      assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)).isEqualTo(random);
    }
  }

  @Test
  void everyCharacterIsAcceptedInTheRandomPartAndTheShardExactlyWhenItIsBase64Url() {
    for (char c : HostileInput.everyInterestingChar()) {
      boolean base64url = BASE64URL.indexOf(c) >= 0;
      String inRandom = c + ID.substring(1);
      String inShard = ID.substring(0, OpaqueIds.LENGTH - 1) + c;

      assertThat(OpaqueIds.parse(inRandom).isPresent())
          .as("char %04x", (int) c)
          .isEqualTo(base64url);
      assertThat(OpaqueIds.parse(inShard).isPresent())
          .as("char %04x", (int) c)
          .isEqualTo(base64url);
    }
  }

  @Test
  void theDotIsRequiredInItsPlace() {
    String noDot = ID.substring(0, 43) + "A" + ID.substring(44);

    assertThat(OpaqueIds.parse(noDot)).isEmpty();
    assertThat(OpaqueIds.parse(ID.substring(1) + "A")).isEmpty();
  }

  @Test
  void constantTimeEqualsComparesWholeValuesAndRefusesNull() {
    assertThat(OpaqueIds.constantTimeEquals("abc", "abc")).isTrue();
    assertThat(OpaqueIds.constantTimeEquals("abc", "abd")).isFalse();
    assertThat(OpaqueIds.constantTimeEquals("abc", "ab")).isFalse();
    assertThat(OpaqueIds.constantTimeEquals(null, "abc")).isFalse();
    assertThat(OpaqueIds.constantTimeEquals("abc", null)).isFalse();
    assertThat(OpaqueIds.constantTimeEquals(null, null)).isFalse();
  }
}

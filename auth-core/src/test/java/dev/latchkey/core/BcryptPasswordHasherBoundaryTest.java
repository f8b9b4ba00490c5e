package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

/**
 * The exact edges of {@link BcryptPasswordHasher}: the cost range, how a stored cost is read, the
 * UTF-8 length of every width of character, and byte-exact interop with jBCrypt's own string API
 * for characters on each UTF-8 width boundary. Written to kill the mutants PIT found surviving.
 */
class BcryptPasswordHasherBoundaryTest {
  private final BcryptPasswordHasher cost4 = BcryptPasswordHasher.withCost(4);
  private final BcryptPasswordHasher cost10 = BcryptPasswordHasher.withCost(10);
  private final String hash4 = cost4.hash("pw".toCharArray());

  @Test
  void costRangeIsInclusiveAtBothEnds() {
    assertThat(BcryptPasswordHasher.withCost(4).cost()).isEqualTo(4);
    assertThat(BcryptPasswordHasher.withCost(30).cost()).isEqualTo(30);
    assertThatThrownBy(() -> BcryptPasswordHasher.withCost(3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BcryptPasswordHasher.withCost(31))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void twoDigitCostIsWrittenWithoutPaddingAndReadByJbcrypt() {
    String hash = cost10.hash("pw".toCharArray());

    assertThat(hash).startsWith("$2a$10$").hasSize(60);
    assertThat(BCrypt.checkpw("pw", hash)).isTrue();
    assertThat(cost4.hash("pw".toCharArray())).startsWith("$2a$04$");
  }

  @Test
  void hashOfTheConfiguredCostNeedsNoRehash() {
    assertThat(cost4.needsRehash(hash4)).isFalse();
    assertThat(BcryptPasswordHasher.withCost(5).needsRehash(hash4)).isTrue();
  }

  @Test
  void storedCostIsReadAsTwoDecimalDigitsFrom4To30() {
    // needsRehash reveals the cost read: true below the configured cost or when unreadable.
    assertThat(cost4.needsRehash(withCost("04"))).isFalse();
    assertThat(cost4.needsRehash(withCost("09"))).isFalse();
    assertThat(cost10.needsRehash(withCost("09"))).isTrue();
    assertThat(cost10.needsRehash(withCost("10"))).isFalse();
    assertThat(cost10.needsRehash(withCost("12"))).isFalse();
    assertThat(cost10.needsRehash(withCost("20"))).isFalse();
    assertThat(cost10.needsRehash(withCost("29"))).isFalse();
    assertThat(cost10.needsRehash(withCost("30"))).isFalse();
    for (String unreadable : new String[] {"03", "31", "99", "00", "0:", "/9", ":0", "1/", "a4"}) {
      assertThat(cost4.needsRehash(withCost(unreadable))).as(unreadable).isTrue();
      assertThat(cost4.verify("pw".toCharArray(), withCost(unreadable))).as(unreadable).isFalse();
    }
  }

  @Test
  void characterOutsideTheAlphabetAnywhereAfterTheCostIsUnreadableNotAnError() {
    for (int i = 7; i < 60; i++) {
      String broken = hash4.substring(0, i) + '!' + hash4.substring(i + 1);

      assertThat(cost4.verify("pw".toCharArray(), broken)).as("position %d", i).isFalse();
      assertThat(cost4.needsRehash(broken)).as("position %d", i).isTrue();
    }
  }

  @Test
  void utf8LengthCountsEachWidthAtItsBoundary() {
    // 72 bytes is the most bCrypt uses; one more byte is too long.
    assertThat(BcryptPasswordHasher.isTooLong(new char[0])).isFalse();
    assertThat(BcryptPasswordHasher.isTooLong(repeat('\u007f', 72))).isFalse();
    assertThat(BcryptPasswordHasher.isTooLong(repeat('\u007f', 73))).isTrue();
    assertThat(BcryptPasswordHasher.isTooLong(repeat('\u0080', 36))).isFalse();
    assertThat(BcryptPasswordHasher.isTooLong(repeat('\u0080', 37))).isTrue();
    assertThat(BcryptPasswordHasher.isTooLong(repeat('\u07ff', 37))).isTrue();
    assertThat(BcryptPasswordHasher.isTooLong(repeat('\u0800', 24))).isFalse();
    assertThat(BcryptPasswordHasher.isTooLong(repeat('\u0800', 25))).isTrue();
    String emoji = "\ud83d\ude00"; // four bytes
    assertThat(BcryptPasswordHasher.isTooLong(emoji.repeat(18).toCharArray())).isFalse();
    assertThat(BcryptPasswordHasher.isTooLong(emoji.repeat(19).toCharArray())).isTrue();
  }

  @Test
  void unpairedSurrogatesAnywhereAreInvalidNotAnError() {
    char[][] invalid = {
      {'\ud800'},
      {'a', '\ud800'},
      {'\udc00'},
      {'a', '\udc00', 'b'},
      {'\ud800', 'a'},
      {'\udc00', '\ud800'}
    };
    for (char[] password : invalid) {
      assertThat(BcryptPasswordHasher.isTooLong(password)).isTrue();
      assertThat(cost4.verify(password, hash4)).isFalse();
      assertThatThrownBy(() -> cost4.hash(password)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void charactersOnEveryUtf8WidthBoundaryHashExactlyAsJbcryptDoes() {
    String[] passwords = {
      "\u007f",
      "\u0080",
      "\u07ff",
      "\u0800",
      "\uffff",
      "\ud800\udc00",
      "\udbff\udfff",
      "a\u00e9\u20ac\ud83d\ude00z"
    };
    for (String password : passwords) {
      String ours = cost4.hash(password.toCharArray());
      String theirs = BCrypt.hashpw(password, BCrypt.gensalt(4));

      assertThat(BCrypt.checkpw(password, ours)).as(HostileInput.escape(password)).isTrue();
      assertThat(cost4.verify(password.toCharArray(), theirs))
          .as(HostileInput.escape(password))
          .isTrue();
    }
  }

  private String withCost(String digits) {
    return hash4.substring(0, 4) + digits + hash4.substring(6);
  }

  private static char[] repeat(char c, int times) {
    return String.valueOf(c).repeat(times).toCharArray();
  }
}

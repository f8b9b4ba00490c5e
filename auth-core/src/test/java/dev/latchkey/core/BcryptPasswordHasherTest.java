package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

class BcryptPasswordHasherTest {
  private final BcryptPasswordHasher hasher = BcryptPasswordHasher.withCost(4);

  @Test
  void hashThenVerifyRoundTrips() {
    String hash = hasher.hash("correct horse".toCharArray());

    assertThat(hash).startsWith("$2a$04$").hasSize(60);
    assertThat(hasher.verify("correct horse".toCharArray(), hash)).isTrue();
  }

  @Test
  void wrongPasswordDoesNotVerify() {
    String hash = hasher.hash("correct horse".toCharArray());

    assertThat(hasher.verify("correct horsf".toCharArray(), hash)).isFalse();
    assertThat(hasher.verify("".toCharArray(), hash)).isFalse();
  }

  @Test
  void samePasswordGetsAFreshSaltEachTime() {
    assertThat(hasher.hash("pw".toCharArray())).isNotEqualTo(hasher.hash("pw".toCharArray()));
  }

  @Test
  void hashesAreInterchangeableWithJbcryptStringApi() {
    String password = "pässwörd ✓ 😀";
    String ours = hasher.hash(password.toCharArray());
    String theirs = BCrypt.hashpw(password, BCrypt.gensalt(4));

    assertThat(BCrypt.checkpw(password, ours)).isTrue();
    assertThat(hasher.verify(password.toCharArray(), theirs)).isTrue();
    assertThat(hasher.verify("passwörd".toCharArray(), theirs)).isFalse();
  }

  @Test
  void emptyPasswordHashesAndVerifies() {
    String hash = hasher.hash(new char[0]);

    assertThat(hasher.verify(new char[0], hash)).isTrue();
    assertThat(BCrypt.checkpw("", hash)).isTrue();
  }

  @Test
  void twoBAndTwoYHashesVerifyLikeTwoA() {
    String hash = hasher.hash("secret".toCharArray());
    String b = "$2b$" + hash.substring(4);
    String y = "$2y$" + hash.substring(4);

    assertThat(hasher.verify("secret".toCharArray(), b)).isTrue();
    assertThat(hasher.verify("secret".toCharArray(), y)).isTrue();
    assertThat(hasher.verify("Secret".toCharArray(), b)).isFalse();
    assertThat(hasher.verify("Secret".toCharArray(), y)).isFalse();
    assertThat(hasher.needsRehash(b)).isFalse();
  }

  @Test
  void otherRevisionsAreNotRead() {
    String hash = hasher.hash("secret".toCharArray());

    assertThat(hasher.verify("secret".toCharArray(), "$2x$" + hash.substring(4))).isFalse();
    assertThat(hasher.verify("secret".toCharArray(), "$2$" + hash.substring(4))).isFalse();
  }

  @Test
  void unreadableHashesAnswerFalseWithoutThrowing() {
    String good = hasher.hash("secret".toCharArray());
    char[] pw = "secret".toCharArray();

    assertThat(hasher.verify(pw, null)).isFalse();
    assertThat(hasher.verify(pw, "")).isFalse();
    assertThat(hasher.verify(pw, "plaintext")).isFalse();
    assertThat(hasher.verify(pw, good.substring(0, 59))).isFalse();
    assertThat(hasher.verify(pw, good + "x")).isFalse();
    assertThat(hasher.verify(pw, "$2a$03$" + good.substring(7))).isFalse();
    assertThat(hasher.verify(pw, "$2a$31$" + good.substring(7))).isFalse();
    assertThat(hasher.verify(pw, "$2a$x4$" + good.substring(7))).isFalse();
    assertThat(hasher.verify(pw, good.substring(0, 20) + "!" + good.substring(21))).isFalse();
    assertThat(hasher.verify(pw, good.substring(0, 20) + "é" + good.substring(21))).isFalse();
    assertThat(hasher.verify(null, good)).isFalse();
  }

  @Test
  void costUpgradeTriggersRehash() {
    String cost4 = hasher.hash("pw".toCharArray());
    BcryptPasswordHasher stronger = BcryptPasswordHasher.withCost(5);

    assertThat(hasher.needsRehash(cost4)).isFalse();
    assertThat(stronger.needsRehash(cost4)).isTrue();
    assertThat(stronger.verify("pw".toCharArray(), cost4)).isTrue();
    String cost5 = stronger.hash("pw".toCharArray());
    assertThat(cost5).startsWith("$2a$05$");
    assertThat(stronger.needsRehash(cost5)).isFalse();
    assertThat(hasher.needsRehash(cost5)).as("a higher cost is never downgraded").isFalse();
  }

  @Test
  void unreadableHashNeedsRehash() {
    assertThat(hasher.needsRehash("not a hash")).isTrue();
    assertThat(hasher.needsRehash(null)).isTrue();
  }

  @Test
  void costOutsideTheRangeIsRefusedWithAClearMessage() {
    assertThatThrownBy(() -> BcryptPasswordHasher.withCost(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 4 and 30");
    assertThatThrownBy(() -> BcryptPasswordHasher.withCost(31))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(BcryptPasswordHasher.create().cost()).isEqualTo(12);
  }

  @Test
  void passwordOfExactly72BytesIsUsedInFull() {
    char[] pw = "a".repeat(72).toCharArray();
    String hash = hasher.hash(pw);

    assertThat(hasher.verify(pw, hash)).isTrue();
    char[] lastDiffers = "a".repeat(71).concat("b").toCharArray();
    assertThat(hasher.verify(lastDiffers, hash)).isFalse();
  }

  @Test
  void passwordOver72BytesIsRefusedAtHashTime() {
    char[] pw = "a".repeat(73).toCharArray();

    assertThat(BcryptPasswordHasher.isTooLong(pw)).isTrue();
    assertThatThrownBy(() -> hasher.hash(pw))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("73 UTF-8 bytes")
        .hasMessageNotContaining("aaaa");
  }

  @Test
  void multiByteCharactersCountInBytesNotChars() {
    // 36 two-byte characters are 72 bytes; one more ASCII character is over the limit.
    char[] fits = "é".repeat(36).toCharArray();
    char[] over = ("é".repeat(36) + "x").toCharArray();

    assertThat(BcryptPasswordHasher.isTooLong(fits)).isFalse();
    assertThat(hasher.verify(fits, hasher.hash(fits))).isTrue();
    assertThat(BcryptPasswordHasher.isTooLong(over)).isTrue();
    assertThatThrownBy(() -> hasher.hash(over)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void longPasswordNeverVerifiesAgainstAHashOfItsFirst72Bytes() {
    String first72 = "p".repeat(72);
    String hashOfPrefix = hasher.hash(first72.toCharArray());
    String jbcryptHashOfPrefix = BCrypt.hashpw(first72, BCrypt.gensalt(4));
    char[] longer = (first72 + "-and-more").toCharArray();

    // jBCrypt's own API truncates silently: this is what the hasher must not do.
    assertThat(BCrypt.checkpw(new String(longer), jbcryptHashOfPrefix)).isTrue();
    assertThat(hasher.verify(longer, hashOfPrefix)).isFalse();
    assertThat(hasher.verify(longer, jbcryptHashOfPrefix)).isFalse();
  }

  @Test
  void unpairedSurrogateIsRefusedAtHashAndFalseAtVerify() {
    char[] broken = {'a', '\uD800', 'b'};
    String hash = hasher.hash("a?b".toCharArray());

    assertThatThrownBy(() -> hasher.hash(broken)).isInstanceOf(IllegalArgumentException.class);
    assertThat(hasher.verify(broken, hash)).isFalse();
    assertThat(BcryptPasswordHasher.isTooLong(broken)).isTrue();
  }

  @Test
  void callersArrayIsNeitherKeptNorChanged() {
    char[] pw = "unchanged".toCharArray();
    String hash = hasher.hash(pw);
    hasher.verify(pw, hash);

    assertThat(pw).isEqualTo("unchanged".toCharArray());
    Arrays.fill(pw, '\0');
    assertThat(hasher.verify("unchanged".toCharArray(), hash)).isTrue();
  }

  @Test
  void toStringShowsOnlyTheCost() {
    assertThat(hasher.toString()).isEqualTo("BcryptPasswordHasher[cost=4]");
  }
}

package dev.latchkey.password;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.password.BreachedPasswords.Exposure;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PasswordPolicyTest {
  private final PasswordPolicy policy =
      PasswordPolicy.builder()
          .contextWords("Latchkey")
          .blocklist(Set.of("Tr0ub4dor&3xyz!!"))
          .build();

  private PolicyResult check(String password, String user, boolean mfa) {
    return policy.check(password.toCharArray(), user, mfa);
  }

  @Test
  void lengthIsCountedInCodePointsAfterNfkcWithTheSecondFactorMinimum() {
    assertThat(check("fourteen chars", null, false).rejections())
        .containsExactly(Rejection.TOO_SHORT);
    assertThat(check("fifteen chars!!", null, false).accepted()).isTrue();
    assertThat(check("eight ch", null, true).accepted()).isTrue();
    assertThat(check("seven c", null, true).rejections()).containsExactly(Rejection.TOO_SHORT);
    // 15 emoji are 30 chars but 15 code points.
    assertThat(check("😀".repeat(15), null, false).accepted()).isTrue();
    assertThat(check("😀".repeat(14), null, false).rejections())
        .containsExactly(Rejection.TOO_SHORT);
    // The ligature ﬃ is one char, three letters after NFKC.
    assertThat(check("ﬃ".repeat(5), null, false).accepted()).isTrue();
    assertThat(check("x".repeat(256), null, false).accepted()).isTrue();
    assertThat(check("x".repeat(257), null, false).rejections())
        .containsExactly(Rejection.TOO_LONG);
    assertThat(check("x".repeat(100_000), null, false).rejections())
        .containsExactly(Rejection.TOO_LONG);
  }

  @Test
  void noCompositionRules() {
    assertThat(check("all lower case words", null, false).accepted()).isTrue();
  }

  @Test
  void commonPasswordsAreRefusedIgnoringCaseAndWidth() {
    assertThat(check("PASSWORD1", null, true).rejections()).containsExactly(Rejection.COMMON);
    assertThat(check("ｂａｓｅｂａｌｌ", null, true).rejections()).containsExactly(Rejection.COMMON);
    assertThat(check("tr0ub4dor&3XYZ!!", null, false).rejections())
        .containsExactly(Rejection.COMMON);
  }

  @Test
  void contextWordsAreRefusedByContainment() {
    assertThat(check("my name is ALICE, ok?", "alice", false).rejections())
        .containsExactly(Rejection.CONTAINS_USERNAME);
    assertThat(check("i love latchkey so much", "bob", false).rejections())
        .containsExactly(Rejection.CONTAINS_CONTEXT);
    assertThat(check("short user name ab", "ab", false).accepted()).isTrue();
    assertThat(check("alice", "alice", false).rejections())
        .containsExactly(Rejection.TOO_SHORT, Rejection.CONTAINS_USERNAME);
  }

  @Test
  void anUnpairedSurrogateIsRefusedAsInvalid() {
    assertThat(policy.check(("a".repeat(20) + "\ud800").toCharArray(), null, false).codes())
        .containsExactly("invalid_characters");
  }

  @Test
  void breachedCheckIsAskedOnlyWhenTheLocalRulesPassAndFailsClosedOrOpen() {
    int[] asked = {0};
    BreachedPasswords down =
        p -> {
          asked[0]++;
          return Exposure.UNKNOWN;
        };
    PasswordPolicy closed =
        PasswordPolicy.builder().breachedPasswords(down, PasswordPolicy.OnOutage.REFUSE).build();
    PasswordPolicy open =
        PasswordPolicy.builder().breachedPasswords(down, PasswordPolicy.OnOutage.ACCEPT).build();
    assertThat(closed.check("a long enough passphrase".toCharArray(), "u", false).codes())
        .containsExactly("unavailable");
    assertThat(open.check("a long enough passphrase".toCharArray(), "u", false).accepted())
        .isTrue();
    assertThat(closed.check("short".toCharArray(), "u", false).codes())
        .containsExactly("too_short");
    assertThat(asked[0]).isEqualTo(2);
    BreachedPasswords throwing =
        p -> {
          throw new IllegalStateException("boom");
        };
    assertThat(
            PasswordPolicy.builder()
                .breachedPasswords(throwing, PasswordPolicy.OnOutage.REFUSE)
                .build()
                .check("a long enough passphrase".toCharArray(), "u", false)
                .codes())
        .containsExactly("unavailable");
    BreachedPasswords all = p -> Exposure.BREACHED;
    assertThat(
            PasswordPolicy.builder()
                .breachedPasswords(all, PasswordPolicy.OnOutage.ACCEPT)
                .build()
                .check("a long enough passphrase".toCharArray(), "u", false)
                .codes())
        .containsExactly("breached");
  }

  @Test
  void theBundledListIsLoaded() {
    assertThat(policy.toString()).contains("blocklist=263");
  }
}

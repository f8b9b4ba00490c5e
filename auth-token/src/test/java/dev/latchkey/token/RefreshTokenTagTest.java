package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Principal;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.UnkeyedHashes;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A refresh token says nothing of whose it is: on the in-memory store, which places nothing by
 * subject, its tag is random, so it is no hash of the user name and two families of one user share
 * no tag; a family keeps its tag through rotation.
 */
class RefreshTokenTagTest {
  private final TestClock clock = TestClock.atNow();
  private final RefreshTokens tokens =
      RefreshTokens.builder(
              JwtTokenService.builder(
                      KeyRing.of(SigningKey.hmac("k", new byte[32], SigningAlgorithm.HS256)),
                      "iss",
                      "aud")
                  .clock(clock)
                  .build(),
              InMemoryRefreshTokenStore.create(clock))
          .clock(clock)
          .build();

  private String loginTag(String subject) {
    return UnkeyedHashes.tagOf(tokens.login(Principal.of(subject, Set.of("user"))).refreshToken());
  }

  @Test
  void refreshTokenTagIsNoUnkeyedHashOfTheSubject() {
    // A 3-character tag matches one encoding of one digest by chance once in 2^18: over 32
    // subjects, 8 digests and 4 encodings, a match may happen, a pattern may not.
    int matches = 0;
    for (int i = 0; i < 32; i++) {
      String subject = i == 0 ? "alice" : "user-" + i;
      matches += UnkeyedHashes.matches(subject, loginTag(subject));
    }

    assertThat(matches).isLessThanOrEqualTo(1);
  }

  @Test
  void twoFamiliesOfOneUserShareNoTag() {
    Set<String> tags = new HashSet<>();
    for (int i = 0; i < 16; i++) {
      tags.add(loginTag("alice"));
    }

    // 16 draws from 2^18 tags: a repeat once in about two thousand runs, two never.
    assertThat(tags).hasSizeGreaterThanOrEqualTo(15);
  }
}

package dev.latchkey.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Principal;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.UnkeyedHashes;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A session id says nothing of whose it is: on the in-memory store, which places nothing by
 * subject, its tag is random, so it is no hash of the user name and two ids of one user share no
 * tag.
 */
class SessionIdTagTest {
  private final TestClock clock = TestClock.atNow();
  private final SessionManager sessions =
      SessionManager.builder(InMemorySessionStore.builder().clock(clock).build())
          .clock(clock)
          .build();

  private String cookieTag(String subject) {
    LoginOutcome outcome = sessions.login(Principal.of(subject, Set.of("user")), Map.of());
    return UnkeyedHashes.tagOf(outcome.created().orElseThrow().id());
  }

  @Test
  void cookieTagIsNoUnkeyedHashOfTheSubject() {
    // A 3-character tag matches one encoding of one digest by chance once in 2^18: over 32
    // subjects, 8 digests and 4 encodings, a match may happen, a pattern may not.
    int matches = 0;
    for (int i = 0; i < 32; i++) {
      String subject = i == 0 ? "alice" : "user-" + i;
      matches += UnkeyedHashes.matches(subject, cookieTag(subject));
    }

    assertThat(matches).isLessThanOrEqualTo(1);
  }

  @Test
  void twoSessionsOfOneUserShareNoTag() {
    Set<String> tags = new HashSet<>();
    for (int i = 0; i < 16; i++) {
      tags.add(cookieTag("alice"));
    }

    // 16 draws from 2^18 tags: a repeat once in about two thousand runs, two never.
    assertThat(tags).hasSizeGreaterThanOrEqualTo(15);
  }
}

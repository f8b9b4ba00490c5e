package dev.latchkey.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.spi.HashedId;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CsrfTokensTest {
  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private final CsrfTokens csrf = CsrfTokens.withKey(KEY);
  private final HashedId session = OpaqueIds.parse(OpaqueIds.generate()).orElseThrow();
  private final HashedId otherSession = OpaqueIds.parse(OpaqueIds.generate()).orElseThrow();

  @Test
  void issuedTokenVerifiesForItsSession() {
    String token = csrf.issue(session);

    assertThat(token).hasSize(CsrfTokens.LENGTH).matches("[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}");
    assertThat(csrf.verify(session, token)).isTrue();
  }

  @Test
  void aTokenCarriesNoTagOfItsSessionOrUser() {
    // Sessions of one user on a clustered store share their id's tag; a CSRF token must not
    // repeat it, nor the session's hash, nor anything else that stays the same across tokens.
    HashedId sameUser = OpaqueIds.parse(OpaqueIds.generateInShard(session.shard())).orElseThrow();
    Set<String> tokens = new HashSet<>();
    for (int i = 0; i < 32; i++) {
      tokens.add(csrf.issue(session));
      tokens.add(csrf.issue(sameUser));
    }

    for (String token : tokens) {
      assertThat(token).doesNotContain(session.hash()).doesNotContain(sameUser.hash());
      assertThat(token.split("\\.")).noneMatch(part -> part.equals(session.shard()));
    }
    // No position but the dot holds one character in every token (by chance: 64^-63).
    for (int position = 0; position < CsrfTokens.LENGTH; position++) {
      Set<Character> seen = new HashSet<>();
      for (String token : tokens) {
        seen.add(token.charAt(position));
      }
      assertThat(seen.size() == 1).as("position %d", position).isEqualTo(position == 22);
    }
  }

  @Test
  void tokenOfAnotherSessionIsRefused() {
    assertThat(csrf.verify(otherSession, csrf.issue(session))).isFalse();
  }

  @Test
  void everyIssueIsFreshAndAllStayValid() {
    Set<String> tokens = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      tokens.add(csrf.issue(session));
    }

    assertThat(tokens).hasSize(100);
    assertThat(tokens).allMatch(t -> csrf.verify(session, t));
  }

  @Test
  void anotherNodeWithTheSameKeyVerifies() {
    CsrfTokens otherNode = CsrfTokens.withKey(KEY.clone());

    assertThat(otherNode.verify(session, csrf.issue(session))).isTrue();
  }

  @Test
  void anotherKeyRefuses() {
    assertThat(CsrfTokens.withRandomKey().verify(session, csrf.issue(session))).isFalse();
  }

  @Test
  void tamperedOrMalformedTokensAreRefusedWithoutThrowing() {
    String token = csrf.issue(session);
    char last = token.charAt(token.length() - 1);
    String flipped = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
    String otherNonce = (token.charAt(0) == 'A' ? 'B' : 'A') + token.substring(1);

    assertThat(csrf.verify(session, flipped)).isFalse();
    assertThat(csrf.verify(session, otherNonce)).isFalse();
    assertThat(csrf.verify(session, null)).isFalse();
    assertThat(csrf.verify(session, "")).isFalse();
    assertThat(csrf.verify(session, token + "x")).isFalse();
    assertThat(csrf.verify(session, token.replace('.', '-'))).isFalse();
    assertThat(csrf.verify(session, "é".repeat(CsrfTokens.LENGTH))).isFalse();
  }

  @Test
  void keyChangesAfterConstructionDoNotAffectTokens() {
    byte[] key = KEY.clone();
    CsrfTokens tokens = CsrfTokens.withKey(key);
    String token = tokens.issue(session);

    key[0] ^= 1;

    assertThat(tokens.verify(session, token)).isTrue();
  }

  @Test
  void shortKeyIsRefusedWithAClearMessage() {
    assertThatThrownBy(() -> CsrfTokens.withKey(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 32 bytes");
  }

  @Test
  void toStringHidesTheKey() {
    assertThat(csrf.toString()).doesNotContain("0123456789");
  }
}

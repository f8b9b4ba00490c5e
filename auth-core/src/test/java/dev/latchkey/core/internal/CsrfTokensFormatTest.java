package dev.latchkey.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.spi.HashedId;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The wire format of a CSRF token, recomputed independently: every node, and every later version,
 * must compute the same MAC over the same fields, including the domain-separation context and the
 * separators that keep a session hash and a nonce from running into each other.
 */
class CsrfTokensFormatTest {
  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private final HashedId session = OpaqueIds.parse(OpaqueIds.generate()).orElseThrow();

  @Test
  void tokenIsTheNonceAndAnHmacOfContextSessionHashAndNonce() throws Exception {
    String token = CsrfTokens.withKey(KEY).issue(session);
    String nonce = token.substring(0, 22);

    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
    mac.update("latchkey-csrf-v1".getBytes(StandardCharsets.US_ASCII));
    mac.update((byte) 0);
    mac.update(session.hash().getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    mac.update(nonce.getBytes(StandardCharsets.UTF_8));
    String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());

    assertThat(token).isEqualTo(nonce + "." + expected);
    assertThat(Base64.getUrlDecoder().decode(nonce)).hasSize(16);
  }

  @Test
  void randomKeysAreRandom() {
    CsrfTokens one = CsrfTokens.withRandomKey();
    CsrfTokens other = CsrfTokens.withRandomKey();
    CsrfTokens zeroKey = CsrfTokens.withKey(new byte[32]);

    String token = one.issue(session);

    assertThat(one.verify(session, token)).isTrue();
    assertThat(other.verify(session, token)).isFalse();
    assertThat(zeroKey.verify(session, token)).isFalse();
  }

  @Test
  void theMacPartIsComparedWhole() {
    CsrfTokens csrf = CsrfTokens.withKey(KEY);
    String token = csrf.issue(session);

    for (int i = 0; i < token.length(); i++) {
      char flipped = token.charAt(i) == 'A' ? 'B' : 'A';
      String changed = token.substring(0, i) + flipped + token.substring(i + 1);

      assertThat(csrf.verify(session, changed)).as("position %d", i).isFalse();
    }
    assertThat(csrf.verify(session, token.substring(0, token.length() - 1))).isFalse();
    assertThat(csrf.verify(session, token + "A")).isFalse();
  }
}

package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The HMAC fast path alone, against the JDK's own MAC computed apart, for each hash size. */
class HmacSignatureTest {
  private static byte[] jws(String input, byte[] mac) {
    return (input + '.' + Base64.getUrlEncoder().withoutPadding().encodeToString(mac))
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] mac(String name, byte[] secret, String input) throws Exception {
    Mac mac = Mac.getInstance(name);
    mac.init(new SecretKeySpec(secret, name));
    return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void eachHashSizeChecksItsOwnMacOnly() throws Exception {
    String input = "eyJhbGciOiJIUzI1NiJ9.e30";
    byte[] secret = new byte[64];
    for (int i = 0; i < secret.length; i++) {
      secret[i] = (byte) i;
    }
    String[][] cases = {
      {"HS256", "HmacSHA256", "HmacSHA384"},
      {"HS384", "HmacSHA384", "HmacSHA512"},
      {"HS512", "HmacSHA512", "HmacSHA256"}
    };
    for (String[] c : cases) {
      HmacSignature check = new HmacSignature(SigningAlgorithm.fromJwsName(c[0]), secret);

      assertThat(check.verify(jws(input, mac(c[1], secret, input)), input.length()))
          .as(c[0])
          .isTrue();
      assertThat(check.verify(jws(input, mac(c[2], secret, input)), input.length()))
          .as(c[0])
          .isFalse();
    }
  }

  @Test
  void anotherSecretsMacIsRefused() throws Exception {
    String input = "a.b";
    HmacSignature check = new HmacSignature(SigningAlgorithm.HS256, new byte[32]);
    byte[] other = new byte[32];
    other[31] = 1;

    assertThat(check.verify(jws(input, mac("HmacSHA256", other, input)), input.length())).isFalse();
    assertThat(check.verify(jws(input, mac("HmacSHA256", new byte[32], input)), input.length()))
        .isTrue();
  }

  @Test
  void aRefusedCallLeavesNothingBehindForTheNext() throws Exception {
    String input = "a.b";
    HmacSignature check = new HmacSignature(SigningAlgorithm.HS256, new byte[32]);
    byte[] good = mac("HmacSHA256", new byte[32], input);

    assertThat(check.verify((input + ".AAAAA").getBytes(StandardCharsets.US_ASCII), 3)).isFalse();
    assertThat(check.verify(jws(input + "x", good), 4)).isFalse();
    assertThat(check.verify(jws(input, good), 3)).isTrue();
  }
}

package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shape check of {@link CompactJws#split}: two dots between base64url, each refusal named after
 * the first fault in the token, wherever it is.
 */
class CompactJwsTest {
  static void refused(String token, String detail) {
    assertThatThrownBy(() -> CompactJws.split(token, 8192))
        .as(token)
        .isInstanceOf(Refusal.class)
        .hasMessage(detail);
  }

  @Test
  void twoDotsBetweenBase64urlSplitAtTheDots() throws Refusal {
    String all = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    CompactJws jws = CompactJws.split("AAAA." + all + ".AA", 8192);

    assertThat(jws.firstDot).isEqualTo(4);
    assertThat(jws.secondDot).isEqualTo(5 + all.length());
    assertThat(jws.header).isNull();
    // signature left to the key
    assertThat(CompactJws.split("QQ.QQ.", 8192).secondDot).isEqualTo(5);
    // 'A' is sextet 0: a token of only 'A's has all its table bits clear, and is well-formed.
    assertThat(CompactJws.split("AA.AA.AA", 8192).secondDot).isEqualTo(5);
    assertThat(CompactJws.split("AAAA.AA.AAA", 8192).firstDot).isEqualTo(4);
  }

  @Test
  void aCharacterOutsideBase64urlIsRefusedInEverySegment() {
    for (String bad :
        List.of("!", "=", "+", "/", " ", "\u0000", "\u00e9", "\u00ff", "\u0100", "\u20ac")) {
      refused(bad + "a.b.c", "bad base64url");
      refused("a" + bad + ".b.c", "bad base64url");
      refused("a." + bad + "b.c", "bad base64url");
      refused("a.b" + bad + ".c", "bad base64url");
      refused("a.b." + bad + "c", "bad base64url");
      refused("a.b.c" + bad, "bad base64url");
      refused("a.b" + bad, "bad base64url"); // one dot short as well: the character comes first
      refused("a" + bad, "bad base64url");
    }
  }

  @Test
  void aCharacterOutsideTheBasicPlaneIsRefusedWhereItStands() {
    // One code point in two chars, which a Latin-1 encoding turns into a single '?'.
    String emoji = "\ud83d\ude00";
    refused(emoji + "a.b.c", "bad base64url");
    refused("a.b" + emoji + ".c", "bad base64url");
    refused("a.b.c" + emoji, "bad base64url");
    refused("a.b.c.d" + emoji, "not a compact JWS");
    refused(emoji + emoji + "a.b.c.d", "bad base64url");
  }

  @Test
  void theWrongNumberOfDotsIsNotACompactJws() {
    for (String token :
        List.of("abc", "a.b", "a.b.c.d", "a.b.c.d.e", ".", "..", "...", "a..b.c", "A.A.A.A", "A")) {
      refused(token, "not a compact JWS");
    }
  }

  @Test
  void theFirstFaultNamesTheRefusal() {
    refused("a.b.c.d!", "not a compact JWS"); // the third dot comes before the '!'
    refused("a.b.c!.d", "bad base64url"); // the '!' comes before the third dot
    refused("a!.b.c.d", "bad base64url");
  }

  @Test
  void anEmptyHeaderOrPayloadIsNotACompactJws() {
    refused(".b.c", "not a compact JWS");
    refused("a..c", "not a compact JWS");
    refused("..c", "not a compact JWS");
  }
}

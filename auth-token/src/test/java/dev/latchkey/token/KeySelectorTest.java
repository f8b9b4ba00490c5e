package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.AuthResult.Reason;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The key-selection step alone: which key of a ring a parsed header names, every header rule that
 * key imposes, and the header segments it remembers.
 */
class KeySelectorTest {
  private static final SigningKey HMAC =
      SigningKey.hmac("h1", new byte[32], SigningAlgorithm.HS256);
  private static final SigningKey ED = SigningKey.generateEd25519("ed1");
  private static final KeyRing RING = KeyRing.of(HMAC, ED.publicOnly());

  private static Map<String, Object> header(String alg, String kid) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("alg", alg);
    h.put("kid", kid);
    h.put("typ", "at+jwt");
    return h;
  }

  private static CompactJws parsed(Map<String, Object> header) throws Refusal {
    return CompactJws.parse(Forge.b64(Forge.json(header)) + ".e30.AAAA", 8192);
  }

  private static void refused(Map<String, Object> header, Reason reason, String detail) {
    assertThatThrownBy(() -> new KeySelector(RING, null).select(parsed(header)))
        .isInstanceOfSatisfying(
            Refusal.class,
            r -> {
              assertThat(r.reason).isEqualTo(reason);
              assertThat(r.getMessage()).isEqualTo(detail);
            });
  }

  @Test
  void theKidSelectsItsKeyOfTheRing() throws Refusal {
    KeySelector selector = new KeySelector(RING, null);

    assertThat(selector.select(parsed(header("HS256", "h1")))).isSameAs(HMAC);
    assertThat(selector.select(parsed(header("EdDSA", "ed1"))).kid()).isEqualTo("ed1");
  }

  @Test
  void aMissingOrUnknownKidSelectsNothing() {
    Map<String, Object> noKid = header("HS256", "h1");
    noKid.remove("kid");
    refused(noKid, Reason.INVALID_CREDENTIALS, "missing kid");
    refused(header("HS256", "h2"), Reason.INVALID_CREDENTIALS, "unknown kid");
    Map<String, Object> numberKid = header("HS256", "h1");
    numberKid.put("kid", 1);
    refused(numberKid, Reason.INVALID_CREDENTIALS, "missing kid");
  }

  @Test
  void theAlgMustBeExactlyTheSelectedKeys() {
    refused(header("HS384", "h1"), Reason.INVALID_CREDENTIALS, "alg does not match the key");
    refused(header("none", "h1"), Reason.INVALID_CREDENTIALS, "alg does not match the key");
    refused(header("HS256", "ed1"), Reason.INVALID_CREDENTIALS, "alg does not match the key");
    refused(header("hs256", "h1"), Reason.INVALID_CREDENTIALS, "alg does not match the key");
    Map<String, Object> noAlg = header("HS256", "h1");
    noAlg.remove("alg");
    refused(noAlg, Reason.MALFORMED, "missing alg");
  }

  @Test
  void keyCarryingHeadersAndCritAreRefused() {
    for (String name : new String[] {"jwk", "jku", "x5u", "x5c", "crit"}) {
      Map<String, Object> h = header("HS256", "h1");
      h.put(name, "x");
      refused(h, Reason.INVALID_CREDENTIALS, "refused header: " + name);
    }
  }

  @Test
  void theTypMustNameAnAccessTokenInAnyCase() throws Refusal {
    KeySelector selector = new KeySelector(RING, null);
    for (String typ :
        new String[] {"at+jwt", "AT+JWT", "application/at+jwt", "Application/AT+JWT"}) {
      Map<String, Object> h = header("HS256", "h1");
      h.put("typ", typ);
      assertThat(selector.select(parsed(h))).isSameAs(HMAC);
    }
    for (Object typ : new Object[] {"JWT", "jwt", "at+jwt ", 1}) {
      Map<String, Object> h = header("HS256", "h1");
      h.put("typ", typ);
      refused(h, Reason.INVALID_CREDENTIALS, "wrong typ");
    }
    Map<String, Object> noTyp = header("HS256", "h1");
    noTyp.remove("typ");
    refused(noTyp, Reason.INVALID_CREDENTIALS, "wrong typ");
  }

  @Test
  void theOwnHeaderIsKnownFromTheStartAndOthersOnceRemembered() {
    KeySelector selector = new KeySelector(RING, "OWN");

    assertThat(selector.knownKey("OWN.payload.sig", 3)).isSameAs(HMAC);
    assertThat(selector.knownKey("OWNX.payload.sig", 4)).isNull();
    assertThat(selector.knownKey("OTHER.payload.sig", 5)).isNull();

    selector.remember("OTHER", HMAC);
    selector.remember("OTHER", HMAC);

    assertThat(selector.knownKey("OTHER.payload.sig", 5)).isSameAs(HMAC);
    assertThat(selector.knownHeaderCount()).isEqualTo(2);
  }

  @Test
  void aVerifyOnlyRingKnowsNoHeaderFromTheStart() {
    KeySelector selector = new KeySelector(KeyRing.verifyOnly(ED.publicOnly()), null);

    assertThat(selector.knownHeaderCount()).isZero();
  }

  @Test
  void onlyAFewHeadersAreRemembered() {
    KeySelector selector = new KeySelector(RING, null);
    for (int i = 0; i < 100; i++) {
      selector.remember("H" + i, HMAC);
    }

    assertThat(selector.knownHeaderCount()).isEqualTo(16);
    assertThat(selector.knownKey("H15.p.s", 3)).isSameAs(HMAC);
    assertThat(selector.knownKey("H16.p.s", 3)).isNull();
  }
}

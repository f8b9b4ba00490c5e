package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Gen;
import dev.latchkey.core.HostileInput;
import dev.latchkey.core.Properties;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.internal.Sha256Digest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The revocation keys built from digests ({@link RevocationDigests}) are exactly those of the
 * stored format (written out independently in {@link StoredRevocationKeys}), which nodes of older
 * versions share, and only keys of that format are read back.
 */
class RevocationKeysTest {
  private static final String PREFIX = "lk:";
  private static final RevocationDigests DIGESTS = new RevocationDigests();
  private final Keys keys = new Keys(PREFIX);

  record Revocation(String issuer, String tokenId, String subject) {}

  private static final Gen<String> ISSUERS =
      Gen.oneOf(
          HostileInput.hostileStrings(40),
          // Equal issuers in new instances: the hasher's issuer cache must compare contents.
          Gen.of("https://auth.example", "https://other.example", "").map(String::new));

  @Test
  void keysAreThoseOfTheStoredFormatForAnyIssuerTokenAndSubject() {
    Gen<Revocation> revocations =
        random ->
            new Revocation(
                ISSUERS.next(random),
                HostileInput.hostileStrings(40).next(random),
                HostileInput.hostileStrings(40).next(random));
    Properties.forAll(
        2000,
        revocations,
        r -> {
          Sha256Digest subject = DIGESTS.subject(r.subject());
          Sha256Digest token = DIGESTS.token(r.issuer(), r.tokenId());
          String tokenKey =
              StoredRevocationKeys.token(PREFIX, r.issuer(), r.tokenId(), r.subject());
          String subjectKey = StoredRevocationKeys.subject(PREFIX, r.subject());

          assertThat(RevocationDigests.shard(subject))
              .isEqualTo(StoredRevocationKeys.shard(r.subject()));
          assertThat(keys.revokedToken(RevocationDigests.shard(subject), token))
              .isEqualTo(tokenKey);
          assertThat(keys.revokedSubject(subject)).isEqualTo(subjectKey);
          assertThat(keys.parseRevocation(tokenKey))
              .isEqualTo(new Keys.RevocationKey(false, RevocationDigests.shard(subject), token));
          assertThat(keys.parseRevocation(subjectKey))
              .isEqualTo(new Keys.RevocationKey(true, RevocationDigests.shard(subject), subject));
        });
  }

  @Test
  void eachTokenDigestIsOfItsOwnIssuer() {
    String a = "https://a.example";
    String b = "https://b.example";
    for (String issuer : List.of(a, b, a, new String(a), b, "", a)) {
      assertThat(DIGESTS.token(issuer, "jti").toBase64Url())
          .isEqualTo(OpaqueIds.hash(issuer.length() + ":" + issuer + "|jti"));
    }
    // The length is the issuer's, so moving the separator gives another digest.
    assertThat(DIGESTS.token("a|b", "c")).isNotEqualTo(DIGESTS.token("a", "b|c"));
  }

  @Test
  void eachSubjectDigestIsOfItsOwnSubjectWhateverTheCacheHeld() {
    // Equal String hashes share a cache slot: "Aa" and "BB", and so every string of them.
    String longSubject = "x".repeat(300);
    List<String> subjects =
        List.of(
            "Aa",
            "BB",
            "Aa",
            "AaBB",
            "BBAa",
            "BBBB",
            "AaAa",
            "BB",
            "Aa",
            longSubject,
            longSubject,
            "x".repeat(256),
            "x".repeat(256),
            "",
            "");
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
    for (String subject : subjects) {
      assertThat(DIGESTS.subject(subject).toBase64Url()).isEqualTo(OpaqueIds.hash(subject));
    }
  }

  @Test
  void onlyTheExactSpellingOfADigestParses() {
    String text = OpaqueIds.hash("some subject");
    Sha256Digest digest = Sha256Digest.parse(text);
    assertThat(digest).isEqualTo(DIGESTS.subject("some subject"));
    assertThat(digest.toBase64Url()).isEqualTo(text);

    String head = text.substring(0, Sha256Digest.CHARS - 1);
    for (char c : HostileInput.BASE64URL.toCharArray()) {
      // The last of 43 characters carries two spare bits, which must be zero.
      boolean canonical = HostileInput.BASE64URL.indexOf(c) % 4 == 0;
      Sha256Digest parsed = Sha256Digest.parse(head + c);
      assertThat(parsed != null).as("last character %s", c).isEqualTo(canonical);
      if (canonical) {
        assertThat(parsed.toBase64Url()).isEqualTo(head + c);
      }
    }
    for (String wrong :
        List.of(
            "",
            head,
            text + "A",
            text + "=",
            head + "+",
            head + "/",
            head + " ",
            head + "\u00c0",
            "+" + text.substring(1),
            "/" + text.substring(1))) {
      assertThat(Sha256Digest.parse(wrong)).as(wrong).isNull();
    }
  }

  @Test
  void onlyKeysOfTheStoredFormatUnderThisPrefixAreReadBack() {
    String subject = "alice";
    String shard = StoredRevocationKeys.shard(subject);
    String hash = OpaqueIds.hash(subject);
    String otherShard = StoredRevocationKeys.shard("bob");
    List<String> refused =
        List.of(
            "",
            PREFIX,
            PREFIX + "{",
            "lx:{" + shard + "}:rs:" + hash,
            "lk{" + shard + "}:rs:" + hash,
            PREFIX + shard + "}:rs:" + hash,
            PREFIX + "[" + shard + "}:rs:" + hash,
            PREFIX + "{" + shard + ":rs:" + hash,
            PREFIX + "{" + shard + "}rs:" + hash,
            PREFIX + "{" + shard + "}:rx:" + hash,
            PREFIX + "{" + shard + "}:r:" + hash,
            PREFIX + "{" + shard + "}:rs:",
            PREFIX + "{" + shard + "}:rs:" + hash + "A",
            PREFIX + "{" + shard + "}:rs:" + hash.substring(1),
            PREFIX + "{" + shard + "}:rt:" + hash.substring(1),
            PREFIX + "{" + shard + "}:rs:x" + hash.substring(1),
            // A subject's entry in a slot that is not its own: no check would look it up.
            PREFIX + "{" + otherShard + "}:rs:" + hash,
            PREFIX + "{}:rs:" + hash);
    for (String key : refused) {
      assertThat(keys.parseRevocation(key)).as(key).isNull();
    }
    assertThat(keys.parseRevocation(PREFIX + "{" + shard + "}:rs:" + hash))
        .isEqualTo(new Keys.RevocationKey(true, shard, Sha256Digest.parse(hash)));
    // A token's key names the slot of the subject it was revoked under, whichever that is.
    assertThat(keys.parseRevocation(PREFIX + "{" + otherShard + "}:rt:" + hash))
        .isEqualTo(new Keys.RevocationKey(false, otherShard, Sha256Digest.parse(hash)));
    // A prefix with the characters of the key's own structure is matched as a whole.
    Keys odd = new Keys("a{b}:rt:");
    String key = "a{b}:rt:{" + shard + "}:rt:" + hash;
    assertThat(odd.parseRevocation(key))
        .isEqualTo(new Keys.RevocationKey(false, shard, Sha256Digest.parse(hash)));
    assertThat(keys.parseRevocation(key)).isNull();
    Keys closing = new Keys("a}");
    assertThat(closing.parseRevocation("a}{" + shard + "}:rs:" + hash))
        .isEqualTo(new Keys.RevocationKey(true, shard, Sha256Digest.parse(hash)));
  }

  @Test
  void revocationsArePublishedOnTheChannelEveryVersionListensOn() {
    assertThat(keys.revocationChannel()).isEqualTo("lk:revocations");
  }

  @Test
  void digestsAreEqualExactlyWhenTheirBytesAreAndNeverShowThemselves() {
    Sha256Digest a = DIGESTS.subject("alice");
    assertThat(a).isEqualTo(DIGESTS.subject(new String("alice")));
    assertThat(a.hashCode()).isEqualTo(DIGESTS.subject("alice").hashCode());
    assertThat(a).isNotEqualTo(DIGESTS.subject("alice "));
    for (int word = 0; word < 4; word++) {
      long[] w = {a.w0(), a.w1(), a.w2(), a.w3()};
      w[word] ^= 1;
      assertThat(new Sha256Digest(w[0], w[1], w[2], w[3])).isNotEqualTo(a);
    }
    assertThat(a).hasToString("Sha256Digest");
  }
}

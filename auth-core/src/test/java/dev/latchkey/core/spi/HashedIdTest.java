package dev.latchkey.core.spi;

import static dev.latchkey.core.Properties.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.Gen;
import dev.latchkey.core.HostileInput;
import dev.latchkey.core.internal.OpaqueIds;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link HashedId} behaves as the record {@code (shard, hash)} it replaces, however it was made:
 * from a hash string (stores, login) or from digest bytes ({@link OpaqueIds#parse}, the cookie
 * check). A store keyed by it finds a session under exactly the ids that name it.
 */
class HashedIdTest {
  private static final String SHARD = "ali";
  private static final String RAW = OpaqueIds.generateInShard(SHARD);
  private static final String HASH = OpaqueIds.hash(RAW);

  @Test
  void parsedIdEqualsTheIdMadeFromItsHashString() {
    HashedId parsed = OpaqueIds.parse(RAW).orElseThrow();
    HashedId fromString = new HashedId(SHARD, HASH);

    assertThat(parsed).isEqualTo(fromString).hasSameHashCodeAs(fromString);
    assertThat(fromString).isEqualTo(parsed);
    assertThat(parsed.hash()).isEqualTo(HASH);
    assertThat(parsed.shard()).isEqualTo(SHARD);
  }

  @Test
  void idsDifferingOnlyInTheShardAreDifferent() {
    HashedId parsed = OpaqueIds.parse(RAW).orElseThrow();

    assertThat(parsed).isNotEqualTo(new HashedId("bob", HASH));
    assertThat(new HashedId("s1", "h")).isNotEqualTo(new HashedId("s2", "h"));
  }

  @Test
  void hashStringsThatAreNoDigestCompareAsStrings() {
    String twin = nonCanonicalTwin(HASH);

    assertThat(new HashedId("s", "h1")).isEqualTo(new HashedId("s", "h1"));
    assertThat(new HashedId("s", "h1")).hasSameHashCodeAs(new HashedId("s", "h1"));
    assertThat(new HashedId("s", "h1")).isNotEqualTo(new HashedId("s", "h2"));
    // The same bytes as HASH, spelled another way: a different value, as a string would be.
    assertThat(new HashedId(SHARD, twin)).isNotEqualTo(new HashedId(SHARD, HASH));
    assertThat(new HashedId(SHARD, twin).hash()).isEqualTo(twin);
  }

  @Test
  void toStringHasTheRecordShape() {
    HashedId parsed = OpaqueIds.parse(RAW).orElseThrow();

    assertThat(parsed).hasToString("HashedId[shard=" + SHARD + ", hash=" + HASH + "]");
    assertThat(parsed.toString()).doesNotContain(RAW.substring(0, OpaqueIds.RANDOM_CHARS));
  }

  @Test
  void nullPartsAreRefused() {
    assertThatThrownBy(() -> new HashedId(null, HASH))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("shard");
    assertThatThrownBy(() -> new HashedId(SHARD, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("hash");
  }

  @Test
  void equalityIsThatOfShardAndHashStringsHoweverTheIdWasMade() {
    // Packed shards, and ones that are not three base64url characters (kept as strings).
    List<String> shards = List.of(SHARD, "bob", "", "ab=cde", "abcde", "\u00c1bc");
    String other = OpaqueIds.hash(OpaqueIds.generateInShard("bob"));
    List<String> hashes =
        List.of(
            HASH,
            other,
            nonCanonicalTwin(HASH),
            // 43 characters, one outside base64url
            "=" + HASH.substring(1),
            HASH.substring(1),
            "",
            "h1");
    Gen<HashedId> ids =
        Gen.of(shards.toArray(String[]::new))
            .flatMap(
                shard ->
                    Gen.of(hashes.toArray(String[]::new))
                        .flatMap(
                            hash -> Gen.booleans().map(viaBytes -> make(shard, hash, viaBytes))));

    forAll(
        2000,
        ids.list(2, 2),
        pair -> {
          HashedId a = pair.get(0);
          HashedId b = pair.get(1);
          boolean sameParts = a.shard().equals(b.shard()) && a.hash().equals(b.hash());

          assertThat(a.equals(b)).isEqualTo(sameParts);
          assertThat(b.equals(a)).isEqualTo(sameParts);
          if (sameParts) {
            assertThat(a.hashCode()).isEqualTo(b.hashCode());
          }
        });
  }

  @Test
  void idMadeFromBytesGivesBackItsStrings() {
    forAll(
        500,
        Gen.bytes(OpaqueIds.RANDOM_BYTES)
            .flatMap(
                bytes ->
                    Gen.strings(
                            Gen.charsOf(HostileInput.BASE64URL),
                            OpaqueIds.SHARD_CHARS,
                            OpaqueIds.SHARD_CHARS)
                        .map(shard -> new Object[] {shard, bytes})),
        input -> {
          String shard = (String) input[0];
          byte[] bytes = (byte[]) input[1];

          HashedId id = HashedId.ofSha256(OpaqueIds.packShard(shard), bytes);

          assertThat(id.shard()).isEqualTo(shard);
          assertThat(id.hash())
              .isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
          assertThat(id).isEqualTo(new HashedId(shard, id.hash()));
        });
  }

  /**
   * The id, made as {@link OpaqueIds#parse} makes it (packed shard, digest bytes) when {@code
   * viaBytes} and both parts allow it.
   */
  private static HashedId make(String shard, String hash, boolean viaBytes) {
    long packed = OpaqueIds.packShard(shard);
    if (viaBytes && packed >= 0 && OpaqueIds.decodeSha256(hash) != null) {
      return HashedId.ofSha256(packed, Base64.getUrlDecoder().decode(hash));
    }
    return new HashedId(shard, hash);
  }

  /** {@code hash} with a spare bit of its last character set: the same bytes to a lax decoder. */
  private static String nonCanonicalTwin(String hash) {
    String alphabet = HostileInput.BASE64URL;
    char last = hash.charAt(hash.length() - 1);
    return hash.substring(0, hash.length() - 1) + alphabet.charAt(alphabet.indexOf(last) | 1);
  }
}

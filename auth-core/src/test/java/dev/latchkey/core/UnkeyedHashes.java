package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.internal.OpaqueIds;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * What anyone can compute from a user name without a secret: the common unkeyed digests of it, in
 * every usual text encoding. A credential's tag that starts one of them tells whose it is to
 * whoever hashes candidate names. Published in {@code auth-core}'s test-jar for every module's
 * tests.
 */
public final class UnkeyedHashes {
  /** The digests tried, by their JDK names. */
  public static final List<String> ALGORITHMS =
      List.of("MD5", "SHA-1", "SHA-224", "SHA-256", "SHA-384", "SHA-512", "SHA3-256", "SHA3-512");

  private UnkeyedHashes() {}

  /**
   * Whether some encoding (Base64url, Base64, lower- or upper-case hex) of {@code algorithm}'s
   * digest of {@code subject}'s UTF-8 starts with {@code tag}.
   */
  public static boolean anyEncodingStartsWith(String algorithm, String subject, String tag) {
    byte[] digest;
    try {
      digest =
          MessageDigest.getInstance(algorithm).digest(subject.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is a standard JDK digest", e);
    }
    for (String text :
        List.of(
            Base64.getUrlEncoder().withoutPadding().encodeToString(digest),
            Base64.getEncoder().encodeToString(digest),
            HexFormat.of().formatHex(digest),
            HexFormat.of().withUpperCase().formatHex(digest))) {
      if (text.startsWith(tag)) {
        return true;
      }
    }
    return false;
  }

  /**
   * How many of {@link #ALGORITHMS}, in any encoding, start with {@code tag} for {@code subject}:
   * for a tag that carries no unkeyed hash of the subject, almost always zero (a 3-character tag
   * matches a given encoding by chance once in 2^18).
   */
  public static int matches(String subject, String tag) {
    int n = 0;
    for (String algorithm : ALGORITHMS) {
      if (anyEncodingStartsWith(algorithm, subject, tag)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Asserts that the tags {@code shardFor} gives 32 subjects are well-formed and carry no unkeyed
   * hash of them: one may match a plain hash's first characters by chance (1 in 2^18 each), never
   * all of them.
   */
  public static void assertTagsCarryNoUnkeyedHash(Function<String, String> shardFor) {
    int matches = 0;
    for (int i = 0; i < 32; i++) {
      String subject = "user-" + i;
      String tag = shardFor.apply(subject);
      assertThat(OpaqueIds.generateInShard(tag)).endsWith("." + tag);
      matches += matches(subject, tag);
    }
    assertThat(matches).isLessThanOrEqualTo(1);
  }

  /** The tag at the end of a raw opaque id: what follows its last dot. */
  public static String tagOf(String rawId) {
    return rawId.substring(rawId.lastIndexOf('.') + 1);
  }
}

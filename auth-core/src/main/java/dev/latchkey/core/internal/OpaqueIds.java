package dev.latchkey.core.internal;

import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.RefreshTokenStore;
import dev.latchkey.core.spi.SessionStore;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Opaque secrets (session ids, refresh tokens, CSRF tokens): generation, strict parsing and
 * hashing.
 *
 * <p>A raw opaque id is {@value #RANDOM_CHARS} base64url characters of {@value #RANDOM_BYTES} bytes
 * from {@link SecureRandom} (256 bits), a dot, and a {@value #SHARD_CHARS}-character shard tag:
 * {@code <random>.<shard>}. Only its SHA-256 is ever stored ({@link HashedId}).
 *
 * <p>The shard tag tells a clustered store where the id's record lives, so that every record of one
 * subject can share one place (a Redis Cluster slot) and be found from the id alone. It is chosen
 * by the store the id is made for ({@link SessionStore#shardFor}, {@link
 * RefreshTokenStore#shardFor}), never derived here from the subject: a tag anyone could compute
 * from a user name (a plain hash of it) would tell whoever sees an id in a log whose it is. A store
 * that needs no placement gives a fresh {@link #randomShard()} per id; one that does gives a tag
 * keyed with a secret of its own. The tag is short on purpose ({@value #SHARD_CHARS} characters, 18
 * bits): enough for every one of a Redis Cluster's 16,384 slots to be used, and few enough that in
 * a large user base many users share each tag.
 *
 * <p>Thread-safe.
 */
public final class OpaqueIds {
  /** Bytes of randomness in an opaque id. */
  public static final int RANDOM_BYTES = 32;

  /** Length of the base64url random part. */
  public static final int RANDOM_CHARS = 43;

  /** Length of the shard tag: 18 bits, see the class comment. */
  public static final int SHARD_CHARS = 3;

  /** Length of a whole raw opaque id. */
  public static final int LENGTH = RANDOM_CHARS + 1 + SHARD_CHARS;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /**
   * One SHA-256 per thread, with room for an id's bytes and its digest: every cookie check and
   * revocation lookup hashes, and the provider lookup of {@code MessageDigest.getInstance} cost
   * about a third of the hash itself (measured by {@code CryptoFloorBenchmark}). {@code digest()}
   * resets the instance, so no state leaks between calls.
   */
  static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /** Base64url value of each ASCII character, -1 for the others. */
  private static final byte[] DECODE = new byte[128];

  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  static {
    Arrays.fill(DECODE, (byte) -1);
    for (int i = 0; i < ALPHABET.length(); i++) {
      DECODE[ALPHABET.charAt(i)] = (byte) i;
    }
  }

  private OpaqueIds() {}

  /**
   * A fresh raw opaque id with the shard tag {@code shard}, as the store it is made for chose it
   * (see the class comment). The caller hands it out exactly once.
   *
   * @param shard the shard tag, {@value #SHARD_CHARS} base64url characters
   * @return the raw id, {@value #LENGTH} characters
   * @throws NullPointerException if {@code shard} is null
   * @throws IllegalArgumentException when {@code shard} is not {@value #SHARD_CHARS} base64url
   *     characters
   */
  public static String generateInShard(String shard) {
    Objects.requireNonNull(shard, "shard");
    if (packShard(shard) < 0) {
      throw new IllegalArgumentException(
          "a shard tag is "
              + SHARD_CHARS
              + " base64url characters: got "
              + shard.length()
              + " characters");
    }
    return randomToken() + '.' + shard;
  }

  /**
   * {@return a fresh raw opaque id with a {@linkplain #randomShard() random} shard tag}, for a
   * store that places nothing by subject. The caller hands it out exactly once.
   */
  public static String generate() {
    return generateInShard(randomShard());
  }

  /**
   * {@return a shard tag drawn from {@link SecureRandom}}: for a store that places nothing by
   * subject, so that an id says nothing of whose it is and two ids of one subject share no tag.
   */
  public static String randomShard() {
    return unpackShard(RANDOM.nextInt(1 << (6 * SHARD_CHARS)));
  }

  /** {@return {@value #RANDOM_BYTES} bytes from {@link SecureRandom}, base64url without padding} */
  public static String randomToken() {
    byte[] bytes = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(bytes);
    return B64.encodeToString(bytes);
  }

  /**
   * Parses and hashes a raw opaque id as received from a client. Empty when the value does not have
   * the exact shape of one, so attacker input is rejected before any store is asked.
   *
   * @param raw the raw id as received, or {@code null}; attacker-controlled
   * @return the hashed id, or empty when {@code raw} is not a well-formed id
   */
  public static Optional<HashedId> parse(String raw) {
    if (raw == null || raw.length() != LENGTH || raw.charAt(RANDOM_CHARS) != '.') {
      return Optional.empty();
    }
    // No branch per character (the character classes of a random id defeat a branch predictor):
    // any character outside base64url makes `bad` negative.
    int bad = 0;
    for (int i = 0; i < RANDOM_CHARS; i++) {
      bad |= base64UrlValue(raw.charAt(i));
    }
    long shard = 0;
    for (int i = RANDOM_CHARS + 1; i < LENGTH; i++) {
      int value = base64UrlValue(raw.charAt(i));
      bad |= value;
      shard = shard << 6 | (value & 63);
    }
    // The last character of 32 bytes in base64url carries 2 spare bits, which must be zero:
    // otherwise two cookie strings would decode to the same id.
    if (bad < 0 || (DECODE[raw.charAt(RANDOM_CHARS - 1)] & 0b11) != 0) {
      return Optional.empty();
    }
    return Optional.of(HashedId.ofSha256(shard, SCRATCH.get().sha256OfAscii(raw)));
  }

  /**
   * {@return the base64url (no padding) SHA-256 of {@code raw}'s UTF-8 bytes}
   *
   * @param raw the value to hash
   * @throws NullPointerException if {@code raw} is null
   */
  public static String hash(String raw) {
    return B64.encodeToString(sha256(raw));
  }

  /**
   * Compares two strings in time that depends only on their lengths, not on their contents.
   *
   * @param a one string, or {@code null}
   * @param b the other string, or {@code null}
   * @return whether both are non-null and equal; false when either is {@code null}
   */
  public static boolean constantTimeEquals(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] sha256(String value) {
    return SCRATCH.get().sha256.digest(value.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The 32 bytes that {@code hash} is the canonical base64url (no padding) encoding of, or null
   * when it is not one: a string of another length or alphabet, or one whose last character has a
   * spare bit set.
   *
   * @param hash the encoded hash
   * @return a new array of 32 bytes, or {@code null}
   * @throws NullPointerException if {@code hash} is null
   */
  public static byte[] decodeSha256(String hash) {
    if (hash.length() != RANDOM_CHARS) {
      return null;
    }
    int bad = 0;
    for (int i = 0; i < RANDOM_CHARS; i++) {
      bad |= base64UrlValue(hash.charAt(i));
    }
    if (bad < 0 || (DECODE[hash.charAt(RANDOM_CHARS - 1)] & 0b11) != 0) {
      return null;
    }
    return Base64.getUrlDecoder().decode(hash);
  }

  /**
   * A shard tag as its 6-bit base64url values in one long, or -1 when it is not {@value
   * #SHARD_CHARS} base64url characters. One-to-one on the strings it accepts.
   *
   * @param shard the shard tag
   * @return the packed tag, or -1
   * @throws NullPointerException if {@code shard} is null
   */
  public static long packShard(String shard) {
    if (shard.length() != SHARD_CHARS) {
      return -1;
    }
    long packed = 0;
    int bad = 0;
    for (int i = 0; i < SHARD_CHARS; i++) {
      int value = base64UrlValue(shard.charAt(i));
      bad |= value;
      packed = packed << 6 | (value & 63);
    }
    return bad < 0 ? -1 : packed;
  }

  /**
   * {@return the shard tag that {@link #packShard} packed into {@code packed}}
   *
   * @param packed a value {@link #packShard} returned, not -1
   */
  public static String unpackShard(long packed) {
    char[] chars = new char[SHARD_CHARS];
    for (int i = SHARD_CHARS - 1; i >= 0; i--) {
      chars[i] = ALPHABET.charAt((int) (packed & 63));
      packed >>>= 6;
    }
    return new String(chars);
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }

  /** The character's base64url value, or a negative number when it is not in that alphabet. */
  private static int base64UrlValue(char c) {
    // (0x7F - c) >> 31 is -1 past ASCII and 0 within; the mask keeps the index in the table.
    return ((0x7F - c) >> 31) | DECODE[c & 0x7F];
  }

  /** Per-thread working memory for hashing an id without allocating. */
  static final class Scratch {
    final MessageDigest sha256 = newSha256();
    final byte[] in = new byte[LENGTH];
    final byte[] out = new byte[RANDOM_BYTES];

    /**
     * SHA-256 of an ASCII string of {@link #LENGTH} characters (its UTF-8 bytes), into {@link
     * #out}. The copy of the raw id is wiped afterwards: this buffer lives as long as its thread,
     * and a raw id must not outlive the check that hashed it.
     */
    byte[] sha256OfAscii(String ascii) {
      try {
        for (int i = 0; i < LENGTH; i++) {
          in[i] = (byte) ascii.charAt(i);
        }
        sha256.update(in, 0, LENGTH);
        sha256.digest(out, 0, RANDOM_BYTES);
        return out;
      } catch (DigestException e) {
        throw new IllegalStateException("a SHA-256 digest is 32 bytes", e);
      } finally {
        Arrays.fill(in, (byte) 0);
      }
    }
  }
}

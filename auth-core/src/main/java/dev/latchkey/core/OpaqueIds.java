package dev.latchkey.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Opaque secrets (session ids, refresh tokens, CSRF tokens): generation, strict parsing and
 * hashing.
 *
 * <p>A raw opaque id is {@value #RANDOM_CHARS} base64url characters of {@value #RANDOM_BYTES}
 * bytes from {@link SecureRandom} (256 bits), a dot, and the {@value #SHARD_CHARS}-character shard
 * of its owner: {@code <random>.<shard>}. Only its SHA-256 is ever stored ({@link HashedId}).
 *
 * <p>Thread-safe.
 */
public final class OpaqueIds {
  /** Bytes of randomness in an opaque id. */
  public static final int RANDOM_BYTES = 32;
  /** Length of the base64url random part. */
  public static final int RANDOM_CHARS = 43;
  /** Length of the shard tag. */
  public static final int SHARD_CHARS = 6;
  /** Length of a whole raw opaque id. */
  public static final int LENGTH = RANDOM_CHARS + 1 + SHARD_CHARS;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  /**
   * One SHA-256 per thread: every cookie check and revocation lookup hashes, and the provider
   * lookup of {@code MessageDigest.getInstance} cost about a third of the hash itself (measured by
   * {@code CryptoFloorBenchmark}). {@code digest()} resets the instance, so no state leaks
   * between calls.
   */
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(OpaqueIds::newSha256);

  private OpaqueIds() {}

  /** A fresh raw opaque id owned by {@code subject}. The caller hands it out exactly once. */
  public static String generate(String subject) {
    return randomToken() + '.' + shardOf(subject);
  }

  /** {@value #RANDOM_BYTES} bytes from {@link SecureRandom}, base64url without padding. */
  public static String randomToken() {
    byte[] bytes = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(bytes);
    return B64.encodeToString(bytes);
  }

  /**
   * The shard tag of a subject: the first {@value #SHARD_CHARS} base64url characters of its
   * SHA-256. Not secret, and not a way back to the subject for any realistic user base.
   */
  public static String shardOf(String subject) {
    return B64.encodeToString(sha256(subject)).substring(0, SHARD_CHARS);
  }

  /**
   * Parses and hashes a raw opaque id as received from a client. Empty when the value does not
   * have the exact shape of one, so attacker input is rejected before any store is asked.
   */
  public static Optional<HashedId> parse(String raw) {
    if (raw == null || raw.length() != LENGTH || raw.charAt(RANDOM_CHARS) != '.') {
      return Optional.empty();
    }
    for (int i = 0; i < LENGTH; i++) {
      if (i != RANDOM_CHARS && !isBase64Url(raw.charAt(i))) {
        return Optional.empty();
      }
    }
    // The last character of 32 bytes in base64url carries 2 spare bits, which must be zero:
    // otherwise two cookie strings would decode to the same id.
    if ((decodeChar(raw.charAt(RANDOM_CHARS - 1)) & 0b11) != 0) {
      return Optional.empty();
    }
    return Optional.of(new HashedId(raw.substring(RANDOM_CHARS + 1), hash(raw)));
  }

  /** Base64url (no padding) SHA-256 of {@code raw}'s UTF-8 bytes. */
  public static String hash(String raw) {
    return B64.encodeToString(sha256(raw));
  }

  /** Compares two strings in time that depends only on their lengths, not on their contents. */
  public static boolean constantTimeEquals(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] sha256(String value) {
    return SHA256.get().digest(value.getBytes(StandardCharsets.UTF_8));
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }

  private static boolean isBase64Url(char c) {
    return decodeChar(c) >= 0;
  }

  private static int decodeChar(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    } else if (c == '-') {
      return 62;
    } else if (c == '_') {
      return 63;
    }
    return -1;
  }
}

package dev.latchkey.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * The text of an API key: {@code lk_<app>_} then, with no separator, the id ({@value #ID_CHARS}
 * base64url characters), the secret ({@value #SECRET_CHARS}: 256 bits from {@link SecureRandom})
 * and a checksum ({@value #CHECK_CHARS}: the first 36 bits of the SHA-256 of everything before it).
 * Every part has a fixed length, so a scanner finds a key with {@code
 * lk_[a-z0-9]{1,16}_[A-Za-z0-9_-]{65}} and {@link #parse} needs no separator. The checksum catches
 * a mistyped or cut key before any store is asked; it is no secret and proves nothing else. The
 * prefix cannot start a JWT (which starts with {@code eyJ}). Thread-safe.
 */
final class ApiKeyFormat {
  static final int ID_CHARS = 16;
  static final int SECRET_CHARS = 43;
  static final int CHECK_CHARS = 6;
  static final int BODY_CHARS = ID_CHARS + SECRET_CHARS + CHECK_CHARS;

  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(ApiKeyFormat::newSha256);

  /** Room for the longest key ({@code lk_} + 16 + {@code _} + the body), reused per thread. */
  private static final ThreadLocal<byte[]> SCRATCH =
      ThreadLocal.withInitial(() -> new byte[3 + 16 + 1 + BODY_CHARS]);

  private final String prefix;

  ApiKeyFormat(String app) {
    this.prefix = "lk_" + app + "_";
  }

  String prefix() {
    return prefix;
  }

  /** A key parsed: its id and the SHA-256 of its secret (not a record: it holds an array). */
  static final class Parsed {
    private final String id;
    private final byte[] secretHash;

    Parsed(String id, byte[] secretHash) {
      this.id = id;
      this.secretHash = secretHash;
    }

    String id() {
      return id;
    }

    /** The digest itself, not a copy: the caller only compares it. */
    byte[] secretHash() {
      return secretHash;
    }
  }

  /** {@return a fresh secret: 256 bits from SecureRandom, base64url} */
  static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return B64.encodeToString(bytes);
  }

  /** {@return a fresh id in {@code shard}: the tag, then 78 random bits} */
  static String newId(String shard) {
    byte[] bytes = new byte[10];
    RANDOM.nextBytes(bytes);
    return shard + B64.encodeToString(bytes).substring(0, ID_CHARS - shard.length());
  }

  /** {@return the key shown to its owner} */
  String compose(String id, String secret) {
    String body = prefix + id + secret;
    return body + checksum(body.getBytes(StandardCharsets.US_ASCII), body.length());
  }

  /** {@return the base64url (no padding) SHA-256 of the secret, as stored} */
  static String hashSecret(String secret) {
    return B64.encodeToString(SHA256.get().digest(secret.getBytes(StandardCharsets.US_ASCII)));
  }

  /** Whether {@code value} starts with this format's prefix (the bearer dispatch). */
  boolean recognizes(String value) {
    return value != null && value.startsWith(prefix);
  }

  /**
   * The key's id and secret hash, or null when {@code key} is not one of this format's keys with a
   * correct checksum. Asks no store.
   */
  Parsed parse(String key) {
    if (key == null || key.length() != prefix.length() + BODY_CHARS || !key.startsWith(prefix)) {
      return null;
    }
    int n = key.length();
    byte[] ascii = SCRATCH.get();
    try {
      for (int i = 0; i < n; i++) {
        char c = key.charAt(i);
        if (i >= prefix.length() && !base64Url(c)) {
          return null;
        }
        ascii[i] = (byte) c;
      }
      int checked = n - CHECK_CHARS;
      if (checksumBits(ascii, checked) != decodeCheck(key, checked)) {
        return null;
      }
      int idStart = prefix.length();
      int secretStart = idStart + ID_CHARS;
      MessageDigest sha = SHA256.get();
      sha.update(ascii, secretStart, SECRET_CHARS);
      return new Parsed(key.substring(idStart, secretStart), sha.digest());
    } finally {
      // The buffer lives as long as its thread: a secret must not outlive the check.
      Arrays.fill(ascii, 0, n, (byte) 0);
    }
  }

  /** The 36 bits the checksum characters at {@code from} encode. */
  private static long decodeCheck(String key, int from) {
    long bits = 0;
    for (int i = from; i < from + CHECK_CHARS; i++) {
      bits = bits << 6 | ALPHABET.indexOf(key.charAt(i));
    }
    return bits;
  }

  /** The first 36 bits of SHA-256 of {@code ascii[0, length)}. */
  private static long checksumBits(byte[] ascii, int length) {
    MessageDigest sha = SHA256.get();
    sha.update(ascii, 0, length);
    byte[] d = sha.digest();
    return ((d[0] & 0xffL) << 28)
        | ((d[1] & 0xffL) << 20)
        | ((d[2] & 0xffL) << 12)
        | ((d[3] & 0xffL) << 4)
        | ((d[4] & 0xffL) >>> 4);
  }

  /** The first 36 bits of SHA-256 of {@code ascii[0, length)}, as 6 base64url characters. */
  private static String checksum(byte[] ascii, int length) {
    long bits = checksumBits(ascii, length);
    char[] out = new char[CHECK_CHARS];
    for (int i = CHECK_CHARS - 1; i >= 0; i--) {
      out[i] = ALPHABET.charAt((int) (bits & 63));
      bits >>>= 6;
    }
    return new String(out);
  }

  private static boolean base64Url(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "ApiKeyFormat[" + prefix + "]";
  }
}

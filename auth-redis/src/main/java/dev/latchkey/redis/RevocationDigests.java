package dev.latchkey.redis;

import dev.latchkey.core.internal.Sha256Digest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The digests revocation entries are keyed by, in Redis and in the replica: plain SHA-256 of the
 * subject, of {@code iss|jti} and of {@code f|family}. Revocation keys never leave the server, so
 * they need no keyed hash.
 *
 * <p>One per revocation list, with its own bounded cache of subject digests: a subject is checked
 * on every one of its requests, and hashing it again would be the second SHA-256 of each check. The
 * cache is direct-mapped by the subject's {@code String} hash (a slot keeps the last subject put in
 * it; longer subjects are not kept) and safe to race without locks: entries are immutable, so a
 * reader sees some whole entry or none, and a hit is taken only when its subject equals the one
 * asked for. Thread-safe.
 */
final class RevocationDigests {
  /** Base64url characters of a subject's digest that make the shard of its revocation keys. */
  static final int SHARD_CHARS = 6;

  private static final int SHARD_BITS = 6 * SHARD_CHARS;
  private static final String BASE64URL =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final byte[] BASE64URL_VALUES = new byte[128];

  static {
    Arrays.fill(BASE64URL_VALUES, (byte) -1);
    for (int i = 0; i < BASE64URL.length(); i++) {
      BASE64URL_VALUES[BASE64URL.charAt(i)] = (byte) i;
    }
  }

  private static final byte[] NOTHING = new byte[0];
  private static final byte[] FAMILY = "f|".getBytes(StandardCharsets.UTF_8);
  private static final int SUBJECT_SLOTS = 1 << 13;
  private static final int LONGEST_CACHED_SUBJECT = 256;

  private final CachedSubject[] subjects = new CachedSubject[SUBJECT_SLOTS];

  /** The last issuer hashed and its {@code <length>:<issuer>|} in UTF-8: a service has one. */
  private volatile IssuerPrefix issuer =
      new IssuerPrefix("", "0:|".getBytes(StandardCharsets.UTF_8));

  private record CachedSubject(String subject, Sha256Digest digest) {}

  /** An issuer and its prefix bytes; the array is never changed once shared. */
  private static final class IssuerPrefix {
    final String issuer;
    final byte[] utf8;

    IssuerPrefix(String issuer, byte[] utf8) {
      this.issuer = issuer;
      this.utf8 = utf8;
    }
  }

  /**
   * SHA-256 of the subject's UTF-8: the hash part of its revocation key, and its {@link #shard}.
   */
  Sha256Digest subject(String subject) {
    int h = subject.hashCode();
    int slot = (h ^ (h >>> 16)) & (SUBJECT_SLOTS - 1);
    CachedSubject cached = subjects[slot];
    if (cached != null && cached.subject().equals(subject)) {
      return cached.digest();
    }
    Sha256Digest digest = Sha256Digest.hash(subject.getBytes(StandardCharsets.UTF_8), NOTHING);
    if (subject.length() <= LONGEST_CACHED_SUBJECT) {
      subjects[slot] = new CachedSubject(subject, digest);
    }
    return digest;
  }

  /**
   * SHA-256 of {@code <issuer length>:<issuer>|<token id>} in UTF-8, the length in UTF-16 units as
   * {@link String#length}: the hash part of a revoked token's key. The length first, so that no two
   * pairs give the same input.
   */
  Sha256Digest token(String issuer, String tokenId) {
    IssuerPrefix prefix = this.issuer;
    if (!prefix.issuer.equals(issuer)) {
      // The UTF-8 of the whole input is that of its parts: '|' keeps a surrogate pair (or an
      // unpaired surrogate, written as '?') from spanning two of them.
      prefix =
          new IssuerPrefix(
              issuer, (issuer.length() + ":" + issuer + "|").getBytes(StandardCharsets.UTF_8));
      this.issuer = prefix;
    }
    return Sha256Digest.hash(prefix.utf8, tokenId.getBytes(StandardCharsets.UTF_8));
  }

  /** SHA-256 of {@code f|<family id>} in UTF-8: the hash part of a revoked family's key. */
  Sha256Digest family(String familyId) {
    return Sha256Digest.hash(FAMILY, familyId.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The shard of the subject {@code subject} is the digest of, in its revocation keys: its first
   * {@value #SHARD_CHARS} Base64url characters. Fixed here, apart from the shard tag of ids, so
   * that revocations already in Redis keep being found.
   */
  static String shard(Sha256Digest subject) {
    return subject.toBase64Url().substring(0, SHARD_CHARS);
  }

  /**
   * The {@link #shard} of {@code subject} as a number: the 36 bits its six characters encode, which
   * are the digest's first 36 bits. Building no text, it is what the replica keys its entries by.
   */
  static long shardCode(Sha256Digest subject) {
    return subject.w0() >>> (Long.SIZE - SHARD_BITS);
  }

  /**
   * The number {@link #shardCode} gives for the shard text {@code shard}, or -1 when {@code shard}
   * is not {@value #SHARD_CHARS} Base64url characters (no subject has such a shard).
   */
  static long shardCode(String shard) {
    if (shard.length() != SHARD_CHARS) {
      return -1;
    }
    long code = 0;
    for (int i = 0; i < SHARD_CHARS; i++) {
      char c = shard.charAt(i);
      int v = c < 128 ? BASE64URL_VALUES[c] : -1;
      if (v < 0) {
        return -1;
      }
      code = code << 6 | v;
    }
    return code;
  }

  /** The shard text whose {@link #shardCode} is {@code code}. */
  static String shardText(long code) {
    char[] text = new char[SHARD_CHARS];
    for (int i = SHARD_CHARS - 1; i >= 0; i--) {
      text[i] = BASE64URL.charAt((int) (code & 63));
      code >>>= 6;
    }
    return new String(text);
  }
}

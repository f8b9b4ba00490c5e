package dev.latchkey.redis;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A SHA-256 digest held as its four 64-bit words (big-endian): how the revocation replica keys its
 * entries. A lookup builds no Base64 text and no key string, {@link #hashCode} is one word of the
 * digest (uniform already) and {@link #equals} compares four longs; the Redis key of an entry is
 * built only when Redis is asked.
 *
 * <p>The factories hash on a per-thread {@link MessageDigest} into reused buffers; subjects'
 * digests are also kept in a small cache. Thread-safe.
 */
record Sha256(long w0, long w1, long w2, long w3) {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final int BYTES = 32;

  /** Base64url characters of 32 bytes without padding. */
  static final int CHARS = 43;

  /** Base64url characters of a subject's digest that make the shard of its revocation keys. */
  static final int SHARD_CHARS = 6;

  private static final ThreadLocal<Hasher> HASHERS = ThreadLocal.withInitial(Hasher::new);

  /**
   * Subject digests computed lately, direct-mapped by the subject's {@code String} hash: a subject
   * is checked on every one of its requests, and hashing it again would be the second SHA-256 of
   * each check. Bounded (a slot keeps the last subject put in it; longer subjects are not kept) and
   * safe to race without locks: entries are immutable, so a reader sees some whole entry or none,
   * and a hit is taken only when its subject equals the one asked for.
   */
  private static final int SUBJECT_SLOTS = 1 << 13;

  private static final int LONGEST_CACHED_SUBJECT = 256;
  private static final CachedSubject[] SUBJECTS = new CachedSubject[SUBJECT_SLOTS];

  private record CachedSubject(String subject, Sha256 digest) {}

  /**
   * SHA-256 of the subject's UTF-8: the hash part of its revocation key, and its shard ({@link
   * #shard}). Revocation keys never leave the server, so they need no keyed hash.
   */
  static Sha256 ofSubject(String subject) {
    int h = subject.hashCode();
    int slot = (h ^ (h >>> 16)) & (SUBJECT_SLOTS - 1);
    CachedSubject cached = SUBJECTS[slot];
    if (cached != null && cached.subject().equals(subject)) {
      return cached.digest();
    }
    Sha256 digest = HASHERS.get().subject(subject);
    if (subject.length() <= LONGEST_CACHED_SUBJECT) {
      SUBJECTS[slot] = new CachedSubject(subject, digest);
    }
    return digest;
  }

  /**
   * SHA-256 of {@code <issuer length>:<issuer>|<token id>} in UTF-8, the length in UTF-16 units as
   * {@link String#length}: the hash part of a revoked token's key. The length first, so that no two
   * pairs give the same input.
   */
  static Sha256 ofToken(String issuer, String tokenId) {
    return HASHERS.get().token(issuer, tokenId);
  }

  /** SHA-256 of {@code f|<family id>} in UTF-8: the hash part of a revoked family's key. */
  static Sha256 ofFamily(String familyId) {
    return HASHERS.get().subject("f|" + familyId);
  }

  /**
   * Reads the Base64url text {@link #toBase64Url} writes, and only that: 43 characters of the
   * url-safe alphabet with the two spare bits of the last one zero. Null for anything else (such
   * text is no key a check of this version could look up).
   */
  static Sha256 parse(String text) {
    if (text.length() != CHARS) {
      return null;
    }
    byte[] bytes;
    try {
      bytes = B64_DECODER.decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
    Sha256 digest = of(bytes);
    // The decoder ignores the spare bits: one digest, one spelling.
    return digest.toBase64Url().equals(text) ? digest : null;
  }

  /** The Base64url text (no padding) of the digest, as the hash part of a Redis key. */
  String toBase64Url() {
    byte[] bytes = new byte[BYTES];
    LONGS.set(bytes, 0, w0);
    LONGS.set(bytes, 8, w1);
    LONGS.set(bytes, 16, w2);
    LONGS.set(bytes, 24, w3);
    return B64.encodeToString(bytes);
  }

  /**
   * The shard of the subject this is the digest of, in its revocation keys: its first {@value
   * #SHARD_CHARS} Base64url characters. Fixed here, apart from the shard tag of ids, so that
   * revocations already in Redis keep being found.
   */
  String shard() {
    return toBase64Url().substring(0, SHARD_CHARS);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(w0);
  }

  /** Only the type name: a digest of a token id or a subject is not for logs. */
  @Override
  public String toString() {
    return "Sha256";
  }

  private static Sha256 of(byte[] bytes) {
    return new Sha256(
        (long) LONGS.get(bytes, 0),
        (long) LONGS.get(bytes, 8),
        (long) LONGS.get(bytes, 16),
        (long) LONGS.get(bytes, 24));
  }

  /** One thread's digest and buffers. */
  private static final class Hasher {
    private final MessageDigest sha = newSha256();
    private final byte[] out = new byte[BYTES];

    /** The last issuer hashed and its {@code <length>:<issuer>|} in UTF-8: services have one. */
    private String issuer;

    private byte[] issuerPrefix;

    Sha256 subject(String subject) {
      sha.update(subject.getBytes(StandardCharsets.UTF_8));
      return finish();
    }

    Sha256 token(String issuer, String tokenId) {
      if (!issuer.equals(this.issuer)) {
        // The UTF-8 of the whole input is that of its parts: '|' keeps a surrogate pair (or an
        // unpaired surrogate, written as '?') from spanning two of them.
        issuerPrefix = (issuer.length() + ":" + issuer + "|").getBytes(StandardCharsets.UTF_8);
        this.issuer = issuer;
      }
      // Every byte is in hand before the digest is fed, so nothing can leave it half-fed.
      byte[] id = tokenId.getBytes(StandardCharsets.UTF_8);
      sha.update(issuerPrefix);
      sha.update(id);
      return finish();
    }

    private Sha256 finish() {
      try {
        sha.digest(out, 0, BYTES);
      } catch (DigestException e) {
        throw new IllegalStateException("SHA-256 writes 32 bytes", e);
      }
      return of(out);
    }

    private static MessageDigest newSha256() {
      try {
        return MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java platform must provide SHA-256", e);
      }
    }
  }
}

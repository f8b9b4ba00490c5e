package dev.latchkey.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * A SHA-256 digest as its four 64-bit words, big-endian: the one digest type of the library. {@link
 * dev.latchkey.core.spi.HashedId} keeps the same words inline (through the static methods here, so
 * that an id parsed on a cookie check allocates no digest object of its own), and stores that key
 * in-memory structures by digests use this record: a lookup builds no Base64 text, {@link
 * #hashCode} is one word (uniform already) and {@link #equals} compares four longs.
 *
 * <p>The text form is the canonical base64url without padding, 43 characters: {@link #parse}
 * accepts exactly what {@link #toBase64Url} writes. {@link #toString} names the type only: a digest
 * of a token id or a subject is not for logs. Immutable and thread-safe.
 *
 * @param w0 bytes 0 to 7
 * @param w1 bytes 8 to 15
 * @param w2 bytes 16 to 23
 * @param w3 bytes 24 to 31
 */
public record Sha256Digest(long w0, long w1, long w2, long w3) {
  /** Bytes of a SHA-256 digest. */
  public static final int BYTES = 32;

  /** Base64url characters of a digest, without padding. */
  public static final int CHARS = 43;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /**
   * {@return the digest held in the first 32 bytes of {@code bytes}}
   *
   * @param bytes at least 32 bytes
   */
  public static Sha256Digest of(byte[] bytes) {
    return new Sha256Digest(word(bytes, 0), word(bytes, 1), word(bytes, 2), word(bytes, 3));
  }

  /**
   * {@return the SHA-256 of {@code first} followed by {@code second}}, on this thread's reused
   * {@link MessageDigest}. Both arrays are complete before the digest is fed, so nothing can leave
   * it half-fed.
   *
   * @param first the first bytes
   * @param second the bytes that follow
   */
  public static Sha256Digest hash(byte[] first, byte[] second) {
    OpaqueIds.Scratch scratch = OpaqueIds.SCRATCH.get();
    MessageDigest sha = scratch.sha256;
    sha.update(first);
    sha.update(second);
    try {
      sha.digest(scratch.out, 0, BYTES);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 writes 32 bytes", e);
    }
    return of(scratch.out);
  }

  /**
   * Reads the text {@link #toBase64Url} writes, and only that: 43 characters of the url-safe
   * alphabet with the two spare bits of the last one zero.
   *
   * @param text the encoded digest
   * @return the digest, or {@code null} for any other text
   * @throws NullPointerException if {@code text} is null
   */
  public static Sha256Digest parse(String text) {
    byte[] bytes = OpaqueIds.decodeSha256(text);
    return bytes == null ? null : of(bytes);
  }

  /** {@return the canonical base64url text (no padding) of the digest} */
  public String toBase64Url() {
    return toBase64Url(w0, w1, w2, w3);
  }

  /**
   * {@return the canonical base64url text (no padding) of the digest with these words}
   *
   * @param w0 bytes 0 to 7
   * @param w1 bytes 8 to 15
   * @param w2 bytes 16 to 23
   * @param w3 bytes 24 to 31
   */
  public static String toBase64Url(long w0, long w1, long w2, long w3) {
    byte[] bytes = new byte[BYTES];
    LONGS.set(bytes, 0, w0);
    LONGS.set(bytes, 8, w1);
    LONGS.set(bytes, 16, w2);
    LONGS.set(bytes, 24, w3);
    return B64.encodeToString(bytes);
  }

  /**
   * {@return word {@code index} (0 to 3) of the digest in {@code bytes}, big-endian}
   *
   * @param bytes at least 32 bytes
   * @param index which 8 bytes
   */
  public static long word(byte[] bytes, int index) {
    return (long) LONGS.get(bytes, index * 8);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(w0);
  }

  /** Only the type name: a digest of a token id or a subject is not for logs. */
  @Override
  public String toString() {
    return "Sha256Digest";
  }
}

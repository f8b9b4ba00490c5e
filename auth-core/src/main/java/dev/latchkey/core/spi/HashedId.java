package dev.latchkey.core.spi;

import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.internal.Sha256Digest;
import java.util.Objects;

/**
 * The stored form of an opaque secret (a session id or a refresh token): the SHA-256 of the raw
 * value, and the shard of its owner. Stores key on this and never see the raw value, so a dump of a
 * store yields nothing a client could present.
 *
 * <p>The shard is a short tag carried inside the raw value, chosen by the store the id was made for
 * ({@link SessionStore#shardFor}, {@link RefreshTokenStore#shardFor}), so that a clustered store
 * can place every key of one subject in one slot without knowing the subject at lookup time. It is
 * never a function of the subject that anyone could compute (see {@link OpaqueIds}).
 *
 * <p>A value, like a record of {@code (shard, hash)}: two ids are equal exactly when their shards
 * and their hashes are equal strings, and {@link #toString()} is {@code HashedId[shard=...,
 * hash=...]}. Immutable and thread-safe.
 *
 * <p>Not a record, unlike the other values, for the cookie check's sake: an id that {@link
 * OpaqueIds#parse} makes holds the 32 bytes of its SHA-256 and its shard as numbers, and makes the
 * strings {@link #hash()} and {@link #shard()} only when asked; equality and {@link #hashCode()}
 * compare the numbers. An in-memory store keyed by this value then neither builds a string per
 * lookup nor walks one to hash or compare it.
 */
public final class HashedId {
  // The shard's base64url values, 6 bits each, when it is SHARD_CHARS base64url characters (always,
  // for the ids this library makes); -1 otherwise, and equality falls back to the shard string.
  private final long shardBits;
  // Set at construction, or decoded from shardBits on first use (a benign race, as for `hash`).
  private String shard;
  // The SHA-256 as the four words of a Sha256Digest, inline so that a parsed id is one object,
  // when the hash is the canonical base64url of 32 bytes (always, for the ids this library makes).
  // Otherwise `digest` is false, the longs are zero, and
  // equality falls back to the hash string: no two hash strings can then be confused, because the
  // canonical encoding is one-to-one.
  private final boolean digest;
  private final long d0;
  private final long d1;
  private final long d2;
  private final long d3;
  // Set at construction, or encoded from the longs on first use (a benign race, as String's
  // cached hash code: every thread computes the same immutable string).
  private String hash;

  /**
   * An id from its parts.
   *
   * @param shard the id's shard tag, as its store chose it
   * @param hash base64url (no padding) SHA-256 of the whole raw value
   */
  public HashedId(String shard, String hash) {
    this(
        Objects.requireNonNull(shard, "shard"),
        OpaqueIds.packShard(shard),
        Objects.requireNonNull(hash, "hash"),
        OpaqueIds.decodeSha256(hash));
  }

  private HashedId(String shard, long shardBits, String hash, byte[] sha256) {
    this.shard = shard;
    this.shardBits = shardBits;
    this.hash = hash;
    this.digest = sha256 != null;
    this.d0 = digest ? Sha256Digest.word(sha256, 0) : 0;
    this.d1 = digest ? Sha256Digest.word(sha256, 1) : 0;
    this.d2 = digest ? Sha256Digest.word(sha256, 2) : 0;
    this.d3 = digest ? Sha256Digest.word(sha256, 3) : 0;
  }

  /**
   * An id from a packed shard tag and the first 32 bytes of {@code sha256}, whose strings are made
   * only when asked. The library's id codec uses this to skip two encodings per lookup; store
   * implementations receive ids and never need it.
   *
   * @param shardBits the shard tag, packed by the library's id codec (never -1)
   * @param sha256 at least 32 bytes; the first 32 are copied
   * @return the id
   */
  public static HashedId ofSha256(long shardBits, byte[] sha256) {
    return new HashedId(null, shardBits, null, sha256);
  }

  /** {@return the id's shard tag, as its store chose it} */
  public String shard() {
    String s = shard;
    if (s == null) {
      s = OpaqueIds.unpackShard(shardBits);
      shard = s;
    }
    return s;
  }

  /** {@return the base64url (no padding) SHA-256 of the whole raw value} */
  public String hash() {
    String h = hash;
    if (h == null) {
      h = Sha256Digest.toBase64Url(d0, d1, d2, d3);
      hash = h;
    }
    return h;
  }

  /**
   * Whether {@code o} is an id with an equal shard and an equal hash.
   *
   * <p>Not in constant time, and it need not be: what is compared is a SHA-256, never the raw
   * secret, so how long a mismatch takes tells a client nothing about a live id's raw value (a
   * store lookup by the same hash is no more constant-time).
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof HashedId other) || digest != other.digest) {
      return false;
    }
    boolean sameHash =
        digest
            ? d0 == other.d0 && d1 == other.d1 && d2 == other.d2 && d3 == other.d3
            : hash.equals(other.hash);
    boolean sameShard =
        (shardBits >= 0 || other.shardBits >= 0)
            ? shardBits == other.shardBits
            : shard.equals(other.shard);
    return sameHash && sameShard;
  }

  @Override
  public int hashCode() {
    // Any 32 bits of a SHA-256 are uniform: no string walk, no mixing needed.
    return digest ? (int) d0 : hash.hashCode();
  }

  @Override
  public String toString() {
    return "HashedId[shard=" + shard() + ", hash=" + hash() + "]";
  }
}

package dev.latchkey.redis;

import dev.latchkey.core.internal.OpaqueIds;

/**
 * The stored format of the revocation keys, written out here as plain strings and independently of
 * {@link Keys} and {@link RevocationDigests}: the format nodes of older versions read and write,
 * which must never change.
 */
final class StoredRevocationKeys {
  private StoredRevocationKeys() {}

  /** The shard of a subject's revocation keys: the first 6 characters of its SHA-256. */
  static String shard(String subject) {
    return OpaqueIds.hash(subject).substring(0, 6);
  }

  /** {@code <prefix>{<shard>}:rt:<Base64url SHA-256 of "<issuer length>:<issuer>|<token id>">}. */
  static String token(String prefix, String issuer, String tokenId, String subject) {
    return prefix
        + "{"
        + shard(subject)
        + "}:rt:"
        + OpaqueIds.hash(issuer.length() + ":" + issuer + "|" + tokenId);
  }

  /** {@code <prefix>{<shard>}:rs:<Base64url SHA-256 of the subject>}. */
  static String subject(String prefix, String subject) {
    return prefix + "{" + shard(subject) + "}:rs:" + OpaqueIds.hash(subject);
  }
}

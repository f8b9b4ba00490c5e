package dev.latchkey.redis;

import dev.latchkey.core.HashedId;
import dev.latchkey.core.OpaqueIds;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;

/**
 * Key names. Every key of one subject carries the subject's shard as a Cluster hash tag ({@code
 * {shard}}) so that every multi-key script touches one slot; keys hold hashes only, never a raw
 * id, token or login name.
 */
final class Keys {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every Java platform must provide SHA-256", e);
            }
          });
  /**
   * Whether a subject's shard is the start of its hash, as {@link OpaqueIds#shardOf} documents:
   * then one digest gives both (the revocation check runs on every request).
   */
  private static final boolean SHARD_IS_HASH_PREFIX =
      OpaqueIds.hash("latchkey").equals(hash("latchkey"))
          && OpaqueIds.shardOf("latchkey")
              .equals(hash("latchkey").substring(0, OpaqueIds.SHARD_CHARS));

  private final String prefix;

  Keys(String prefix) {
    this.prefix = Objects.requireNonNull(prefix, "prefix");
  }

  String prefix() {
    return prefix;
  }

  /** {@code <prefix>{<shard>}:} — the start of every key in one subject's slot. */
  String slot(String shard) {
    return prefix + '{' + shard + "}:";
  }

  String session(HashedId id) {
    return slot(id.shard()) + "s:" + id.hash();
  }

  String sessionPrefix(String shard) {
    return slot(shard) + "s:";
  }

  String sessionIndex(String subject) {
    return slot(OpaqueIds.shardOf(subject)) + "u:" + OpaqueIds.hash(subject);
  }

  String sessionIndexPrefix(String shard) {
    return slot(shard) + "u:";
  }

  String revokedToken(String subject, String tokenHash) {
    return slot(OpaqueIds.shardOf(subject)) + "rt:" + tokenHash;
  }

  String revokedSubject(String subject) {
    return slot(OpaqueIds.shardOf(subject)) + "rs:" + OpaqueIds.hash(subject);
  }

  /** Both revocation keys of one check, {token key, subject key}, with as few digests as may be. */
  String[] revocationKeys(String issuer, String tokenId, String subject) {
    if (!SHARD_IS_HASH_PREFIX) {
      return new String[] {
        revokedToken(subject, tokenHash(issuer, tokenId)), revokedSubject(subject)
      };
    }
    String subjectHash = hash(subject);
    String slot = slot(subjectHash.substring(0, OpaqueIds.SHARD_CHARS));
    return new String[] {slot + "rt:" + tokenHash(issuer, tokenId), slot + "rs:" + subjectHash};
  }

  String revocationChannel() {
    return prefix + "revocations";
  }

  String refreshToken(HashedId id) {
    return slot(id.shard()) + "rf:" + id.hash();
  }

  String refreshSubjectIndex(String subject) {
    return slot(OpaqueIds.shardOf(subject)) + "rfu:" + OpaqueIds.hash(subject);
  }

  String throttleName(String loginName) {
    return prefix + "lt:n:" + OpaqueIds.hash(loginName);
  }

  String throttleAddress(String address) {
    return prefix + "lt:a:" + OpaqueIds.hash(address);
  }

  /** The token half of a revocation key: SHA-256 of {@code iss|jti}, lengths first so that no two
   * pairs collide. */
  static String tokenHash(String issuer, String tokenId) {
    return hash(issuer.length() + ":" + issuer + "|" + tokenId);
  }

  /** Base64url SHA-256, as {@link OpaqueIds#hash}, without a digest lookup per call. */
  static String hash(String value) {
    MessageDigest digest = SHA256.get();
    return B64.encodeToString(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
  }
}

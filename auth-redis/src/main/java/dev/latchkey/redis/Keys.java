package dev.latchkey.redis;

import dev.latchkey.core.HashedId;
import dev.latchkey.core.OpaqueIds;
import java.util.Objects;

/**
 * Key names. Every key of one subject carries the subject's shard as a Cluster hash tag ({@code
 * {shard}}) so that every multi-key script touches one slot; keys hold hashes only, never a raw
 * id, token or login name.
 */
final class Keys {
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
    return OpaqueIds.hash(issuer.length() + ":" + issuer + "|" + tokenId);
  }
}

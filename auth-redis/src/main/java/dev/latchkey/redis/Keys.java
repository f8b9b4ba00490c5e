package dev.latchkey.redis;

import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.internal.Sha256Digest;
import dev.latchkey.core.spi.HashedId;
import java.util.Objects;

/**
 * Key names. Every key of one subject carries the subject's shard as a Cluster hash tag ({@code
 * {shard}}) so that every multi-key script touches one slot; keys hold hashes only, never a raw id,
 * token or login name. A session's or refresh family's shard and its subject's index name come from
 * {@link Placement} (keyed); the revocation keys keep their own layout ({@link RevocationDigests}).
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

  String sessionIndex(Placement.Subject subject) {
    return slot(subject.shard()) + "u:" + subject.hash();
  }

  String sessionIndexPrefix(String shard) {
    return slot(shard) + "u:";
  }

  /** An API key's record: {@code <prefix>{<shard>}:k:<id>}; the id is public, never a secret. */
  String apiKey(String id) {
    return apiKeyPrefix(id.substring(0, OpaqueIds.SHARD_CHARS)) + id;
  }

  String apiKeyPrefix(String shard) {
    return slot(shard) + "k:";
  }

  /** A subject's index of its API keys, scored by creation: {@code <prefix>{<shard>}:ku:<hash>}. */
  String apiKeyIndex(Placement.Subject subject) {
    return slot(subject.shard()) + "ku:" + subject.hash();
  }

  /** A revoked token's key: {@code <prefix>{<shard>}:rt:<Base64url SHA-256 of iss|jti>}. */
  String revokedToken(String shard, Sha256Digest token) {
    return slot(shard) + "rt:" + token.toBase64Url();
  }

  /** A subject's not-before key: {@code <prefix>{<shard>}:rs:<Base64url SHA-256 of subject>}. */
  String revokedSubject(Sha256Digest subject) {
    return slot(RevocationDigests.shard(subject)) + "rs:" + subject.toBase64Url();
  }

  /**
   * Reads back a key {@link #revokedToken} or {@link #revokedSubject} wrote under this prefix; null
   * for any other key. A subject key whose shard is not that of its digest is refused as well: no
   * check looks such a key up.
   */
  RevocationKey parseRevocation(String key) {
    int open = prefix.length();
    if (!key.startsWith(prefix) || !key.startsWith("{", open)) {
      return null;
    }
    int close = key.indexOf('}', open + 1);
    if (close < 0) {
      return null;
    }
    boolean subject;
    if (key.startsWith("}:rt:", close)) {
      subject = false;
    } else if (key.startsWith("}:rs:", close)) {
      subject = true;
    } else {
      return null;
    }
    Sha256Digest hash = Sha256Digest.parse(key.substring(close + 5));
    String shard = key.substring(open + 1, close);
    if (hash == null || (subject && !shard.equals(RevocationDigests.shard(hash)))) {
      return null;
    }
    return new RevocationKey(subject, shard, hash);
  }

  /** A revocation key read back: a subject's or a token's, its slot's shard, its digest. */
  record RevocationKey(boolean subject, String shard, Sha256Digest hash) {}

  /**
   * A revoked refresh family's key: {@code <prefix>{<subject shard>}:rg:<Base64url SHA-256 of the
   * family id>}.
   */
  String revokedFamily(String shard, Sha256Digest family) {
    return slot(shard) + "rg:" + family.toBase64Url();
  }

  /**
   * Reads back a key {@link #revokedFamily} wrote under this prefix (its shard and the family's
   * digest); null for any other key.
   */
  RevocationKey parseFamilyRevocation(String key) {
    int open = prefix.length();
    if (!key.startsWith(prefix) || !key.startsWith("{", open)) {
      return null;
    }
    int close = key.indexOf('}', open + 1);
    if (close < 0 || !key.startsWith("}:rg:", close)) {
      return null;
    }
    Sha256Digest hash = Sha256Digest.parse(key.substring(close + 5));
    return hash == null ? null : new RevocationKey(false, key.substring(open + 1, close), hash);
  }

  /**
   * A subject's index of its token and family revocation keys, scored by their end: what bounds the
   * entries one subject can hold. {@code <prefix>{<shard>}:ri:<subject digest>}.
   */
  String revocationIndex(Sha256Digest subject) {
    return slot(RevocationDigests.shard(subject)) + "ri:" + subject.toBase64Url();
  }

  String revocationChannel() {
    return prefix + "revocations";
  }

  /** The one hash holding every refresh family of a shard: {@code <prefix>{<shard>}:rf}. */
  String refreshFamilies(String shard) {
    return slot(shard) + "rf";
  }

  /** A one-time token's key: {@code <prefix>{<shard>}:ot:<hash>}. */
  String oneTimeToken(HashedId id) {
    return slot(id.shard()) + "ot:" + id.hash();
  }

  /** The prefix of every one-time token key in a shard's slot. */
  String oneTimeTokenPrefix(String shard) {
    return slot(shard) + "ot:";
  }

  /** A subject's index of its one-time tokens: {@code <prefix>{<shard>}:oi:<subject hash>}. */
  String oneTimeIndex(Placement.Subject subject) {
    return slot(subject.shard()) + "oi:" + subject.hash();
  }

  /** A pending OpenID login's key: {@code <prefix>{<shard>}:pl:<hash of its state>}. */
  String pendingLogin(HashedId id) {
    return slot(id.shard()) + "pl:" + id.hash();
  }

  /** The prefix of every pending-login key in a shard's slot. */
  String pendingLoginPrefix(String shard) {
    return slot(shard) + "pl:";
  }

  /** A client's index of its pending logins: {@code <prefix>{<shard>}:pi:<client hash>}. */
  String pendingLoginIndex(Placement.Subject client) {
    return slot(client.shard()) + "pi:" + client.hash();
  }

  /** Where {@link Placement} keeps its key: outside every subject's slot. */
  String placementKey() {
    return prefix + "placement";
  }

  /**
   * A login name's throttle counter. Every throttle key shares the hash tag {@code {lt}}: one
   * script counts a name and an address together, whichever they are.
   */
  String throttleName(String loginName) {
    return prefix + "{lt}:n:" + OpaqueIds.hash(loginName);
  }

  /** An address group's throttle counter, in the same slot as every name's. */
  String throttleAddress(String address) {
    return prefix + "{lt}:a:" + OpaqueIds.hash(address);
  }

  /**
   * A subject's second factor (sealed secret, active flag, last accepted step): {@code
   * <prefix>{<shard>}:mf:<subject hash>}.
   */
  String secondFactor(Placement.Subject subject) {
    return slot(subject.shard()) + "mf:" + subject.hash();
  }

  /** The keyed hashes of a subject's unused recovery codes, in the same slot. */
  String recoveryCodes(Placement.Subject subject) {
    return slot(subject.shard()) + "mr:" + subject.hash();
  }

  /**
   * A passkey's record, in its subject's slot: {@code <prefix>{<shard>}:pk:<subject hash>:<SHA-256
   * of the credential id>}.
   */
  String passkey(Placement.Subject subject, String credentialHash) {
    return passkeyPrefix(subject) + credentialHash;
  }

  /** The prefix of every passkey record of one subject. */
  String passkeyPrefix(Placement.Subject subject) {
    return slot(subject.shard()) + "pk:" + subject.hash() + ":";
  }

  /** A subject's index of its passkeys, scored by creation: {@code <prefix>{<shard>}:pu:<hash>}. */
  String passkeyIndex(Placement.Subject subject) {
    return slot(subject.shard()) + "pu:" + subject.hash();
  }

  /**
   * Which subject holds a credential id, in the credential's own slot: {@code <prefix>{<first
   * characters of its hash>}:pi:<SHA-256 of the credential id>}.
   */
  String passkeyPointer(String credentialHash) {
    return slot(credentialHash.substring(0, OpaqueIds.SHARD_CHARS)) + "pi:" + credentialHash;
  }

  /** A ceremony in progress: {@code <prefix>{<first characters>}:pc:<SHA-256 of the challenge>}. */
  String passkeyChallenge(String challengeHash) {
    String shard =
        challengeHash.length() > OpaqueIds.SHARD_CHARS
            ? challengeHash.substring(0, OpaqueIds.SHARD_CHARS)
            : challengeHash;
    return slot(shard) + "pc:" + challengeHash;
  }
}

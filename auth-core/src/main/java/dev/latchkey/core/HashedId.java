package dev.latchkey.core;

import java.util.Objects;

/**
 * The stored form of an opaque secret (a session id or a refresh token): the SHA-256 of the raw
 * value, and the shard of its owner. Stores key on this and never see the raw value, so a dump of a
 * store yields nothing a client could present.
 *
 * <p>The shard is a short tag derived from the owner's subject ({@link OpaqueIds#shardOf}) and
 * carried inside the raw value, so that a clustered store can place every key of one subject in one
 * slot without knowing the subject at lookup time. The in-memory stores ignore it.
 *
 * @param shard the owner's shard tag, as given by {@link OpaqueIds#shardOf}
 * @param hash base64url (no padding) SHA-256 of the whole raw value
 */
public record HashedId(String shard, String hash) {
  public HashedId {
    Objects.requireNonNull(shard, "shard");
    Objects.requireNonNull(hash, "hash");
  }
}

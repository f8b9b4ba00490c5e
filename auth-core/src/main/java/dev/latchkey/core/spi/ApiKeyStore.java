package dev.latchkey.core.spi;

import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.internal.OpaqueIds;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * API keys by their public id, with a per-subject index for listing and for the cap. In memory
 * ({@code auth-account}) or in Redis ({@code auth-redis}). Policy (the key format, hashing,
 * lifetimes, when to record a use) lives in the service; the store keeps records.
 *
 * <p><b>Bounded per subject.</b> A subject holds at most {@code maxPerSubject} live keys (checked
 * atomically by {@link #create}), and a revoked key is remembered, so that it is refused as revoked
 * rather than unknown, only while the subject holds at most {@code maxPerSubject} revoked keys:
 * {@link #create} forgets the oldest beyond that. So a subject never holds more than about twice
 * its cap, however often it creates and revokes. A record is forgotten at its {@code expiresAt}.
 *
 * <p>Times are the caller's: the service passes its clock's {@code now}. Every method throws {@link
 * StoreUnavailableException} when the backend cannot be reached. Implementations must be safe for
 * concurrent use.
 */
public interface ApiKeyStore {

  /**
   * The shard tag to start a new key id of {@code subject} with (see {@link OpaqueIds}), so that a
   * clustered store keeps a subject's keys and index in one place. It must tell nothing about the
   * subject to whoever lacks the store's own secrets. The default, for a store that places nothing,
   * is a fresh random tag.
   *
   * @param subject the subject of the key being created
   * @return {@value OpaqueIds#SHARD_CHARS} base64url characters
   */
  default String shardFor(String subject) {
    return OpaqueIds.randomShard();
  }

  /**
   * Stores a new key unless its subject already holds {@code maxPerSubject} keys live at {@code
   * now} (neither revoked nor expired), in one atomic step: of concurrent creates for one subject,
   * no more succeed than the cap allows. Forgets the subject's oldest revoked keys beyond {@code
   * maxPerSubject}, and its expired ones.
   *
   * @param key the new key, not revoked, never used
   * @param maxPerSubject the most live keys a subject may hold, at least 1
   * @param now the caller's current time
   * @return whether it was stored; false when the subject is at its cap
   * @throws IllegalArgumentException when the id is already held, {@code maxPerSubject} is below 1,
   *     or (a store that places by subject) the id's shard is not the one {@link #shardFor} gives
   */
  boolean create(ApiKeyRecord key, int maxPerSubject, Instant now);

  /**
   * The key with this id: one read, for a verification.
   *
   * @param id a well-formed key id ({@link ApiKeyRecord#isId})
   * @return the record, revoked or not; empty when unknown or forgotten. A store may still answer a
   *     record whose {@code expiresAt} has passed; the caller checks it.
   */
  Optional<ApiKeyRecord> find(String id);

  /**
   * The subject's keys not expired at {@code now}, revoked ones included, oldest first.
   *
   * @param subject whose keys
   * @param now the caller's current time
   * @return the records, at most about twice the cap (see the class comment)
   */
  List<ApiKeyRecord> list(String subject, Instant now);

  /**
   * Revokes the key {@code id} if it belongs to {@code subject}; it stays known as revoked until it
   * expires or is forgotten (see the class comment).
   *
   * @param subject the subject the key must belong to
   * @param id the key's id
   * @return whether this call revoked a key; false for an unknown key, one already revoked, or
   *     another subject's (which is left untouched)
   */
  boolean revoke(String subject, String id);

  /**
   * Records a use of the key at {@code at}: its {@code lastUsedAt} becomes {@code at} unless it is
   * already that late or later. Nothing happens for an unknown key.
   *
   * @param id the key's id
   * @param at when it was used
   */
  void touch(String id, Instant at);
}

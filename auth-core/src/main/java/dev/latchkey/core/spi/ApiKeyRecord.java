package dev.latchkey.core.spi;

import dev.latchkey.core.internal.OpaqueIds;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An API key as an {@link ApiKeyStore} holds it: everything but the secret, which is kept only as
 * its SHA-256. {@code toString()} never shows that hash.
 *
 * @param id the key's public identifier, {@value #ID_CHARS} base64url characters whose first
 *     {@value OpaqueIds#SHARD_CHARS} are the shard tag its store chose ({@link
 *     ApiKeyStore#shardFor}); random otherwise, so it names no one
 * @param subject whom the key authenticates as
 * @param name the owner's label for the key, shown in listings
 * @param scopes what the key may do, as the application names it
 * @param createdAt when the key was made
 * @param expiresAt when the key stops working, after {@code createdAt}
 * @param revoked whether the key was revoked before it expired
 * @param lastUsedAt when a verification last succeeded, to within the service's write interval;
 *     empty when never
 * @param secretHash base64url (no padding) SHA-256 of the key's secret part
 */
public record ApiKeyRecord(
    String id,
    String subject,
    String name,
    Set<String> scopes,
    Instant createdAt,
    Instant expiresAt,
    boolean revoked,
    Optional<Instant> lastUsedAt,
    String secretHash) {

  /** Characters of an id: a shard tag and 13 random base64url characters (78 bits). */
  public static final int ID_CHARS = 16;

  /**
   * Checks the record and copies the scopes.
   *
   * @param id the key's identifier, {@value #ID_CHARS} base64url characters
   * @param subject whom the key authenticates as, not blank
   * @param name the owner's label
   * @param scopes what the key may do
   * @param createdAt when the key was made
   * @param expiresAt when the key stops working, after {@code createdAt}
   * @param revoked whether the key was revoked
   * @param lastUsedAt when it was last used, or empty
   * @param secretHash the canonical base64url SHA-256 of the secret, 43 characters
   * @throws NullPointerException if an argument or a scope is null
   * @throws IllegalArgumentException if the id or the hash is malformed, the subject is blank, or
   *     {@code expiresAt} is not after {@code createdAt}
   */
  public ApiKeyRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(name, "name");
    scopes = Set.copyOf(scopes);
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(lastUsedAt, "lastUsedAt");
    Objects.requireNonNull(secretHash, "secretHash");
    if (!isId(id)) {
      throw new IllegalArgumentException(
          "an API key id is " + ID_CHARS + " base64url characters: got " + id.length());
    }
    if (subject.isBlank()) {
      throw new IllegalArgumentException("subject cannot be blank");
    }
    if (!expiresAt.isAfter(createdAt)) {
      throw new IllegalArgumentException(
          "expiresAt must be after createdAt: " + expiresAt + " <= " + createdAt);
    }
    if (OpaqueIds.decodeSha256(secretHash) == null) {
      throw new IllegalArgumentException("secretHash is not the base64url SHA-256 of a secret");
    }
  }

  /**
   * {@return whether {@code id} has the shape of an API key id}: {@value #ID_CHARS} base64url
   * characters.
   *
   * @param id the text to check, or {@code null}
   */
  public static boolean isId(String id) {
    if (id == null || id.length() != ID_CHARS) {
      return false;
    }
    return OpaqueIds.packShard(id.substring(0, OpaqueIds.SHARD_CHARS)) >= 0
        && id.chars().allMatch(ApiKeyRecord::base64Url);
  }

  /** {@return the shard tag at the start of the id} */
  public String shard() {
    return id.substring(0, OpaqueIds.SHARD_CHARS);
  }

  /**
   * {@return whether the key is usable at {@code now}}: not revoked and not yet expired.
   *
   * @param now the time to judge by
   */
  public boolean liveAt(Instant now) {
    return !revoked && now.isBefore(expiresAt);
  }

  /** {@return this record revoked} */
  public ApiKeyRecord asRevoked() {
    return new ApiKeyRecord(
        id, subject, name, scopes, createdAt, expiresAt, true, lastUsedAt, secretHash);
  }

  /**
   * {@return this record last used at {@code at}}
   *
   * @param at the time of use
   */
  public ApiKeyRecord usedAt(Instant at) {
    return new ApiKeyRecord(
        id, subject, name, scopes, createdAt, expiresAt, revoked, Optional.of(at), secretHash);
  }

  private static boolean base64Url(int c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }

  @Override
  public String toString() {
    return "ApiKeyRecord[id="
        + id
        + ", subject="
        + subject
        + ", name="
        + name
        + ", scopes="
        + scopes
        + ", createdAt="
        + createdAt
        + ", expiresAt="
        + expiresAt
        + ", revoked="
        + revoked
        + ", lastUsedAt="
        + lastUsedAt
        + ", secretHash=<redacted>]";
  }
}

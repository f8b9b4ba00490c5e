package dev.latchkey.core.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One registered passkey (a WebAuthn credential) as a {@link PasskeyStore} keeps it: nothing in it
 * is a secret (the private key never leaves the authenticator), but the public key and the sign
 * counter decide who may log in, so only the passkey service writes them.
 *
 * @param credentialId the credential id the authenticator chose, base64url without padding
 * @param subject the subject the passkey logs in
 * @param userHandle the WebAuthn user handle given to the authenticator, base64url without padding;
 *     opaque, never the subject itself
 * @param publicKey the credential public key as COSE_Key bytes, base64url without padding
 * @param signCount the last signature counter accepted, from 0 to 2<sup>32</sup>-1
 * @param transports the transports the browser reported ({@code internal}, {@code usb}, ...)
 * @param name the owner's label for it
 * @param createdAt when it was registered
 * @param lastUsedAt when it last logged in; empty before its first use
 * @param backupEligible whether the authenticator said the credential may be synced
 * @param backedUp whether it said the credential is synced now
 */
public record PasskeyRecord(
    String credentialId,
    String subject,
    String userHandle,
    String publicKey,
    long signCount,
    Set<String> transports,
    String name,
    Instant createdAt,
    Optional<Instant> lastUsedAt,
    boolean backupEligible,
    boolean backedUp) {
  /** The longest credential id accepted, in base64url characters (1023 bytes, WebAuthn's limit). */
  public static final int MAX_CREDENTIAL_ID_CHARS = 1364;

  /** The longest name accepted, in characters. */
  public static final int MAX_NAME_CHARS = 64;

  /** The largest sign counter: WebAuthn's counter is an unsigned 32-bit integer. */
  public static final long MAX_SIGN_COUNT = 0xFFFF_FFFFL;

  private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");

  /**
   * Checks the parts and copies the transports.
   *
   * @param credentialId the component of that name
   * @param subject the component of that name
   * @param userHandle the component of that name
   * @param publicKey the component of that name
   * @param signCount the component of that name
   * @param transports the component of that name
   * @param name the component of that name
   * @param createdAt the component of that name
   * @param lastUsedAt the component of that name
   * @param backupEligible the component of that name
   * @param backedUp the component of that name
   * @throws NullPointerException when a part is null
   * @throws IllegalArgumentException when an id or key is not base64url, the id or name is too long
   *     or blank, or the counter is out of range
   */
  public PasskeyRecord {
    Objects.requireNonNull(credentialId, "credentialId");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(userHandle, "userHandle");
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(lastUsedAt, "lastUsedAt");
    transports = Set.copyOf(Objects.requireNonNull(transports, "transports"));
    if (!isCredentialId(credentialId)) {
      throw new IllegalArgumentException(
          "credentialId must be base64url of at most " + MAX_CREDENTIAL_ID_CHARS + " characters");
    }
    if (!BASE64URL.matcher(userHandle).matches() || userHandle.length() > 88) {
      throw new IllegalArgumentException("userHandle must be base64url of at most 64 bytes");
    }
    if (!BASE64URL.matcher(publicKey).matches()) {
      throw new IllegalArgumentException("publicKey must be base64url");
    }
    if (subject.isBlank()) {
      throw new IllegalArgumentException("subject cannot be blank");
    }
    if (name.isBlank() || name.length() > MAX_NAME_CHARS) {
      throw new IllegalArgumentException(
          "name must be from 1 to " + MAX_NAME_CHARS + " characters, not blank");
    }
    if (signCount < 0 || signCount > MAX_SIGN_COUNT) {
      throw new IllegalArgumentException("signCount must be from 0 to 2^32-1: " + signCount);
    }
  }

  /**
   * {@return whether {@code id} has the shape of a credential id}: base64url without padding, at
   * most {@link #MAX_CREDENTIAL_ID_CHARS} characters. A store answers "none" for any other text.
   *
   * @param id the text to check
   */
  public static boolean isCredentialId(String id) {
    return id != null
        && !id.isEmpty()
        && id.length() <= MAX_CREDENTIAL_ID_CHARS
        && BASE64URL.matcher(id).matches();
  }

  /**
   * {@return this record with another counter and last use}
   *
   * @param count the new counter
   * @param usedAt when it was used
   */
  public PasskeyRecord withUse(long count, Instant usedAt) {
    return new PasskeyRecord(
        credentialId,
        subject,
        userHandle,
        publicKey,
        count,
        transports,
        name,
        createdAt,
        Optional.of(usedAt),
        backupEligible,
        backedUp);
  }

  /**
   * {@return this record under another name}
   *
   * @param newName the new name
   */
  public PasskeyRecord withName(String newName) {
    return new PasskeyRecord(
        credentialId,
        subject,
        userHandle,
        publicKey,
        signCount,
        transports,
        newName,
        createdAt,
        lastUsedAt,
        backupEligible,
        backedUp);
  }
}

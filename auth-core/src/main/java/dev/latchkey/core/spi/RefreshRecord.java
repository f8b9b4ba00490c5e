package dev.latchkey.core.spi;

import dev.latchkey.core.Principal;
import java.time.Instant;
import java.util.Objects;

/**
 * A refresh token as a {@link RefreshTokenStore} holds it.
 *
 * @param id the hashed refresh token; the raw token is never stored
 * @param familyId the family: every token descended by rotation from one login
 * @param principal whom new access tokens are issued to
 * @param issuedAt when this token was issued
 * @param expiresAt when this token stops being usable (never after {@code familyExpiresAt})
 * @param familyExpiresAt the family's absolute end, however often it rotates
 */
public record RefreshRecord(
    HashedId id,
    String familyId,
    Principal principal,
    Instant issuedAt,
    Instant expiresAt,
    Instant familyExpiresAt) {

  /**
   * Checks the record.
   *
   * @param id the hashed refresh token
   * @param familyId the family
   * @param principal whom new access tokens are issued to
   * @param issuedAt when this token was issued
   * @param expiresAt when this token stops being usable, not after {@code familyExpiresAt}
   * @param familyExpiresAt the family's absolute end
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code expiresAt} is after {@code familyExpiresAt}
   */
  public RefreshRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(familyId, "familyId");
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(familyExpiresAt, "familyExpiresAt");
    if (expiresAt.isAfter(familyExpiresAt)) {
      throw new IllegalArgumentException(
          "expiresAt cannot be after familyExpiresAt: " + expiresAt + " > " + familyExpiresAt);
    }
  }
}

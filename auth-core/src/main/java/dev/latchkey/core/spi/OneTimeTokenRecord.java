package dev.latchkey.core.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A one-time token or code as a {@link OneTimeTokenStore} holds it. Neither the raw token nor the
 * raw code is ever stored: {@code id} is the SHA-256 of the token bound to its purpose (for a code,
 * of the code's binding), and {@code codeDigest} the keyed SHA-256 of a code. {@code toString()}
 * shows neither digest.
 *
 * @param id the hashed token, or the hashed binding of a code
 * @param subject whom the token is for
 * @param purpose the purpose's name, e.g. {@code password_reset}
 * @param issuedAt when it was issued, by the issuing service's clock
 * @param expiresAt when it stops working
 * @param retainUntil when the store forgets it, at or after {@code expiresAt}: until then a late
 *     presentation can be told apart from an unknown one (expired, not invalid)
 * @param codeDigest for a code, the digest to compare a presented code's with; empty for a link
 * @param attempts how many presentations of the code have been counted so far
 */
public record OneTimeTokenRecord(
    HashedId id,
    String subject,
    String purpose,
    Instant issuedAt,
    Instant expiresAt,
    Instant retainUntil,
    Optional<String> codeDigest,
    int attempts) {

  /**
   * Checks the record.
   *
   * @param id the hashed token or binding
   * @param subject whom the token is for
   * @param purpose the purpose's name
   * @param issuedAt when it was issued
   * @param expiresAt when it stops working, after {@code issuedAt}
   * @param retainUntil when the store forgets it, not before {@code expiresAt}
   * @param codeDigest the code's digest, or empty for a link
   * @param attempts the presentations counted so far, not negative
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the times are out of order, {@code attempts} is negative,
   *     or {@code purpose} is empty
   */
  public OneTimeTokenRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(retainUntil, "retainUntil");
    Objects.requireNonNull(codeDigest, "codeDigest");
    if (purpose.isEmpty()) {
      throw new IllegalArgumentException("purpose cannot be empty");
    }
    if (!expiresAt.isAfter(issuedAt)) {
      throw new IllegalArgumentException(
          "expiresAt must be after issuedAt: " + expiresAt + " <= " + issuedAt);
    }
    if (retainUntil.isBefore(expiresAt)) {
      throw new IllegalArgumentException(
          "retainUntil cannot be before expiresAt: " + retainUntil + " < " + expiresAt);
    }
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts cannot be negative: " + attempts);
    }
  }

  /**
   * {@return whether it still works at {@code now}}
   *
   * @param now the time to judge by
   */
  public boolean liveAt(Instant now) {
    return now.isBefore(expiresAt);
  }

  /** {@return this record with one more attempt counted} */
  public OneTimeTokenRecord withOneMoreAttempt() {
    return new OneTimeTokenRecord(
        id, subject, purpose, issuedAt, expiresAt, retainUntil, codeDigest, attempts + 1);
  }

  @Override
  public String toString() {
    return "OneTimeTokenRecord[subject="
        + subject
        + ", purpose="
        + purpose
        + ", issuedAt="
        + issuedAt
        + ", expiresAt="
        + expiresAt
        + ", code="
        + codeDigest.isPresent()
        + ", attempts="
        + attempts
        + "]";
  }
}

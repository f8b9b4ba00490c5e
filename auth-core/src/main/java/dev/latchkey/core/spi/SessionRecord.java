package dev.latchkey.core.spi;

import dev.latchkey.core.Principal;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A session as a {@link SessionStore} holds it. Immutable; {@code attributes} is copied.
 *
 * @param id the hashed session id; the raw id is never stored
 * @param principal who is logged in
 * @param createdAt when the session was created (login)
 * @param lastSeenAt the last sliding renewal (not every request: renewals are rate-limited)
 * @param expiresAt when the session ends unless renewed: {@code min(lastSeenAt + idle timeout,
 *     absoluteExpiresAt)}
 * @param absoluteExpiresAt when the session ends however active it is
 * @param retainUntil when the store forgets the record; at or after {@code expiresAt}. Between the
 *     two the session is dead but still known, so that a client is told EXPIRED rather than
 *     INVALID_CREDENTIALS
 * @param attributes application attributes (user agent, client address, step-up level...)
 */
public record SessionRecord(
    HashedId id,
    Principal principal,
    Instant createdAt,
    Instant lastSeenAt,
    Instant expiresAt,
    Instant absoluteExpiresAt,
    Instant retainUntil,
    Map<String, String> attributes) {

  /**
   * Checks the times and copies {@code attributes}.
   *
   * @param id the hashed session id
   * @param principal who is logged in
   * @param createdAt when the session was created
   * @param lastSeenAt the last sliding renewal
   * @param expiresAt when the session ends unless renewed, not after {@code absoluteExpiresAt}
   * @param absoluteExpiresAt when the session ends however active it is
   * @param retainUntil when the store forgets the record, not before {@code expiresAt}
   * @param attributes application attributes
   * @throws NullPointerException if an argument, an attribute name or an attribute value is null
   * @throws IllegalArgumentException if {@code expiresAt} is after {@code absoluteExpiresAt} or
   *     {@code retainUntil} is before {@code expiresAt}
   */
  public SessionRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(lastSeenAt, "lastSeenAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(absoluteExpiresAt, "absoluteExpiresAt");
    Objects.requireNonNull(retainUntil, "retainUntil");
    if (expiresAt.isAfter(absoluteExpiresAt)) {
      throw new IllegalArgumentException(
          "expiresAt cannot be after absoluteExpiresAt: " + expiresAt + " > " + absoluteExpiresAt);
    }
    if (retainUntil.isBefore(expiresAt)) {
      throw new IllegalArgumentException(
          "retainUntil cannot be before expiresAt: " + retainUntil + " < " + expiresAt);
    }
    attributes = Map.copyOf(attributes);
  }

  /**
   * {@return whether the session is live at {@code now}}: {@code now} is before {@code expiresAt}.
   *
   * @param now the time to judge at
   */
  public boolean isLiveAt(Instant now) {
    return now.isBefore(expiresAt);
  }

  /**
   * {@return a copy with another id (rotation) and everything else kept}
   *
   * @param newId the new hashed id
   */
  public SessionRecord withId(HashedId newId) {
    return new SessionRecord(
        newId,
        principal,
        createdAt,
        lastSeenAt,
        expiresAt,
        absoluteExpiresAt,
        retainUntil,
        attributes);
  }
}

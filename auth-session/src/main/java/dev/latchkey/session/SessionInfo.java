package dev.latchkey.session;

import dev.latchkey.core.Assurance;
import dev.latchkey.core.spi.SessionRecord;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What an application may show or use of one session, e.g. on a "your active sessions" page. Holds
 * no secret: the raw session id is not here, and the {@code handle} cannot be presented as a
 * cookie. Immutable; the collections are copied.
 *
 * @param handle a stable, non-secret name of the session for listings; pass it to {@link
 *     SessionAdmin#endSession} to end this session. It is the stored hash of the session id, which
 *     no client can turn back into a cookie
 * @param subject who is logged in
 * @param roles the roles the session was created with (a {@link SessionCheck.Active}'s principal
 *     holds the current ones when the manager has a principal resolver)
 * @param createdAt when the session was created (login)
 * @param lastSeenAt the last sliding renewal; renewals are rate-limited, so this may lag the last
 *     request by up to the manager's renewal interval
 * @param expiresAt when the session ends unless renewed
 * @param absoluteExpiresAt when the session ends however active it is
 * @param attributes application attributes (user agent, client address...); never the manager's own
 * @param assurance how strongly, and when, the user last authenticated for this session
 */
public record SessionInfo(
    String handle,
    String subject,
    Set<String> roles,
    Instant createdAt,
    Instant lastSeenAt,
    Instant expiresAt,
    Instant absoluteExpiresAt,
    Map<String, String> attributes,
    Assurance assurance) {

  /**
   * A session's data; {@code roles} and {@code attributes} are copied.
   *
   * @param handle a stable, non-secret name of the session for listings; pass it to {@link
   *     SessionAdmin#endSession} to end this session. It is the stored hash of the session id,
   *     which no client can turn back into a cookie
   * @param subject who is logged in
   * @param roles the roles the session was created with (a {@link SessionCheck.Active}'s principal
   *     holds the current ones when the manager has a principal resolver)
   * @param createdAt when the session was created (login)
   * @param lastSeenAt the last sliding renewal; renewals are rate-limited, so this may lag the last
   *     request by up to the manager's renewal interval
   * @param expiresAt when the session ends unless renewed
   * @param absoluteExpiresAt when the session ends however active it is
   * @param attributes application attributes (user agent, client address...)
   * @param assurance how strongly, and when, the user last authenticated for this session
   * @throws NullPointerException when any argument, role, attribute name or attribute value is null
   */
  public SessionInfo {
    Objects.requireNonNull(handle, "handle");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(lastSeenAt, "lastSeenAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(absoluteExpiresAt, "absoluteExpiresAt");
    Objects.requireNonNull(assurance, "assurance");
    roles = Set.copyOf(roles);
    attributes = Map.copyOf(attributes);
  }

  /** {@return what a listing shows of {@code r}}: its handle is the hash, never the raw id. */
  static SessionInfo of(SessionRecord r) {
    return new SessionInfo(
        r.id().hash(),
        r.principal().subject(),
        r.principal().roles(),
        r.createdAt(),
        r.lastSeenAt(),
        r.expiresAt(),
        r.absoluteExpiresAt(),
        SessionAssurance.applicationAttributes(r.attributes()),
        SessionAssurance.of(r));
  }
}

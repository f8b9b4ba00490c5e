/**
 * Server-side sessions: {@link dev.latchkey.session.SessionManager} runs the whole lifecycle (login
 * with a fresh 256-bit id, the cookie check with idle and absolute timeouts and rate-limited
 * sliding renewal, attributes, rotation on privilege change, logout, "log out everywhere", a cap on
 * sessions per subject, the session's CSRF token, roles kept current through a {@link
 * dev.latchkey.core.PrincipalResolver}) on any {@link dev.latchkey.core.spi.SessionStore}, and
 * offers the session-cookie strategy as {@link
 * dev.latchkey.session.SessionManager#authenticator()}; {@link dev.latchkey.session.SessionAdmin}
 * groups its administrative operations (a subject's sessions, "log out everywhere"). Its outcomes,
 * {@link dev.latchkey.session.LoginOutcome} and {@link dev.latchkey.session.SessionCheck}, are read
 * through {@code Optional} accessors or {@code fold}, and refuse with an {@link
 * dev.latchkey.core.AuthResult.Failure}. {@link dev.latchkey.session.SessionManager#inMemoryStore}
 * gives the store for one machine, on Caffeine; {@code auth-redis} supplies one shared by many.
 *
 * <p>Stores only ever hold the SHA-256 of a session id; the raw id exists in the client's cookie
 * and, once, in the {@link dev.latchkey.session.LoginOutcome.NewSession} of its login.
 */
package dev.latchkey.session;

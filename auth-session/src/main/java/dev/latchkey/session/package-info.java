/**
 * Server-side sessions: {@link dev.latchkey.session.SessionManager} runs the whole lifecycle
 * (login with a fresh 256-bit id, the cookie check with idle and absolute timeouts and
 * rate-limited sliding renewal, attributes, rotation on privilege change, logout, "log out
 * everywhere", a cap on sessions per subject) on any {@link dev.latchkey.core.spi.SessionStore}, and
 * offers the session-cookie strategy as {@link
 * dev.latchkey.session.SessionManager#authenticator()}.
 * {@link dev.latchkey.session.InMemorySessionStore} is the store for one machine, on Caffeine;
 * {@code auth-redis} supplies one shared by many.
 *
 * <p>Stores only ever hold the SHA-256 of a session id; the raw id exists in the client's cookie
 * and, once, in the {@link dev.latchkey.session.LoginOutcome.Created} of its login.
 */
package dev.latchkey.session;

/**
 * Latchkey's core: the strategy API every authentication method implements, the outcome type it
 * answers with, password login on bCrypt, login throttling, framework-free HTTP helpers, and the
 * store SPIs that {@code auth-session}, {@code auth-token} and {@code auth-redis} implement.
 *
 * <p>An {@link dev.latchkey.core.Authenticator} checks one kind of {@link
 * dev.latchkey.core.Credentials} and answers an {@link dev.latchkey.core.AuthResult}: a rejection
 * is a value, never an exception, so a caller maps it to a status code with one {@code switch}. An
 * {@link dev.latchkey.core.AuthenticatorChain} dispatches any credentials to the strategy
 * registered for their type. Stores report an unreachable backend by throwing {@link
 * dev.latchkey.core.StoreUnavailableException}, which every strategy turns into {@link
 * dev.latchkey.core.AuthResult.Reason#UNAVAILABLE}: the library fails closed.
 *
 * <p>Password login is {@link dev.latchkey.core.PasswordAuthenticator}: users come from a {@link
 * dev.latchkey.core.UserDirectory}, passwords are checked by {@link
 * dev.latchkey.core.BcryptPasswordHasher}, and failed attempts are limited by a {@link
 * dev.latchkey.core.LoginThrottle} ({@link dev.latchkey.core.InMemoryLoginThrottle} here). The HTTP
 * helpers need no web framework: {@link dev.latchkey.core.SetCookie} and {@link
 * dev.latchkey.core.Cookies} write and read cookies, {@link dev.latchkey.core.BearerHeader} parses
 * {@code Authorization: Bearer}, and {@link dev.latchkey.core.OriginCheck} guards state-changing
 * requests, beside the session's CSRF token ({@code SessionManager.csrfToken} in {@code
 * auth-session}).
 *
 * <p>Every time-dependent type takes a {@link java.time.Clock}. Raw secrets (passwords, session
 * ids, tokens) never appear in {@code toString()}, events, logs or exception messages.
 */
package dev.latchkey.core;

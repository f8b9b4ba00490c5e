package dev.latchkey.core;

/**
 * Something a client presents to prove who it is: a password, a session cookie, a bearer token, or
 * a type the application adds (an API key, a client certificate) together with one more {@link
 * Authenticator}.
 *
 * <p>Implementations must not reveal the secret they carry in {@code toString()}.
 */
public interface Credentials {}

/** Server-side sessions: login, the session cookie, CSRF, logout, and a hybrid cookie. */
package dev.latchkey.examples.sessions;

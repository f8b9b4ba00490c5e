/**
 * Code the Latchkey modules share with one another and with no one else: the opaque-id codec and
 * the session CSRF token. Its types are public only so that sibling modules can reach them; the
 * module descriptor exports this package to those modules alone, and nothing here is a supported
 * API.
 */
package dev.latchkey.core.internal;

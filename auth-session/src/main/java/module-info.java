/**
 * Latchkey's server-side sessions: {@code SessionManager} and the in-memory session store.
 *
 * <p>Reading this module reads {@code dev.latchkey.core} too: its types ({@code Principal}, {@code
 * AuthResult}, the store SPIs) appear in this module's signatures. Caffeine, which backs the
 * in-memory store, is not part of the API.
 */
module dev.latchkey.session {
  requires transitive dev.latchkey.core;
  requires com.github.benmanes.caffeine;

  exports dev.latchkey.session;
}

package dev.latchkey.session;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Authenticator;
import dev.latchkey.core.SessionCookie;

/** The session-cookie strategy: {@link SessionManager#authenticate} behind the strategy API. */
final class SessionAuthenticator implements Authenticator<SessionCookie> {
  private final SessionManager manager;

  SessionAuthenticator(SessionManager manager) {
    this.manager = manager;
  }

  @Override
  public Class<SessionCookie> credentialType() {
    return SessionCookie.class;
  }

  @Override
  public AuthResult authenticate(SessionCookie credentials) {
    return manager.authenticate(credentials);
  }

  @Override
  public String toString() {
    return "SessionAuthenticator";
  }
}

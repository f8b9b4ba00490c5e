package dev.latchkey.servlet;

import dev.latchkey.core.Principal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * The request as the application sees it once Latchkey let it through as a principal: the Servlet
 * API's own security methods answer from that principal, not from the container's realm.
 */
final class AuthenticatedRequest extends HttpServletRequestWrapper {
  /** The Servlet spec's role name for "any authenticated user". */
  private static final String ANY_AUTHENTICATED_USER = "**";

  private final LatchkeyPrincipal principal;
  private final String authType;

  AuthenticatedRequest(HttpServletRequest request, Principal principal, String authType) {
    super(request);
    this.principal = new LatchkeyPrincipal(principal);
    this.authType = authType;
  }

  @Override
  public java.security.Principal getUserPrincipal() {
    return principal;
  }

  @Override
  public String getRemoteUser() {
    return principal.getName();
  }

  @Override
  public boolean isUserInRole(String role) {
    if (role == null) {
      return false;
    }
    return ANY_AUTHENTICATED_USER.equals(role) || principal.latchkey().roles().contains(role);
  }

  @Override
  public String getAuthType() {
    return authType;
  }
}

package dev.latchkey.servlet;

import dev.latchkey.core.Principal;
import java.util.Objects;

/**
 * The {@link java.security.Principal} a container's API hands out for a Latchkey principal: its
 * name is the subject. Immutable.
 */
final class LatchkeyPrincipal implements java.security.Principal {
  private final Principal principal;

  LatchkeyPrincipal(Principal principal) {
    this.principal = Objects.requireNonNull(principal, "principal");
  }

  Principal latchkey() {
    return principal;
  }

  @Override
  public String getName() {
    return principal.subject();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LatchkeyPrincipal other && principal.equals(other.principal);
  }

  @Override
  public int hashCode() {
    return principal.hashCode();
  }

  @Override
  public String toString() {
    return "LatchkeyPrincipal[" + principal.subject() + "]";
  }
}

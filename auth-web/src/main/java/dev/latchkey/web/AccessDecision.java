package dev.latchkey.web;

import dev.latchkey.core.Principal;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What {@link WebAuth} decided about a request to an application route: let it through (as a
 * principal, or on a public route as nobody) or refuse it with a ready {@link WebResponse}. Read it
 * through {@link #principal()}, {@link #refusal()} or {@link #fold}; no cast is needed.
 *
 * <p>Immutable; {@code toString()} shows no credential.
 */
public final class AccessDecision {
  /** How the request was let through. */
  public enum Via {
    /** By the session cookie (and its CSRF token, on a state-changing method). */
    SESSION,
    /** By a bearer token in {@code Authorization}. */
    BEARER,
    /** On a public route, without checking any credential. */
    PUBLIC
  }

  private static final AccessDecision PUBLIC_ROUTE = new AccessDecision(null, Via.PUBLIC, null);

  private final Principal principal;
  private final Via via;
  private final WebResponse refusal;

  private AccessDecision(Principal principal, Via via, WebResponse refusal) {
    this.principal = principal;
    this.via = via;
    this.refusal = refusal;
  }

  static AccessDecision allowed(Principal principal, Via via) {
    return new AccessDecision(Objects.requireNonNull(principal, "principal"), via, null);
  }

  static AccessDecision publicRoute() {
    return PUBLIC_ROUTE;
  }

  static AccessDecision refused(WebResponse refusal) {
    return new AccessDecision(null, null, Objects.requireNonNull(refusal, "refusal"));
  }

  /** {@return whether the request may go on to the application} */
  public boolean allowed() {
    return refusal == null;
  }

  /** {@return who is calling}: empty when refused or on a public route */
  public Optional<Principal> principal() {
    return Optional.ofNullable(principal);
  }

  /** {@return how the request was let through}: empty when refused */
  public Optional<Via> via() {
    return Optional.ofNullable(via);
  }

  /** {@return the answer to send instead of running the route}: empty when allowed */
  public Optional<WebResponse> refusal() {
    return Optional.ofNullable(refusal);
  }

  /**
   * Folds the decision into one value.
   *
   * @param onAllowed applied to this decision when the request may go on
   * @param onRefused applied to the refusal otherwise
   * @param <T> the value's type
   * @return what the applied function returned
   */
  public <T> T fold(
      Function<? super AccessDecision, ? extends T> onAllowed,
      Function<? super WebResponse, ? extends T> onRefused) {
    return refusal == null ? onAllowed.apply(this) : onRefused.apply(refusal);
  }

  @Override
  public String toString() {
    if (refusal != null) {
      return "AccessDecision[refused " + refusal.status() + "]";
    }
    return via == Via.PUBLIC
        ? "AccessDecision[public]"
        : "AccessDecision[" + via + " " + principal.subject() + "]";
  }
}

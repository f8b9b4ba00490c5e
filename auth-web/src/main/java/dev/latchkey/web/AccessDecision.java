package dev.latchkey.web;

import dev.latchkey.core.Assurance;
import dev.latchkey.core.Principal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What {@link WebAuth} decided about a request to an application route: let it through (as a
 * principal, or on a public route as nobody) or refuse it with a ready {@link WebResponse}. Read it
 * through {@link #principal()}, {@link #refusal()} or {@link #fold}; no cast is needed.
 *
 * <p>An allowed decision may carry {@link #headers()} that the adapter adds to the route's answer,
 * whatever the route answers: when a remember-me cookie restored a session, the new session cookie,
 * the rotated remember-me cookie and the new session's CSRF token.
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
    /**
     * By a bearer token of another issuer ({@code WebAuth.Builder.trustedIssuers}), on a route that
     * asked for them: the principal's subject is that issuer's {@code sub}, which names no local
     * account unless the application maps it; its {@code iss} and {@code scope} attributes say
     * whose and what.
     */
    ISSUER,
    /** On a public route, without checking any credential. */
    PUBLIC
  }

  private static final AccessDecision PUBLIC_ROUTE =
      new AccessDecision(null, Via.PUBLIC, null, List.of(), null);

  private final Principal principal;
  private final Via via;
  private final WebResponse refusal;
  private final List<WebResponse.Header> headers;
  private final Assurance assurance;

  private AccessDecision(
      Principal principal,
      Via via,
      WebResponse refusal,
      List<WebResponse.Header> headers,
      Assurance assurance) {
    this.principal = principal;
    this.via = via;
    this.refusal = refusal;
    this.headers = List.copyOf(headers);
    this.assurance = assurance;
  }

  static AccessDecision allowed(Principal principal, Via via) {
    return new AccessDecision(
        Objects.requireNonNull(principal, "principal"), via, null, List.of(), null);
  }

  static AccessDecision bySession(
      Principal principal, Assurance assurance, List<WebResponse.Header> headers) {
    return new AccessDecision(
        Objects.requireNonNull(principal, "principal"),
        Via.SESSION,
        null,
        headers,
        Objects.requireNonNull(assurance, "assurance"));
  }

  static AccessDecision publicRoute() {
    return PUBLIC_ROUTE;
  }

  static AccessDecision refused(WebResponse refusal) {
    return new AccessDecision(
        null, null, Objects.requireNonNull(refusal, "refusal"), List.of(), null);
  }

  /** {@return whether the request may go on to the application} */
  public boolean allowed() {
    return refusal == null;
  }

  /** {@return who is calling}: empty when refused or on a public route */
  public Optional<Principal> principal() {
    return Optional.ofNullable(principal);
  }

  /**
   * {@return how strongly the session's holder authenticated}: {@code REMEMBERED} for a session
   * restored from a remember-me cookie; empty unless let through by a session. A sensitive route
   * asks for more (a step-up) when this is too weak or too old.
   */
  public Optional<Assurance> assurance() {
    return Optional.ofNullable(assurance);
  }

  /** {@return how the request was let through}: empty when refused */
  public Optional<Via> via() {
    return Optional.ofNullable(via);
  }

  /**
   * {@return the headers to add to the route's answer}: empty unless the decision changed the
   * client's credentials (a session restored from a remember-me cookie: {@code Set-Cookie} for the
   * session and for the remember-me cookie, and the CSRF token header); always empty when refused,
   * whose headers are in {@link #refusal()}
   */
  public List<WebResponse.Header> headers() {
    return headers;
  }

  /**
   * {@return {@code response} with {@link #headers()} added}, for an adapter that writes the
   * route's answer as a {@link WebResponse}
   *
   * @param response the route's answer
   */
  public WebResponse addHeadersTo(WebResponse response) {
    WebResponse out = Objects.requireNonNull(response, "response");
    for (WebResponse.Header h : headers) {
      out = out.withHeader(h.name(), h.value());
    }
    return out;
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

package dev.latchkey.servlet;

import dev.latchkey.core.Principal;
import dev.latchkey.web.AccessDecision;
import jakarta.servlet.ServletRequest;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link LatchkeyFilter} decided about a request, read by the application behind it. The
 * filter stores its decision in request attributes, so these methods work on the request a servlet
 * receives, on any wrapper of it and after a forward or include.
 *
 * <pre>{@code
 * Principal caller = LatchkeyRequests.requirePrincipal(request);
 * }</pre>
 *
 * <p>Static methods only; each is safe to call from any thread that may use the request.
 */
public final class LatchkeyRequests {
  /**
   * The request attribute holding the caller's {@link Principal}, present when the request was let
   * through by a session or a bearer token (absent on a public path). Readable from JSP and other
   * templates as {@code requestScope['dev.latchkey.servlet.principal']}.
   */
  public static final String PRINCIPAL_ATTRIBUTE = "dev.latchkey.servlet.principal";

  /**
   * The request attribute holding the filter's {@link AccessDecision}, present on every request the
   * filter let through.
   */
  public static final String DECISION_ATTRIBUTE = "dev.latchkey.servlet.decision";

  private LatchkeyRequests() {}

  /**
   * Who is calling.
   *
   * @param request a request that passed {@link LatchkeyFilter}
   * @return the principal, or empty on a public path or when the filter did not see the request
   * @throws NullPointerException when {@code request} is null
   */
  public static Optional<Principal> principal(ServletRequest request) {
    Object value = Objects.requireNonNull(request, "request").getAttribute(PRINCIPAL_ATTRIBUTE);
    return value instanceof Principal p ? Optional.of(p) : Optional.empty();
  }

  /**
   * Who is calling, on a route that {@link LatchkeyFilter} protects.
   *
   * @param request a request that passed {@link LatchkeyFilter}
   * @return the principal
   * @throws IllegalStateException when the filter did not see the request (it is not mapped to this
   *     path, or is mapped after this code runs), or let it through as a public path: both are
   *     configuration errors, never a client's
   * @throws NullPointerException when {@code request} is null
   */
  public static Principal requirePrincipal(ServletRequest request) {
    Optional<Principal> principal = principal(request);
    if (principal.isPresent()) {
      return principal.get();
    }
    if (decision(request).isEmpty()) {
      throw new IllegalStateException(
          "no Latchkey decision on this request: map LatchkeyFilter (at /*) in front of this route");
    }
    throw new IllegalStateException(
        "this request passed as a public path and has no principal: remove the path from"
            + " WebAuth.Builder.publicPaths or use LatchkeyRequests.principal");
  }

  /**
   * The filter's decision about the request, for how the caller came in ({@link
   * AccessDecision#via()}).
   *
   * @param request a request that passed {@link LatchkeyFilter}
   * @return the decision, always an allowed one; empty when the filter did not see the request
   * @throws NullPointerException when {@code request} is null
   */
  public static Optional<AccessDecision> decision(ServletRequest request) {
    Object value = Objects.requireNonNull(request, "request").getAttribute(DECISION_ATTRIBUTE);
    return value instanceof AccessDecision d ? Optional.of(d) : Optional.empty();
  }
}

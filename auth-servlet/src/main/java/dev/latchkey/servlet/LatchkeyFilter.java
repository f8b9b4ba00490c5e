package dev.latchkey.servlet;

import dev.latchkey.web.AccessDecision;
import dev.latchkey.web.WebAuth;
import dev.latchkey.web.WebRequest;
import dev.latchkey.web.WebResponse;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Latchkey in front of a servlet application: a {@link Filter} that runs a {@link WebAuth} on every
 * request. Register it programmatically, mapped at {@code /*} and before the application's own
 * filters (Jetty's {@code FilterHolder}, Tomcat's {@code FilterDef}/{@code FilterMap}, {@code
 * ServletContext.addFilter}, Spring's {@code FilterRegistrationBean}):
 *
 * <pre>{@code
 * context.addFilter(new FilterHolder(new LatchkeyFilter(webAuth)), "/*",
 *     EnumSet.of(DispatcherType.REQUEST));
 * }</pre>
 *
 * <p>For each request, in order:
 *
 * <ol>
 *   <li>An authentication route ({@link WebAuth#handle}, e.g. {@code POST /session-login}) is
 *       answered here; the chain does not run.
 *   <li>Otherwise {@link WebAuth#authenticate} decides. A refusal (401, 403, 503 with {@code
 *       Retry-After}...) is written as it is and the chain does not run.
 *   <li>An allowed request goes on down the chain. Let through by a session or a bearer token, it
 *       is wrapped so that {@code getUserPrincipal()} names the principal's subject, {@code
 *       getRemoteUser()} is that subject, {@code isUserInRole(role)} answers from {@link
 *       dev.latchkey.core.Principal#roles()} and {@code getAuthType()} is {@code "SESSION"} or
 *       {@code "BEARER"}. On a public path the request passes unchanged. Either way {@link
 *       LatchkeyRequests} reads the decision and the principal from request attributes. The
 *       decision's {@link AccessDecision#headers()} (a session restored from a remember-me cookie:
 *       its cookies and CSRF token) are added to the response before the chain runs.
 * </ol>
 *
 * <p>Paths are context-relative: servlet path plus path info. A container runs filters only on a
 * request it maps to a servlet, so the authentication routes need one at {@code /} (Jetty's {@code
 * ServletContextHandler} provides a default; on a bare Tomcat context, add it). A request that
 * already carries a decision (a forward or an error dispatch, when the filter is mapped to those
 * dispatcher types too) is not decided again.
 *
 * <p>The filter never shows a container's error page for its own failures: a {@link
 * RuntimeException} out of {@code WebAuth} is answered 500 {@code {"error":"internal error"}} and
 * logged with its class name only, since a message may quote a credential. Exceptions from the
 * application's chain propagate untouched.
 *
 * <p>Immutable and safe for concurrent use; one instance serves every request.
 */
public final class LatchkeyFilter implements Filter {
  private static final System.Logger LOG = System.getLogger(LatchkeyFilter.class.getName());
  private static final WebResponse INTERNAL_ERROR =
      WebResponse.json(500, Map.of("error", "internal error"));

  private final WebAuth webAuth;

  /**
   * Creates the filter.
   *
   * @param webAuth the rules it applies, shared with anything else that serves the same users
   * @throws NullPointerException when {@code webAuth} is null
   */
  public LatchkeyFilter(WebAuth webAuth) {
    this.webAuth = Objects.requireNonNull(webAuth, "webAuth");
  }

  /**
   * Answers, refuses or lets the request through, as the class description says.
   *
   * @param request the request; must be an {@link HttpServletRequest}
   * @param response the response; must be an {@link HttpServletResponse}
   * @param chain the rest of the chain, run only for an allowed request
   * @throws ServletException when the request is not HTTP (nothing else is let through), or when
   *     the chain throws it
   * @throws IOException when the answer cannot be written, or when the chain throws it
   */
  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest http)
        || !(response instanceof HttpServletResponse httpResponse)) {
      throw new ServletException("LatchkeyFilter serves HTTP requests only");
    }
    if (http.getAttribute(LatchkeyRequests.DECISION_ATTRIBUTE) instanceof AccessDecision earlier) {
      // Deciding again would check the CSRF token and touch the session a second time.
      chain.doFilter(asDecided(http, earlier), response);
      return;
    }
    WebRequest web = new ServletWebRequest(http);
    WebResponse answer;
    AccessDecision decision = null;
    try {
      Optional<WebResponse> own = webAuth.handle(web);
      if (own.isPresent()) {
        answer = own.get();
      } else {
        decision = webAuth.authenticate(web);
        answer = decision.refusal().orElse(null);
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "Latchkey failed on a request: " + e.getClass().getName());
      answer = INTERNAL_ERROR;
    }
    if (answer != null) {
      write(answer, httpResponse);
      return;
    }
    // A session restored from a remember-me cookie: its cookies and CSRF token go out with
    // whatever the application answers, so they are added before the chain can commit it.
    for (WebResponse.Header header : decision.headers()) {
      httpResponse.addHeader(header.name(), header.value());
    }
    http.setAttribute(LatchkeyRequests.DECISION_ATTRIBUTE, decision);
    decision.principal().ifPresent(p -> http.setAttribute(LatchkeyRequests.PRINCIPAL_ATTRIBUTE, p));
    chain.doFilter(asDecided(http, decision), response);
  }

  private static HttpServletRequest asDecided(HttpServletRequest request, AccessDecision decision) {
    return decision
        .principal()
        .<HttpServletRequest>map(
            p -> new AuthenticatedRequest(request, p, decision.via().map(Enum::name).orElseThrow()))
        .orElse(request);
  }

  /** Status, every header (added, so that {@code Set-Cookie} may repeat), then the body. */
  static void write(WebResponse answer, HttpServletResponse response) throws IOException {
    response.setStatus(answer.status());
    for (WebResponse.Header header : answer.headers()) {
      response.addHeader(header.name(), header.value());
    }
    byte[] body = answer.bodyBytes();
    response.setContentLength(body.length);
    if (body.length > 0) {
      response.getOutputStream().write(body);
    }
  }

  @Override
  public String toString() {
    return "LatchkeyFilter[" + webAuth + "]";
  }
}

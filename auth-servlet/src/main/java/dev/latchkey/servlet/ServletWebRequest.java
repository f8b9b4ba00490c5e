package dev.latchkey.servlet;

import dev.latchkey.web.WebRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link HttpServletRequest} read as a {@link WebRequest}; copies nothing and lives on the
 * request's thread.
 */
final class ServletWebRequest implements WebRequest {
  private final HttpServletRequest request;

  ServletWebRequest(HttpServletRequest request) {
    this.request = Objects.requireNonNull(request, "request");
  }

  @Override
  public String method() {
    return request.getMethod();
  }

  /**
   * The servlet path and the path info, both decoded by the container: with the filter mapped at
   * {@code /*}, the path inside the context, whatever servlet mapping the request matched.
   */
  @Override
  public String path() {
    String servletPath = request.getServletPath();
    String pathInfo = request.getPathInfo();
    String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
    return path.isEmpty() ? "/" : path;
  }

  @Override
  public Optional<String> query() {
    return Optional.ofNullable(request.getQueryString());
  }

  @Override
  public List<String> headers(String name) {
    // A container may refuse to expose a header (the Servlet API then answers null): absent.
    Enumeration<String> values = request.getHeaders(name);
    return values == null ? List.of() : Collections.list(values);
  }

  @Override
  public String clientAddress() {
    return request.getRemoteAddr();
  }

  @Override
  public InputStream body() throws IOException {
    return request.getInputStream();
  }

  @Override
  public String toString() {
    // The path only: a query string or header may hold a credential.
    return "ServletWebRequest[" + request.getMethod() + " " + path() + "]";
  }
}

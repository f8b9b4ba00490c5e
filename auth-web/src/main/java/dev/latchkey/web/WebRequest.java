package dev.latchkey.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * An HTTP request as {@link WebAuth} reads it. An adapter implements it over its framework's
 * request (a Servlet request, the JDK's {@code HttpExchange}); it copies nothing and is used on the
 * request's own thread only.
 */
public interface WebRequest {
  /** {@return the method, exactly as sent} ({@code "GET"}, {@code "POST"}; case-sensitive) */
  String method();

  /**
   * {@return the path the server routes by}, decoded, without the query string: for a Servlet the
   * context-relative path ({@code servletPath + pathInfo}).
   */
  String path();

  /**
   * {@return the raw query string}, without the {@code ?} and still percent-encoded; empty when the
   * request has none. The default answers empty: an adapter that serves the password-reset link's
   * page ({@code GET /password-reset?token=...}) implements it.
   */
  default Optional<String> query() {
    return Optional.empty();
  }

  /**
   * All values of a header, in the order received; empty when absent. Names compare
   * case-insensitively.
   *
   * @param name the header's name
   * @return the values, never null
   */
  List<String> headers(String name);

  /**
   * The first value of a header.
   *
   * @param name the header's name, compared case-insensitively
   * @return the first value, or empty when the header is absent
   */
  default Optional<String> header(String name) {
    List<String> values = headers(name);
    return values.isEmpty() ? Optional.empty() : Optional.ofNullable(values.get(0));
  }

  /**
   * {@return the client's IP address as the server saw it} (the peer of the connection, or what a
   * trusted proxy said: the adapter decides)
   */
  String clientAddress();

  /**
   * The request body. {@link WebAuth} reads it only for its own routes, and at most {@link
   * WebAuth.Builder#maxBodyBytes} of it.
   *
   * @return the body's stream (empty when there is none)
   * @throws IOException when the body cannot be read
   */
  InputStream body() throws IOException;
}

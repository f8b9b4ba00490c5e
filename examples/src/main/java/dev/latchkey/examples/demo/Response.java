package dev.latchkey.examples.demo;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A response to send: status, headers, JSON body. */
final class Response {
  final int status;
  final String body;
  final String contentType;
  final Map<String, String> headers = new LinkedHashMap<>();
  private boolean storeUnavailable;

  private Response(int status, String body, String contentType) {
    this.status = status;
    this.body = body;
    this.contentType = contentType;
  }

  static Response json(int status, Object body) {
    return new Response(status, Json.write(body), "application/json");
  }

  static Response raw(int status, String body, String contentType) {
    return new Response(status, body, contentType);
  }

  static Response error(int status, String message) {
    return json(status, Map.of("error", message));
  }

  /** 503 {@code {"error":"unavailable"}}: the store could not be reached. */
  static Response unavailable() {
    return error(503, "unavailable").storeDown();
  }

  /** Marks this answer as saying the store is unreachable (logged once per outage). */
  Response storeDown() {
    storeUnavailable = true;
    return header("Retry-After", Integer.toString(JsonHttpServer.STORE_RETRY_SECONDS));
  }

  /** Whether this answer says the store is unreachable. */
  boolean storeUnavailable() {
    return storeUnavailable;
  }

  Response header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  void send(HttpExchange ex) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType + "; charset=utf-8");
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    if (status == 503 && !headers.containsKey("Retry-After")) {
      // A 503 says when to come back (RFC 9110 §10.2.3), or clients retry at once.
      ex.getResponseHeaders()
          .set("Retry-After", Integer.toString(JsonHttpServer.OVERLOAD_RETRY_SECONDS));
    }
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}

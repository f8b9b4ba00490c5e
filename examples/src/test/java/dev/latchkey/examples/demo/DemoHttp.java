package dev.latchkey.examples.demo;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/** A small HTTP client for driving a demo server in tests. */
final class DemoHttp {
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * A value shaped like a session id or refresh token (43 base64url characters of 32 random bytes,
   * a dot, a 3-character tag) that no store holds: it passes the shape check and reaches the store.
   */
  static String unknownOpaqueId() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + ".AAA";
  }

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  DemoHttp(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  HttpResponse<String> get(String path, String... headers) {
    return send(request(path, headers).GET().build());
  }

  HttpResponse<String> post(String path, String body, String... headers) {
    return send(
        request(path, headers)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  /** A request with exactly the given headers: no Content-Type unless one is given. */
  HttpResponse<String> send(String method, String path, String body, String... headers) {
    return send(
        request(path, headers).method(method, HttpRequest.BodyPublishers.ofString(body)).build());
  }

  HttpResponse<String> login(String route, String user, String password) {
    return post(route, "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
  }

  private HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b;
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("request failed: " + request.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  static JsonObject json(HttpResponse<String> response) {
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  static String string(HttpResponse<String> response, String member) {
    return json(response).get(member).getAsString();
  }

  /** The {@code sid} cookie's value from a response's Set-Cookie, if it sets one. */
  static Optional<String> sessionCookie(HttpResponse<String> response) {
    return response.headers().allValues("Set-Cookie").stream()
        .filter(v -> v.startsWith("sid="))
        .map(v -> v.substring(4, v.indexOf(';') < 0 ? v.length() : v.indexOf(';')))
        .findFirst();
  }

  static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }
}

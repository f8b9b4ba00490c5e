package dev.latchkey.token;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads the JWK Set URL of an issuer from its OpenID Provider metadata (OpenID Connect Discovery
 * 1.0), once, while configuring. Stateless.
 */
final class Discovery {
  private static final int MAX_METADATA_BYTES = 256 * 1024;

  private Discovery() {}

  /**
   * The {@code jwks_uri} of {@code issuer}'s metadata.
   *
   * @throws IllegalArgumentException when {@code issuer} is not an http(s) URL
   * @throws IllegalStateException when the metadata cannot be fetched or read, names another issuer
   *     or holds no usable {@code jwks_uri}
   */
  static URI jwksUri(String issuer, Duration timeout) {
    URI base;
    try {
      base = URI.create(issuer);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("issuer must be an http(s) URL for discovery: " + issuer);
    }
    if (!isHttp(base)) {
      throw new IllegalArgumentException("issuer must be an http(s) URL for discovery: " + issuer);
    }
    String trimmed = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    URI metadata = URI.create(trimmed + "/.well-known/openid-configuration");
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    HttpRequest request =
        HttpRequest.newBuilder(metadata)
            .timeout(timeout)
            .header("Accept", "application/json")
            .GET()
            .build();
    CompletableFuture<HttpResponse<byte[]>> future =
        http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> response;
    try {
      response = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fetching " + metadata, e);
    } catch (ExecutionException | TimeoutException e) {
      future.cancel(true);
      throw new IllegalStateException("cannot fetch the issuer metadata at " + metadata, e);
    }
    if (response.statusCode() != 200 || response.body().length > MAX_METADATA_BYTES) {
      throw new IllegalStateException(
          "the issuer metadata at " + metadata + " answered " + response.statusCode());
    }
    Map<String, Object> json;
    try {
      json = StrictJson.parseObject(response.body());
    } catch (Refusal r) {
      throw new IllegalStateException("the issuer metadata at " + metadata + " is not JSON");
    }
    if (!issuer.equals(json.get("issuer"))) {
      // OpenID Connect Discovery 1.0, section 4.3: metadata of another issuer is not this one's.
      throw new IllegalStateException(
          "the issuer metadata at " + metadata + " names another issuer");
    }
    Object jwks = json.get("jwks_uri");
    if (jwks instanceof String s) {
      try {
        URI uri = URI.create(s);
        if (isHttp(uri)) {
          return uri;
        }
      } catch (IllegalArgumentException e) {
        // refused below
      }
    }
    throw new IllegalStateException(
        "the issuer metadata at " + metadata + " holds no absolute http(s) jwks_uri");
  }

  private static boolean isHttp(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return (scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null;
  }
}

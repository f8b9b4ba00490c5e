package dev.latchkey.oidc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import no.nav.security.mock.oauth2.MockOAuth2Server;

/**
 * A real OpenID provider (mock-oauth2-server) on a free loopback port, and the browser's part of
 * the flow: follow the authorization redirect and read where the provider sends the browser back.
 */
final class MockProvider implements AutoCloseable {
  static final String ISSUER_ID = "latchkey";

  final MockOAuth2Server server = new MockOAuth2Server();
  private final HttpClient browser =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  MockProvider() throws IOException {
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  URI issuer() {
    return server.issuerUrl(ISSUER_ID).uri();
  }

  /**
   * The browser at the provider: GET {@code authorization}, which the provider answers with a
   * redirect to the client's redirect URI; answers that redirect's query.
   */
  String authorize(URI authorization) throws IOException, InterruptedException {
    HttpResponse<String> r =
        browser.send(
            HttpRequest.newBuilder(authorization).timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 302) {
      throw new IllegalStateException("the provider answered " + r.statusCode());
    }
    URI back = URI.create(r.headers().firstValue("Location").orElseThrow());
    return back.getRawQuery();
  }

  @Override
  public void close() {
    try {
      server.shutdown();
    } catch (RuntimeException e) {
      // Already down (a test shut it on purpose).
    }
  }
}

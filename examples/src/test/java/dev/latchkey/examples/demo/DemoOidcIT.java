package dev.latchkey.examples.demo;

import static dev.latchkey.examples.demo.DemoHttp.sessionCookie;
import static dev.latchkey.examples.demo.DemoHttp.string;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The demo's sign-in with an OpenID provider, over HTTP, against a real provider on loopback. */
class DemoOidcIT {
  private final MockOAuth2Server provider = new MockOAuth2Server();
  private final HttpClient browser = HttpClient.newHttpClient(); // follows no redirect
  private DemoServer server;
  private DemoHttp http;

  @BeforeEach
  void start() throws IOException {
    provider.start(InetAddress.getLoopbackAddress(), 0);
    DemoSettings.Oidc oidc =
        new DemoSettings.Oidc(
            provider.issuerUrl("demo").toString(), "latchkey-demo", "demo-client-secret", null);
    server =
        DemoServer.start(
            new DemoSettings(
                0, null, DemoServerIT.SECRET, false, 4, Clock.systemUTC(), false, oidc, List.of()));
    http = new DemoHttp(server.port());
  }

  @AfterEach
  void stop() {
    server.close();
    try {
      provider.shutdown();
    } catch (RuntimeException e) {
      // Shut down by the test already.
    }
  }

  private static Map<String, String> params(String query) {
    Map<String, String> out = new HashMap<>();
    for (String pair : query.split("&", -1)) {
      int eq = pair.indexOf('=');
      out.put(
          pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  /** The binding cookie's {@code name=value}. */
  private static String cookiePair(HttpResponse<String> r, String name) {
    String set =
        r.headers().allValues("Set-Cookie").stream()
            .filter(v -> v.startsWith(name + "="))
            .findFirst()
            .orElseThrow();
    return set.substring(0, set.indexOf(';'));
  }

  /** The browser at the provider: where it is sent back to. */
  private URI authorize(String location) throws Exception {
    HttpResponse<String> r =
        browser.send(
            HttpRequest.newBuilder(URI.create(location)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(302);
    return URI.create(r.headers().firstValue("Location").orElseThrow());
  }

  @Test
  void thePageOffersTheProviderAndTheRoundTripEndsInASession() throws Exception {
    assertThat(http.get("/").body())
        .contains("href=\"/oidc/login\"")
        .contains("Sign in with localhost");

    HttpResponse<String> login = http.get("/oidc/login");
    assertThat(login.statusCode()).isEqualTo(302);
    String location = login.headers().firstValue("Location").orElseThrow();
    Map<String, String> sent = params(URI.create(location).getRawQuery());
    assertThat(sent)
        .containsEntry("response_type", "code")
        .containsEntry("client_id", "latchkey-demo")
        .containsEntry("redirect_uri", "http://127.0.0.1:" + server.port() + "/oidc/callback")
        .containsEntry("code_challenge_method", "S256")
        .containsKeys("state", "nonce", "code_challenge");
    String binding = cookiePair(login, "latchkey-oidc");

    URI back = authorize(location);
    assertThat(back.getPath()).isEqualTo("/oidc/callback");
    HttpResponse<String> callback =
        http.get("/oidc/callback?" + back.getRawQuery(), "Cookie", binding);
    assertThat(callback.statusCode()).isEqualTo(302);
    assertThat(callback.headers().firstValue("Location")).contains("/");
    String sid = sessionCookie(callback).orElseThrow();

    HttpResponse<String> profile = http.get("/session-profile", "Cookie", "sid=" + sid);
    assertThat(profile.statusCode()).isEqualTo(200);
    assertThat(string(profile, "username")).startsWith(provider.issuerUrl("demo") + "#");
    assertThat(string(profile, "assurance")).isEqualTo("SINGLE_FACTOR");

    // The same callback again is refused: the state is used up.
    HttpResponse<String> replay =
        http.get("/oidc/callback?" + back.getRawQuery(), "Cookie", binding);
    assertThat(replay.statusCode()).isEqualTo(400);
    assertThat(string(replay, "error")).isEqualTo("invalid_state");

    // The page never saw the callback's headers: the profile hands it the CSRF token to log out.
    String csrf = profile.headers().firstValue("X-CSRF-Token").orElseThrow();
    assertThat(
            http.post("/session-logout", "", "Cookie", "sid=" + sid, "X-CSRF-Token", "wrong")
                .statusCode())
        .isEqualTo(403);
    assertThat(
            http.post("/session-logout", "", "Cookie", "sid=" + sid, "X-CSRF-Token", csrf)
                .statusCode())
        .isEqualTo(200);
    assertThat(http.get("/session-profile", "Cookie", "sid=" + sid).statusCode()).isEqualTo(401);
  }

  @Test
  void aForgedStateOrAMissingBrowserCookieIs400() throws Exception {
    HttpResponse<String> forged =
        http.get("/oidc/callback?state=" + "A".repeat(43) + ".AAA&code=abc");
    assertThat(forged.statusCode()).isEqualTo(400);
    assertThat(string(forged, "error")).isEqualTo("invalid_state");

    HttpResponse<String> login = http.get("/oidc/login");
    URI back = authorize(login.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> noCookie = http.get("/oidc/callback?" + back.getRawQuery());
    assertThat(noCookie.statusCode()).isEqualTo(400);
    assertThat(string(noCookie, "error")).isEqualTo("browser_mismatch");
    assertThat(sessionCookie(noCookie)).isEmpty();
  }

  @Test
  void aProviderThatIsDownIs503() throws Exception {
    HttpResponse<String> login = http.get("/oidc/login");
    URI back = authorize(login.headers().firstValue("Location").orElseThrow());
    provider.shutdown();
    HttpResponse<String> callback =
        http.get(
            "/oidc/callback?" + back.getRawQuery(), "Cookie", cookiePair(login, "latchkey-oidc"));
    assertThat(callback.statusCode()).isEqualTo(503);
    assertThat(string(callback, "error")).isEqualTo("unavailable");
  }

  @Test
  void withoutAProviderTheRoutesAndTheLinkAreAbsent() throws Exception {
    try (DemoServer plain = DemoServerIT.startInMemory()) {
      DemoHttp other = new DemoHttp(plain.port());
      assertThat(other.get("/oidc/login").statusCode()).isEqualTo(404);
      assertThat(other.get("/").body()).doesNotContain("/oidc/login");
    }
  }
}

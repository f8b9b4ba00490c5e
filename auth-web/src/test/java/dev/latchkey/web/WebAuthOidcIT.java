package dev.latchkey.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.account.InMemorySecondFactorStore;
import dev.latchkey.account.SecondFactors;
import dev.latchkey.account.Totp;
import dev.latchkey.core.Assurance;
import dev.latchkey.core.Principal;
import dev.latchkey.core.TestClock;
import dev.latchkey.oidc.InMemoryPendingLoginStore;
import dev.latchkey.oidc.OidcLogin;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /oidc/login and /oidc/callback against a real OpenID provider on a loopback port. */
class WebAuthOidcIT {
  private static final URI REDIRECT = URI.create("https://app.example/oidc/callback");

  private final WebFixture fx = new WebFixture();
  private final MockOAuth2Server provider = new MockOAuth2Server();
  private final HttpClient browser =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private OidcLogin oidc;
  private WebAuth web;

  @BeforeEach
  void start() throws IOException {
    provider.start(InetAddress.getLoopbackAddress(), 0);
    oidc =
        OidcLogin.builder(
                provider.issuerUrl("idp").uri(),
                "web-app",
                "web-app-secret",
                REDIRECT,
                InMemoryPendingLoginStore.create())
            // The provider stamps tokens with the system time.
            .clock(new TestClock(Instant.now()))
            .timeouts(Duration.ofSeconds(1), Duration.ofSeconds(2))
            .build();
    web = fx.web(b -> b.oidc(oidc));
  }

  @AfterEach
  void stop() {
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

  private static List<String> setCookies(WebResponse r) {
    List<String> out = new ArrayList<>();
    for (WebResponse.Header h : r.headers()) {
      if (h.name().equalsIgnoreCase("Set-Cookie")) {
        out.add(h.value());
      }
    }
    return out;
  }

  /** The browser at the provider: the query of the redirect back to the callback. */
  private String authorize(String location) throws IOException, InterruptedException {
    HttpResponse<String> r =
        browser.send(
            HttpRequest.newBuilder(URI.create(location)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(302);
    return URI.create(r.headers().firstValue("Location").orElseThrow()).getRawQuery();
  }

  private WebResponse handle(TestRequest request) {
    return web.handle(request).orElseThrow();
  }

  @Test
  void aLoginRoundTripEndsInASessionOfTheMappedUser() throws Exception {
    WebResponse login = handle(TestRequest.get("/oidc/login"));
    assertThat(login.status()).isEqualTo(302);
    String location = login.header("Location").orElseThrow();
    Map<String, String> sent = params(URI.create(location).getRawQuery());
    assertThat(sent)
        .containsEntry("response_type", "code")
        .containsEntry("client_id", "web-app")
        .containsEntry("redirect_uri", REDIRECT.toString())
        .containsEntry("code_challenge_method", "S256")
        .containsKeys("state", "nonce", "code_challenge", "scope");
    String binding = login.header("Set-Cookie").orElseThrow();
    assertThat(binding)
        .startsWith("__Host-latchkey-oidc=")
        .contains("HttpOnly", "Secure", "SameSite=Lax", "Path=/", "Max-Age=600");
    assertThat(login.header("Cache-Control")).contains("no-store");

    String query = authorize(location);
    WebResponse back = handle(TestRequest.get("/oidc/callback").query(query).cookie(binding));
    assertThat(back.status()).isEqualTo(302);
    assertThat(back.header("Location")).contains("/");
    assertThat(back.header("X-CSRF-Token")).isPresent();
    List<String> cookies = setCookies(back);
    String session =
        cookies.stream().filter(c -> c.startsWith("__Host-sid=")).findFirst().orElseThrow();
    assertThat(cookies)
        .anySatisfy(c -> assertThat(c).startsWith("__Host-latchkey-oidc=").contains("Max-Age=0"));

    AccessDecision decision = web.authenticate(TestRequest.get("/profile").cookie(session));
    assertThat(decision.allowed()).isTrue();
    assertThat(decision.principal().orElseThrow().subject()).startsWith(oidc.issuer() + "#");

    // The same callback again: its state is used up.
    WebResponse again = handle(TestRequest.get("/oidc/callback").query(query).cookie(binding));
    assertThat(again.status()).isEqualTo(400);
    assertThat(again.body()).contains("invalid_state");
  }

  @Test
  void anAccountWithItsOwnSecondFactorStillGivesItUnlessTheProviderVouchedForOne()
      throws Exception {
    SecondFactors factors =
        SecondFactors.builder(new InMemorySecondFactorStore(), "Test", "k1", new byte[32])
            .clock(fx.clock)
            .build();
    String secret = factors.enroll("alice", "alice").value().orElseThrow().secret();
    assertThat(factors.activate("alice", Totp.DEFAULT.code(secret, fx.clock.instant())).value())
        .isPresent();
    for (boolean trustAmr : new boolean[] {false, true}) {
      OidcLogin toAlice =
          OidcLogin.builder(
                  provider.issuerUrl("idp").uri(),
                  "web-app",
                  "web-app-secret",
                  REDIRECT,
                  InMemoryPendingLoginStore.create())
              .clock(new TestClock(Instant.now()))
              .subjectMapper((iss, sub, claims) -> Optional.of(Principal.of("alice")))
              .multiFactorFromAmr(trustAmr)
              .build();
      WebAuth withFactors = fx.web(b -> b.secondFactors(factors).oidc(toAlice));
      provider.enqueueCallback(
          new DefaultOAuth2TokenCallback(
              "idp",
              "alice-at-idp",
              "JWT",
              List.of("web-app"),
              Map.of("amr", List.of("mfa")),
              3600));
      WebResponse login = withFactors.handle(TestRequest.get("/oidc/login")).orElseThrow();
      String query = authorize(login.header("Location").orElseThrow());
      WebResponse back =
          withFactors
              .handle(
                  TestRequest.get("/oidc/callback")
                      .query(query)
                      .cookie(login.header("Set-Cookie").orElseThrow()))
              .orElseThrow();
      assertThat(back.status()).isEqualTo(302);
      String session =
          setCookies(back).stream()
              .filter(c -> c.startsWith("__Host-sid="))
              .findFirst()
              .orElseThrow();
      AccessDecision decision =
          withFactors.authenticate(TestRequest.get("/profile").cookie(session));
      if (trustAmr) {
        assertThat(decision.allowed()).isTrue();
        assertThat(decision.assurance().orElseThrow().level())
            .isEqualTo(Assurance.Level.MULTI_FACTOR);
      } else {
        assertThat(decision.allowed()).isFalse();
        assertThat(decision.refusal().orElseThrow().body()).contains("mfa_required");
      }
    }
  }

  @Test
  void aForgedStateIs400() {
    WebResponse r =
        handle(TestRequest.get("/oidc/callback").query("state=" + "A".repeat(43) + ".AAA&code=c"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body()).isEqualTo("{\"error\":\"invalid_state\"}");
    assertThat(handle(TestRequest.get("/oidc/callback")).status()).isEqualTo(400);
  }

  @Test
  void aCallbackWithoutTheBrowserCookieIs400() throws Exception {
    WebResponse login = handle(TestRequest.get("/oidc/login"));
    String query = authorize(login.header("Location").orElseThrow());
    WebResponse r = handle(TestRequest.get("/oidc/callback").query(query));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body()).contains("browser_mismatch");
    assertThat(setCookies(r)).noneMatch(c -> c.startsWith("__Host-sid="));
  }

  @Test
  void aProviderErrorIs401() {
    WebResponse login = handle(TestRequest.get("/oidc/login"));
    String state =
        params(URI.create(login.header("Location").orElseThrow()).getRawQuery()).get("state");
    WebResponse r =
        handle(
            TestRequest.get("/oidc/callback")
                .query("state=" + state + "&error=access_denied")
                .cookie(login.header("Set-Cookie").orElseThrow()));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.body()).contains("provider_error");
  }

  @Test
  void aProviderThatIsDownIs503WithRetryAfter() throws Exception {
    WebResponse login = handle(TestRequest.get("/oidc/login"));
    String query = authorize(login.header("Location").orElseThrow());
    provider.shutdown();
    WebResponse r =
        handle(
            TestRequest.get("/oidc/callback")
                .query(query)
                .cookie(login.header("Set-Cookie").orElseThrow()));
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.header("Retry-After")).isPresent();
  }

  @Test
  void onlyGetIsAllowed() {
    WebResponse r = handle(TestRequest.post("/oidc/login"));
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.header("Allow")).contains("GET");
  }

  @Test
  void theCallbackRouteMustBeTheRedirectUrisPath() {
    assertThatThrownBy(
            () -> fx.web(b -> b.oidc(oidc).endpoint(WebAuth.Endpoint.OIDC_CALLBACK, "/other")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("redirect URI");
    assertThatThrownBy(() -> WebAuth.builder().tokens(fx.tokens).oidc(oidc).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sessions");
  }
}

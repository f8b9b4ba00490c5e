package dev.latchkey.web;

import static dev.latchkey.web.WebFixture.login;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The gates every request meets before a credential is looked at: origin, path, method, body. */
class WebAuthGateTest {
  private final WebFixture fixture = new WebFixture();
  private final WebAuth web = fixture.web(b -> b.publicPaths("/health", "/static/*"));

  @Test
  void aCrossSiteLoginIsRefusedBeforeThePasswordIsChecked() {
    WebResponse r =
        web.handle(
                TestRequest.post("/session-login")
                    .crossSite("https://evil.example")
                    .json(login("alice", "wonderland")))
            .orElseThrow();

    assertThat(r.status()).isEqualTo(403);
    assertThat(r.body()).isEqualTo("{\"error\":\"cross-site request refused\"}");
    assertThat(r.header("Set-Cookie")).isEmpty();
  }

  @Test
  void aCrossSiteLogoutLeavesTheSessionAlive() {
    WebFixture.Session s = WebFixture.sessionLogin(web);

    WebResponse r =
        web.handle(
                TestRequest.post("/session-logout")
                    .cookie(s.setCookie())
                    .header("X-CSRF-Token", s.csrf())
                    .crossSite("http://localhost:9999"))
            .orElseThrow();

    assertThat(r.status()).isEqualTo(403);
    assertThat(web.authenticate(TestRequest.get("/p").cookie(s.setCookie())).allowed()).isTrue();
  }

  @Test
  void sameOriginAndUserInitiatedRequestsPass() {
    for (String site : new String[] {"same-origin", "none"}) {
      AccessDecision d =
          web.authenticate(TestRequest.post("/health").header("Sec-Fetch-Site", site));
      assertThat(d.allowed()).as(site).isTrue();
    }
  }

  @Test
  void sameSiteAndUnknownFetchSitesAreRefusedUnlessTheOriginIsAllowed() {
    WebAuth allowing = fixture.web(b -> b.publicPaths("/x").allowedOrigins("https://app.example"));

    assertThat(
            web.authenticate(
                    TestRequest.post("/health")
                        .header("Sec-Fetch-Site", "same-site")
                        .header("Origin", "https://app.example"))
                .allowed())
        .isFalse();
    assertThat(
            allowing
                .authenticate(
                    TestRequest.post("/x")
                        .header("Sec-Fetch-Site", "same-site")
                        .header("Origin", "https://APP.example:443"))
                .allowed())
        .isTrue();
    assertThat(
            web.authenticate(TestRequest.post("/health").header("Sec-Fetch-Site", "whatever"))
                .allowed())
        .isFalse();
  }

  @Test
  void withoutFetchMetadataTheOriginMustNameTheRequestsOwnHost() {
    TestRequest same =
        TestRequest.post("/health")
            .header("Origin", "http://127.0.0.1:8080")
            .header("Host", "127.0.0.1:8080");
    TestRequest other =
        TestRequest.post("/health")
            .header("Origin", "http://localhost:8080")
            .header("Host", "127.0.0.1:8080");
    TestRequest opaque =
        TestRequest.post("/health").header("Origin", "null").header("Host", "127.0.0.1:8080");

    assertThat(web.authenticate(same).allowed()).isTrue();
    assertThat(web.authenticate(other).allowed()).isFalse();
    assertThat(web.authenticate(opaque).allowed()).isFalse();
  }

  @Test
  void requestsWithoutOriginHeadersPassUnlessConfiguredOtherwise() {
    WebAuth browserOnly = fixture.web(b -> b.publicPaths("/x").allowMissingOriginHeaders(false));

    assertThat(web.authenticate(TestRequest.post("/health")).allowed()).isTrue();
    assertThat(browserOnly.authenticate(TestRequest.post("/x")).allowed()).isFalse();
    assertThat(browserOnly.authenticate(TestRequest.get("/x")).allowed()).isTrue();
  }

  @Test
  void publicPathsPassWithoutACredentialButNotWhenTheyAreNotNormalized() {
    assertThat(web.authenticate(TestRequest.get("/health")).via())
        .contains(AccessDecision.Via.PUBLIC);
    assertThat(web.authenticate(TestRequest.get("/static/app.js")).allowed()).isTrue();
    for (String sneaky :
        new String[] {
          "/static/../admin",
          "/static/./x",
          "/static//x",
          "/static/x;jsessionid=1",
          "/static/%2e%2e/admin",
          "/static\\..\\admin",
          "/health/",
          "/healthz",
          "/static"
        }) {
      assertThat(web.authenticate(TestRequest.get(sneaky)).allowed()).as(sneaky).isFalse();
    }
  }

  @Test
  void loginAndRefreshRoutesArePublicOthersAreNot() {
    assertThat(web.isPublic("/session-login")).isTrue();
    assertThat(web.isPublic("/token-login")).isTrue();
    assertThat(web.isPublic("/token-refresh")).isTrue();
    assertThat(web.isPublic("/session-logout")).isFalse();
    assertThat(web.isPublic("/")).isFalse();
  }

  @Test
  void anAuthenticationRouteAnswersOnlyPost() {
    WebResponse r = web.handle(TestRequest.get("/session-login")).orElseThrow();

    assertThat(r.status()).isEqualTo(405);
    assertThat(r.header("Allow")).contains("POST");
    assertThat(web.handle(TestRequest.get("/elsewhere"))).isEmpty();
    assertThat(
            web.handle(TestRequest.of("PUT", "/session-login").crossSite("https://evil.example"))
                .orElseThrow()
                .status())
        .isEqualTo(403);
  }

  @Test
  void routesCanMoveOrBeUnmounted() {
    WebAuth moved =
        fixture.web(
            b ->
                b.endpoint(WebAuth.Endpoint.SESSION_LOGIN, "/auth/login")
                    .endpoint(WebAuth.Endpoint.TOKEN_LOGIN, null));

    assertThat(moved.handle(TestRequest.post("/session-login"))).isEmpty();
    assertThat(moved.handle(TestRequest.post("/token-login"))).isEmpty();
    assertThat(
            moved
                .handle(TestRequest.post("/auth/login").json(login("alice", "wonderland")))
                .orElseThrow()
                .status())
        .isEqualTo(200);
    assertThat(moved.isPublic("/auth/login")).isTrue();
  }

  @Test
  void loginBodiesAreStrictJsonWithinTheLimit() {
    assertThat(status(TestRequest.post("/session-login").body(login("alice", "wonderland"))))
        .isEqualTo(415);
    assertThat(
            status(
                TestRequest.post("/session-login")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body("username=alice&password=wonderland")))
        .isEqualTo(415);
    assertThat(
            status(
                TestRequest.post("/session-login")
                    .header("Content-Type", "application/json; charset=latin1")
                    .body(login("alice", "wonderland"))))
        .isEqualTo(415);
    assertThat(status(TestRequest.post("/session-login").json("{\"username\":\"alice\"")))
        .isEqualTo(400);
    assertThat(
            status(
                TestRequest.post("/session-login")
                    .json(
                        "{\"username\":\"mallory\",\"username\":\"alice\",\"password\":\"wonderland\"}")))
        .isEqualTo(400);
    assertThat(status(TestRequest.post("/session-login").json("{\"username\":\"alice\"}")))
        .isEqualTo(400);
    assertThat(
            status(
                TestRequest.post("/session-login")
                    .json("{\"username\":\"alice\",\"password\":\"" + "x".repeat(17_000) + "\"}")))
        .isEqualTo(413);
    byte[] badUtf8 =
        "{\"username\":\"alice\",\"password\":\"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(
            status(
                TestRequest.post("/session-login")
                    .header("Content-Type", "application/json")
                    .body(badUtf8)))
        .isEqualTo(400);
  }

  private int status(TestRequest request) {
    return web.handle(request).orElseThrow().status();
  }

  @Test
  void configurationMistakesFailAtBuildTime() {
    assertThatThrownBy(() -> WebAuth.builder().build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> WebAuth.builder().publicPaths("/a/../b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebAuth.builder().publicPaths("relative"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebAuth.builder().allowedOrigins("https://a.example/path"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebAuth.builder().cookieName("__Host-sid"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebAuth.builder().realm("a\"b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                fixture.web(
                    b ->
                        b.endpoint(WebAuth.Endpoint.SESSION_LOGIN, "/x")
                            .endpoint(WebAuth.Endpoint.TOKEN_LOGIN, "/x")))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () ->
                WebAuth.builder()
                    .sessions(fixture.sessions)
                    .build()
                    .authenticateBearer(TestRequest.get("/p")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void responsesAndDecisionsShowNoCredentialInToString() {
    WebResponse login =
        web.handle(TestRequest.post("/session-login").json(login("alice", "wonderland")))
            .orElseThrow();
    String setCookie = login.header("Set-Cookie").orElseThrow();
    String cookieValue = setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    String csrf = WebFixture.field(login.body(), "csrf_token");

    assertThat(login.toString()).doesNotContain(cookieValue).doesNotContain(csrf);
    assertThat(login.headers().toString()).doesNotContain(cookieValue);
    assertThat(web.authenticate(TestRequest.get("/p").cookie(login.header("Set-Cookie").get())))
        .asString()
        .isEqualTo("AccessDecision[SESSION alice]");
  }

  @Test
  void headersCannotBeInjected() {
    assertThatThrownBy(() -> WebResponse.json(200, "{}").withHeader("X-A", "b\r\nSet-Cookie: x=y"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

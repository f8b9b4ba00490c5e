package dev.latchkey.web;

import static dev.latchkey.web.WebFixture.field;
import static dev.latchkey.web.WebFixture.login;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.spy;

import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.spi.RevocationList;
import org.junit.jupiter.api.Test;

class WebAuthTokenTest {
  private final WebFixture fixture = new WebFixture();
  private final WebAuth web = fixture.web();

  private WebResponse tokenLogin(WebAuth w) {
    return w.handle(TestRequest.post("/token-login").json(login("alice", "wonderland")))
        .orElseThrow();
  }

  @Test
  void tokenLoginAnswersAPairThatIsNeverCached() {
    WebResponse r = tokenLogin(web);

    assertThat(r.status()).isEqualTo(200);
    assertThat(field(r.body(), "token_type")).isEqualTo("Bearer");
    assertThat(field(r.body(), "access_token")).isNotBlank();
    assertThat(field(r.body(), "refresh_token")).isNotBlank();
    assertThat(r.body()).contains("\"expires_in\":");
    assertThat(r.header("Cache-Control")).contains("no-store");
    assertThat(r.header("Set-Cookie")).isEmpty();
  }

  @Test
  void aValidBearerAuthenticatesWithoutCsrfEvenOnAPost() {
    String access = field(tokenLogin(web).body(), "access_token");

    AccessDecision d = web.authenticate(TestRequest.post("/orders").bearer(access));

    assertThat(d.via()).contains(AccessDecision.Via.BEARER);
    assertThat(d.principal().orElseThrow().subject()).isEqualTo("alice");
  }

  @Test
  void aBadOrMalformedBearerIs401InvalidTokenWithTheChallenge() {
    String access = field(tokenLogin(web).body(), "access_token");
    String tampered = access.substring(0, access.length() - 2) + "xx";

    for (TestRequest request :
        new TestRequest[] {
          TestRequest.get("/p").bearer(tampered),
          TestRequest.get("/p").header("Authorization", "Bearer  two spaces"),
          TestRequest.get("/p").bearer("not.a.jwt")
        }) {
      WebResponse r = web.authenticate(request).refusal().orElseThrow();
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.header("WWW-Authenticate"))
          .contains("Bearer realm=\"latchkey\", error=\"invalid_token\"");
      assertThat(r.body()).doesNotContain(tampered);
    }
  }

  @Test
  void aBearerOnlyRouteRefusesASessionAndSaysNoBearerToken() {
    WebFixture.Session s = WebFixture.sessionLogin(web);

    WebResponse r =
        web.authenticateBearer(TestRequest.get("/token-profile").cookie(s.setCookie()))
            .refusal()
            .orElseThrow();

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.body()).isEqualTo("{\"error\":\"no bearer token\"}");
    assertThat(r.header("WWW-Authenticate")).contains("Bearer realm=\"latchkey\"");
  }

  @Test
  void aSessionOnlyRouteRefusesABearer() {
    String access = field(tokenLogin(web).body(), "access_token");

    AccessDecision d = web.authenticateSession(TestRequest.get("/session-profile").bearer(access));

    assertThat(d.refusal().orElseThrow().status()).isEqualTo(401);
  }

  @Test
  void refreshRotatesAndAReusedTokenEndsTheFamily() {
    WebResponse pair = tokenLogin(web);
    String first = field(pair.body(), "refresh_token");

    WebResponse next =
        web.handle(TestRequest.post("/token-refresh").json("{\"refresh_token\":\"" + first + "\"}"))
            .orElseThrow();
    assertThat(next.status()).isEqualTo(200);
    String second = field(next.body(), "refresh_token");
    assertThat(second).isNotEqualTo(first);

    WebResponse reuse =
        web.handle(TestRequest.post("/token-refresh").json("{\"refresh_token\":\"" + first + "\"}"))
            .orElseThrow();
    WebResponse afterReuse =
        web.handle(
                TestRequest.post("/token-refresh").json("{\"refresh_token\":\"" + second + "\"}"))
            .orElseThrow();

    assertThat(reuse.status()).isEqualTo(401);
    assertThat(afterReuse.status()).isEqualTo(401);
    String access = field(next.body(), "access_token");
    assertThat(web.authenticate(TestRequest.get("/p").bearer(access)).allowed()).isFalse();
  }

  @Test
  void refreshWithoutATokenIs400() {
    WebResponse r = web.handle(TestRequest.post("/token-refresh").json("{}")).orElseThrow();

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body()).isEqualTo("{\"error\":\"refresh_token is required\"}");
  }

  @Test
  void tokenLogoutRevokesTheBearerAndItsFamily() {
    WebResponse pair = tokenLogin(web);
    String access = field(pair.body(), "access_token");
    String refresh = field(pair.body(), "refresh_token");

    WebResponse out = web.handle(TestRequest.post("/token-logout").bearer(access)).orElseThrow();

    assertThat(out.status()).isEqualTo(200);
    assertThat(web.authenticate(TestRequest.get("/p").bearer(access)).allowed()).isFalse();
    WebResponse refreshAfter =
        web.handle(
                TestRequest.post("/token-refresh").json("{\"refresh_token\":\"" + refresh + "\"}"))
            .orElseThrow();
    assertThat(refreshAfter.status()).isEqualTo(401);
  }

  @Test
  void tokenLogoutWithoutABearerIs401() {
    WebResponse out = web.handle(TestRequest.post("/token-logout")).orElseThrow();

    assertThat(out.status()).isEqualTo(401);
    assertThat(out.header("WWW-Authenticate")).isPresent();
  }

  @Test
  void logoutEverywhereBySessionEndsEverySessionAndTokenOfTheSubject() {
    WebFixture.Session one = WebFixture.sessionLogin(web);
    WebFixture.Session two = WebFixture.sessionLogin(web);
    String access = field(tokenLogin(web).body(), "access_token");

    WebResponse refused =
        web.handle(TestRequest.post("/logout-everywhere").cookie(one.setCookie())).orElseThrow();
    assertThat(refused.status()).isEqualTo(403);

    WebResponse r =
        web.handle(
                TestRequest.post("/logout-everywhere")
                    .cookie(one.setCookie())
                    .header("X-CSRF-Token", one.csrf()))
            .orElseThrow();

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).contains("\"sessions_ended\":2");
    assertThat(r.header("Set-Cookie").orElseThrow()).contains("Max-Age=0");
    assertThat(web.authenticate(TestRequest.get("/p").cookie(two.setCookie())).allowed()).isFalse();
    fixture.clock.advance(java.time.Duration.ofSeconds(1));
    assertThat(web.authenticate(TestRequest.get("/p").bearer(access)).allowed()).isFalse();
  }

  @Test
  void logoutEverywhereByBearerNeedsNoCsrfAndClearsNoCookie() {
    String access = field(tokenLogin(web).body(), "access_token");
    WebFixture.Session s = WebFixture.sessionLogin(web);

    WebResponse r = web.handle(TestRequest.post("/logout-everywhere").bearer(access)).orElseThrow();

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Set-Cookie")).isEmpty();
    assertThat(web.authenticate(TestRequest.get("/p").cookie(s.setCookie())).allowed()).isFalse();
  }

  @Test
  void aRevocationListThatIsDownIs503() {
    RevocationList[] list = new RevocationList[1];
    WebFixture broken = new WebFixture(s -> s, r -> list[0] = spy(r));
    WebAuth downWeb = broken.web();
    String access = field(tokenLogin(downWeb).body(), "access_token");
    doThrow(new StoreUnavailableException("down")).when(list[0]).notBefore(any());
    doThrow(new StoreUnavailableException("down"))
        .when(list[0])
        .isRevoked(any(), any(), any(), any(), any());

    AccessDecision d = downWeb.authenticate(TestRequest.get("/p").bearer(access));

    assertThat(d.refusal().orElseThrow().status()).isEqualTo(503);
    assertThat(d.refusal().orElseThrow().header("Retry-After")).isPresent();
  }
}

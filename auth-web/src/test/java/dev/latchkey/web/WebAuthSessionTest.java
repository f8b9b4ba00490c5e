package dev.latchkey.web;

import static dev.latchkey.web.WebFixture.login;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.spy;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.ClientInfo;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.spi.SessionStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebAuthSessionTest {
  private final WebFixture fixture = new WebFixture();
  private final WebAuth web = fixture.web();

  @Test
  void loginSetsASecureHostOnlyHttpOnlyCookieAndAnswersTheCsrfToken() {
    WebResponse r =
        web.handle(TestRequest.post("/session-login").json(login("alice", "wonderland")))
            .orElseThrow();

    assertThat(r.status()).isEqualTo(200);
    String cookie = r.header("Set-Cookie").orElseThrow();
    assertThat(cookie)
        .startsWith("__Host-sid=")
        .contains("HttpOnly", "Secure", "SameSite=Lax", "Path=/")
        .doesNotContain("Domain");
    assertThat(WebFixture.field(r.body(), "username")).isEqualTo("alice");
    assertThat(WebFixture.field(r.body(), "csrf_token")).isNotBlank();
    assertThat(r.header("Cache-Control")).contains("no-store");
  }

  @Test
  void aLiveSessionCookieAuthenticatesAGet() {
    WebFixture.Session s = WebFixture.sessionLogin(web);

    AccessDecision d = web.authenticate(TestRequest.get("/profile").cookie(s.setCookie()));

    assertThat(d.allowed()).isTrue();
    assertThat(d.via()).contains(AccessDecision.Via.SESSION);
    assertThat(d.principal().orElseThrow().subject()).isEqualTo("alice");
    assertThat(d.principal().orElseThrow().roles()).containsExactly("user");
  }

  @Test
  void aStateChangingSessionRequestNeedsTheSessionsCsrfToken() {
    WebFixture.Session s = WebFixture.sessionLogin(web);

    AccessDecision without = web.authenticate(TestRequest.post("/orders").cookie(s.setCookie()));
    AccessDecision wrong =
        web.authenticate(
            TestRequest.post("/orders").cookie(s.setCookie()).header("X-CSRF-Token", "forged"));
    AccessDecision with =
        web.authenticate(
            TestRequest.post("/orders").cookie(s.setCookie()).header("X-CSRF-Token", s.csrf()));

    assertThat(without.refusal().orElseThrow().status()).isEqualTo(403);
    assertThat(wrong.refusal().orElseThrow().status()).isEqualTo(403);
    assertThat(with.allowed()).isTrue();
  }

  @Test
  void anotherSessionsCsrfTokenIsRefused() {
    WebFixture.Session alice = WebFixture.sessionLogin(web);
    WebFixture.Session other = WebFixture.sessionLogin(web);

    AccessDecision d =
        web.authenticate(
            TestRequest.post("/orders")
                .cookie(alice.setCookie())
                .header("X-CSRF-Token", other.csrf()));

    assertThat(d.refusal().orElseThrow().status()).isEqualTo(403);
  }

  @Test
  void withoutACredentialTheAnswerIs401WithABearerChallenge() {
    WebResponse r = web.authenticate(TestRequest.get("/profile")).refusal().orElseThrow();

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).contains("Bearer realm=\"latchkey\"");
    assertThat(r.body()).isEqualTo("{\"error\":\"not logged in\"}");
  }

  @Test
  void sessionsAloneAnswer401WithoutAChallenge() {
    WebAuth sessionsOnly =
        WebAuth.builder().passwords(fixture.passwords).sessions(fixture.sessions).build();

    WebResponse r = sessionsOnly.authenticate(TestRequest.get("/profile")).refusal().orElseThrow();

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).isEmpty();
  }

  @Test
  void aDeadSessionCookieIsRefusedAndCleared() {
    WebFixture.Session s = WebFixture.sessionLogin(web);
    fixture.clock.advance(Duration.ofHours(9)); // past the absolute timeout

    WebResponse r =
        web.authenticate(TestRequest.get("/profile").cookie(s.setCookie())).refusal().orElseThrow();

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("Set-Cookie").orElseThrow())
        .startsWith("__Host-sid=;")
        .contains("Max-Age=0");
  }

  @Test
  void aCookieUnderAnotherNameIsNoSession() {
    WebFixture.Session s = WebFixture.sessionLogin(web);
    String value = s.setCookie().substring("__Host-sid=".length(), s.setCookie().indexOf(';'));

    AccessDecision d =
        web.authenticate(TestRequest.get("/profile").header("Cookie", "sid=" + value));

    assertThat(d.refusal().orElseThrow().status()).isEqualTo(401);
  }

  @Test
  void logoutNeedsTheCsrfTokenThenEndsTheSessionAndClearsTheCookie() {
    WebFixture.Session s = WebFixture.sessionLogin(web);

    WebResponse refused =
        web.handle(TestRequest.post("/session-logout").cookie(s.setCookie())).orElseThrow();
    assertThat(refused.status()).isEqualTo(403);
    assertThat(web.authenticate(TestRequest.get("/p").cookie(s.setCookie())).allowed()).isTrue();

    WebResponse done =
        web.handle(
                TestRequest.post("/session-logout")
                    .cookie(s.setCookie())
                    .header("X-CSRF-Token", s.csrf()))
            .orElseThrow();

    assertThat(done.status()).isEqualTo(200);
    assertThat(done.header("Set-Cookie").orElseThrow()).contains("Max-Age=0");
    assertThat(web.authenticate(TestRequest.get("/p").cookie(s.setCookie())).allowed()).isFalse();
  }

  @Test
  void plainHttpCookiesDropTheHostPrefixAndSecure() {
    WebAuth plain = fixture.web(b -> b.secureCookies(false));

    WebFixture.Session s = WebFixture.sessionLogin(plain);

    assertThat(s.setCookie()).startsWith("sid=").doesNotContain("Secure");
  }

  @Test
  void wrongPasswordIs401AndAThrottledNameIs429WithRetryAfter() {
    WebResponse first =
        web.handle(TestRequest.post("/session-login").json(login("alice", "nope"))).orElseThrow();
    assertThat(first.status()).isEqualTo(401);
    assertThat(first.body()).isEqualTo("{\"error\":\"invalid credentials\"}");
    for (int i = 0; i < 10; i++) {
      web.handle(TestRequest.post("/session-login").json(login("alice", "nope")));
    }

    WebResponse locked =
        web.handle(TestRequest.post("/session-login").json(login("alice", "wonderland")))
            .orElseThrow();

    assertThat(locked.status()).isEqualTo(429);
    assertThat(Long.parseLong(locked.header("Retry-After").orElseThrow())).isBetween(1L, 60L);
  }

  @Test
  void aSessionStoreThatIsDownIs503WithRetryAfterNeverAPass() {
    SessionStore[] store = new SessionStore[1];
    WebFixture broken = new WebFixture(s -> store[0] = spy(s), r -> r);
    WebAuth downWeb = broken.web();
    WebFixture.Session s = WebFixture.sessionLogin(downWeb);
    doThrow(new StoreUnavailableException("down")).when(store[0]).read(any(), any());
    doThrow(new StoreUnavailableException("down")).when(store[0]).create(any(), anyInt(), any());

    WebResponse login =
        downWeb
            .handle(TestRequest.post("/session-login").json(login("alice", "wonderland")))
            .orElseThrow();
    AccessDecision check = downWeb.authenticate(TestRequest.get("/p").cookie(s.setCookie()));
    WebResponse logout =
        downWeb
            .handle(
                TestRequest.post("/session-logout")
                    .cookie(s.setCookie())
                    .header("X-CSRF-Token", s.csrf()))
            .orElseThrow();

    assertThat(login.status()).isEqualTo(503);
    assertThat(login.header("Retry-After")).contains("2");
    assertThat(check.allowed()).isFalse();
    assertThat(check.refusal().orElseThrow().status()).isEqualTo(503);
    assertThat(check.refusal().orElseThrow().header("Retry-After")).isPresent();
    assertThat(logout.status()).isEqualTo(503);
  }

  @Test
  void aSessionCheckEventNamesTheClientAddressAndUserAgent() {
    WebFixture.Session s = WebFixture.sessionLogin(web);
    fixture.events.clear();

    web.authenticate(
        TestRequest.get("/p")
            .cookie(s.setCookie())
            .from("203.0.113.9")
            .header("User-Agent", "curl"));

    AuthEvent check = fixture.events.get(0);
    assertThat(check.client().orElseThrow().address()).isEqualTo("203.0.113.9");
    assertThat(check.client().orElseThrow().userAgent()).isEqualTo("curl");
    assertThat(ClientInfo.current()).isEmpty();
  }

  @Test
  void theLoginEventNamesTheClientWithoutLineBreaksFromItsUserAgent() {
    web.handle(
        TestRequest.post("/session-login")
            .from("198.51.100.7")
            .header("User-Agent", "Mozilla/5.0 test\r\nInjected: yes")
            .json(login("alice", "wonderland")));

    AuthEvent login = fixture.events.get(0);
    assertThat(login).isInstanceOf(AuthEvent.Succeeded.class);
    assertThat(login.client().orElseThrow().address()).isEqualTo("198.51.100.7");
    assertThat(login.client().orElseThrow().userAgent()).doesNotContain("\r", "\n");
  }

  @Test
  void rotationGivesANewCookieAndCsrfTokenAndKillsTheOldId() {
    WebFixture.Session s = WebFixture.sessionLogin(web);

    WebResponse refused = web.rotateSession(TestRequest.post("/elevate").cookie(s.setCookie()));
    WebResponse rotated =
        web.rotateSession(
            TestRequest.post("/elevate").cookie(s.setCookie()).header("X-CSRF-Token", s.csrf()));

    assertThat(refused.status()).isEqualTo(403);
    assertThat(rotated.status()).isEqualTo(200);
    String newCookie = rotated.header("Set-Cookie").orElseThrow();
    String newCsrf = WebFixture.field(rotated.body(), "csrf_token");
    assertThat(newCookie).startsWith("__Host-sid=").isNotEqualTo(s.setCookie());
    assertThat(newCsrf).isNotEqualTo(s.csrf());
    assertThat(web.authenticate(TestRequest.get("/p").cookie(s.setCookie())).allowed()).isFalse();
    assertThat(web.authenticate(TestRequest.get("/p").cookie(newCookie)).allowed()).isTrue();
    assertThat(
            web.authenticate(
                    TestRequest.post("/orders").cookie(newCookie).header("X-CSRF-Token", s.csrf()))
                .allowed())
        .isFalse();
    assertThat(
            web.authenticate(
                    TestRequest.post("/orders").cookie(newCookie).header("X-CSRF-Token", newCsrf))
                .allowed())
        .isTrue();
  }

  @Test
  void rotationWithoutASessionIs401AndCrossSiteIs403() {
    WebFixture.Session s = WebFixture.sessionLogin(web);

    assertThat(web.rotateSession(TestRequest.post("/elevate")).status()).isEqualTo(401);
    assertThat(
            web.rotateSession(
                    TestRequest.post("/elevate")
                        .cookie(s.setCookie())
                        .header("X-CSRF-Token", s.csrf())
                        .crossSite("https://evil.example"))
                .status())
        .isEqualTo(403);
    assertThat(web.authenticate(TestRequest.get("/p").cookie(s.setCookie())).allowed()).isTrue();
  }
}

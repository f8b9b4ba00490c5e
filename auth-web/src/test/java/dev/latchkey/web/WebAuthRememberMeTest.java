package dev.latchkey.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.spy;

import dev.latchkey.core.Assurance;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.spi.RefreshTokenStore;
import dev.latchkey.token.RefreshTokens;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebAuthRememberMeTest {
  private final WebFixture fixture = new WebFixture();
  private final RefreshTokenStore store = spy(RefreshTokens.inMemoryStore(fixture.clock));
  private final RememberMe remember =
      RememberMe.builder(store, fixture.sessions).clock(fixture.clock).build();
  private final WebAuth web = fixture.web(b -> b.rememberMe(remember));

  /** The session and remember-me {@code Set-Cookie} values and CSRF token of a login. */
  private record Login(String session, String remember, String csrf) {}

  private Login login(String rememberMe) {
    WebResponse r =
        web.handle(
                TestRequest.post("/session-login")
                    .json(
                        "{\"username\":\"alice\",\"password\":\"wonderland\""
                            + (rememberMe == null ? "" : ",\"remember_me\":" + rememberMe)
                            + "}"))
            .orElseThrow();
    assertThat(r.status()).isEqualTo(200);
    return new Login(
        setCookie(r.headers(), "__Host-sid="),
        setCookie(r.headers(), "__Host-remember="),
        WebFixture.field(r.body(), "csrf_token"));
  }

  private static String setCookie(List<WebResponse.Header> headers, String prefix) {
    return headers.stream()
        .filter(h -> h.name().equals("Set-Cookie") && h.value().startsWith(prefix))
        .map(WebResponse.Header::value)
        .findFirst()
        .orElse(null);
  }

  @Test
  void aLoginWithRememberMeSetsTheRememberMeCookieBesideTheSession() {
    Login l = login("true");

    assertThat(l.session()).isNotNull();
    assertThat(l.remember())
        .contains("Path=/", "Secure", "HttpOnly", "SameSite=Lax", "Max-Age=2592000");
  }

  @Test
  void aLoginWithoutRememberMeOrWithItAsAStringSetsNoRememberMeCookie() {
    assertThat(login(null).remember()).isNull();
    assertThat(login("false").remember()).isNull();
    assertThat(login("\"true\"").remember()).isNull();
  }

  @Test
  void aSafeRequestWithOnlyTheRememberMeCookieGetsANewRememberedSession() {
    Login l = login("true");

    AccessDecision d = web.authenticate(TestRequest.get("/profile").cookie(l.remember()));

    assertThat(d.allowed()).isTrue();
    assertThat(d.via()).contains(AccessDecision.Via.SESSION);
    assertThat(d.principal().orElseThrow().subject()).isEqualTo("alice");
    String session = setCookie(d.headers(), "__Host-sid=");
    String rotated = setCookie(d.headers(), "__Host-remember=");
    assertThat(session).isNotNull().isNotEqualTo(l.session());
    assertThat(rotated).isNotNull().isNotEqualTo(l.remember());
    String csrf =
        d.headers().stream()
            .filter(h -> h.name().equals("X-CSRF-Token"))
            .findFirst()
            .orElseThrow()
            .value();
    String id = session.substring("__Host-sid=".length(), session.indexOf(';'));
    assertThat(fixture.sessions.find(id).orElseThrow().assurance().level())
        .isEqualTo(Assurance.Level.REMEMBERED);
    // The restored session works on its own, with its CSRF token for a state-changing request.
    assertThat(
            web.authenticate(
                    TestRequest.post("/orders").cookie(session).header("X-CSRF-Token", csrf))
                .allowed())
        .isTrue();
    WebResponse answered = d.addHeadersTo(WebResponse.json(200, "{}"));
    assertThat(answered.headers()).containsAll(d.headers());
  }

  @Test
  void aDeadSessionCookieBesideAValidRememberMeCookieIsReplaced() {
    Login l = login("true");
    fixture.clock.advance(Duration.ofHours(1)); // past the idle timeout

    AccessDecision d =
        web.authenticateSession(
            TestRequest.get("/profile").cookie(l.session()).cookie(l.remember()));

    assertThat(d.allowed()).isTrue();
    assertThat(setCookie(d.headers(), "__Host-sid=")).isNotEqualTo(l.session());
  }

  @Test
  void aStateChangingRequestIsNeverCarriedByTheRememberMeCookieAlone() {
    Login l = login("true");

    AccessDecision d = web.authenticate(TestRequest.post("/orders").cookie(l.remember()));

    assertThat(d.refusal().orElseThrow().status()).isEqualTo(401);
    assertThat(fixture.sessions.sessionsOf("alice")).hasSize(1); // the login's only
  }

  @Test
  void aReplayedRememberMeCookieIsRefusedClearedAndEndsTheSessionItRestored() {
    Login l = login("true");
    AccessDecision first = web.authenticate(TestRequest.get("/profile").cookie(l.remember()));
    String restoredSession = setCookie(first.headers(), "__Host-sid=");
    fixture.clock.advance(Duration.ofMinutes(1)); // past the grace

    AccessDecision replay = web.authenticate(TestRequest.get("/profile").cookie(l.remember()));

    WebResponse refusal = replay.refusal().orElseThrow();
    assertThat(refusal.status()).isEqualTo(401);
    assertThat(setCookie(refusal.headers(), "__Host-remember=")).contains("Max-Age=0");
    assertThat(web.authenticate(TestRequest.get("/profile").cookie(restoredSession)).allowed())
        .isFalse();
    assertThat(web.authenticate(TestRequest.get("/profile").cookie(l.session())).allowed())
        .as("the password login's own session")
        .isTrue();
  }

  @Test
  void logoutEndsTheRememberMeFamilyAndClearsItsCookie() {
    Login l = login("true");

    WebResponse out =
        web.handle(
                TestRequest.post("/session-logout")
                    .cookie(l.session())
                    .cookie(l.remember())
                    .header("X-CSRF-Token", l.csrf()))
            .orElseThrow();

    assertThat(out.status()).isEqualTo(200);
    assertThat(setCookie(out.headers(), "__Host-remember=")).contains("Max-Age=0");
    assertThat(web.authenticate(TestRequest.get("/profile").cookie(l.remember())).allowed())
        .isFalse();
  }

  @Test
  void logoutEverywhereEndsEveryRememberMeFamily() {
    Login phone = login("true");
    Login laptop = login("true");

    WebResponse out =
        web.handle(
                TestRequest.post("/logout-everywhere")
                    .cookie(laptop.session())
                    .header("X-CSRF-Token", laptop.csrf()))
            .orElseThrow();

    assertThat(out.status()).isEqualTo(200);
    assertThat(setCookie(out.headers(), "__Host-remember=")).contains("Max-Age=0");
    assertThat(web.authenticate(TestRequest.get("/p").cookie(phone.remember())).allowed())
        .isFalse();
    assertThat(web.authenticate(TestRequest.get("/p").cookie(laptop.remember())).allowed())
        .isFalse();
  }

  @Test
  void aRememberMeStoreThatIsDownIsA503AndNoSession() {
    Login l = login("true");
    doThrow(new StoreUnavailableException("down"))
        .when(store)
        .rotate(any(), any(), any(RefreshTokenStore.Policy.class));

    AccessDecision d = web.authenticate(TestRequest.get("/profile").cookie(l.remember()));

    assertThat(d.refusal().orElseThrow().status()).isEqualTo(503);
    assertThat(d.refusal().orElseThrow().header("Retry-After")).isPresent();
    assertThat(fixture.sessions.sessionsOf("alice")).hasSize(1);
  }

  @Test
  void aLoginAskingToBeRememberedWhileTheStoreIsDownIsA503AndLeavesNoSession() {
    doThrow(new StoreUnavailableException("down")).when(store).create(any(), any(), any(), any());

    WebResponse r =
        web.handle(
                TestRequest.post("/session-login")
                    .json(
                        "{\"username\":\"alice\",\"password\":\"wonderland\",\"remember_me\":true}"))
            .orElseThrow();

    assertThat(r.status()).isEqualTo(503);
    assertThat(fixture.sessions.sessionsOf("alice")).isEmpty();
  }

  @Test
  void rememberMeNeedsSessionsAndItsOwnCookieName() {
    assertThatThrownBy(() -> WebAuth.builder().tokens(fixture.tokens).rememberMe(remember).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sessions");
    assertThatThrownBy(() -> fixture.web(b -> b.rememberMe(remember).cookieName("remember")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("share the name");
  }
}

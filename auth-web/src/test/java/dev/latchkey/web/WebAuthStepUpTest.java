package dev.latchkey.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Assurance.Level;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebAuthStepUpTest {
  private static final Duration RECENT = Duration.ofMinutes(5);

  private final WebFixture fixture = new WebFixture();
  private final WebAuth web = fixture.web();

  private WebResponse reauthenticate(WebFixture.Session s, String user, String password) {
    return web.handle(
            TestRequest.post("/reauthenticate")
                .cookie(s.setCookie())
                .header("X-CSRF-Token", s.csrf())
                .json(WebFixture.login(user, password)))
        .orElseThrow();
  }

  private AccessDecision sensitive(String setCookie) {
    return web.requireAssurance(
        TestRequest.get("/change-email").cookie(setCookie), Level.SINGLE_FACTOR, RECENT);
  }

  @Test
  void anOldLoginIsAskedForThePasswordAgainAndPassesOnceItIsTyped() {
    WebFixture.Session s = WebFixture.sessionLogin(web);
    assertThat(sensitive(s.setCookie()).allowed()).isTrue();
    fixture.clock.advance(Duration.ofMinutes(6));

    AccessDecision stale = sensitive(s.setCookie());
    assertThat(stale.allowed()).isFalse();
    assertThat(stale.refusal().orElseThrow().status()).isEqualTo(401);
    assertThat(stale.refusal().orElseThrow().body()).contains("step_up_required");

    WebResponse again = reauthenticate(s, "alice", "wonderland");
    assertThat(again.status()).isEqualTo(200);
    WebFixture.Session fresh =
        new WebFixture.Session(
            again.header("Set-Cookie").orElseThrow(), WebFixture.field(again.body(), "csrf_token"));
    assertThat(fresh.setCookie()).isNotEqualTo(s.setCookie());
    assertThat(sensitive(fresh.setCookie()).allowed()).isTrue();
    assertThat(web.authenticate(TestRequest.get("/profile").cookie(s.setCookie())).allowed())
        .as("the id seen before the step-up is dead")
        .isFalse();
  }

  @Test
  void aWrongPasswordOrAnotherUsersPasswordChangesNothing() {
    WebFixture.Session s = WebFixture.sessionLogin(web);
    fixture.clock.advance(Duration.ofMinutes(6));

    assertThat(reauthenticate(s, "alice", "not-it").status()).isEqualTo(401);
    assertThat(reauthenticate(s, "admin", "password123").status()).isEqualTo(401);

    assertThat(sensitive(s.setCookie()).allowed()).isFalse();
    assertThat(web.authenticate(TestRequest.get("/profile").cookie(s.setCookie())).allowed())
        .isTrue();
  }

  @Test
  void theStepUpNeedsTheSessionAndItsCsrfToken() {
    WebFixture.Session s = WebFixture.sessionLogin(web);

    WebResponse noCsrf =
        web.handle(
                TestRequest.post("/reauthenticate")
                    .cookie(s.setCookie())
                    .json(WebFixture.login("alice", "wonderland")))
            .orElseThrow();
    WebResponse noSession =
        web.handle(
                TestRequest.post("/reauthenticate").json(WebFixture.login("alice", "wonderland")))
            .orElseThrow();

    assertThat(noCsrf.status()).isEqualTo(403);
    assertThat(noSession.status()).isEqualTo(401);
  }
}

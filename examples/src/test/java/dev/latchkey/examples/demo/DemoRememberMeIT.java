package dev.latchkey.examples.demo;

import static dev.latchkey.examples.demo.DemoHttp.sessionCookie;
import static dev.latchkey.examples.demo.DemoHttp.string;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.TestClock;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Remember me" over HTTP, in-memory stores, on a test clock (to step past the session's idle
 * timeout and the remember-me grace without waiting).
 */
class DemoRememberMeIT {
  static final TestClock CLOCK = TestClock.atNow();
  static DemoServer server;
  static DemoHttp http;

  @BeforeAll
  static void start() throws Exception {
    server = DemoServer.start(new DemoSettings(0, null, DemoServerIT.SECRET, false, 4, CLOCK));
    http = new DemoHttp(server.port());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** The {@code remember} cookie's value from a response's Set-Cookie, if it sets one. */
  static Optional<String> rememberCookie(HttpResponse<String> response) {
    return response.headers().allValues("Set-Cookie").stream()
        .filter(v -> v.startsWith("remember="))
        .map(v -> v.substring("remember=".length(), v.indexOf(';')))
        .findFirst();
  }

  static HttpResponse<String> login(String user, String password, boolean rememberMe) {
    return http.post(
        "/session-login",
        "{\"username\":\""
            + user
            + "\",\"password\":\""
            + password
            + "\",\"remember_me\":"
            + rememberMe
            + "}");
  }

  @Test
  void aRememberedLoginRestoresASessionAndAReplayedCookieEndsTheFamilyAndItsSessions() {
    HttpResponse<String> login = login("alice", "wonderland", true);
    assertThat(login.statusCode()).isEqualTo(200);
    String remember = rememberCookie(login).orElseThrow();
    assertThat(login.headers().allValues("Set-Cookie"))
        .anyMatch(
            c ->
                c.startsWith("remember=")
                    && c.contains("HttpOnly")
                    && c.contains("SameSite=Lax")
                    && c.contains("Max-Age=2592000"));

    // The session cookie is dropped (the browser closed): the remember-me cookie alone.
    HttpResponse<String> restored = http.get("/session-profile", "Cookie", "remember=" + remember);

    assertThat(restored.statusCode()).isEqualTo(200);
    assertThat(string(restored, "username")).isEqualTo("alice");
    assertThat(string(restored, "assurance")).isEqualTo("REMEMBERED");
    String session = sessionCookie(restored).orElseThrow();
    String rotated = rememberCookie(restored).orElseThrow();
    assertThat(rotated).isNotEqualTo(remember);
    assertThat(restored.headers().firstValue("X-CSRF-Token")).isPresent();
    HttpResponse<String> again = http.get("/session-profile", "Cookie", "sid=" + session);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(string(again, "assurance")).isEqualTo("REMEMBERED");

    CLOCK.advance(Duration.ofMinutes(1)); // past the grace a second tab would have
    HttpResponse<String> replay = http.get("/session-profile", "Cookie", "remember=" + remember);

    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(replay.headers().allValues("Set-Cookie"))
        .anyMatch(c -> c.startsWith("remember=;") && c.contains("Max-Age=0"));
    assertThat(http.get("/session-profile", "Cookie", "sid=" + session).statusCode())
        .as("the session the family restored")
        .isEqualTo(401);
    assertThat(http.get("/session-profile", "Cookie", "remember=" + rotated).statusCode())
        .as("the family")
        .isEqualTo(401);
  }

  @Test
  void aPasswordLoginIsSingleFactorAndALoginWithoutRememberMeSetsNoRememberMeCookie() {
    HttpResponse<String> login = login("admin", "password123", false);

    assertThat(rememberCookie(login)).isEmpty();
    String session = sessionCookie(login).orElseThrow();
    HttpResponse<String> profile = http.get("/session-profile", "Cookie", "sid=" + session);
    assertThat(string(profile, "assurance")).isEqualTo("SINGLE_FACTOR");
  }

  @Test
  void aSessionPastItsIdleTimeoutIsReplacedFromTheRememberMeCookie() {
    HttpResponse<String> login = login("alice", "wonderland", true);
    String session = sessionCookie(login).orElseThrow();
    String remember = rememberCookie(login).orElseThrow();

    CLOCK.advance(Duration.ofHours(1));
    HttpResponse<String> profile =
        http.get("/session-profile", "Cookie", "sid=" + session + "; remember=" + remember);

    assertThat(profile.statusCode()).isEqualTo(200);
    assertThat(sessionCookie(profile).orElseThrow()).isNotEqualTo(session);
  }

  @Test
  void aPostWithOnlyTheRememberMeCookieIsRefused() {
    String remember = rememberCookie(login("alice", "wonderland", true)).orElseThrow();

    HttpResponse<String> logout =
        http.post("/session-logout", "", "Cookie", "remember=" + remember);

    assertThat(logout.statusCode()).isEqualTo(401);
    assertThat(http.get("/session-profile", "Cookie", "remember=" + remember).statusCode())
        .as("the cookie still restores on a safe request")
        .isEqualTo(200);
  }

  @Test
  void logoutEndsTheRememberMeFamilyAndClearsItsCookie() {
    HttpResponse<String> login = login("alice", "wonderland", true);
    String session = sessionCookie(login).orElseThrow();
    String remember = rememberCookie(login).orElseThrow();

    HttpResponse<String> logout =
        http.post(
            "/session-logout",
            "",
            "Cookie",
            "sid=" + session + "; remember=" + remember,
            "X-CSRF-Token",
            string(login, "csrf_token"));

    assertThat(logout.statusCode()).isEqualTo(200);
    assertThat(logout.headers().allValues("Set-Cookie"))
        .anyMatch(c -> c.startsWith("remember=;") && c.contains("Max-Age=0"));
    assertThat(http.get("/session-profile", "Cookie", "remember=" + remember).statusCode())
        .isEqualTo(401);
  }

  @Test
  void logoutEverywhereEndsEveryRememberMeFamily() {
    String phone = rememberCookie(login("admin", "password123", true)).orElseThrow();
    HttpResponse<String> laptop = login("admin", "password123", true);

    HttpResponse<String> out =
        http.post(
            "/logout-everywhere",
            "",
            "Cookie",
            "sid=" + sessionCookie(laptop).orElseThrow(),
            "X-CSRF-Token",
            string(laptop, "csrf_token"));

    assertThat(out.statusCode()).isEqualTo(200);
    assertThat(http.get("/session-profile", "Cookie", "remember=" + phone).statusCode())
        .isEqualTo(401);
  }
}

package dev.latchkey.examples.demo;

import static dev.latchkey.examples.demo.DemoHttp.json;
import static dev.latchkey.examples.demo.DemoHttp.sessionCookie;
import static dev.latchkey.examples.demo.DemoHttp.string;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import dev.latchkey.account.Totp;
import dev.latchkey.core.TestClock;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A TOTP second factor over real HTTP: enrollment, activation, the pending login, the second-factor
 * step, recovery codes, token login with a code, and step-up. The demo runs on a clock the test
 * moves, and the test computes codes from the enrolled secret as an authenticator app would.
 */
class DemoSecondFactorIT {
  private final TestClock clock = new TestClock(Instant.parse("2026-12-06T10:00:00Z"));
  private DemoServer server;
  private DemoHttp http;
  private String secret;
  private JsonArray recoveryCodes;

  @BeforeEach
  void start() throws Exception {
    server = DemoServer.start(new DemoSettings(0, null, DemoServerIT.SECRET, false, 4, clock));
    http = new DemoHttp(server.port());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String code() {
    return Totp.DEFAULT.code(secret, clock.instant());
  }

  private void nextStep() {
    clock.advance(Duration.ofSeconds(30));
  }

  private HttpResponse<String> post(String path, String body, String sid, String csrf) {
    return http.post(path, body, "Cookie", "sid=" + sid, "X-CSRF-Token", csrf);
  }

  private static String codeBody(String code) {
    return "{\"code\":\"" + code + "\"}";
  }

  /** Alice logs in, enrolls and activates TOTP. */
  private void enrollAlice() {
    HttpResponse<String> login = http.login("/session-login", "alice", "wonderland");
    String sid = sessionCookie(login).orElseThrow();
    String csrf = string(login, "csrf_token");
    HttpResponse<String> enrolled = post("/mfa/totp/enroll", "", sid, csrf);
    assertThat(enrolled.statusCode()).isEqualTo(200);
    secret = string(enrolled, "secret");
    assertThat(string(enrolled, "otpauth_uri"))
        .startsWith("otpauth://totp/Latchkey%20demo:alice?secret=" + secret);
    HttpResponse<String> activated = post("/mfa/totp/activate", codeBody(code()), sid, csrf);
    assertThat(activated.statusCode()).isEqualTo(200);
    recoveryCodes = json(activated).getAsJsonArray("recovery_codes");
    assertThat(recoveryCodes).hasSize(10);
    nextStep();
  }

  @Test
  void loginWithASecondFactorGoesThroughThePendingStep() {
    enrollAlice();

    HttpResponse<String> login = http.login("/session-login", "alice", "wonderland");
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(json(login).get("mfa_required").getAsBoolean()).isTrue();
    String pending = sessionCookie(login).orElseThrow();
    String pendingCsrf = string(login, "csrf_token");

    HttpResponse<String> refused = http.get("/session-profile", "Cookie", "sid=" + pending);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(string(refused, "error")).isEqualTo("mfa_required");

    HttpResponse<String> verified = post("/mfa/verify", codeBody(code()), pending, pendingCsrf);
    assertThat(verified.statusCode()).isEqualTo(200);
    String full = sessionCookie(verified).orElseThrow();
    assertThat(full).isNotEqualTo(pending);
    assertThat(string(verified, "csrf_token")).isNotEqualTo(pendingCsrf);

    HttpResponse<String> profile = http.get("/session-profile", "Cookie", "sid=" + full);
    assertThat(profile.statusCode()).isEqualTo(200);
    assertThat(string(profile, "username")).isEqualTo("alice");
    assertThat(http.get("/session-profile", "Cookie", "sid=" + pending).statusCode())
        .isEqualTo(401);
  }

  @Test
  void aCodeWorksOnceAndARecoveryCodeOnce() {
    enrollAlice();
    String code = code();
    HttpResponse<String> first = http.login("/session-login", "alice", "wonderland");
    HttpResponse<String> second = http.login("/session-login", "alice", "wonderland");
    String sid2 = sessionCookie(second).orElseThrow();
    String csrf2 = string(second, "csrf_token");

    assertThat(
            post(
                    "/mfa/verify",
                    codeBody(code),
                    sessionCookie(first).orElseThrow(),
                    string(first, "csrf_token"))
                .statusCode())
        .isEqualTo(200);
    assertThat(post("/mfa/verify", codeBody(code), sid2, csrf2).statusCode()).isEqualTo(401);

    String recovery = recoveryCodes.get(0).getAsString();
    assertThat(post("/mfa/verify", codeBody(recovery), sid2, csrf2).statusCode()).isEqualTo(200);
    HttpResponse<String> third = http.login("/session-login", "alice", "wonderland");
    assertThat(
            post(
                    "/mfa/verify",
                    codeBody(recovery),
                    sessionCookie(third).orElseThrow(),
                    string(third, "csrf_token"))
                .statusCode())
        .isEqualTo(401);
  }

  @Test
  void thePendingCookieReachesNoOtherRoute() {
    enrollAlice();
    HttpResponse<String> login = http.login("/session-login", "alice", "wonderland");
    String pending = sessionCookie(login).orElseThrow();
    String csrf = string(login, "csrf_token");

    assertThat(http.get("/sensitive-profile", "Cookie", "sid=" + pending).statusCode())
        .isEqualTo(401);
    assertThat(post("/logout-everywhere", "", pending, csrf).statusCode()).isEqualTo(401);
    assertThat(post("/mfa/totp/enroll", "", pending, csrf).statusCode()).isEqualTo(401);
    assertThat(post("/mfa/totp/activate", codeBody(code()), pending, csrf).statusCode())
        .isEqualTo(401);
    assertThat(http.post("/mfa/verify", codeBody(code()), "Cookie", "sid=" + pending).statusCode())
        .as("without its CSRF token")
        .isEqualTo(403);
  }

  @Test
  void tokenLoginNeedsTheCode() {
    enrollAlice();

    HttpResponse<String> without = http.login("/token-login", "alice", "wonderland");
    assertThat(without.statusCode()).isEqualTo(401);
    assertThat(string(without, "error")).isEqualTo("mfa_required");
    HttpResponse<String> with =
        http.post(
            "/token-login",
            "{\"username\":\"alice\",\"password\":\"wonderland\",\"code\":\"" + code() + "\"}");
    assertThat(with.statusCode()).isEqualTo(200);
    String access = string(with, "access_token");
    assertThat(http.get("/token-profile", "Authorization", "Bearer " + access).statusCode())
        .isEqualTo(200);
  }

  @Test
  void theSensitiveRouteAsksForARecentSecondFactor() {
    HttpResponse<String> login = http.login("/session-login", "alice", "wonderland");
    String sid = sessionCookie(login).orElseThrow();
    String csrf = string(login, "csrf_token");
    HttpResponse<String> single = http.get("/sensitive-profile", "Cookie", "sid=" + sid);
    assertThat(single.statusCode()).isEqualTo(401);
    assertThat(string(single, "error")).isEqualTo("step_up_required");

    HttpResponse<String> enrolled = post("/mfa/totp/enroll", "", sid, csrf);
    secret = string(enrolled, "secret");
    post("/mfa/totp/activate", codeBody(code()), sid, csrf);
    nextStep();
    HttpResponse<String> stepped = post("/mfa/verify", codeBody(code()), sid, csrf);
    assertThat(stepped.statusCode()).isEqualTo(200);
    String strong = sessionCookie(stepped).orElseThrow();
    assertThat(http.get("/sensitive-profile", "Cookie", "sid=" + strong).statusCode())
        .isEqualTo(200);

    clock.advance(DemoServer.STEP_UP_AGE.plusSeconds(1));
    assertThat(string(http.get("/sensitive-profile", "Cookie", "sid=" + strong), "error"))
        .isEqualTo("step_up_required");
    assertThat(http.get("/session-profile", "Cookie", "sid=" + strong).statusCode()).isEqualTo(200);
  }
}

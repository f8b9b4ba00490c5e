package dev.latchkey.examples.demo;

import static dev.latchkey.examples.demo.DemoHttp.json;
import static dev.latchkey.examples.demo.DemoHttp.sessionCookie;
import static dev.latchkey.examples.demo.DemoHttp.string;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /register} and {@code /password-change} over real HTTP on the demo. */
class DemoPasswordAccountsIT {
  // A server per test: every registration counts against the one loopback address's budget.
  private DemoServer server;
  private DemoHttp http;

  @BeforeEach
  void start() throws Exception {
    server = DemoServerIT.startInMemory();
    http = new DemoHttp(server.port());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> register(String user, String password, String... headers) {
    return http.post(
        "/register", "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}", headers);
  }

  private static List<String> reasons(HttpResponse<String> r) {
    JsonArray array = json(r).getAsJsonArray("reasons");
    List<String> out = new ArrayList<>();
    array.forEach(e -> out.add(e.getAsString()));
    return out;
  }

  @Test
  void aNewUserRegistersWithAnArgon2idHashAndLogsIn() {
    HttpResponse<String> r = register("carol", "a sea of little stones");
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(http.login("/session-login", "carol", "a sea of little stones").statusCode())
        .isEqualTo(200);
    assertThat(http.login("/session-login", "carol", "a sea of little stone").statusCode())
        .isEqualTo(401);
    assertThat(register("carol", "another fine passphrase").statusCode()).isEqualTo(409);
  }

  @Test
  void aRefusedPasswordIs400WithTypedReasons() {
    HttpResponse<String> r = register("dave", "password1");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("error").getAsString()).isEqualTo("password_rejected");
    assertThat(reasons(r)).containsExactly("too_short", "common");
    assertThat(reasons(register("dave", "hello dave, long enough")))
        .containsExactly("contains_username");
    assertThat(reasons(register("dave", "i like latchkey very much")))
        .containsExactly("contains_context");
    assertThat(register("", "a sea of little stones").statusCode()).isEqualTo(400);
    assertThat(http.post("/register", "{\"username\":\"x\"}").statusCode()).isEqualTo(400);
    assertThat(http.post("/register", "not json").statusCode()).isIn(400, 415);
  }

  @Test
  void theSeededBcryptUserStillLogsIn() {
    assertThat(http.login("/session-login", "admin", "password123").statusCode()).isEqualTo(200);
  }

  @Test
  void passwordChangeMovesThisSessionAndEndsEveryOther() {
    assertThat(register("erin", "the first passphrase here").statusCode()).isEqualTo(201);
    HttpResponse<String> mine = http.login("/session-login", "erin", "the first passphrase here");
    HttpResponse<String> other = http.login("/session-login", "erin", "the first passphrase here");
    HttpResponse<String> token = http.login("/token-login", "erin", "the first passphrase here");
    String sid = sessionCookie(mine).orElseThrow();
    String csrf = string(mine, "csrf_token");
    String otherSid = sessionCookie(other).orElseThrow();
    String refresh = string(token, "refresh_token");
    String cookie = "sid=" + sid;

    // Without the CSRF token: 403; wrong current password: 401; weak new one: 400.
    String change = "{\"current_password\":\"%s\",\"new_password\":\"%s\"}";
    assertThat(
            http.post(
                    "/password-change",
                    change.formatted("the first passphrase here", "x"),
                    "Cookie",
                    cookie)
                .statusCode())
        .isEqualTo(403);
    HttpResponse<String> wrong =
        http.post(
            "/password-change",
            change.formatted("not it", "the second passphrase here"),
            "Cookie",
            cookie,
            "X-CSRF-Token",
            csrf);
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(json(wrong).get("error").getAsString()).isEqualTo("invalid_current_password");
    HttpResponse<String> weak =
        http.post(
            "/password-change",
            change.formatted("the first passphrase here", "short"),
            "Cookie",
            cookie,
            "X-CSRF-Token",
            csrf);
    assertThat(weak.statusCode()).isEqualTo(400);
    assertThat(reasons(weak)).containsExactly("too_short");

    HttpResponse<String> changed =
        http.post(
            "/password-change",
            change.formatted("the first passphrase here", "the second passphrase here"),
            "Cookie",
            cookie,
            "X-CSRF-Token",
            csrf);
    assertThat(changed.statusCode()).isEqualTo(200);
    String newSid = sessionCookie(changed).orElseThrow();
    assertThat(newSid).isNotEqualTo(sid);
    assertThat(http.get("/session-profile", "Cookie", "sid=" + newSid).statusCode()).isEqualTo(200);
    assertThat(http.get("/session-profile", "Cookie", cookie).statusCode()).isEqualTo(401);
    assertThat(http.get("/session-profile", "Cookie", "sid=" + otherSid).statusCode())
        .isEqualTo(401);
    assertThat(http.post("/token-refresh", "{\"refresh_token\":\"" + refresh + "\"}").statusCode())
        .isEqualTo(401);
    assertThat(http.login("/session-login", "erin", "the first passphrase here").statusCode())
        .isEqualTo(401);
    assertThat(http.login("/session-login", "erin", "the second passphrase here").statusCode())
        .isEqualTo(200);
  }

  @Test
  void passwordChangeNeedsASession() {
    assertThat(
            http.post("/password-change", "{\"current_password\":\"a\",\"new_password\":\"b\"}")
                .statusCode())
        .isEqualTo(401);
  }

  @Test
  void registrationsAreThrottledPerAddress() {
    int created = 0;
    int locked = 0;
    for (int i = 0; i < 12; i++) {
      int status = register("flood" + i, "a perfectly fine passphrase " + i).statusCode();
      if (status == 201) {
        created++;
      } else if (status == 429) {
        locked++;
      }
    }
    assertThat(created).isEqualTo(10);
    assertThat(locked).isEqualTo(2);
  }
}

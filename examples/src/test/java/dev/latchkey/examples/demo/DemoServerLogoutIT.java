package dev.latchkey.examples.demo;

import static dev.latchkey.examples.demo.DemoHttp.sessionCookie;
import static dev.latchkey.examples.demo.DemoHttp.string;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Logging out with a bearer token only, and "log out everywhere", over HTTP, in-memory stores. */
class DemoServerLogoutIT {
  static DemoServer server;
  static DemoHttp http;

  @BeforeAll
  static void start() throws Exception {
    server = DemoServerIT.startInMemory();
    http = new DemoHttp(server.port());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Logs alice in with a session; returns {sid, csrf}. */
  static String[] sessionLogin() {
    HttpResponse<String> r = http.login("/session-login", "alice", "wonderland");
    assertThat(r.statusCode()).isEqualTo(200);
    return new String[] {sessionCookie(r).orElseThrow(), string(r, "csrf_token")};
  }

  @Nested
  class BearerOnlyLogout {
    /**
     * {@code POST /token-logout} with only the bearer of a refreshed pair: the refresh family it
     * came from ends (its refresh token no longer rotates) and the family's earlier access token is
     * refused too, while another login's tokens keep working.
     */
    @Test
    void logoutWithOnlyTheBearerEndsTheRefreshFamilyItCameFrom() {
      HttpResponse<String> login = http.login("/token-login", "admin", "password123");
      String firstAccess = string(login, "access_token");
      HttpResponse<String> refreshed =
          http.post(
              "/token-refresh", "{\"refresh_token\":\"" + string(login, "refresh_token") + "\"}");
      String access = string(refreshed, "access_token");
      String refresh = string(refreshed, "refresh_token");
      HttpResponse<String> other = http.login("/token-login", "admin", "password123");

      assertThat(http.post("/token-logout", "", "Authorization", "Bearer " + access).statusCode())
          .isEqualTo(200);

      assertThat(
              http.post("/token-refresh", "{\"refresh_token\":\"" + refresh + "\"}").statusCode())
          .as("the family ended")
          .isEqualTo(401);
      assertThat(http.get("/token-profile", "Authorization", "Bearer " + firstAccess).statusCode())
          .as("the family's earlier access token")
          .isEqualTo(401);
      assertThat(
              http.get("/token-profile", "Authorization", "Bearer " + string(other, "access_token"))
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              http.post(
                      "/token-refresh",
                      "{\"refresh_token\":\"" + string(other, "refresh_token") + "\"}")
                  .statusCode())
          .isEqualTo(200);
    }
  }

  @Nested
  class Everywhere {
    @Test
    void logoutEverywhereWithABearerEndsSessionsAndTokens() {
      String[] session = sessionLogin();
      HttpResponse<String> tokenLogin = http.login("/token-login", "alice", "wonderland");
      String access = string(tokenLogin, "access_token");
      String refresh = string(tokenLogin, "refresh_token");

      assertThat(
              http.post("/logout-everywhere", "", "Authorization", "Bearer " + access).statusCode())
          .isEqualTo(200);

      assertThat(http.get("/session-profile", "Cookie", "sid=" + session[0]).statusCode())
          .isEqualTo(401);
      assertThat(http.get("/token-profile", "Authorization", "Bearer " + access).statusCode())
          .isEqualTo(401);
      assertThat(
              http.post("/token-refresh", "{\"refresh_token\":\"" + refresh + "\"}").statusCode())
          .isEqualTo(401);
    }

    @Test
    void logoutEverywhereWithACookieNeedsCsrf() {
      String[] session = sessionLogin();
      String[] other = sessionLogin();

      assertThat(http.post("/logout-everywhere", "", "Cookie", "sid=" + session[0]).statusCode())
          .isEqualTo(403);
      assertThat(
              http.post(
                      "/logout-everywhere",
                      "",
                      "Cookie",
                      "sid=" + session[0],
                      "X-CSRF-Token",
                      session[1])
                  .statusCode())
          .isEqualTo(200);
      assertThat(http.get("/session-profile", "Cookie", "sid=" + other[0]).statusCode())
          .isEqualTo(401);
      assertThat(http.post("/logout-everywhere", "").statusCode()).isEqualTo(401);
    }
  }
}

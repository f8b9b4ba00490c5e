package dev.latchkey.examples.demo;

import static dev.latchkey.examples.demo.DemoHttp.json;
import static dev.latchkey.examples.demo.DemoHttp.sessionCookie;
import static dev.latchkey.examples.demo.DemoHttp.string;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every route of the demo, driven over HTTP, in-memory stores. */
class DemoServerIT {
  static final String SECRET = "an-http-demo-secret-of-32-bytes-or-more";

  /** A demo on in-memory stores and any free port, with a known secret and bCrypt cost 4. */
  static DemoServer startInMemory() throws IOException {
    return DemoServer.start(new DemoSettings(0, null, SECRET, false, 4, Clock.systemUTC()));
  }

  static DemoServer server;
  static DemoHttp http;

  @BeforeAll
  static void start() throws Exception {
    server = startInMemory();
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
  class Sessions {
    @Test
    void loginSetsAnHttpOnlyLaxCookieAndReturnsACsrfToken() {
      HttpResponse<String> r = http.login("/session-login", "admin", "password123");

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(string(r, "username")).isEqualTo("admin");
      assertThat(string(r, "csrf_token")).isNotBlank();
      String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
      assertThat(setCookie)
          .startsWith("sid=")
          .contains("Path=/")
          .contains("HttpOnly")
          .contains("SameSite=Lax")
          .doesNotContain("Secure");
    }

    @Test
    void badPasswordIs401AndSetsNoCookie() {
      HttpResponse<String> r = http.login("/session-login", "alice", "wrong");

      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(json(r).has("error")).isTrue();
      assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void malformedBodiesAre400() {
      for (String body :
          new String[] {
            "",
            "not json",
            "[1,2]",
            "{\"username\":\"alice\"}",
            "{\"username\":1,\"password\":\"x\"}",
            "{\"username\":\"a\",\"password\":\"b\"} trailing",
            "{username:'alice',password:'wonderland'}"
          }) {
        HttpResponse<String> r = http.post("/session-login", body);
        assertThat(r.statusCode()).as(body).isEqualTo(400);
        assertThat(json(r).get("error").getAsString()).isNotBlank();
      }
    }

    @Test
    void profileAnswersForALiveCookieOnly() {
      String[] s = sessionLogin();

      HttpResponse<String> ok = http.get("/session-profile", "Cookie", "sid=" + s[0]);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(string(ok, "username")).isEqualTo("alice");
      assertThat(json(ok).get("roles").toString()).isEqualTo("[\"user\"]");
      // The same answer is the same bytes: members in a fixed order.
      assertThat(ok.body())
          .isEqualTo(
              "{\"username\":\"alice\",\"roles\":[\"user\"],\"assurance\":\"SINGLE_FACTOR\"}");

      assertThat(http.get("/session-profile").statusCode()).isEqualTo(401);
      assertThat(http.get("/session-profile", "Cookie", "sid=forged").statusCode()).isEqualTo(401);
    }

    @Test
    void logoutNeedsTheCsrfTokenAndKillsTheCookie() {
      String[] s = sessionLogin();
      String cookie = "sid=" + s[0];

      assertThat(http.post("/session-logout", "", "Cookie", cookie).statusCode()).isEqualTo(403);
      assertThat(
              http.post("/session-logout", "", "Cookie", cookie, "X-CSRF-Token", "nope")
                  .statusCode())
          .isEqualTo(403);
      String[] other = sessionLogin();
      assertThat(
              http.post("/session-logout", "", "Cookie", cookie, "X-CSRF-Token", other[1])
                  .statusCode())
          .as("another session's CSRF token")
          .isEqualTo(403);

      HttpResponse<String> out =
          http.post("/session-logout", "", "Cookie", cookie, "X-CSRF-Token", s[1]);
      assertThat(out.statusCode()).isEqualTo(200);
      assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
      assertThat(http.get("/session-profile", "Cookie", cookie).statusCode()).isEqualTo(401);
    }
  }

  @Nested
  class Tokens {
    @Test
    void loginReturnsABearerPair() {
      HttpResponse<String> r = http.login("/token-login", "admin", "password123");

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(string(r, "token_type")).isEqualTo("Bearer");
      assertThat(json(r).get("expires_in").getAsLong()).isBetween(1L, 900L);
      assertThat(string(r, "access_token")).contains(".");
      assertThat(string(r, "refresh_token")).isNotBlank();
      assertThat(http.login("/token-login", "admin", "nope").statusCode()).isEqualTo(401);
    }

    @Test
    void profileAcceptsAValidBearerAndRefusesTheRest() {
      String access = string(http.login("/token-login", "admin", "password123"), "access_token");

      HttpResponse<String> ok = http.get("/token-profile", "Authorization", "Bearer " + access);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(json(ok).get("roles").toString()).isEqualTo("[\"admin\",\"user\"]");

      for (String header :
          new String[] {
            "Bearer " + access.substring(0, access.length() - 2) + "xx",
            "Bearer",
            "Bearer  " + access,
            "Bearer a.b.c"
          }) {
        HttpResponse<String> r = http.get("/token-profile", "Authorization", header);
        assertThat(r.statusCode()).as(header).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow())
            .isEqualTo("Bearer realm=\"latchkey-demo\", error=\"invalid_token\"");
      }
      assertThat(http.get("/token-profile", "Authorization", "Basic abc").statusCode())
          .isEqualTo(401);
      assertThat(http.get("/token-profile").statusCode()).isEqualTo(401);
    }

    @Test
    void refreshRotatesAndReuseKillsTheFamily() {
      String refresh1 = string(http.login("/token-login", "alice", "wonderland"), "refresh_token");

      HttpResponse<String> second =
          http.post("/token-refresh", "{\"refresh_token\":\"" + refresh1 + "\"}");
      assertThat(second.statusCode()).isEqualTo(200);
      String refresh2 = string(second, "refresh_token");
      assertThat(refresh2).isNotEqualTo(refresh1);

      assertThat(
              http.post("/token-refresh", "{\"refresh_token\":\"" + refresh1 + "\"}").statusCode())
          .as("reuse")
          .isEqualTo(401);
      assertThat(
              http.post("/token-refresh", "{\"refresh_token\":\"" + refresh2 + "\"}").statusCode())
          .as("the family died with the reuse")
          .isEqualTo(401);
      assertThat(http.post("/token-refresh", "{}").statusCode()).isEqualTo(400);
    }

    @Test
    void logoutRevokesTheUnexpiredAccessTokenAndItsRefreshToken() {
      HttpResponse<String> login = http.login("/token-login", "alice", "wonderland");
      String access = string(login, "access_token");
      String refresh = string(login, "refresh_token");

      HttpResponse<String> out =
          http.post(
              "/token-logout",
              "{\"refresh_token\":\"" + refresh + "\"}",
              "Authorization",
              "Bearer " + access);
      assertThat(out.statusCode()).isEqualTo(200);

      assertThat(http.get("/token-profile", "Authorization", "Bearer " + access).statusCode())
          .isEqualTo(401);
      assertThat(
              http.post("/token-refresh", "{\"refresh_token\":\"" + refresh + "\"}").statusCode())
          .isEqualTo(401);
      assertThat(http.post("/token-logout", "", "Authorization", "Bearer " + access).statusCode())
          .isEqualTo(401);
    }
  }

  @Test
  void jwksIsAnEmptyKeySetForHmac() {
    HttpResponse<String> r = http.get("/.well-known/jwks.json");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).getAsJsonArray("keys")).isEmpty();
  }

  @Test
  void healthSaysMemory() {
    HttpResponse<String> r = http.get("/health");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(string(r, "status")).isEqualTo("ok");
    assertThat(string(r, "store")).isEqualTo("memory");
  }

  @Test
  void unknownRoutesAndMethodsAreJsonErrors() {
    HttpResponse<String> notFound = http.get("/nope");
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(json(notFound).has("error")).isTrue();

    HttpResponse<String> wrongMethod = http.get("/session-login");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(json(wrongMethod).has("error")).isTrue();
  }

  @Test
  void oversizedBodyIsRefusedWithoutReadingItAll() {
    String huge = "{\"username\":\"" + "a".repeat(100_000) + "\",\"password\":\"x\"}";

    HttpResponse<String> r = http.post("/session-login", huge);

    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(json(r).has("error")).isTrue();
  }

  @Test
  void repeatedFailuresAreThrottledWith429AndRetryAfter() {
    HttpResponse<String> last = null;
    for (int i = 0; i < 6; i++) {
      last = http.login("/token-login", "admin-throttled", "wrong" + i);
    }
    assertThat(last.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(last.headers().firstValue("Retry-After").orElseThrow())).isPositive();
    assertThat(json(last).has("error")).isTrue();
  }
}

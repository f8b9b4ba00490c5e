package dev.latchkey.examples.demo;

import static dev.latchkey.examples.demo.DemoHttp.json;
import static dev.latchkey.examples.demo.DemoHttp.sessionCookie;
import static dev.latchkey.examples.demo.DemoHttp.string;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two demo servers on one real Redis behave as one: log in on one, use and log out on the other;
 * and when Redis is gone every store-backed route answers 503, never 200 or 401.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoServerRedisIT {
  @AutoClose static final RedisServer REDIS = RedisFixture.standalone();

  static DemoServer a;
  static DemoServer b;
  static DemoHttp httpA;
  static DemoHttp httpB;

  @BeforeAll
  static void start() throws Exception {
    String url = REDIS.url();
    a =
        DemoServer.start(
            new DemoSettings(0, url, DemoServerIT.SECRET, false, 4, Clock.systemUTC()));
    b =
        DemoServer.start(
            new DemoSettings(0, url, DemoServerIT.SECRET, false, 4, Clock.systemUTC()));
    httpA = new DemoHttp(a.port());
    httpB = new DemoHttp(b.port());
  }

  @AfterAll
  static void stop() {
    a.close();
    b.close();
  }

  @Test
  @Order(1)
  void healthSaysRedis() {
    HttpResponse<String> r = httpA.get("/health");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(string(r, "store")).isEqualTo("redis");
  }

  @Test
  @Order(2)
  void sessionFromOneServerIsUsedAndEndedOnTheOther() {
    HttpResponse<String> login = httpA.login("/session-login", "alice", "wonderland");
    assertThat(login.statusCode()).isEqualTo(200);
    String cookie = "sid=" + sessionCookie(login).orElseThrow();
    String csrf = string(login, "csrf_token");

    assertThat(httpB.get("/session-profile", "Cookie", cookie).statusCode()).isEqualTo(200);
    assertThat(
            httpB.post("/session-logout", "", "Cookie", cookie, "X-CSRF-Token", csrf).statusCode())
        .as("server B accepts server A's CSRF token")
        .isEqualTo(200);
    assertThat(httpA.get("/session-profile", "Cookie", cookie).statusCode()).isEqualTo(401);
  }

  @Test
  @Order(3)
  void rememberMeCookieRestoresOnEitherServerAndAReplayEndsWhatItsFamilyRestored() {
    String login =
        DemoRememberMeIT.rememberCookie(
                httpA.post(
                    "/session-login",
                    "{\"username\":\"alice\",\"password\":\"wonderland\",\"remember_me\":true}"))
            .orElseThrow();
    HttpResponse<String> onB = httpB.get("/session-profile", "Cookie", "remember=" + login);
    assertThat(onB.statusCode()).isEqualTo(200);
    assertThat(string(onB, "assurance")).isEqualTo("REMEMBERED");
    String sessionB = "sid=" + sessionCookie(onB).orElseThrow();
    String next = DemoRememberMeIT.rememberCookie(onB).orElseThrow();
    HttpResponse<String> onA = httpA.get("/session-profile", "Cookie", "remember=" + next);
    assertThat(onA.statusCode()).isEqualTo(200);

    // The login's cookie, two rotations old: no grace covers it, it is reuse.
    assertThat(httpA.get("/session-profile", "Cookie", "remember=" + login).statusCode())
        .isEqualTo(401);

    assertThat(httpA.get("/session-profile", "Cookie", sessionB).statusCode()).isEqualTo(401);
    String sessionA = "sid=" + sessionCookie(onA).orElseThrow();
    assertThat(httpB.get("/session-profile", "Cookie", sessionA).statusCode()).isEqualTo(401);
  }

  @Test
  @Order(3)
  void tokenRevokedOnOneServerIsRefusedOnTheOtherWithinTheBound() {
    HttpResponse<String> login = httpA.login("/token-login", "admin", "password123");
    String access = string(login, "access_token");
    String refresh = string(login, "refresh_token");
    assertThat(httpB.get("/token-profile", "Authorization", "Bearer " + access).statusCode())
        .isEqualTo(200);

    assertThat(httpA.post("/token-logout", "", "Authorization", "Bearer " + access).statusCode())
        .isEqualTo(200);

    // The written bound is pub/sub delivery (milliseconds); 2 s leaves room for a loaded machine.
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    int status;
    do {
      status = httpB.get("/token-profile", "Authorization", "Bearer " + access).statusCode();
    } while (status == 200 && System.nanoTime() < deadline);
    assertThat(status).isEqualTo(401);
    // the bearer alone ended the refresh family it came from, for every server
    assertThat(httpB.post("/token-refresh", "{\"refresh_token\":\"" + refresh + "\"}").statusCode())
        .isEqualTo(401);

    // a refresh rotated on B is reuse on A
    refresh = string(httpA.login("/token-login", "admin", "password123"), "refresh_token");
    HttpResponse<String> rotated =
        httpB.post("/token-refresh", "{\"refresh_token\":\"" + refresh + "\"}");
    assertThat(rotated.statusCode()).isEqualTo(200);
    assertThat(httpA.post("/token-refresh", "{\"refresh_token\":\"" + refresh + "\"}").statusCode())
        .isEqualTo(401);
  }

  @Test
  @Order(4)
  void redisDownIs503OnEveryStoreRouteAndHealsByItself() {
    HttpResponse<String> login = httpA.login("/session-login", "alice", "wonderland");
    String cookie = "sid=" + sessionCookie(login).orElseThrow();
    String access = string(httpA.login("/token-login", "alice", "wonderland"), "access_token");
    // A second token for log-out-everywhere: the first one's failed logout below still revokes it
    // on this node (fail closed), and a revoked token is refused with 401 before any store call.
    String other = string(httpA.login("/token-login", "alice", "wonderland"), "access_token");
    String remember =
        "remember="
            + DemoRememberMeIT.rememberCookie(
                    httpA.post(
                        "/session-login",
                        "{\"username\":\"alice\",\"password\":\"wonderland\",\"remember_me\":true}"))
                .orElseThrow();

    REDIS.kill();
    try {
      assertUnavailable(httpA.get("/health"));
      assertUnavailable(httpA.login("/session-login", "alice", "wonderland"));
      assertUnavailable(httpA.login("/token-login", "alice", "wonderland"));
      assertUnavailable(httpB.get("/session-profile", "Cookie", cookie));
      assertUnavailable(httpB.get("/session-profile", "Cookie", remember));
      assertUnavailable(
          httpA.post(
              "/token-refresh", "{\"refresh_token\":\"" + DemoHttp.unknownOpaqueId() + "\"}"));
      assertUnavailable(httpA.post("/token-logout", "", "Authorization", "Bearer " + access));
      assertUnavailable(httpA.post("/logout-everywhere", "", "Authorization", "Bearer " + other));
      assertThat(
              httpA
                  .post("/logout-everywhere", "", "Authorization", "Bearer " + access)
                  .statusCode())
          .isIn(401, 503);
    } finally {
      REDIS.restart();
    }

    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (httpA.get("/health").statusCode() != 200 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(httpA.get("/health").statusCode()).isEqualTo(200);
    // Redis came back empty: the session is gone, the server says so instead of failing.
    assertThat(httpA.get("/session-profile", "Cookie", cookie).statusCode()).isEqualTo(401);
    assertThat(httpA.login("/session-login", "alice", "wonderland").statusCode()).isEqualTo(200);
  }

  private static void assertUnavailable(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.uri().getPath()).isEqualTo(503);
    assertThat(json(r).get("error").getAsString()).isEqualTo("unavailable");
  }
}

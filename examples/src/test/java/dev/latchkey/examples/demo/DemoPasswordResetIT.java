package dev.latchkey.examples.demo;

import static dev.latchkey.examples.demo.DemoHttp.json;
import static dev.latchkey.examples.demo.DemoHttp.sessionCookie;
import static dev.latchkey.examples.demo.DemoHttp.string;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * Password reset over real HTTP on the demo: the whole round trip through {@code /dev/outbox}, an
 * unknown user, the outbox hidden without {@code DEMO_OUTBOX}, and a Redis that is gone.
 */
class DemoPasswordResetIT {

  private static DemoServer startWithOutbox(String redisUrl) throws IOException {
    return DemoServer.start(
        new DemoSettings(0, redisUrl, DemoServerIT.SECRET, false, 4, Clock.systemUTC(), true));
  }

  private static JsonArray outbox(DemoHttp http) {
    HttpResponse<String> r = http.get("/dev/outbox");
    assertThat(r.statusCode()).isEqualTo(200);
    return JsonParser.parseString(r.body()).getAsJsonArray();
  }

  private static HttpResponse<String> request(DemoHttp http, String user) {
    return http.post("/password-reset/request", "{\"username\":\"" + user + "\"}");
  }

  private static HttpResponse<String> confirm(DemoHttp http, String token, String password) {
    return http.post(
        "/password-reset/confirm",
        "{\"token\":\"" + token + "\",\"new_password\":\"" + password + "\"}");
  }

  @Test
  void theWholeResetRoundTripEndsEverythingTheOldPasswordHeld() throws Exception {
    try (DemoServer server = startWithOutbox(null)) {
      DemoHttp http = new DemoHttp(server.port());
      HttpResponse<String> sessionLogin = http.login("/session-login", "alice", "wonderland");
      String sid = sessionCookie(sessionLogin).orElseThrow();
      HttpResponse<String> tokenLogin = http.login("/token-login", "alice", "wonderland");
      String access = string(tokenLogin, "access_token");
      String refresh = string(tokenLogin, "refresh_token");

      assertThat(request(http, "alice").statusCode()).isEqualTo(202);
      JsonArray sent = outbox(http);
      assertThat(sent).hasSize(1);
      JsonObject message = sent.get(0).getAsJsonObject();
      assertThat(message.get("to").getAsString()).isEqualTo("alice");
      assertThat(message.get("purpose").getAsString()).isEqualTo("password_reset");
      String token = message.get("token").getAsString();
      assertThat(message.get("link").getAsString())
          .isEqualTo("http://127.0.0.1:" + server.port() + "/password-reset?token=" + token);

      // A mail scanner fetching the link twice does not use it.
      for (int i = 0; i < 2; i++) {
        HttpResponse<String> peek = http.get("/password-reset?token=" + token);
        assertThat(peek.statusCode()).isEqualTo(200);
        assertThat(json(peek).get("valid").getAsBoolean()).isTrue();
        assertThat(json(peek).get("expires_at").getAsLong()).isPositive();
      }

      // The policy of registration holds for a reset too, and a refusal leaves the link usable.
      HttpResponse<String> weak = confirm(http, token, "alice-in-wonderland");
      assertThat(weak.statusCode()).isEqualTo(400);
      assertThat(json(weak).get("error").getAsString()).isEqualTo("password_rejected");
      assertThat(json(weak).getAsJsonArray("reasons").toString()).contains("contains_username");
      assertThat(confirm(http, token, "through-the-looking-glass").statusCode()).isEqualTo(200);

      assertThat(http.login("/session-login", "alice", "wonderland").statusCode()).isEqualTo(401);
      assertThat(http.get("/session-profile", "Cookie", "sid=" + sid).statusCode()).isEqualTo(401);
      assertThat(http.get("/token-profile", "Authorization", "Bearer " + access).statusCode())
          .isEqualTo(401);
      assertThat(
              http.post("/token-refresh", "{\"refresh_token\":\"" + refresh + "\"}").statusCode())
          .isEqualTo(401);
      assertThat(http.login("/session-login", "alice", "through-the-looking-glass").statusCode())
          .isEqualTo(200);

      HttpResponse<String> again = confirm(http, token, "yet-another-password");
      assertThat(again.statusCode()).isEqualTo(400);
      assertThat(json(again).get("error").getAsString()).isNotBlank();
      assertThat(http.get("/password-reset?token=" + token).statusCode()).isEqualTo(400);
    }
  }

  @Test
  void anUnknownUserIs202AndNothingIsSent() throws Exception {
    try (DemoServer server = startWithOutbox(null)) {
      DemoHttp http = new DemoHttp(server.port());
      HttpResponse<String> unknown = request(http, "nobody");
      HttpResponse<String> known = request(http, "admin");
      assertThat(unknown.statusCode()).isEqualTo(202);
      assertThat(unknown.body()).isEqualTo(known.body());
      assertThat(outbox(http)).hasSize(1);
    }
  }

  @Test
  void anInvalidTokenIs400InTheErrorFormat() throws Exception {
    try (DemoServer server = startWithOutbox(null)) {
      DemoHttp http = new DemoHttp(server.port());
      HttpResponse<String> r = http.get("/password-reset?token=" + DemoHttp.unknownOpaqueId());
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(json(r).get("error").getAsString()).isNotBlank();
      assertThat(http.get("/password-reset").statusCode()).isEqualTo(400);
    }
  }

  @Test
  void theOutboxIs404WithoutDemoOutbox() throws Exception {
    try (DemoServer server = DemoServerIT.startInMemory()) {
      DemoHttp http = new DemoHttp(server.port());
      assertThat(http.get("/dev/outbox").statusCode()).isEqualTo(404);
      assertThat(request(http, "alice").statusCode()).isEqualTo(202);
      assertThat(http.get("/dev/outbox").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aFloodOfRequestsForOneUserIsThrottled() throws Exception {
    try (DemoServer server = startWithOutbox(null)) {
      DemoHttp http = new DemoHttp(server.port());
      int throttled = 0;
      for (int i = 0; i < 12; i++) {
        HttpResponse<String> r = request(http, "alice");
        if (r.statusCode() == 429) {
          assertThat(r.headers().firstValue("Retry-After")).isPresent();
          throttled++;
        } else {
          assertThat(r.statusCode()).isEqualTo(202);
        }
      }
      assertThat(throttled).isEqualTo(7);
      assertThat(outbox(http)).hasSize(5);
    }
  }

  @Test
  void withRedisGoneTheRoutesAnswer503() throws Exception {
    try (RedisServer redis = RedisFixture.standalone();
        DemoServer server = startWithOutbox(redis.url())) {
      DemoHttp http = new DemoHttp(server.port());
      assertThat(request(http, "alice").statusCode()).isEqualTo(202);
      String token = outbox(http).get(0).getAsJsonObject().get("token").getAsString();
      redis.kill();
      assertThat(request(http, "alice").statusCode()).isEqualTo(503);
      assertThat(http.get("/password-reset?token=" + token).statusCode()).isEqualTo(503);
      assertThat(confirm(http, token, "through-the-looking-glass").statusCode()).isEqualTo(503);
    }
  }
}

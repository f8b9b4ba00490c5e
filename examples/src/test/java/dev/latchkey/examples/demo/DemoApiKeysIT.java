package dev.latchkey.examples.demo;

import static dev.latchkey.examples.demo.DemoHttp.json;
import static dev.latchkey.examples.demo.DemoHttp.sessionCookie;
import static dev.latchkey.examples.demo.DemoHttp.string;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.latchkey.core.TestClock;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * API keys end to end over real HTTP on the in-memory demo: created behind the session, listed
 * without a secret, used as a bearer on {@code /api-profile}, refused once revoked, expired (by the
 * demo's clock, moved forward) or mistyped.
 */
class DemoApiKeysIT {
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

  /** Alice's session: {cookie header, csrf token}. */
  private static String[] login() {
    HttpResponse<String> r = http.login("/session-login", "alice", "wonderland");
    assertThat(r.statusCode()).isEqualTo(200);
    return new String[] {"sid=" + sessionCookie(r).orElseThrow(), string(r, "csrf_token")};
  }

  private static HttpResponse<String> create(String[] session, String body) {
    return http.post("/api-keys", body, "Cookie", session[0], "X-CSRF-Token", session[1]);
  }

  private static HttpResponse<String> apiProfile(String key) {
    return http.get("/api-profile", "Authorization", "Bearer " + key);
  }

  @Test
  void aKeyIsCreatedListedWithoutItsSecretUsedAndRevoked() {
    String[] session = login();
    HttpResponse<String> created =
        create(session, "{\"name\":\"ci\",\"scopes\":[\"repo:write\",\"repo:read\"]}");
    assertThat(created.statusCode()).isEqualTo(201);
    String id = string(created, "id");
    String key = string(created, "key");
    assertThat(key).startsWith("lk_demo_");

    HttpResponse<String> list = http.get("/api-keys", "Cookie", session[0]);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).doesNotContain(key).doesNotContain(key.substring(24, 67));
    JsonArray keys = json(list).getAsJsonArray("keys");
    JsonObject listed = null;
    for (int i = 0; i < keys.size(); i++) {
      JsonObject k = keys.get(i).getAsJsonObject();
      if (k.get("id").getAsString().equals(id)) {
        listed = k;
      }
    }
    assertThat(listed).as("the new key is listed").isNotNull();
    assertThat(listed.get("name").getAsString()).isEqualTo("ci");
    assertThat(listed.keySet())
        .containsExactly("id", "name", "scopes", "created_at", "expires_at", "last_used_at");

    HttpResponse<String> profile = apiProfile(key);
    assertThat(profile.statusCode()).isEqualTo(200);
    assertThat(string(profile, "username")).isEqualTo("alice");
    assertThat(json(profile).getAsJsonArray("scopes").toString())
        .isEqualTo("[\"repo:read\",\"repo:write\"]");

    HttpResponse<String> revoked =
        http.send(
            "DELETE", "/api-keys/" + id, "", "Cookie", session[0], "X-CSRF-Token", session[1]);
    assertThat(revoked.statusCode()).isEqualTo(204);

    HttpResponse<String> after = apiProfile(key);
    assertThat(after.statusCode()).isEqualTo(401);
    assertThat(after.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("invalid_token");
  }

  @Test
  void aKeyIsRefusedOnceItExpires() {
    String key = string(create(login(), "{\"name\":\"short\",\"expires_in\":120}"), "key");
    assertThat(apiProfile(key).statusCode()).isEqualTo(200);

    CLOCK.advance(Duration.ofSeconds(121));

    assertThat(apiProfile(key).statusCode()).isEqualTo(401);
  }

  @Test
  void aKeyWithOneChangedCharacterIsRefused() {
    String key = string(create(login(), "{\"name\":\"typo\"}"), "key");
    char c = key.charAt(30);
    String typo = key.substring(0, 30) + (c == 'x' ? 'y' : 'x') + key.substring(31);

    assertThat(apiProfile(typo).statusCode()).isEqualTo(401);
    assertThat(apiProfile(key).statusCode()).isEqualTo(200);
  }

  @Test
  void anAccessTokenIsNoApiKeyOnTheApiProfile() {
    String token = string(http.login("/token-login", "alice", "wonderland"), "access_token");

    assertThat(apiProfile(token).statusCode()).isEqualTo(401);
    assertThat(http.get("/api-profile").statusCode()).isEqualTo(401);
  }

  @Test
  void creatingAKeyNeedsTheCsrfTokenAndValidInput() {
    String[] session = login();

    assertThat(http.post("/api-keys", "{\"name\":\"x\"}", "Cookie", session[0]).statusCode())
        .isEqualTo(403);
    assertThat(create(session, "{\"name\":\"x\",\"expires_in\":0}").statusCode()).isEqualTo(400);
    assertThat(create(session, "{\"name\":\"x\",\"scopes\":[\"a b\"]}").statusCode())
        .isEqualTo(400);
  }
}

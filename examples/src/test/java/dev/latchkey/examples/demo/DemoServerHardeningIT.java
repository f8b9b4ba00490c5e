package dev.latchkey.examples.demo;

import static dev.latchkey.examples.demo.DemoHttp.json;
import static dev.latchkey.examples.demo.DemoHttp.string;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo as a template under attack: requests a browser can be tricked into sending from another
 * site, bodies it must not accept, and the answers RFC 6750 and RFC 9110 prescribe.
 */
class DemoServerHardeningIT {
  private static final String LOGIN = "{\"username\":\"alice\",\"password\":\"wonderland\"}";
  private static final String[] STATE_CHANGING_ROUTES = {
    "/session-login",
    "/session-logout",
    "/token-login",
    "/token-refresh",
    "/token-logout",
    "/logout-everywhere"
  };

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

  /**
   * Login CSRF: an attacker's page posts its own credentials as {@code text/plain} (a "simple"
   * request: no preflight) so the victim's browser holds the attacker's session. The browser says
   * where the request comes from; the demo must refuse it before reading the body.
   */
  @Test
  void aCrossSiteTextPlainLoginIsRefusedAndSetsNoCookie() {
    HttpResponse<String> r =
        http.send(
            "POST",
            "/session-login",
            LOGIN,
            "Content-Type",
            "text/plain",
            "Origin",
            "https://evil.example",
            "Sec-Fetch-Site",
            "cross-site");

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(json(r).get("error").getAsString()).isNotBlank();
    assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
  }

  @Test
  void everyStateChangingMethodFromAnotherSiteIsRefused() {
    String[][] foreign = {
      {"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"},
      {"Origin", "https://sub.localhost", "Sec-Fetch-Site", "same-site"},
      {"Origin", "https://evil.example"},
      {"Origin", "null"},
    };
    for (String route : STATE_CHANGING_ROUTES) {
      for (String method : new String[] {"POST", "PUT", "PATCH", "DELETE"}) {
        for (String[] headers : foreign) {
          String[] all = concat(headers, "Content-Type", "application/json");
          HttpResponse<String> r = http.send(method, route, LOGIN, all);
          assertThat(r.statusCode())
              .as(method + " " + route + " " + String.join(" ", headers))
              .isEqualTo(403);
          assertThat(json(r).has("error")).isTrue();
          assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
        }
      }
    }
  }

  @Test
  void sameOriginBrowsersAndNonBrowserClientsMayLogIn() {
    int port = server.port();
    String[][] allowed = {
      {"Sec-Fetch-Site", "same-origin", "Origin", "http://127.0.0.1:" + port},
      {"Origin", "http://localhost:" + port},
      {"Sec-Fetch-Site", "none"},
      {},
    };
    for (String[] headers : allowed) {
      String[] all = concat(headers, "Content-Type", "application/json");
      assertThat(http.send("POST", "/session-login", LOGIN, all).statusCode())
          .as(String.join(" ", headers))
          .isEqualTo(200);
    }
  }

  @Test
  void aBodyThatIsNotDeclaredJsonIs415OnEveryRouteThatReadsOne() {
    String[] notJson = {
      "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
      "application/jsonp", "text/json", "application/json; charset=iso-8859-1"
    };
    for (String route : new String[] {"/session-login", "/token-login", "/token-refresh"}) {
      for (String type : notJson) {
        HttpResponse<String> r = http.send("POST", route, LOGIN, "Content-Type", type);
        assertThat(r.statusCode()).as(route + " " + type).isEqualTo(415);
        assertThat(json(r).get("error").getAsString()).contains("application/json");
      }
      assertThat(http.send("POST", route, LOGIN).statusCode())
          .as(route + " without a type")
          .isEqualTo(415);
    }
    String access = string(http.login("/token-login", "alice", "wonderland"), "access_token");
    assertThat(
            http.send(
                    "POST",
                    "/token-logout",
                    "{\"refresh_token\":\"x\"}",
                    "Content-Type",
                    "text/plain",
                    "Authorization",
                    "Bearer " + access)
                .statusCode())
        .isEqualTo(415);
  }

  @Test
  void jsonWithParametersIsJson() {
    for (String type :
        new String[] {
          "application/json; charset=utf-8",
          "Application/JSON;charset=\"UTF-8\"",
          "application/json"
        }) {
      assertThat(http.send("POST", "/token-login", LOGIN, "Content-Type", type).statusCode())
          .as(type)
          .isEqualTo(200);
    }
  }

  @Test
  void aBodyOverTheLimitIs413() {
    String huge = "{\"username\":\"" + "a".repeat(100_000) + "\",\"password\":\"x\"}";
    String justOver = "{\"username\":\"" + "a".repeat(16 * 1024) + "\",\"password\":\"x\"}";

    for (String body : new String[] {huge, justOver}) {
      HttpResponse<String> r = http.post("/session-login", body);
      assertThat(r.statusCode()).isEqualTo(413);
      assertThat(json(r).get("error").getAsString()).isEqualTo("body too large");
    }
  }

  @Test
  void duplicateKeysAreRefusedAtAnyDepth() {
    String[] bodies = {
      "{\"username\":\"alice\",\"password\":\"wonderland\",\"username\":\"admin\"}",
      "{\"username\":\"alice\",\"username\":\"alice\",\"password\":\"wonderland\"}",
      "{\"username\":\"alice\",\"password\":\"wonderland\",\"x\":{\"a\":1,\"a\":2}}",
      "{\"username\":\"alice\",\"password\":\"wonderland\",\"x\":[{\"a\":1,\"a\":2}]}",
    };
    for (String body : bodies) {
      HttpResponse<String> r = http.post("/token-login", body);
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(json(r).has("error")).isTrue();
    }
    assertThat(
            http.post(
                    "/token-login",
                    "{\"username\":\"alice\",\"password\":\"wonderland\",\"x\":[{\"a\":1},{\"a\":2}]}")
                .statusCode())
        .as("the same name in two objects")
        .isEqualTo(200);
    assertThat(
            http.post("/token-refresh", "{\"refresh_token\":\"a\",\"refresh_token\":\"b\"}")
                .statusCode())
        .isEqualTo(400);
  }

  /** RFC 6750 §3.1: no error code for a request that carried no bearer token. */
  @Test
  void aRequestWithoutATokenGetsABareChallenge() {
    for (String[] headers : new String[][] {{}, {"Authorization", "Basic YWxpY2U6eA=="}}) {
      HttpResponse<String> r = http.get("/token-profile", headers);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.headers().allValues("WWW-Authenticate"))
          .containsExactly("Bearer realm=\"latchkey-demo\"");
    }
    HttpResponse<String> logout = http.post("/token-logout", "");
    assertThat(logout.headers().allValues("WWW-Authenticate"))
        .containsExactly("Bearer realm=\"latchkey-demo\"");
  }

  @Test
  void aPresentedTokenThatFailsGetsInvalidToken() {
    for (String header : new String[] {"Bearer a.b.c", "Bearer", "Bearer  x"}) {
      HttpResponse<String> r = http.get("/token-profile", "Authorization", header);
      assertThat(r.statusCode()).as(header).isEqualTo(401);
      assertThat(r.headers().allValues("WWW-Authenticate"))
          .as(header)
          .containsExactly("Bearer realm=\"latchkey-demo\", error=\"invalid_token\"");
    }
  }

  /**
   * With {@code COOKIE_SECURE=true} the session cookie is {@code __Host-sid}: Secure, Path=/ and no
   * Domain, so a sibling subdomain or a plain-HTTP response cannot plant one; and a plain {@code
   * sid} cookie (which could have been planted) is not read.
   */
  @Test
  void aSecureDeploymentUsesAHostPrefixedCookieAndReadsOnlyThat() throws Exception {
    try (DemoServer secure =
        DemoServer.start(
            new DemoSettings(0, null, DemoServerIT.SECRET, true, 4, Clock.systemUTC()))) {
      DemoHttp client = new DemoHttp(secure.port());
      HttpResponse<String> login = client.login("/session-login", "alice", "wonderland");
      assertThat(login.statusCode()).isEqualTo(200);
      String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
      assertThat(setCookie)
          .startsWith("__Host-sid=")
          .contains("; Secure")
          .contains("; Path=/")
          .contains("; HttpOnly")
          .doesNotContainIgnoringCase("domain");
      String value = setCookie.substring("__Host-sid=".length(), setCookie.indexOf(';'));

      assertThat(client.get("/session-profile", "Cookie", "__Host-sid=" + value).statusCode())
          .isEqualTo(200);
      assertThat(client.get("/session-profile", "Cookie", "sid=" + value).statusCode())
          .as("a plain sid cookie")
          .isEqualTo(401);

      HttpResponse<String> logout =
          client.post(
              "/session-logout",
              "",
              "Cookie",
              "__Host-sid=" + value,
              "X-CSRF-Token",
              string(login, "csrf_token"));
      assertThat(logout.statusCode()).isEqualTo(200);
      assertThat(logout.headers().firstValue("Set-Cookie").orElseThrow())
          .startsWith("__Host-sid=;")
          .contains("Max-Age=0")
          .contains("; Secure");
    }
  }

  private static String[] concat(String[] headers, String... more) {
    String[] all = new String[headers.length + more.length];
    System.arraycopy(headers, 0, all, 0, headers.length);
    System.arraycopy(more, 0, all, headers.length, more.length);
    return all;
  }
}

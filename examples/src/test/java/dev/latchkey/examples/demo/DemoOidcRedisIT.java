package dev.latchkey.examples.demo;

import static dev.latchkey.examples.demo.DemoHttp.sessionCookie;
import static dev.latchkey.examples.demo.DemoHttp.string;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two demo servers on one Redis: a sign-in started on one node finishes on the other, once; and
 * with Redis gone the login route answers 503, never a redirect it could not remember.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoOidcRedisIT {
  @AutoClose static final RedisServer REDIS = RedisFixture.standalone();
  static final MockOAuth2Server PROVIDER = new MockOAuth2Server();

  static DemoServer a;
  static DemoServer b;
  static DemoHttp httpA;
  static DemoHttp httpB;

  @BeforeAll
  static void start() throws Exception {
    PROVIDER.start(InetAddress.getLoopbackAddress(), 0);
    DemoSettings.Oidc oidc =
        new DemoSettings.Oidc(
            PROVIDER.issuerUrl("fleet").toString(), "latchkey-demo", "demo-client-secret", null);
    a = DemoServer.start(settings(oidc));
    b = DemoServer.start(settings(oidc));
    httpA = new DemoHttp(a.port());
    httpB = new DemoHttp(b.port());
  }

  private static DemoSettings settings(DemoSettings.Oidc oidc) {
    return new DemoSettings(
        0, REDIS.url(), DemoServerIT.SECRET, false, 4, Clock.systemUTC(), false, oidc, List.of());
  }

  @AfterAll
  static void stop() {
    a.close();
    b.close();
    PROVIDER.shutdown();
  }

  private static String bindingCookie(HttpResponse<String> login) {
    String set =
        login.headers().allValues("Set-Cookie").stream()
            .filter(v -> v.startsWith("latchkey-oidc="))
            .findFirst()
            .orElseThrow();
    return set.substring(0, set.indexOf(';'));
  }

  @Test
  @Order(1)
  void aLoginStartedOnOneNodeFinishesOnTheOtherOnce() throws Exception {
    HttpResponse<String> login = httpA.get("/oidc/login");
    assertThat(login.statusCode()).isEqualTo(302);
    HttpResponse<String> atProvider =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(login.headers().firstValue("Location").orElseThrow()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    String query =
        URI.create(atProvider.headers().firstValue("Location").orElseThrow()).getRawQuery();

    HttpResponse<String> onB = httpB.get("/oidc/callback?" + query, "Cookie", bindingCookie(login));
    assertThat(onB.statusCode()).isEqualTo(302);
    String sid = sessionCookie(onB).orElseThrow();
    assertThat(httpA.get("/session-profile", "Cookie", "sid=" + sid).statusCode()).isEqualTo(200);

    HttpResponse<String> againOnA =
        httpA.get("/oidc/callback?" + query, "Cookie", bindingCookie(login));
    assertThat(againOnA.statusCode()).isEqualTo(400);
    assertThat(string(againOnA, "error")).isEqualTo("invalid_state");
  }

  @Test
  @Order(2)
  void withRedisGoneTheLoginRouteIs503() {
    REDIS.kill();
    HttpResponse<String> login = httpA.get("/oidc/login");
    assertThat(login.statusCode()).isEqualTo(503);
    assertThat(login.headers().firstValue("Location")).isEmpty();
    assertThat(login.headers().firstValue("Retry-After")).isPresent();
  }
}

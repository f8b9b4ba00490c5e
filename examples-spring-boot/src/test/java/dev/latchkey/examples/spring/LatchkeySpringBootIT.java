package dev.latchkey.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The example application on a real Tomcat on a random port, driven over HTTP as a browser and an
 * API client would: the filter answers the authentication routes and guards the controller's.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "latchkey.bcrypt-cost=4")
class LatchkeySpringBootIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient http = HttpClient.newHttpClient();

  @LocalServerPort private int port;

  @Test
  void aSessionLoginOpensTheSessionProfile() throws Exception {
    Session alice = sessionLogin("alice", "wonderland");

    HttpResponse<String> profile = get("/session-profile", "Cookie", alice.cookie());

    assertThat(profile.statusCode()).isEqualTo(200);
    JsonNode body = json(profile);
    assertThat(body.get("username").asString()).isEqualTo("alice");
    assertThat(body.get("roles").toString()).isEqualTo("[\"user\"]");
  }

  @Test
  void theSessionProfileWithoutACookieIsRefused() throws Exception {
    HttpResponse<String> profile = get("/session-profile");

    assertThat(profile.statusCode()).isEqualTo(401);
    assertThat(json(profile).get("error").asString()).isNotBlank();
  }

  @Test
  void aWrongPasswordStartsNoSession() throws Exception {
    HttpResponse<String> login =
        post("/session-login", "{\"username\":\"alice\",\"password\":\"wrong\"}");

    assertThat(login.statusCode()).isEqualTo(401);
    assertThat(login.headers().allValues("Set-Cookie")).isEmpty();
  }

  @Test
  void aStateChangingRequestWithoutTheCsrfTokenIsRefusedAndLeavesTheSessionAlive()
      throws Exception {
    Session alice = sessionLogin("alice", "wonderland");

    HttpResponse<String> logout = post("/session-logout", "", "Cookie", alice.cookie());

    assertThat(logout.statusCode()).isEqualTo(403);
    assertThat(get("/session-profile", "Cookie", alice.cookie()).statusCode()).isEqualTo(200);
  }

  @Test
  void aCrossSitePostIsRefusedBeforeTheLoginRuns() throws Exception {
    HttpResponse<String> login =
        post(
            "/session-login",
            "{\"username\":\"alice\",\"password\":\"wonderland\"}",
            "Origin",
            "https://attacker.example",
            "Sec-Fetch-Site",
            "cross-site");

    assertThat(login.statusCode()).isEqualTo(403);
    assertThat(login.headers().allValues("Set-Cookie")).isEmpty();
  }

  @Test
  void afterLogoutTheOldCookieIsRefused() throws Exception {
    Session alice = sessionLogin("alice", "wonderland");

    HttpResponse<String> logout =
        post("/session-logout", "", "Cookie", alice.cookie(), "X-CSRF-Token", alice.csrfToken());

    assertThat(logout.statusCode()).isEqualTo(200);
    assertThat(get("/session-profile", "Cookie", alice.cookie()).statusCode()).isEqualTo(401);
  }

  @Test
  void aTokenLoginOpensTheTokenProfile() throws Exception {
    Tokens alice = tokenLogin("alice", "wonderland");

    HttpResponse<String> profile =
        get("/token-profile", "Authorization", "Bearer " + alice.access());

    assertThat(profile.statusCode()).isEqualTo(200);
    assertThat(json(profile).get("username").asString()).isEqualTo("alice");
  }

  @Test
  void aForgedBearerTokenIsRefusedWithABearerChallenge() throws Exception {
    Tokens alice = tokenLogin("alice", "wonderland");
    String forged = alice.access().substring(0, alice.access().length() - 4) + "AAAA";

    HttpResponse<String> profile = get("/token-profile", "Authorization", "Bearer " + forged);

    assertThat(profile.statusCode()).isEqualTo(401);
    assertThat(profile.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer ").contains("invalid_token"));
  }

  @Test
  void eachProfileAcceptsOnlyItsOwnKindOfCredential() throws Exception {
    Session session = sessionLogin("alice", "wonderland");
    Tokens tokens = tokenLogin("alice", "wonderland");

    HttpResponse<String> bearerAtSessionProfile =
        get("/session-profile", "Authorization", "Bearer " + tokens.access());
    HttpResponse<String> cookieAtTokenProfile = get("/token-profile", "Cookie", session.cookie());

    assertThat(bearerAtSessionProfile.statusCode()).isEqualTo(401);
    assertThat(cookieAtTokenProfile.statusCode()).isEqualTo(401);
    assertThat(cookieAtTokenProfile.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer "));
  }

  @Test
  void aRefreshGivesANewPairAndTheSpentRefreshTokenIsRefused() throws Exception {
    Tokens first = tokenLogin("alice", "wonderland");

    HttpResponse<String> refreshed = refresh(first.refresh());
    assertThat(refreshed.statusCode()).isEqualTo(200);
    Tokens second = tokens(refreshed);
    assertThat(second.refresh()).isNotEqualTo(first.refresh());
    assertThat(get("/token-profile", "Authorization", "Bearer " + second.access()).statusCode())
        .isEqualTo(200);

    // A spent refresh token presented again is a theft signal: it ends the whole family.
    assertThat(refresh(first.refresh()).statusCode()).isEqualTo(401);
    assertThat(refresh(second.refresh()).statusCode()).isEqualTo(401);
  }

  @Test
  void logoutEverywhereEndsEverySessionAndToken() throws Exception {
    Session browser = sessionLogin("admin", "password123");
    Tokens api = tokenLogin("admin", "password123");
    Tokens other = tokenLogin("admin", "password123");

    HttpResponse<String> everywhere =
        post("/logout-everywhere", "", "Authorization", "Bearer " + api.access());

    assertThat(everywhere.statusCode()).isEqualTo(200);
    assertThat(json(everywhere).get("sessions_ended").asInt()).isEqualTo(1);
    assertThat(get("/session-profile", "Cookie", browser.cookie()).statusCode()).isEqualTo(401);
    assertThat(get("/token-profile", "Authorization", "Bearer " + other.access()).statusCode())
        .isEqualTo(401);
    assertThat(refresh(other.refresh()).statusCode()).isEqualTo(401);
  }

  @Test
  void healthPathsArePublic() throws Exception {
    assertThat(get("/health").statusCode()).isEqualTo(200);
    HttpResponse<String> actuator = get("/actuator/health");
    assertThat(actuator.statusCode()).isEqualTo(200);
    assertThat(json(actuator).get("status").asString()).isEqualTo("UP");
  }

  @Test
  void failedLoginsAreCountedOnTheActuatorForALoggedInCallerOnly() throws Exception {
    Session alice = sessionLogin("alice", "wonderland");
    String failures =
        "/actuator/metrics/latchkey.authentications?tag=method:password&tag=outcome:failure";
    double before = count(get(failures, "Cookie", alice.cookie()));

    post("/session-login", credentials("mallory", "guess"));
    post("/token-login", credentials("mallory", "guess again"));

    assertThat(count(get(failures, "Cookie", alice.cookie()))).isEqualTo(before + 2);
    assertThat(get(failures).statusCode()).isEqualTo(401);
  }

  @Test
  void anUnknownPathWithoutACredentialIsRefusedNotRevealed() throws Exception {
    assertThat(get("/no-such-route").statusCode()).isEqualTo(401);
  }

  private Session sessionLogin(String username, String password) throws Exception {
    HttpResponse<String> login = post("/session-login", credentials(username, password));
    assertThat(login.statusCode()).as("session login of %s", username).isEqualTo(200);
    Optional<String> cookie =
        login.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("sid="))
            .map(c -> c.substring(0, c.indexOf(';')))
            .findFirst();
    assertThat(cookie).as("the session cookie").isPresent();
    return new Session(cookie.get(), json(login).get("csrf_token").asString());
  }

  private Tokens tokenLogin(String username, String password) throws Exception {
    HttpResponse<String> login = post("/token-login", credentials(username, password));
    assertThat(login.statusCode()).as("token login of %s", username).isEqualTo(200);
    return tokens(login);
  }

  private HttpResponse<String> refresh(String refreshToken) throws Exception {
    return post("/token-refresh", "{\"refresh_token\":\"" + refreshToken + "\"}");
  }

  private static Tokens tokens(HttpResponse<String> response) {
    JsonNode body = json(response);
    return new Tokens(body.get("access_token").asString(), body.get("refresh_token").asString());
  }

  private static String credentials(String username, String password) {
    return "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
  }

  /** The {@code COUNT} of an actuator metric answer. */
  private static double count(HttpResponse<String> metric) {
    assertThat(metric.statusCode()).as("the metric's answer").isEqualTo(200);
    for (JsonNode m : json(metric).get("measurements")) {
      if ("COUNT".equals(m.get("statistic").asString())) {
        return m.get("value").asDouble();
      }
    }
    throw new AssertionError("no COUNT in " + metric.body());
  }

  private static JsonNode json(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }

  private HttpResponse<String> get(String path, String... headers)
      throws IOException, InterruptedException {
    return send(request(path, headers).GET());
  }

  private HttpResponse<String> post(String path, String body, String... headers)
      throws IOException, InterruptedException {
    return send(
        request(path, headers)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  private HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base() + path));
    if (headers.length > 0) {
      builder.headers(Arrays.copyOf(headers, headers.length));
    }
    return builder;
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private String base() {
    return "http://127.0.0.1:" + port;
  }

  /** A browser's session: its cookie ({@code sid=...}) and the session's CSRF token. */
  private record Session(String cookie, String csrfToken) {}

  /** An API client's token pair. */
  private record Tokens(String access, String refresh) {}
}

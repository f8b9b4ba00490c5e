package dev.latchkey.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import jakarta.servlet.Filter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What {@link LatchkeyFilter} does in a real servlet container, over real HTTP, with sessions and
 * tokens on a real Redis. Each container runs this suite through a subclass that starts it with the
 * filter at {@code /*}, {@link ApplicationServlet} on {@code /profile}, {@code /health} and {@code
 * /forward-to-profile} (each subclass maps them its own way) and another at {@code /api/*}, in the
 * context {@value #CONTEXT}, on a free loopback port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ContainerContract {
  /** Not the root context: every path the filter sees must be context-relative. */
  static final String CONTEXT = "/app";

  private static final String COOKIE = "sid";
  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(10);
  private static final Pattern CSRF = Pattern.compile("\"csrf_token\":\"([^\"]+)\"");
  private static final Pattern ACCESS = Pattern.compile("\"access_token\":\"([^\"]+)\"");

  /** A running container. */
  interface Running {
    /** {@return the port it listens on at 127.0.0.1} */
    int port();

    /** Stops it and removes what it wrote to disk. */
    void stop() throws Exception;
  }

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private RedisServer redis;
  private LatchkeyStack stack;
  private Running container;

  /**
   * Starts the container on 127.0.0.1 and a free port, {@code filter} mapped at {@code /*} for
   * requests and the application as the class description says, in the context {@link #CONTEXT}.
   */
  abstract Running start(Filter filter) throws Exception;

  @BeforeAll
  void startEverything() throws Exception {
    redis = RedisFixture.standalone();
    stack = new LatchkeyStack(redis, Clock.systemUTC());
    container = start(new LatchkeyFilter(stack.web()));
  }

  @AfterAll
  void stopEverything() throws Exception {
    try {
      container.stop();
    } finally {
      try {
        stack.close();
      } finally {
        redis.close();
      }
    }
  }

  @BeforeEach
  void redisRuns() {
    if (!redis.isRunning()) {
      redis.restart();
    }
  }

  @Test
  void sessionLoginSetsAnHttpOnlyCookieAndAnswersTheCsrfToken() throws Exception {
    HttpResponse<String> login = post("/session-login", aliceJson(), List.of());

    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("application/json");
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).startsWith(COOKIE + "=").contains("HttpOnly").contains("Path=/");
    assertThat(setCookie).doesNotContain("Secure");
    assertThat(login.body()).contains("\"username\":\"alice\"");
    assertThat(find(CSRF, login.body())).isPresent();
  }

  @Test
  void protectedRouteSeesTheSessionPrincipalThroughTheServletApi() throws Exception {
    Session admin = login(LatchkeyStack.ADMIN, LatchkeyStack.ADMIN_PASSWORD);

    HttpResponse<String> profile = get("/profile", admin.cookieHeader());

    assertThat(profile.statusCode()).isEqualTo(200);
    assertThat(profile.body())
        .contains("\"name\":\"admin\"")
        .contains("\"remote_user\":\"admin\"")
        .contains("\"subject\":\"admin\"")
        .contains("\"admin\":true")
        .contains("\"user\":true")
        .contains("\"auth_type\":\"SESSION\"");
    HttpResponse<String> alice = get("/profile", login().cookieHeader());
    assertThat(alice.body()).contains("\"name\":\"alice\"").contains("\"admin\":false");
  }

  @Test
  void protectedRouteWithoutCredentialIsRefused401AndNeverReachesTheApplication() throws Exception {
    HttpResponse<String> profile = get("/profile");

    assertThat(profile.statusCode()).isEqualTo(401);
    assertThat(profile.body()).contains("\"error\"").doesNotContain("\"name\"");
    assertThat(profile.headers().firstValue("WWW-Authenticate"))
        .get()
        .asString()
        .startsWith("Bearer");
  }

  @Test
  void routeUnderAPathMappedServletIsProtectedByItsContextRelativePath() throws Exception {
    assertThat(get("/api/profile").statusCode()).isEqualTo(401);

    HttpResponse<String> profile = get("/api/profile", login().cookieHeader());

    assertThat(profile.statusCode()).isEqualTo(200);
    assertThat(profile.body()).contains("\"name\":\"alice\"");
  }

  @Test
  void forwardInsideTheApplicationKeepsThePrincipal() throws Exception {
    assertThat(get("/forward-to-profile").statusCode()).isEqualTo(401);

    HttpResponse<String> forwarded = get("/forward-to-profile", login().cookieHeader());

    assertThat(forwarded.statusCode()).isEqualTo(200);
    assertThat(forwarded.body())
        .contains("\"name\":\"alice\"")
        .contains("\"user\":true")
        .contains("\"auth_type\":\"SESSION\"");
  }

  @Test
  void dotSegmentsAndPathParametersDoNotMakeAProtectedRoutePublic() throws Exception {
    for (String path :
        List.of("/health/../profile", "/health/%2e%2e/profile", "/health;x=1/../profile")) {
      HttpResponse<String> response = get(path);

      // The container normalizes the path before the filter reads it, or rejects it outright.
      assertThat(response.statusCode()).as(path).isIn(400, 401);
      assertThat(response.body()).as(path).doesNotContain("\"principal\"");
    }
  }

  @Test
  void publicPathPassesWithoutCredentialAndWithoutPrincipal() throws Exception {
    for (String path : List.of("/health", "/api/status")) {
      HttpResponse<String> health = get(path);

      assertThat(health.statusCode()).as(path).isEqualTo(200);
      assertThat(health.body())
          .as(path)
          .contains("\"principal\":false")
          .contains("\"user_principal\":false")
          .contains("\"via\":\"PUBLIC\"");
    }
  }

  @Test
  void stateChangingRequestWithTheSessionCookieNeedsItsCsrfToken() throws Exception {
    Session alice = login();

    HttpResponse<String> withoutToken = post("/profile", "{}", alice.cookieHeader());
    HttpResponse<String> withToken =
        post("/profile", "{}", alice.cookieHeader(), "X-CSRF-Token", alice.csrfToken());

    assertThat(withoutToken.statusCode()).isEqualTo(403);
    assertThat(withoutToken.body()).doesNotContain("\"name\"");
    assertThat(withToken.statusCode()).isEqualTo(200);
    assertThat(withToken.body()).contains("\"method\":\"POST\"").contains("\"name\":\"alice\"");
  }

  @Test
  void crossSitePostIsRefused403EvenWithAValidSessionAndToken() throws Exception {
    Session alice = login();
    List<String> crossSite =
        List.of("Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site");

    HttpResponse<String> profile =
        post(
            "/profile",
            "{}",
            concat(
                concat(alice.cookieHeader(), List.of("X-CSRF-Token", alice.csrfToken())),
                crossSite));
    HttpResponse<String> loginFromEvil = post("/session-login", aliceJson(), crossSite);

    assertThat(profile.statusCode()).isEqualTo(403);
    assertThat(loginFromEvil.statusCode()).isEqualTo(403);
    assertThat(loginFromEvil.headers().firstValue("Set-Cookie")).isEmpty();
  }

  @Test
  void logoutClearsTheCookieAndTheOldCookieIsRefused() throws Exception {
    Session alice = login();

    HttpResponse<String> logout =
        post("/session-logout", "", alice.cookieHeader(), "X-CSRF-Token", alice.csrfToken());

    assertThat(logout.statusCode()).isEqualTo(200);
    assertThat(logout.headers().firstValue("Set-Cookie"))
        .get()
        .asString()
        .startsWith(COOKIE + "=;")
        .containsIgnoringCase("Max-Age=0");
    assertThat(get("/profile", alice.cookieHeader()).statusCode()).isEqualTo(401);
  }

  @Test
  void rememberMeCookieAloneRestoresASessionWhoseCookiesAndCsrfTokenReachTheClient()
      throws Exception {
    List<String> cookies = new ArrayList<>();
    assertThat(RedisFixture.waitUntil(RECOVERY_BOUND, () -> rememberLogin(cookies))).isTrue();
    String remember = cookies.get(0);

    HttpResponse<String> profile = get("/profile", "Cookie", "remember=" + remember);

    assertThat(profile.statusCode()).isEqualTo(200);
    assertThat(profile.body()).contains("\"name\":\"alice\"");
    String session = cookieValue(profile, COOKIE).orElseThrow();
    assertThat(cookieValue(profile, "remember")).get().isNotEqualTo(remember);
    assertThat(session).isNotEmpty();
    String rotated = cookieValue(profile, "remember").orElseThrow();
    String csrf = profile.headers().firstValue("X-CSRF-Token").orElseThrow();
    assertThat(get("/profile", "Cookie", COOKIE + "=" + session).statusCode()).isEqualTo(200);
    String both = COOKIE + "=" + session + "; remember=" + rotated;
    HttpResponse<String> logout =
        post("/session-logout", "", List.of("Cookie", both), "X-CSRF-Token", csrf);
    assertThat(logout.statusCode()).isEqualTo(200);
    assertThat(get("/profile", "Cookie", "remember=" + rotated).statusCode()).isEqualTo(401);
  }

  @Test
  void rememberMeCookieWhileRedisIsDownIs503AndRestoresNoSession() throws Exception {
    // After another test's restart, each client reconnects in its own time.
    List<String> cookies = new ArrayList<>();
    assertThat(RedisFixture.waitUntil(RECOVERY_BOUND, () -> rememberLogin(cookies))).isTrue();
    String remember = cookies.get(0);

    redis.kill();
    HttpResponse<String> profile = get("/profile", "Cookie", "remember=" + remember);

    assertThat(profile.statusCode()).isEqualTo(503);
    assertThat(profile.headers().firstValue("Retry-After")).isPresent();
    assertThat(profile.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(profile.body()).doesNotContain("\"name\"");
    redis.restart();
    assertThat(RedisFixture.waitUntil(RECOVERY_BOUND, () -> loginStatus() == 200)).isTrue();
  }

  /** Logs alice in with "remember me"; adds the remember-me cookie to {@code into} on success. */
  private boolean rememberLogin(List<String> into) {
    try {
      HttpResponse<String> login =
          post(
              "/session-login",
              "{\"username\":\"alice\",\"password\":\"wonderland\",\"remember_me\":true}",
              List.of());
      Optional<String> cookie = cookieValue(login, "remember");
      cookie.ifPresent(into::add);
      return cookie.isPresent();
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The value a response's {@code Set-Cookie} gives the cookie {@code name}. */
  private static Optional<String> cookieValue(HttpResponse<String> response, String name) {
    for (String setCookie : response.headers().allValues("Set-Cookie")) {
      if (setCookie.startsWith(name + "=")) {
        return Optional.of(setCookie.substring(name.length() + 1, setCookie.indexOf(';')));
      }
    }
    return Optional.empty();
  }

  @Test
  void bearerTokenFromTokenLoginOpensTheProtectedRoute() throws Exception {
    HttpResponse<String> login = post("/token-login", aliceJson(), List.of());
    assertThat(login.statusCode()).isEqualTo(200);
    String access = find(ACCESS, login.body()).orElseThrow();

    HttpResponse<String> profile = get("/profile", List.of("Authorization", "Bearer " + access));

    assertThat(profile.statusCode()).isEqualTo(200);
    assertThat(profile.body())
        .contains("\"name\":\"alice\"")
        .contains("\"user\":true")
        .contains("\"auth_type\":\"BEARER\"");
  }

  @Test
  void forgedBearerTokenIsRefused401WithInvalidTokenChallenge() throws Exception {
    HttpResponse<String> profile =
        get("/profile", List.of("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl"));

    assertThat(profile.statusCode()).isEqualTo(401);
    assertThat(profile.headers().firstValue("WWW-Authenticate"))
        .get()
        .asString()
        .contains("error=\"invalid_token\"");
  }

  @Test
  void authenticationRouteAnswers405ToAnotherMethodThanPost() throws Exception {
    HttpResponse<String> get = get("/session-login");

    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void failureInsideTheLibraryIsAJson500WithoutDetail() throws Exception {
    HttpResponse<String> login =
        post(
            "/session-login",
            "{\"username\":\"" + LatchkeyStack.FAULTY_USER + "\",\"password\":\"x\"}",
            List.of());

    assertThat(login.statusCode()).isEqualTo(500);
    assertThat(login.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("application/json");
    assertThat(login.body()).isEqualTo("{\"error\":\"internal error\"}");
  }

  @Test
  void redisDownIs503WithRetryAfterForSessionAndLoginAndHealsOnRestart() throws Exception {
    Session alice = login();
    assertThat(get("/profile", alice.cookieHeader()).statusCode()).isEqualTo(200);

    redis.kill();
    HttpResponse<String> profile = get("/profile", alice.cookieHeader());
    HttpResponse<String> relogin = post("/session-login", aliceJson(), List.of());

    assertThat(profile.statusCode()).isEqualTo(503);
    assertThat(profile.headers().firstValue("Retry-After")).isPresent();
    assertThat(profile.body()).doesNotContain("\"name\"");
    assertThat(relogin.statusCode()).isEqualTo(503);
    assertThat(relogin.headers().firstValue("Retry-After")).isPresent();
    assertThat(relogin.headers().firstValue("Set-Cookie")).isEmpty();

    redis.restart();
    // The restarted Redis is empty: the old session is gone, a new login works.
    assertThat(RedisFixture.waitUntil(RECOVERY_BOUND, () -> loginStatus() == 200)).isTrue();
    Session again = login();
    assertThat(get("/profile", again.cookieHeader()).statusCode()).isEqualTo(200);
    assertThat(get("/profile", alice.cookieHeader()).statusCode()).isEqualTo(401);
  }

  // ---- HTTP ----

  /** A logged-in session: its {@code Cookie} header and its CSRF token. */
  record Session(String cookie, String csrfToken) {
    List<String> cookieHeader() {
      return List.of("Cookie", COOKIE + "=" + cookie);
    }
  }

  private Session login() throws IOException, InterruptedException {
    return login(LatchkeyStack.ALICE, LatchkeyStack.ALICE_PASSWORD);
  }

  private Session login(String user, String password) throws IOException, InterruptedException {
    HttpResponse<String> login =
        post(
            "/session-login",
            "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}",
            List.of());
    assertThat(login.statusCode()).as("login of %s", user).isEqualTo(200);
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    String value = setCookie.substring(COOKIE.length() + 1, setCookie.indexOf(';'));
    return new Session(value, find(CSRF, login.body()).orElseThrow());
  }

  private int loginStatus() {
    try {
      return post("/session-login", aliceJson(), List.of()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String aliceJson() {
    return "{\"username\":\"alice\",\"password\":\"wonderland\"}";
  }

  private HttpResponse<String> get(String path, String... headers)
      throws IOException, InterruptedException {
    return get(path, List.of(headers));
  }

  private HttpResponse<String> get(String path, List<String> headers)
      throws IOException, InterruptedException {
    return send(request(path, headers).GET().build());
  }

  private HttpResponse<String> post(String path, String json, List<String> headers, String... more)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = request(path, concat(headers, List.of(more)));
    request.header("Content-Type", "application/json");
    return send(request.POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  private HttpRequest.Builder request(String path, List<String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + container.port() + CONTEXT + path))
            .timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.size(); i += 2) {
      request.header(headers.get(i), headers.get(i + 1));
    }
    return request;
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  private static Optional<String> find(Pattern pattern, String body) {
    Matcher m = pattern.matcher(body);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }
}

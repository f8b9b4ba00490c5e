package dev.latchkey.examples.demo;

import static dev.latchkey.examples.demo.DemoHttp.json;
import static dev.latchkey.examples.demo.DemoHttp.sessionCookie;
import static dev.latchkey.examples.demo.DemoHttp.string;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.passkey.SoftwareAuthenticator;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two demo servers on one real Redis share passkeys and ceremonies: a ceremony started on one node
 * finishes on the other, an assertion is accepted once across both, and of concurrent assertions
 * with one sign counter, sent to both nodes at once, exactly one logs in.
 */
class DemoPasskeyRedisIT {
  @AutoClose static final RedisServer REDIS = RedisFixture.standalone();

  /** Both nodes serve one relying party, as a fleet behind one name does. */
  private static final String ORIGIN = "https://demo.example";

  private static final int RACERS = 6;

  static DemoServer a;
  static DemoServer b;
  static DemoHttp httpA;
  static DemoHttp httpB;

  @BeforeAll
  static void start() throws Exception {
    a = DemoServer.start(settings());
    b = DemoServer.start(settings());
    httpA = new DemoHttp(a.port());
    httpB = new DemoHttp(b.port());
  }

  private static DemoSettings settings() {
    return new DemoSettings(
        0, REDIS.url(), DemoServerIT.SECRET, false, 4, Clock.systemUTC(), false, ORIGIN, null);
  }

  @AfterAll
  static void stop() {
    a.close();
    b.close();
  }

  private static SoftwareAuthenticator.Answer honest() {
    return new SoftwareAuthenticator.Answer(ORIGIN, "demo.example");
  }

  private static String[] login(DemoHttp http) {
    HttpResponse<String> r = http.login("/session-login", "alice", "wonderland");
    assertThat(r.statusCode()).isEqualTo(200);
    return new String[] {sessionCookie(r).orElseThrow(), string(r, "csrf_token")};
  }

  private static HttpResponse<String> post(DemoHttp http, String path, String body, String[] s) {
    return http.post(path, body, "Cookie", "sid=" + s[0], "X-CSRF-Token", s[1]);
  }

  private static String loginOptions(DemoHttp http) {
    HttpResponse<String> r = http.post("/passkeys/login/options", "");
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  @Test
  void ceremoniesCrossNodesAndEachAssertionCountsOnce() throws Exception {
    String[] session = login(httpA);
    SoftwareAuthenticator authenticator = new SoftwareAuthenticator();
    HttpResponse<String> options = post(httpA, "/passkeys/register/options", "", session);
    assertThat(options.statusCode()).isEqualTo(200);
    HttpResponse<String> registered =
        post(
            httpB, "/passkeys/register", authenticator.register(options.body(), honest()), session);
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);

    String assertion = authenticator.assert_(loginOptions(httpB), honest());
    HttpResponse<String> loggedIn = httpA.post("/passkeys/login", assertion);
    assertThat(loggedIn.statusCode()).as(loggedIn.body()).isEqualTo(200);
    String sid = sessionCookie(loggedIn).orElseThrow();
    HttpResponse<String> profile = httpB.get("/session-profile", "Cookie", "sid=" + sid);
    assertThat(json(profile).get("assurance").getAsString()).isEqualTo("MULTI_FACTOR");
    // The challenge was taken on A: B refuses the same answer.
    assertThat(httpB.post("/passkeys/login", assertion).statusCode()).isEqualTo(401);

    for (int round = 0; round < 3; round++) {
      SoftwareAuthenticator.Answer same = honest();
      same.counter = authenticator.counter + 10;
      authenticator.counter = same.counter;
      List<String> answers = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        answers.add(authenticator.assert_(loginOptions(i % 2 == 0 ? httpA : httpB), same));
      }
      CyclicBarrier barrier = new CyclicBarrier(RACERS);
      ExecutorService pool = Executors.newFixedThreadPool(RACERS);
      try {
        List<Future<Integer>> statuses = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
          String answer = answers.get(i);
          DemoHttp http = i % 2 == 0 ? httpB : httpA;
          statuses.add(
              pool.submit(
                  () -> {
                    barrier.await(10, TimeUnit.SECONDS);
                    return http.post("/passkeys/login", answer).statusCode();
                  }));
        }
        List<Integer> got = new ArrayList<>();
        for (Future<Integer> f : statuses) {
          got.add(f.get(30, TimeUnit.SECONDS));
        }
        assertThat(got).as("round %d", round).containsOnly(200, 401).containsOnlyOnce(200);
      } finally {
        pool.shutdownNow();
      }
    }
  }
}

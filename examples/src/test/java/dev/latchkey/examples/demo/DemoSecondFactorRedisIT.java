package dev.latchkey.examples.demo;

import static dev.latchkey.examples.demo.DemoHttp.json;
import static dev.latchkey.examples.demo.DemoHttp.sessionCookie;
import static dev.latchkey.examples.demo.DemoHttp.string;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.account.Totp;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
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
 * Two demo servers on one real Redis share one second factor: enrolled on one, verified on the
 * other, and a code accepted by either is refused by both, also when both get it at once.
 */
class DemoSecondFactorRedisIT {
  @AutoClose static final RedisServer REDIS = RedisFixture.standalone();

  /**
   * Concurrent presentations of one code; every loser counts as a wrong code, so fewer than the
   * throttle's five, with the two replays after them, lock nothing and every refusal is a 401.
   */
  private static final int SESSIONS = 3;

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

  private static HttpResponse<String> post(DemoHttp http, String path, String body, String[] s) {
    return http.post(path, body, "Cookie", "sid=" + s[0], "X-CSRF-Token", s[1]);
  }

  private static String[] login(DemoHttp http) {
    HttpResponse<String> r = http.login("/session-login", "alice", "wonderland");
    assertThat(r.statusCode()).isEqualTo(200);
    return new String[] {sessionCookie(r).orElseThrow(), string(r, "csrf_token")};
  }

  private static String codeBody(String code) {
    return "{\"code\":\"" + code + "\"}";
  }

  @Test
  void oneFactorServesBothNodesAndEachCodeIsAcceptedOnce() throws Exception {
    String[] full = login(httpA);
    String secret = string(post(httpA, "/mfa/totp/enroll", "", full), "secret");
    Instant now = Instant.now();
    // Activated on the other node: the pending enrollment is in Redis, sealed under the same key.
    HttpResponse<String> activated =
        post(httpB, "/mfa/totp/activate", codeBody(Totp.DEFAULT.code(secret, now)), full);
    assertThat(activated.statusCode()).isEqualTo(200);
    assertThat(json(activated).getAsJsonArray("recovery_codes")).hasSize(10);

    // Every login now waits for its second factor, on either node. The step after the
    // activation's is within the drift window, so it is accepted once, by whichever is first.
    List<String[]> pending = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      String[] s = login(i % 2 == 0 ? httpA : httpB);
      assertThat(httpA.get("/session-profile", "Cookie", "sid=" + s[0]).statusCode())
          .isEqualTo(401);
      pending.add(s);
    }
    String next = Totp.DEFAULT.code(secret, now.plusSeconds(30));
    CyclicBarrier barrier = new CyclicBarrier(SESSIONS);
    ExecutorService pool = Executors.newFixedThreadPool(SESSIONS);
    List<Future<Integer>> statuses = new ArrayList<>();
    try {
      for (int i = 0; i < SESSIONS; i++) {
        String[] s = pending.get(i);
        DemoHttp http = i % 2 == 0 ? httpB : httpA;
        statuses.add(
            pool.submit(
                () -> {
                  barrier.await(10, TimeUnit.SECONDS);
                  return post(http, "/mfa/verify", codeBody(next), s).statusCode();
                }));
      }
      List<Integer> got = new ArrayList<>();
      for (Future<Integer> f : statuses) {
        got.add(f.get(30, TimeUnit.SECONDS));
      }
      assertThat(got).containsOnly(200, 401).containsOnlyOnce(200);
    } finally {
      pool.shutdownNow();
    }
    // The step of the activation and the one accepted since are both spent on both nodes.
    String[] late = login(httpB);
    assertThat(post(httpA, "/mfa/verify", codeBody(next), late).statusCode()).isEqualTo(401);
    assertThat(
            post(httpB, "/mfa/verify", codeBody(Totp.DEFAULT.code(secret, now)), late).statusCode())
        .isEqualTo(401);
  }
}

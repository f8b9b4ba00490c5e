package dev.latchkey.examples.demo;

import static dev.latchkey.examples.demo.DemoHttp.sessionCookie;
import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Tabs racing with one remember-me cookie, over real HTTP, on two demo servers sharing one {@code
 * redis-server}, released together by a barrier. Two tabs fit in the grace: both get a session of
 * the one family. Four always include a reuse: the family ends, and no session any tab got from it
 * is still live afterwards, whatever the interleaving (a restore asks the store, once its session
 * exists, whether the family still lives). Each round starts from a fresh login.
 */
class DemoRememberMeRaceIT {
  @AutoClose static final RedisServer REDIS = RedisFixture.standalone();

  static final int PAIR_ROUNDS = 30;
  static final int BURST_ROUNDS = 20;
  static final int BURST = 4;

  final ExecutorService pool = Executors.newFixedThreadPool(BURST);
  final List<DemoServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    pool.shutdownNow();
    servers.forEach(DemoServer::close);
  }

  DemoHttp start(String redisUrl) throws Exception {
    DemoServer server =
        DemoServer.start(
            new DemoSettings(0, redisUrl, DemoServerIT.SECRET, false, 4, Clock.systemUTC()));
    servers.add(server);
    return new DemoHttp(server.port());
  }

  @Test
  void racingTabsOnTwoRedisServersNeverKeepASessionOfAnEndedFamily() throws Exception {
    String url = REDIS.url();
    List<DemoHttp> nodes = List.of(start(url), start(url));
    race(nodes, 2, PAIR_ROUNDS);
    race(nodes, BURST, BURST_ROUNDS);
  }

  void race(List<DemoHttp> nodes, int tabs, int rounds) throws Exception {
    for (int round = 0; round < rounds; round++) {
      HttpResponse<String> login =
          nodes
              .get(round % nodes.size())
              .post(
                  "/session-login",
                  "{\"username\":\"alice\",\"password\":\"wonderland\",\"remember_me\":true}");
      assertThat(login.statusCode()).isEqualTo(200);
      String remember = "remember=" + DemoRememberMeIT.rememberCookie(login).orElseThrow();
      CyclicBarrier go = new CyclicBarrier(tabs);
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < tabs; i++) {
        DemoHttp node = nodes.get((round + i) % nodes.size());
        answers.add(
            pool.submit(
                () -> {
                  go.await(10, TimeUnit.SECONDS);
                  return node.get("/session-profile", "Cookie", remember);
                }));
      }
      List<Integer> statuses = new ArrayList<>();
      List<String> sessions = new ArrayList<>();
      for (Future<HttpResponse<String>> answer : answers) {
        HttpResponse<String> r = answer.get(20, TimeUnit.SECONDS);
        statuses.add(r.statusCode());
        if (r.statusCode() == 200) {
          sessions.add("sid=" + sessionCookie(r).orElseThrow());
        }
      }
      String where = tabs + " tabs, round " + round + ": " + statuses;
      assertThat(statuses).as(where).isSubsetOf(200, 401);
      for (String session : sessions) {
        int status = nodes.get(0).get("/session-profile", "Cookie", session).statusCode();
        if (tabs == 2) {
          assertThat(status).as(where + ": a session of the live family").isEqualTo(200);
        } else {
          assertThat(status).as(where + ": a session of an ended family").isEqualTo(401);
        }
      }
      if (tabs == 2) {
        assertThat(sessions).as(where).hasSize(2);
      } else {
        assertThat(statuses).as(where).contains(401);
      }
    }
  }
}

package dev.latchkey.examples.demo;

import static dev.latchkey.examples.demo.DemoHttp.string;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
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
 * Concurrent {@code /token-refresh} calls presenting one refresh token, over real HTTP, released
 * together by a barrier: exactly one answers 200, every other 401, and the family is then ended
 * (reuse): the winner's new refresh token and every access token of the family are refused.
 *
 * <p>Why exactly one, whatever the interleaving: the store decides each presentation atomically on
 * its own clock, so the presentations are serialised there; the first finds the token live and
 * rotates it, every later one finds it consumed (grace is 0) and is reuse, which ends the family
 * and refuses its access tokens. No caller's clock or arrival order enters the decision. A
 * presentation that arrives after the family ended still finds the token remembered as consumed, so
 * it is reuse too, never a second rotation. Each round starts from a fresh login, so the family's
 * rotation limit (10 per minute) never answers instead.
 *
 * <p>In memory with one server; on Redis with two servers sharing one {@code redis-server}, the
 * racers alternating between them.
 */
class DemoServerRefreshRaceIT {
  @AutoClose static final RedisServer REDIS = RedisFixture.standalone();

  /** Rounds of two racers: the reported case (1 to 3 double successes per 40–60 tries). */
  static final int PAIR_ROUNDS = 60;

  /** Rounds of sixteen racers: the demo's whole thread pool on one token. */
  static final int BURST_ROUNDS = 10;

  static final int BURST = 16;

  /** How long another server may take to learn of a revocation (pub/sub, loaded machine). */
  static final Duration PROPAGATION = Duration.ofSeconds(2);

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
  void concurrentRefreshesOfOneTokenInMemoryRotateItOnceAndEndTheFamily() throws Exception {
    DemoHttp node = start(null);
    race(List.of(node), 2, PAIR_ROUNDS);
    race(List.of(node), BURST, BURST_ROUNDS);
  }

  @Test
  void concurrentRefreshesOfOneTokenOnTwoRedisServersRotateItOnceAndEndTheFamily()
      throws Exception {
    String url = REDIS.url();
    List<DemoHttp> nodes = List.of(start(url), start(url));
    race(nodes, 2, PAIR_ROUNDS);
    race(nodes, BURST, BURST_ROUNDS);
  }

  /** {@code rounds} times: a fresh login, then {@code racers} refreshes of its token at once. */
  void race(List<DemoHttp> nodes, int racers, int rounds) throws Exception {
    for (int round = 0; round < rounds; round++) {
      HttpResponse<String> login =
          nodes.get(round % nodes.size()).login("/token-login", "alice", "wonderland");
      assertThat(login.statusCode()).isEqualTo(200);
      String refresh = string(login, "refresh_token");
      String body = "{\"refresh_token\":\"" + refresh + "\"}";
      CyclicBarrier go = new CyclicBarrier(racers);
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        DemoHttp node = nodes.get((round + i) % nodes.size());
        answers.add(
            pool.submit(
                () -> {
                  go.await(10, TimeUnit.SECONDS);
                  return node.post("/token-refresh", body);
                }));
      }
      List<HttpResponse<String>> winners = new ArrayList<>();
      List<Integer> statuses = new ArrayList<>();
      for (Future<HttpResponse<String>> answer : answers) {
        HttpResponse<String> r = answer.get(20, TimeUnit.SECONDS);
        statuses.add(r.statusCode());
        if (r.statusCode() == 200) {
          winners.add(r);
        }
      }
      String where = racers + " racers, round " + round + ": " + statuses;
      assertThat(winners).as(where).hasSize(1);
      assertThat(statuses).as(where).containsOnly(200, 401);

      HttpResponse<String> winner = winners.get(0);
      for (DemoHttp node : nodes) {
        assertThat(
                node.post(
                        "/token-refresh",
                        "{\"refresh_token\":\"" + string(winner, "refresh_token") + "\"}")
                    .statusCode())
            .as(where + ": the winner's refresh token after reuse")
            .isEqualTo(401);
        for (String access :
            List.of(string(login, "access_token"), string(winner, "access_token"))) {
          assertThat(refusedWithin(node, access))
              .as(where + ": an access token of the ended family")
              .isTrue();
        }
      }
    }
  }

  /** Whether {@code node} refuses the bearer within {@link #PROPAGATION}; a bounded poll. */
  static boolean refusedWithin(DemoHttp node, String access) {
    long deadline = System.nanoTime() + PROPAGATION.toNanos();
    int status;
    do {
      status = node.get("/token-profile", "Authorization", "Bearer " + access).statusCode();
    } while (status == 200 && System.nanoTime() < deadline);
    return status == 401;
  }
}

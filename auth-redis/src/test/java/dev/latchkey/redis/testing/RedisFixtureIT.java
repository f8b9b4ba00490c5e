package dev.latchkey.redis.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.redis.RedisStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisMonitor;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** The fixture's own promises, on real servers. */
class RedisFixtureIT {
  @AutoClose static final RedisServer REDIS = RedisFixture.standalone();

  @Test
  void theUrlServesStoresOnALoopbackPortOtherThan6379() {
    assertThat(REDIS.port()).isNotEqualTo(6379);
    assertThat(REDIS.url()).isEqualTo("redis://127.0.0.1:" + REDIS.port());
    try (RedisStores stores = RedisStores.fromUrl(REDIS.url()).build()) {
      assertThat(stores.isReachable()).isTrue();
    }
  }

  @Test
  void aKilledServerRestartsEmptyOnTheSamePort() {
    int port = REDIS.port();
    try (Jedis admin = REDIS.admin()) {
      admin.set("fixture:k", "v");
    }

    REDIS.kill();
    assertThat(REDIS.isRunning()).isFalse();
    REDIS.restart();

    assertThat(REDIS.isRunning()).isTrue();
    assertThat(REDIS.port()).isEqualTo(port);
    try (Jedis admin = REDIS.admin()) {
      assertThat(admin.get("fixture:k")).isNull();
    }
  }

  @Test
  void aPausedServerAnswersNothingUntilResumed() {
    REDIS.pause();
    try {
      assertThatThrownBy(() -> ping(REDIS.port())).isInstanceOf(JedisConnectionException.class);
    } finally {
      REDIS.resume();
    }
    try (Jedis admin = REDIS.admin()) {
      assertThat(admin.ping()).isEqualTo("PONG");
    }
  }

  @Test
  void commandCallsCountFromTheLastResetAsMonitorSeesThem() throws InterruptedException {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    Jedis monitoring = REDIS.admin();
    Thread monitor =
        new Thread(
            () -> {
              try {
                monitoring.monitor(
                    new JedisMonitor() {
                      @Override
                      public void onCommand(String command) {
                        seen.add(command);
                      }
                    });
              } catch (JedisConnectionException closedByTheTest) {
                // MONITOR ends when its connection does.
              }
            });
    monitor.start();
    try {
      assertThat(RedisFixture.waitUntil(Duration.ofSeconds(5), RedisFixtureIT::monitorListens))
          .isTrue();
      REDIS.resetStats();
      try (Jedis admin = REDIS.admin()) {
        for (int i = 0; i < 3; i++) {
          admin.set("fixture:count", Integer.toString(i));
        }
      }

      assertThat(REDIS.commandCalls().get("set")).isEqualTo(3);
      assertThat(REDIS.commandMicros().get("set")).isNotNegative();
      assertThat(
              RedisFixture.waitUntil(
                  Duration.ofSeconds(5),
                  () -> seen.stream().filter(c -> c.contains("\"fixture:count\"")).count() == 3))
          .isTrue();
    } finally {
      monitoring.disconnect();
      monitor.join(5000);
    }
  }

  @Test
  void closeStopsTheServerAndDeletesItsDirectory() {
    RedisServer server = RedisFixture.standalone("--requirepass", "fixture-secret");
    Path dir = server.dir();
    int port = server.port();
    try (Jedis admin = server.admin()) {
      assertThat(admin.ping()).isEqualTo("PONG");
    }

    server.close();
    server.close();

    assertThat(server.isRunning()).isFalse();
    assertThat(Files.exists(dir)).isFalse();
    assertThatThrownBy(() -> ping(port)).isInstanceOf(JedisConnectionException.class);
  }

  @Test
  void theSharedClusterUrlServesStores() {
    RedisCluster cluster = RedisFixture.sharedCluster();

    assertThat(cluster.masters()).hasSize(3);
    assertThat(cluster.nodes()).contains(cluster.masterOf("{fixture}:k"));
    try (RedisStores stores = RedisStores.fromUrl(cluster.url()).build()) {
      assertThat(stores.isReachable()).isTrue();
    }
  }

  private static boolean monitorListens() {
    try (Jedis admin = REDIS.admin()) {
      return admin.clientList().contains("cmd=monitor");
    }
  }

  /** A PING on a new connection with 300 ms timeouts. */
  private static String ping(int port) {
    try (Jedis j = new Jedis("127.0.0.1", port, 300)) {
      return j.ping();
    }
  }
}

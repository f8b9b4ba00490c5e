package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * The revocation replica's threads come from the application's {@link ThreadFactory}, and end on
 * close. No server: a client of a closed port builds stores whose feed keeps retrying.
 */
class RevocationThreadsTest {
  @Test
  void theFeedRunsOnTheApplicationsThreadsAndStopsThemOnClose() throws Exception {
    List<Thread> made = new CopyOnWriteArrayList<>();
    ThreadFactory threads =
        r -> {
          Thread t = new Thread(r, "app-revocations-" + made.size());
          t.setDaemon(true);
          made.add(t);
          return t;
        };
    try (RedisClient client = RedisClient.builder().hostAndPort(closedPort()).build()) {
      try (RedisStores stores = RedisStores.builder(client).revocationThreads(threads).build()) {
        stores.revocationList();
        assertThat(made).hasSize(2).allMatch(Thread::isAlive);
      }
      assertThat(made).noneMatch(Thread::isAlive);
    }
  }

  @Test
  void aFactoryIsRequired() {
    try (RedisClient client = RedisClient.builder().hostAndPort(closedPort()).build()) {
      assertThatThrownBy(() -> RedisStores.builder(client).revocationThreads(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessageContaining("threads");
    }
  }

  private static HostAndPort closedPort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return new HostAndPort("127.0.0.1", s.getLocalPort());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

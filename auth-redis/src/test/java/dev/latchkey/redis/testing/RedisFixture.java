package dev.latchkey.redis.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Starts Redis for a test or a benchmark: {@link #standalone}, {@link #cluster} and {@link
 * #sentinel} each return a running setup that the caller closes; {@link #sharedStandalone} and
 * {@link #sharedCluster} return one setup per JVM for tests that keep apart by key prefix, stopped
 * when the JVM exits.
 *
 * <p>All methods are safe for concurrent use.
 */
public final class RedisFixture {
  private static RedisServer sharedStandalone;
  private static RedisCluster sharedCluster;

  private RedisFixture() {}

  /**
   * Starts a standalone server.
   *
   * @param extraArgs {@code redis-server} options added after the fixture's own, such as {@code
   *     "--requirepass", "secret"}
   * @return the running server; close it
   * @throws IllegalStateException if {@code redis-server} is not on the PATH or does not start
   */
  public static RedisServer standalone(String... extraArgs) {
    return RedisServer.start(false, List.of(), List.of(extraArgs));
  }

  /**
   * Starts a standalone server inside another program's process, such as {@code valgrind
   * --tool=callgrind}: {@code launcher} is that program's command line, {@code redis-server} and
   * its options follow it.
   *
   * @param launcher the command line that runs {@code redis-server}, not empty
   * @param extraArgs {@code redis-server} options added after the fixture's own
   * @return the running server; close it
   * @throws IllegalStateException if a program is not on the PATH or the server does not start
   */
  public static RedisServer standaloneUnder(List<String> launcher, String... extraArgs) {
    if (launcher.isEmpty()) {
      throw new IllegalArgumentException("launcher is empty");
    }
    requireOnPath(launcher.get(0));
    return RedisServer.start(false, List.of(), List.of(extraArgs), launcher);
  }

  /**
   * Starts a Cluster of {@code masters} masters with {@code replicasPerMaster} replicas each,
   * joined with {@code redis-cli --cluster create}, and waits until every node says {@code
   * cluster_state:ok}, knows every other, and every replica is synced.
   *
   * @param masters at least 3, as {@code redis-cli --cluster create} requires
   * @param replicasPerMaster 0 or more
   * @return the running Cluster; close it
   * @throws IllegalArgumentException if {@code masters < 3} or {@code replicasPerMaster < 0}
   * @throws IllegalStateException if {@code redis-server} or {@code redis-cli} is not on the PATH,
   *     or the Cluster is not ready within 30 s
   */
  public static RedisCluster cluster(int masters, int replicasPerMaster) {
    return RedisCluster.start(masters, replicasPerMaster);
  }

  /**
   * Starts a primary, one replica of it, and one {@code redis-server --sentinel} that watches the
   * primary as {@value RedisSentinel#MASTER}, with quorum 1 and a down-after of one second.
   *
   * @return the running setup, ready once the sentinel knows the replica; close it
   * @throws IllegalStateException if {@code redis-server} is not on the PATH or the setup is not
   *     ready within 35 s
   */
  public static RedisSentinel sentinel() {
    return RedisSentinel.start();
  }

  /**
   * One standalone server for the whole JVM, started on first use. Callers share it: they keep
   * apart by key prefix, and neither close, kill nor flush it.
   *
   * @return the running shared server
   * @throws IllegalStateException as {@link #standalone} does
   */
  public static synchronized RedisServer sharedStandalone() {
    if (sharedStandalone == null) {
      sharedStandalone = standalone();
    }
    return sharedStandalone;
  }

  /**
   * One Cluster of three masters without replicas for the whole JVM, started on first use (forming
   * one takes seconds). Callers share it as they share {@link #sharedStandalone}.
   *
   * @return the running shared Cluster
   * @throws IllegalStateException as {@link #cluster} does
   */
  public static synchronized RedisCluster sharedCluster() {
    if (sharedCluster == null) {
      sharedCluster = cluster(3, 0);
    }
    return sharedCluster;
  }

  /**
   * Polls {@code condition} every 20 ms until it holds or {@code bound} has passed.
   *
   * @return whether the condition held within the bound; false also when interrupted
   */
  public static boolean waitUntil(Duration bound, BooleanSupplier condition) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /**
   * A loopback port that is free now and is not 6379. Another process may take it before the caller
   * binds it; the fixtures retry on a new port when that happens.
   */
  public static int freePort() {
    return freePort(false);
  }

  /**
   * Fails with an {@link IllegalStateException} naming the program and how to install it when
   * {@code program} is not an executable on the PATH.
   */
  public static void requireOnPath(String program) {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator, -1)) {
        if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
          return;
        }
      }
    }
    throw new IllegalStateException(
        program
            + " is not on the PATH; the tests that need Redis run a real server: install it "
            + "(Debian and Ubuntu: apt-get install redis-server redis-tools openssl)");
  }

  /**
   * A free loopback port that is not 6379; for a Cluster node also at most 55535 with its bus port
   * (+10000) free.
   */
  static int freePort(boolean clusterNode) {
    for (int i = 0; i < 200; i++) {
      int candidate =
          clusterNode ? ThreadLocalRandom.current().nextInt(20000, 55536) : anyFreePort();
      if (candidate != 6379
          && isFree(candidate)
          && (!clusterNode || (candidate <= 55535 && isFree(candidate + 10000)))) {
        return candidate;
      }
    }
    throw new IllegalStateException("no free loopback port found");
  }

  private static int anyFreePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("cannot find a free loopback port", e);
    }
  }

  private static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return s.isBound();
    } catch (IOException e) {
      return false;
    }
  }
}

package dev.latchkey.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's {@code main} in a child JVM: a start that cannot work prints one line on stderr that
 * says what to change, and exits non-zero; never a stack trace.
 */
class DemoServerStartupIT {
  private static final String SECRET = DemoServerIT.SECRET;

  @TempDir Path dir;

  /** What a finished child process left behind. */
  private record Exit(int status, List<String> stderr) {}

  @Test
  void aPortInUseIsOneLineAndExitOne() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Exit exit = run(Map.of("PORT", Integer.toString(taken.getLocalPort()), "JWT_SECRET", SECRET));

      assertThat(exit.status()).isEqualTo(1);
      assertThat(exit.stderr()).hasSize(1);
      assertThat(exit.stderr().get(0))
          .contains("127.0.0.1:" + taken.getLocalPort())
          .containsIgnoringCase("in use");
    }
  }

  @Test
  void aShortJwtSecretIsOneLineAndExitTwo() throws Exception {
    Exit exit = run(Map.of("PORT", "0", "JWT_SECRET", "too-short"));

    assertThat(exit.status()).isEqualTo(2);
    assertThat(exit.stderr()).hasSize(1);
    assertThat(exit.stderr().get(0)).contains("JWT_SECRET").contains("32 bytes");
  }

  @Test
  void anUnreachableRedisIsOneLineWithoutThePasswordAndExitOne() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort(); // closed again: nothing listens there
    }
    String url = "redis://:hunter2-password@127.0.0.1:" + port;

    Exit exit = run(Map.of("PORT", "0", "JWT_SECRET", SECRET, "REDIS_URL", url));

    assertThat(exit.status()).isEqualTo(1);
    assertThat(exit.stderr()).hasSize(1);
    assertThat(exit.stderr().get(0))
        .contains("REDIS_URL")
        .contains("127.0.0.1:" + port)
        .doesNotContain("hunter2");
  }

  @Test
  void aMalformedRedisUrlIsOneLineAndExitTwo() throws Exception {
    Exit exit = run(Map.of("PORT", "0", "JWT_SECRET", SECRET, "REDIS_URL", "redis://[::1"));

    assertThat(exit.status()).isEqualTo(2);
    assertThat(exit.stderr()).hasSize(1);
  }

  /** Runs the demo's main with {@code env} added; at most 30 s. */
  private Exit run(Map<String, String> env) throws IOException, InterruptedException {
    Path err = dir.resolve("stderr-" + System.nanoTime() + ".txt");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
                java, "-cp", System.getProperty("java.class.path"), DemoServer.class.getName())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(err.toFile());
    pb.environment().remove("REDIS_URL");
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      boolean done = p.waitFor(30, TimeUnit.SECONDS);
      assertThat(done).as("the demo exits by itself").isTrue();
    } finally {
      p.destroyForcibly();
    }
    List<String> lines =
        Files.readAllLines(err, StandardCharsets.UTF_8).stream()
            .filter(line -> !line.isBlank())
            .toList();
    System.out.println("demo exit " + p.exitValue() + ", stderr: " + lines);
    return new Exit(p.exitValue(), lines);
  }
}

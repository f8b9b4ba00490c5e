package dev.latchkey.modulepathtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link ModulePathApp} in a JVM of its own, on the module path only (this module's classes
 * and the runtime dependencies Maven resolved, written to {@code target/module-path.txt}), with no
 * add-modules, add-reads or add-exports, against a Redis of the shared test fixture.
 */
class ModulePathIT {
  @AutoClose static final RedisServer REDIS = RedisFixture.standalone();

  @Test
  void everyStepPassesOnTheModulePath() throws IOException, InterruptedException {
    Path log = Files.createTempFile("latchkey-module-path-", ".log");
    try {
      Process app =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "--module-path",
                  modulePath(),
                  "--module",
                  "dev.latchkey.modulepathtest/dev.latchkey.modulepathtest.ModulePathApp",
                  REDIS.url())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      boolean exited = app.waitFor(2, TimeUnit.MINUTES);
      if (!exited) {
        app.destroyForcibly();
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);

      assertThat(exited).as("the application ended within 2 minutes; output:%n%s", output).isTrue();
      assertThat(app.exitValue()).as("exit status; output:%n%s", output).isZero();
      assertThat(output)
          .contains("password: bcrypt verified")
          .contains("oidc in memory: refusals passed")
          .contains("oidc on Redis: refusals passed")
          .contains("password: argon2id verified")
          .contains("session in memory: login, check and logout passed")
          .contains("token: EdDSA issue, verify and revoke passed")
          .contains("web: login and cookie check passed")
          .contains("servlet: filter loaded")
          .contains("metrics: a session check counted")
          .contains("session on Redis: login, check and logout passed")
          .contains("account in memory: API key and second factor passed")
          .contains("passkey: options written and a forged answer refused")
          .contains("account on Redis: API key and second factor passed")
          .contains("module path: every step passed");
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static String modulePath() throws IOException {
    Path classes = Path.of(required("modulepath.classes"));
    String dependencies =
        Files.readString(Path.of(required("modulepath.dependencies")), StandardCharsets.UTF_8)
            .strip();
    return String.join(File.pathSeparator, List.of(classes.toString(), dependencies));
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null) {
      throw new IllegalStateException(property + " is not set; run this test through Maven");
    }
    return value;
  }
}

package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * An application that keeps only its sessions on Redis pulls no JWT library: auth-redis needs
 * auth-core, Jedis and Gson at run time, never auth-session, auth-token, Nimbus, Tink, protobuf or
 * Caffeine. Reads what Maven resolved ({@code target/runtime-dependencies.txt}, written by the
 * dependency plugin's {@code list} goal before the tests) and the compiled module descriptor.
 */
class RuntimeDependenciesTest {
  private static final Path LIST = Path.of("target", "runtime-dependencies.txt");
  private static final Pattern COORDINATES =
      Pattern.compile("^\\s*([\\w.-]+):([\\w.-]+):jar:[^:\\s]+:(compile|runtime)\\b");

  @Test
  void runtimeDependenciesAreCoreJedisAndGsonOnly() throws IOException {
    assertThat(LIST)
        .as("written by the dependency plugin in process-test-resources; run the tests with Maven")
        .exists();
    Set<String> resolved = coordinates(Files.readAllLines(LIST));

    assertThat(resolved)
        .contains("dev.latchkey:auth-core", "redis.clients:jedis", "com.google.code.gson:gson");
    assertThat(resolved.stream().filter(a -> a.startsWith("dev.latchkey:")))
        .containsExactly("dev.latchkey:auth-core");
    assertThat(resolved.stream().map(a -> a.substring(0, a.indexOf(':'))))
        .doesNotContain(
            "com.nimbusds",
            "com.google.crypto.tink",
            "com.google.protobuf",
            "com.github.ben-manes.caffeine");
  }

  @Test
  void moduleDescriptorRequiresNeitherSessionNorToken() {
    ModuleDescriptor descriptor =
        ModuleFinder.of(Path.of("target", "classes"))
            .find("dev.latchkey.redis")
            .orElseThrow()
            .descriptor();

    Set<String> required =
        descriptor.requires().stream()
            .map(ModuleDescriptor.Requires::name)
            .collect(Collectors.toSet());
    assertThat(required)
        .contains("dev.latchkey.core", "redis.clients.jedis")
        .doesNotContain("dev.latchkey.session", "dev.latchkey.token", "com.nimbusds.jose.jwt");
  }

  private static Set<String> coordinates(List<String> lines) {
    return lines.stream()
        .map(COORDINATES::matcher)
        .filter(Matcher::find)
        .map(m -> m.group(1) + ":" + m.group(2))
        .collect(Collectors.toSet());
  }
}

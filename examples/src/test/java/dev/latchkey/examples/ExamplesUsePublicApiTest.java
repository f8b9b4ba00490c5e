package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The examples are written against the exported API only: no example source imports a Latchkey
 * package that its module does not export (an {@code internal} package, or any package outside the
 * exported ones), so that what they teach works for an application on the module path.
 */
class ExamplesUsePublicApiTest {
  private static final List<String> EXPORTED =
      List.of(
          "dev.latchkey.core",
          "dev.latchkey.core.spi",
          "dev.latchkey.account",
          "dev.latchkey.oidc",
          "dev.latchkey.passkey",
          "dev.latchkey.password",
          "dev.latchkey.session",
          "dev.latchkey.token",
          "dev.latchkey.redis",
          "dev.latchkey.web");

  private static final Pattern LATCHKEY_IMPORT =
      Pattern.compile(
          "^import\\s+(?:static\\s+)?(dev\\.latchkey\\.[\\w.]+?)\\.[A-Z*][\\w.*]*;",
          Pattern.MULTILINE);

  @Test
  void everyLatchkeyImportOfTheExamplesIsAnExportedPackageOrTheExamplesOwn() throws IOException {
    Path sources = Path.of("src", "main", "java");
    assertThat(sources).isDirectory();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(sources)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      String source = Files.readString(file);
      // A fully qualified name in code needs no import: the internal package is never named.
      assertThat(source).as(file.toString()).doesNotContain("dev.latchkey.core.internal");
      Matcher m = LATCHKEY_IMPORT.matcher(source);
      while (m.find()) {
        String pkg = m.group(1);
        assertThat(EXPORTED.contains(pkg) || pkg.startsWith("dev.latchkey.examples."))
            .as("%s imports %s, which is not an exported package", file, pkg)
            .isTrue();
      }
    }
  }

  @Test
  void theCheckSeesAnInternalImport() {
    Matcher m = LATCHKEY_IMPORT.matcher("import dev.latchkey.core.internal.Base64Url;\n");
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).isEqualTo("dev.latchkey.core.internal");
    Matcher nested =
        LATCHKEY_IMPORT.matcher("import dev.latchkey.core.spi.SessionStore.CapPolicy;");
    assertThat(nested.find()).isTrue();
    assertThat(nested.group(1)).isEqualTo("dev.latchkey.core.spi");
  }
}

package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.examples.ReadmeSnippets.Snippet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every {@code ```java} block of the repository's README.md compiles exactly as shown against the
 * library on the test classpath; the rule for what a block may contain is at {@link
 * ReadmeSnippets}. The other tests prove that the extractor finds the blocks and that a broken
 * block fails with the README line it is on.
 */
class ReadmeSnippetsTest {
  private static final String CLASSPATH = System.getProperty("java.class.path");

  @Test
  void everyJavaBlockInTheReadmeCompiles() throws IOException {
    String readme = Files.readString(ReadmeSnippets.findReadme(), StandardCharsets.UTF_8);
    List<Snippet> snippets = ReadmeSnippets.extract(readme);
    assertThat(snippets).as("java blocks in README.md").isNotEmpty();

    List<String> failures = new ArrayList<>();
    for (Snippet snippet : snippets) {
      for (String error : ReadmeSnippets.compile(snippet, CLASSPATH)) {
        failures.add("README.md " + error);
      }
    }
    assertThat(failures).as("README.md java blocks that do not compile").isEmpty();
  }

  @Test
  void extractsOnlyJavaBlocksWithTheLineOfTheirFirstCodeLine() {
    String markdown =
        """
        # Title
        ```sh
        mvn verify
        ```

        ```java
        int a = 1;
        int b = a;
        ```
        ````Java
        String s = "```";
        ````""";

    List<Snippet> snippets = ReadmeSnippets.extract(markdown);

    assertThat(snippets)
        .containsExactly(
            new Snippet(7, List.of("int a = 1;", "int b = a;")),
            new Snippet(11, List.of("String s = \"```\";")));
  }

  @Test
  void importsFollowedByStatementsCompileAsAMethodBody() {
    Snippet snippet =
        new Snippet(
            20,
            List.of(
                "import dev.latchkey.core.Principal;",
                "import java.util.Set;",
                "",
                "record Pair(String a, String b) {}",
                "Principal alice = Principal.of(\"alice\", Set.of(\"user\"));",
                "Pair pair = new Pair(alice.subject(), \"x\");"));

    assertThat(ReadmeSnippets.compile(snippet, CLASSPATH)).isEmpty();
  }

  @Test
  void aCompleteCompilationUnitCompilesAsIs() {
    Snippet snippet =
        new Snippet(
            1,
            List.of(
                "import dev.latchkey.core.Principal;",
                "import java.util.Set;",
                "",
                "/** An application class. */",
                "public final class App {",
                "  static Principal alice() {",
                "    return Principal.of(\"alice\", Set.of(\"user\"));",
                "  }",
                "}"));

    assertThat(ReadmeSnippets.compile(snippet, CLASSPATH)).isEmpty();
  }

  @Test
  void aBlockWithAnUndefinedNameFailsWithItsDocumentLine() {
    Snippet snippet =
        new Snippet(
            40,
            List.of(
                "import dev.latchkey.core.Principal;",
                "",
                "Principal p = Principal.of(name, java.util.Set.of());"));

    List<String> errors = ReadmeSnippets.compile(snippet, CLASSPATH);

    assertThat(errors).singleElement().asString().startsWith("line 42: ").contains("name");
  }

  @Test
  void aBlockWithAnElisionFailsToCompile() {
    Snippet snippet = new Snippet(5, List.of("String s = build(...);"));

    assertThat(ReadmeSnippets.compile(snippet, CLASSPATH))
        .isNotEmpty()
        .allMatch(e -> e.startsWith("line 5: "));
  }

  @Test
  void aCompleteUnitThatDoesNotCompileFailsWithItsDocumentLine() {
    Snippet snippet =
        new Snippet(10, List.of("public class Broken {", "  int x = \"not a number\";", "}"));

    assertThat(ReadmeSnippets.compile(snippet, CLASSPATH))
        .singleElement()
        .asString()
        .startsWith("line 11: ");
  }
}

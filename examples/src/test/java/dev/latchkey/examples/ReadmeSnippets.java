package dev.latchkey.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Extracts the {@code ```java} blocks of a Markdown document and compiles each with the JDK's
 * compiler against the test classpath, so a README snippet that does not compile fails the build.
 *
 * <p>A block is one of two shapes:
 *
 * <ul>
 *   <li>a complete compilation unit: optional {@code package} and {@code import} lines followed by
 *       top-level {@code class}, {@code interface}, {@code record} or {@code enum} declarations
 *       only (every line starting in the first column, other than comments, annotations and closing
 *       braces, opens a type);
 *   <li>import lines followed by statements: the statements become the body of a method ({@code
 *       void snippet() throws Exception}) of a generated class, so they may declare local
 *       variables, local classes and records, but not methods or fields. A snippet that needs a
 *       method must be written as a complete compilation unit.
 * </ul>
 *
 * <p>Nothing is supplied from outside the block: every name it uses is imported or declared in it.
 */
final class ReadmeSnippets {
  private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})\\s*([^\\s`]*).*$");
  private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+[\\w.*\\s]+;\\s*$");
  private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+[\\w.]+;\\s*$");
  private static final Pattern TYPE_DECLARATION =
      Pattern.compile(
          "^(?:(?:public|final|abstract|sealed|non-sealed|strictfp)\\s+)*"
              + "(?:class|interface|record|enum|@interface)\\s+(\\w+)");
  private static final Pattern PUBLIC_TYPE =
      Pattern.compile(
          "^(?:(?:final|abstract|sealed|non-sealed|strictfp)\\s+)*public\\s+"
              + "(?:(?:final|abstract|sealed|non-sealed|strictfp)\\s+)*"
              + "(?:class|interface|record|enum|@interface)\\s+(\\w+)",
          Pattern.MULTILINE);

  private ReadmeSnippets() {}

  /**
   * One fenced Java block.
   *
   * @param line the 1-based line of the document on which the block's first code line stands
   * @param code the block's text, one entry per line, without the fences
   */
  record Snippet(int line, List<String> code) {
    Snippet {
      code = List.copyOf(code);
    }
  }

  /**
   * A snippet turned into a compilation unit.
   *
   * @param fileName the source file name the unit must have ({@code Name.java})
   * @param source the unit's text
   * @param documentLines for each line of {@code source} (index 0 is line 1), the document line it
   *     came from, or 0 for a line the wrapper added
   */
  record Unit(String fileName, String source, List<Integer> documentLines) {
    Unit {
      documentLines = List.copyOf(documentLines);
    }

    int documentLine(long sourceLine) {
      if (sourceLine < 1 || sourceLine > documentLines.size()) {
        return 0;
      }
      return documentLines.get((int) sourceLine - 1);
    }
  }

  /** Every block whose info string is {@code java}, in document order. */
  static List<Snippet> extract(String markdown) {
    List<Snippet> snippets = new ArrayList<>();
    String[] lines = markdown.split("\r?\n", -1);
    int i = 0;
    while (i < lines.length) {
      Matcher open = FENCE.matcher(lines[i]);
      if (!open.matches()) {
        i++;
        continue;
      }
      String fence = open.group(1);
      boolean java = open.group(2).toLowerCase(Locale.ROOT).equals("java");
      int first = i + 1;
      int end = first;
      while (end < lines.length && !closes(lines[end], fence)) {
        end++;
      }
      if (java) {
        snippets.add(new Snippet(first + 1, List.of(lines).subList(first, end)));
      }
      i = end + 1;
    }
    return snippets;
  }

  private static boolean closes(String line, String fence) {
    String trimmed = line.strip();
    return trimmed.length() >= fence.length()
        && trimmed.chars().allMatch(c -> c == fence.charAt(0));
  }

  /** The snippet as a compilation unit under the rules in this class's Javadoc. */
  static Unit toUnit(Snippet snippet) {
    List<String> code = snippet.code();
    int bodyStart = 0;
    while (bodyStart < code.size() && isPreamble(code.get(bodyStart))) {
      bodyStart++;
    }
    if (onlyTypeDeclarations(code.subList(bodyStart, code.size()))) {
      String source = String.join("\n", code) + "\n";
      Matcher publicType = PUBLIC_TYPE.matcher(source);
      String name =
          publicType.find() ? publicType.group(1) : "ReadmeSnippetAtLine" + snippet.line();
      List<Integer> map = new ArrayList<>();
      for (int k = 0; k < code.size(); k++) {
        map.add(snippet.line() + k);
      }
      return new Unit(name + ".java", source, map);
    }
    String className = "ReadmeSnippetAtLine" + snippet.line();
    List<String> out = new ArrayList<>();
    List<Integer> map = new ArrayList<>();
    for (int k = 0; k < bodyStart; k++) {
      out.add(code.get(k));
      map.add(snippet.line() + k);
    }
    out.add("final class " + className + " {");
    map.add(0);
    out.add("  void snippet() throws Exception {");
    map.add(0);
    for (int k = bodyStart; k < code.size(); k++) {
      out.add(code.get(k));
      map.add(snippet.line() + k);
    }
    out.add("  }");
    map.add(0);
    out.add("}");
    map.add(0);
    return new Unit(className + ".java", String.join("\n", out) + "\n", map);
  }

  private static boolean isPreamble(String line) {
    return line.isBlank() || IMPORT.matcher(line).matches() || PACKAGE.matcher(line).matches();
  }

  /**
   * Whether every line that starts in the first column (ignoring comments, annotations and closing
   * braces) opens a type declaration: a block at top level holds only types, while statements may
   * also declare a local type.
   */
  private static boolean onlyTypeDeclarations(List<String> body) {
    boolean anyType = false;
    for (String line : body) {
      if (line.isBlank() || Character.isWhitespace(line.charAt(0))) {
        continue;
      }
      String s = line.strip();
      if (s.startsWith("//")
          || s.startsWith("/*")
          || s.startsWith("*")
          || s.startsWith("}")
          || (s.startsWith("@") && !s.startsWith("@interface"))) {
        continue;
      }
      if (!TYPE_DECLARATION.matcher(s).find()) {
        return false;
      }
      anyType = true;
    }
    return anyType;
  }

  /**
   * Compiles the snippet against {@code classpath}.
   *
   * @return the compiler's errors, each prefixed with the document line it points at; empty when
   *     the snippet compiles
   */
  static List<String> compile(Snippet snippet, String classpath) {
    JavaCompiler compiler = Objects.requireNonNull(ToolProvider.getSystemJavaCompiler(), "a JDK");
    Unit unit = toUnit(snippet);
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Path classes;
    try {
      classes = Files.createTempDirectory("readme-snippet");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, null)) {
      // -proc:none: the benchmarks' annotation processor is on the test classpath.
      List<String> options =
          List.of("-classpath", classpath, "-d", classes.toString(), "-proc:none", "-Xlint:none");
      compiler.getTask(null, files, diagnostics, options, null, List.of(new Source(unit))).call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteTree(classes);
    }
    List<String> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() != Diagnostic.Kind.ERROR) {
        continue;
      }
      int line = unit.documentLine(d.getLineNumber());
      String where = line > 0 ? "line " + line : "block at line " + snippet.line();
      errors.add(where + ": " + d.getMessage(Locale.ROOT));
    }
    return errors;
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The repository's README.md, found from the working directory or one of its parents (tests run
   * in the module's directory, so usually {@code ../README.md}).
   */
  static Path findReadme() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      Path readme = d.resolve("README.md");
      if (Files.isRegularFile(readme) && Files.isDirectory(d.resolve("examples"))) {
        return readme;
      }
    }
    throw new IllegalStateException("no README.md beside an examples/ directory above " + dir);
  }

  private static final class Source extends SimpleJavaFileObject {
    private final String text;

    Source(Unit unit) {
      super(URI.create("string:///" + unit.fileName()), Kind.SOURCE);
      this.text = unit.source();
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return text;
    }
  }
}

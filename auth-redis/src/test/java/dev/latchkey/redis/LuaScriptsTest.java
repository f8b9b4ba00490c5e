package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Lua resource is a script some store loads (or a library one includes), and every {@code
 * redis.call} in a script names its key through {@code KEYS}: Redis Cluster routes a script by its
 * {@code KEYS}, and promises nothing for a key a script builds from {@code ARGV}. A static check,
 * without a server: the key argument of each call must be {@code KEYS[n]}, {@code KEYS[n] .. x}, or
 * a name that is only ever bound to such an expression (a local, or a function parameter that every
 * call passes one).
 */
class LuaScriptsTest {
  private static final Path RESOURCES = Path.of("src", "main", "resources", "dev", "latchkey");
  private static final Path SOURCES = Path.of("src", "main", "java", "dev", "latchkey", "redis");

  /** Commands whose first argument is no key. */
  private static final Set<String> KEYLESS = Set.of("TIME", "PUBLISH");

  private static final Pattern INCLUDE = Pattern.compile("(?m)^--! include (\\S+)$");
  private static final Pattern CALL = Pattern.compile("redis\\.call\\(");
  private static final Pattern LOCAL_FUNCTION =
      Pattern.compile("local function (\\w+)\\(([^)]*)\\)");
  private static final Pattern ASSIGNMENT =
      Pattern.compile("(?m)^\\s*(?:local\\s+)?([\\w, ]+?)\\s*=(?!=)\\s*(.+)$");

  @Test
  void everyScriptResourceIsUsed() throws IOException {
    String java = javaSources();
    Set<String> scripts = scriptNames();
    Set<String> included = new TreeSet<>();
    for (String name : scripts) {
      Matcher m = INCLUDE.matcher(resource(name));
      while (m.find()) {
        included.add(m.group(1));
      }
    }
    for (String name : scripts) {
      assertThat(java.contains("Script.load(\"" + name + "\"") || included.contains(name))
          .as("%s.lua is loaded by a store or included by a script", name)
          .isTrue();
    }
    assertThat(scripts).contains("session-renew", "revoke-bounded", "prelude");
  }

  @Test
  void everyKeyAScriptTouchesComesFromKeys() throws IOException {
    for (String name : loadedScripts()) {
      assertThat(keysNotFromKeys(Script.source(name))).as("%s.lua", name).isEmpty();
    }
  }

  @Test
  void theCheckFindsKeysBuiltFromArgv() {
    assertThat(keysNotFromKeys("redis.call('GET', ARGV[1] .. 'x')")).hasSize(1);
    assertThat(keysNotFromKeys("local k = ARGV[1]\nredis.call('DEL', k)")).hasSize(1);
    assertThat(
            keysNotFromKeys(
                """
                local function f(key) redis.call('DEL', key) end
                f(KEYS[1])
                f('prefix:' .. ARGV[1])
                """))
        .hasSize(1);
    assertThat(keysNotFromKeys("local k = KEYS[2] .. ARGV[1]\nredis.call('DEL', k)")).isEmpty();
    assertThat(keysNotFromKeys("redis.call('PUBLISH', ARGV[1], 'm')")).isEmpty();
  }

  @Test
  void thePreludeCapsTtlsAsJavaDoes() {
    assertThat(Script.source("prelude")).contains(Long.toString(Script.MAX_TTL_MILLIS));
  }

  /** The key arguments of {@code lua}'s calls that do not come from {@code KEYS}. */
  static List<String> keysNotFromKeys(String lua) {
    String code = stripComments(lua);
    Set<String> keyNames = keyNames(code);
    List<String> bad = new ArrayList<>();
    Matcher m = CALL.matcher(code);
    while (m.find()) {
      List<String> args = arguments(code, m.end());
      String command = args.get(0).replace("'", "").replace("\"", "").toUpperCase(Locale.ROOT);
      if (!KEYLESS.contains(command) && !fromKeys(args.get(1), keyNames)) {
        bad.add(command + " " + args.get(1));
      }
    }
    return bad;
  }

  /** Names bound only to KEYS-derived expressions, by assignment or as parameters. */
  private static Set<String> keyNames(String code) {
    Map<String, List<String>> bindings = new HashMap<>();
    Matcher a = ASSIGNMENT.matcher(code);
    while (a.find()) {
      List<String> names = List.of(a.group(1).split(",", -1));
      if (names.size() == 1) {
        bindings.computeIfAbsent(names.get(0).strip(), k -> new ArrayList<>()).add(a.group(2));
      } else {
        for (String n : names) {
          // A multiple assignment binds values this check does not follow.
          bindings.computeIfAbsent(n.strip(), k -> new ArrayList<>()).add("?");
        }
      }
    }
    Matcher f = LOCAL_FUNCTION.matcher(code);
    while (f.find()) {
      List<String> params = List.of(f.group(2).split(",", -1));
      // A function no call reaches touches nothing.
      params.forEach(p -> bindings.computeIfAbsent(p.strip(), k -> new ArrayList<>()));
      Matcher call = Pattern.compile("(?<!function )\\b" + f.group(1) + "\\(").matcher(code);
      while (call.find()) {
        List<String> args = arguments(code, call.end());
        for (int i = 0; i < params.size(); i++) {
          String p = params.get(i).strip();
          if (!p.isEmpty()) {
            bindings
                .computeIfAbsent(p, k -> new ArrayList<>())
                .add(i < args.size() ? args.get(i) : "nil");
          }
        }
      }
    }
    // The greatest set closed under the bindings: a name stays while every value bound to it comes
    // from KEYS or from names still in the set, so a name passed on to itself stays a key.
    Set<String> keyNames = new HashSet<>(bindings.keySet());
    boolean shrank = true;
    while (shrank) {
      shrank =
          keyNames.removeIf(n -> !bindings.get(n).stream().allMatch(v -> fromKeys(v, keyNames)));
    }
    return keyNames;
  }

  private static boolean fromKeys(String expression, Set<String> keyNames) {
    String e = expression.strip();
    if (e.startsWith("KEYS[")) {
      return true;
    }
    Matcher name = Pattern.compile("^(\\w+)(\\s*\\.\\..*)?$", Pattern.DOTALL).matcher(e);
    return name.matches() && keyNames.contains(name.group(1));
  }

  /** The comma-separated arguments of the call whose '(' ends at {@code from}. */
  private static List<String> arguments(String code, int from) {
    List<String> args = new ArrayList<>();
    int depth = 0;
    char quote = 0;
    StringBuilder current = new StringBuilder();
    for (int i = from; i < code.length(); i++) {
      char c = code.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        if (depth == 0) {
          args.add(current.toString().strip());
          return args;
        }
        depth--;
      } else if (c == ',' && depth == 0) {
        args.add(current.toString().strip());
        current.setLength(0);
        continue;
      }
      current.append(c);
    }
    throw new AssertionError("unclosed call");
  }

  private static String stripComments(String lua) {
    return lua.lines().map(l -> l.replaceAll("--.*$", "")).collect(Collectors.joining("\n"));
  }

  private static Set<String> scriptNames() throws IOException {
    try (Stream<Path> files = Files.list(RESOURCES.resolve("redis"))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".lua"))
          .map(n -> n.substring(0, n.length() - 4))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static Set<String> loadedScripts() throws IOException {
    String java = javaSources();
    return scriptNames().stream()
        .filter(n -> java.contains("Script.load(\"" + n + "\""))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static String resource(String name) throws IOException {
    return Files.readString(RESOURCES.resolve("redis").resolve(name + ".lua"));
  }

  private static String javaSources() throws IOException {
    try (Stream<Path> files = Files.list(SOURCES)) {
      StringBuilder all = new StringBuilder();
      for (Path p : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        all.append(Files.readString(p));
      }
      return all.toString();
    }
  }
}

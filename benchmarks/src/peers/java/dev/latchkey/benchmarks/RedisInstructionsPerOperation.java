package dev.latchkey.benchmarks;

import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * How many instructions does {@code redis-server} execute for each session operation of {@link
 * RedisSessionBenchmark}, for Latchkey and for Spring Session's two repositories? The same
 * operations as {@link RedisCommandsPerOperation}, on a private server run under {@code valgrind
 * --tool=callgrind}, which counts instructions rather than time: the count does not move with the
 * machine's load, so a ratio of two counts holds on a shared machine where a ratio of two times
 * scatters. Kernel work (the sockets) is not counted, the same for every implementation.
 *
 * <p>Each operation runs {@link RedisCommandsPerOperation#N} times once unmeasured (scripts loaded,
 * allocations warm), then {@code N} times between {@code callgrind_control -z} and {@code -d}; the
 * server's own background work in that window (measured idle first, at {@code --hz 1}) is taken
 * off. Prints {@code INSTRUCTIONS <impl> <op> per_op=<n>}, or nothing when {@code valgrind} is not
 * on the PATH.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.latchkey.benchmarks.RedisInstructionsPerOperation}
 */
public final class RedisInstructionsPerOperation {
  private RedisInstructionsPerOperation() {}

  public static void main(String[] args) throws Exception {
    if (!onPath("valgrind") || !onPath("callgrind_control")) {
      System.err.println("valgrind is not on the PATH: no instruction counts");
      return;
    }
    for (String impl : new String[] {"latchkey", "springPlain", "springIndexed"}) {
      Path out = Files.createTempDirectory("latchkey-callgrind-");
      try (RedisServer server =
              RedisFixture.standaloneUnder(
                  List.of(
                      "valgrind",
                      "--tool=callgrind",
                      "--callgrind-out-file=" + out.resolve("callgrind.out.%p")),
                  "--hz",
                  "1");
          RedisSessionBenchmark.Sessions s = RedisSessionBenchmark.Sessions.of(impl, server)) {
        int n = RedisCommandsPerOperation.N;
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
          ids[i] = s.create("warm-" + i);
        }
        s.prepareFloorScript(ids[0]);
        long pid = server.pid();
        control(pid, "-z");
        long idleStart = System.nanoTime();
        TimeUnit.MILLISECONDS.sleep(1_000);
        double idlePerNano = dump(pid, out) / (double) (System.nanoTime() - idleStart);
        for (String op : RedisCommandsPerOperation.OPS) {
          if (!RedisCommandsPerOperation.supports(s, op)) {
            continue;
          }
          RedisCommandsPerOperation.run(
              s, op, RedisCommandsPerOperation.prepare(s, op, ids, "unmeasured-"));
          String[] targets = RedisCommandsPerOperation.prepare(s, op, ids, "counted-");
          control(pid, "-z");
          long start = System.nanoTime();
          RedisCommandsPerOperation.run(s, op, targets);
          long elapsed = System.nanoTime() - start;
          long counted = dump(pid, out);
          double perOp = Math.max(0, counted - idlePerNano * elapsed) / n;
          System.out.printf(Locale.ROOT, "INSTRUCTIONS %s %s per_op=%.0f%n", impl, op, perOp);
        }
      } finally {
        try (Stream<Path> files = Files.list(out)) {
          for (Path f : files.toList()) {
            Files.deleteIfExists(f);
          }
        }
        Files.deleteIfExists(out);
      }
    }
  }

  /** Sends {@code callgrind_control <option> <pid>} and waits for it. */
  private static void control(long pid, String option) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("callgrind_control", option, Long.toString(pid))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("callgrind_control " + option + " failed");
    }
  }

  /** Dumps the counts since the last zero or dump and returns their instruction total. */
  private static long dump(long pid, Path out) throws IOException, InterruptedException {
    List<Path> before = parts(out);
    control(pid, "-d");
    List<Path> after = new ArrayList<>(parts(out));
    after.removeAll(before);
    if (after.size() != 1) {
      throw new IllegalStateException("expected one new callgrind dump, found " + after);
    }
    for (String line : Files.readAllLines(after.get(0))) {
      if (line.startsWith("totals:") || line.startsWith("summary:")) {
        String counts = line.substring(line.indexOf(':') + 1).strip();
        int space = counts.indexOf(' ');
        return Long.parseLong(space < 0 ? counts : counts.substring(0, space));
      }
    }
    throw new IllegalStateException("no totals in " + after.get(0));
  }

  private static List<Path> parts(Path out) throws IOException {
    try (Stream<Path> files = Files.list(out)) {
      return files
          .filter(f -> f.getFileName().toString().matches("callgrind\\.out\\.\\d+\\.\\d+"))
          .toList();
    }
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":", -1)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}

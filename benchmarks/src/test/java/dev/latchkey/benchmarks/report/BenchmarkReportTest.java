package dev.latchkey.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated table of {@code BENCHMARKS.md} from a made-up run: the Redis floors and the bound
 * they give, and the rest of the report still rendered around them.
 */
class BenchmarkReportTest {
  @TempDir Path dir;

  /** One JMH result as JMH's JSON writes it (the fields the report reads). */
  private static JsonObject run(String benchmark, String impl, double score, String unit) {
    JsonObject o = new JsonObject();
    o.addProperty("jmhVersion", "1.37");
    o.addProperty("benchmark", "dev.latchkey.benchmarks." + benchmark);
    o.addProperty("forks", 1);
    o.addProperty("jdkVersion", "17.0.16");
    o.addProperty("vmName", "OpenJDK 64-Bit Server VM");
    o.addProperty("vmVersion", "17.0.16+8");
    o.add("jvmArgs", new JsonArray());
    o.addProperty("warmupIterations", 2);
    o.addProperty("warmupTime", "1 s");
    o.addProperty("measurementIterations", 3);
    o.addProperty("measurementTime", "1 s");
    if (impl != null) {
      JsonObject params = new JsonObject();
      params.addProperty(benchmark.startsWith("Redis") ? "impl" : "alg", impl);
      o.add("params", params);
    }
    JsonObject metric = new JsonObject();
    metric.addProperty("score", score);
    metric.addProperty("scoreError", score / 10);
    metric.addProperty("scoreUnit", unit);
    o.add("primaryMetric", metric);
    return o;
  }

  private void writeRun(boolean withFloors) throws IOException {
    writeRun(withFloors, withFloors);
  }

  private void writeRun(boolean withFloors, boolean withScriptFloor) throws IOException {
    // Verify runs one file per algorithm, as run-benchmarks.sh writes them.
    JsonArray verify = new JsonArray();
    verify.add(run("TokenVerifyBenchmark.latchkeyVerify", "HS256", 1.9, "us/op"));
    verify.add(run("PeerTokenVerifyBenchmark.auth0", "HS256", 2.5, "us/op"));
    Files.writeString(dir.resolve("jmh-verify-HS256.json"), verify.toString());
    JsonArray jmh = new JsonArray();
    String[] impls = {"latchkey", "springPlain", "springIndexed"};
    double[][] scores = {
      {300, 356, 835}, {83, 245, 700}, {160, 250, 720}, {51, 60, 61}, {58, 66, 67}
    };
    String[] ops = {"create", "readTouch", "attributeWrite", "floorGet", "floorScript"};
    for (int op = 0; op < (withScriptFloor ? 5 : withFloors ? 4 : 3); op++) {
      for (int i = 0; i < 3; i++) {
        jmh.add(run("RedisSessionBenchmark." + ops[op], impls[i], scores[op][i], "us/op"));
      }
    }
    Files.writeString(dir.resolve("jmh.json"), jmh.toString());
    StringBuilder commands =
        new StringBuilder()
            .append(
                "COMMANDS latchkey create sent=1.00 inScripts=8.00 serverUs=27.83 evalsha=1.00\n")
            .append(
                "COMMANDS latchkey readTouch sent=1.00 inScripts=6.00 serverUs=17.10 evalsha=1.00\n")
            .append(
                "COMMANDS springPlain readTouch sent=4.00 inScripts=0.00 serverUs=5.00 exists=1.00"
                    + " hgetall=1.00 hmset=1.00 pexpireat=1.00\n");
    if (withFloors) {
      commands
          .append("COMMANDS latchkey floorGet sent=1.00 inScripts=0.00 serverUs=0.20 get=1.00\n")
          .append("FLOOR redis-benchmark GET mean_us=39.5 p50_us=39.0\n");
    }
    Files.writeString(dir.resolve("commands.txt"), commands.toString());
  }

  @Test
  void redisTableShowsTheFloorsAndTheBoundTheyGive() throws IOException {
    writeRun(true);

    String section = BenchmarkReport.report(dir, "0.1 0.2 0.3", "0.4 0.5 0.6");

    assertThat(section).contains("| one `GET` of 32 bytes").contains("| 51.0 ± 5.1 | 60.0 ± 6.0 |");
    // 245 / 51 and 83 / 51.
    assertThat(section)
        .contains(
            "Upper bound for any one-round-trip read-and-touch in this run = Spring plain"
                + " readTouch ÷ Jedis `GET` floor = 4.80×")
        .contains("Latchkey readTouch ÷ Jedis `GET` floor = 1.63×")
        .contains(
            "Spring plain readTouch ÷ its own Lettuce `GET` = 4.08 round trips' worth (it"
                + " sends 4.00 commands)")
        .contains("39.5 µs per round trip (p50 39.0 µs)")
        .contains("| floorGet | 0.20 |");
  }

  @Test
  void scriptFloorGivesTheTighterBound() throws IOException {
    writeRun(true);

    String section = BenchmarkReport.report(dir, "0.1 0.2 0.3", "0.4 0.5 0.6");

    // 245 / 58 and 83 / 58.
    assertThat(section)
        .contains("| one `EVALSHA` of the cheapest script that returns a session as stored")
        .contains("| 58.0 ± 5.8 | 66.0 ± 6.6 | 67.0 ± 6.7 | — | — |")
        .contains(
            "Spring plain readTouch ÷ Jedis script-read floor = 4.22×; Latchkey readTouch ÷"
                + " that floor = 1.43×");
  }

  @Test
  void scaleLinesGiveTheRatiosOfServerTimeMemoryAndThroughput() throws IOException {
    writeRun(true);
    Files.writeString(
        dir.resolve("commands.txt"),
        """
        COMMANDS latchkey create sent=1.00 inScripts=8.00 serverUs=14.00 evalsha=1.00
        COMMANDS latchkey check sent=1.00 inScripts=0.00 serverUs=1.00 get=1.00
        COMMANDS latchkey readTouch sent=2.00 inScripts=6.00 serverUs=21.00 evalsha=1.00
        COMMANDS springPlain create sent=2.00 inScripts=0.00 serverUs=7.00 hmset=1.00
        COMMANDS springPlain readTouch sent=4.00 inScripts=0.00 serverUs=8.00 hgetall=1.00
        SAMESIZE bytes=250 check_us=0.220 get_us=0.200
        MEMORY latchkey sessions=5000 bytes_per_session=700
        MEMORY springPlain sessions=5000 bytes_per_session=1400
        MEMORY springIndexed sessions=5000 bytes_per_session=2100
        THROUGHPUT latchkey threads=64 seconds=3 checks_per_s=40000 server_us_per_check=0.500
        THROUGHPUT springPlain threads=64 seconds=3 checks_per_s=10000 server_us_per_check=4.000
        INSTRUCTIONS latchkey check per_op=6000
        INSTRUCTIONS latchkey readTouch per_op=66000
        INSTRUCTIONS springPlain readTouch per_op=30000
        INSTRUCTIONS latchkey create per_op=40000
        INSTRUCTIONS springPlain create per_op=30000
        PROPAGATION rounds=500 threads=8 median_us=900 p99_us=4000 max_us=9000
        PROPAGATION rounds=500 threads=1 median_us=60 p99_us=700 max_us=900
        """);

    String section = BenchmarkReport.report(dir, "0.1 0.2 0.3", "0.4 0.5 0.6");

    // 1 + 20 / 10 = 3.00 µs against 8.00; 21 against 8 when every check renews.
    assertThat(section)
        .contains("10 checks per renewal interval: 3.00 µs = 0.38× Spring plain's read-and-touch")
        .contains("1 check per renewal interval: 21.00 µs = 2.63×")
        .contains("- create: 2.00× Spring plain's create")
        .contains(
            "`GET` of a session's value (250 bytes), 0.220 µs against a `GET` of a plain string"
                + " as long 0.200 µs: 1.10×")
        .contains("Latchkey 700 B, Spring plain 1400 B (0.50×), Spring indexed 2100 B (0.33×)")
        .contains(
            "threads=64 seconds=3, loopback, client and server on the same cores): Latchkey"
                + " 40000, Spring plain 10000: 4.00×")
        .contains("median_us=900 p99_us=4000 max_us=9000; rounds=500 threads=1 median_us=60")
        .contains("Latchkey 0.500 µs, Spring plain 4.000 µs (its read-and-touch): 0.13×")
        .contains("| create | 40,000 | 30,000 | n/a | 1.33× |")
        // 6,000 + 60,000 / 60 = 7,000 against 30,000.
        .contains("60 checks per renewal interval: 7,000 = 0.23× Spring plain's read-and-touch");
  }

  @Test
  void replicaLineGivesMemoryResyncAndBothChecksAtAMillionEntries() throws IOException {
    writeRun(true);
    Files.writeString(
        dir.resolve("commands.txt"),
        "REPLICA entries=1000000 bytes_per_entry=79.7 resync_ms_median=4210"
            + " resync_ms=[4400,4210,4100]\n",
        java.nio.file.StandardOpenOption.APPEND);
    JsonArray replica = new JsonArray();
    JsonObject hit = run("RevocationReplicaBenchmark.hit", null, 180, "ns/op");
    JsonObject params = new JsonObject();
    params.addProperty("entries", "1000000");
    hit.add("params", params);
    JsonObject miss = run("RevocationReplicaBenchmark.miss", null, 0.12, "us/op");
    miss.add("params", params);
    JsonObject ids = run("RevocationReplicaBenchmark.ids", null, 20, "ns/op");
    ids.add("params", params);
    replica.add(hit);
    replica.add(miss);
    replica.add(ids);
    Files.writeString(dir.resolve("jmh-replica.json"), replica.toString());

    String section = BenchmarkReport.report(dir, "0.1 0.2 0.3", "0.4 0.5 0.6");

    assertThat(section)
        .contains("Revocation replica at 1,000,000 entries: 80 bytes per entry")
        .contains("full resync 4.21 s")
        .contains("180 ± 18 ns revoked, 120 ± 12 ns not revoked")
        .contains("building the benchmark's ids 20 ± 2 ns");
  }

  @Test
  void runWithoutTheReplicaMeasurementHasNoReplicaLine() throws IOException {
    writeRun(true);

    assertThat(BenchmarkReport.report(dir, "0.1 0.2 0.3", "0.4 0.5 0.6"))
        .doesNotContain("Revocation replica at");
  }

  @Test
  void getFloorAloneStillGivesABound() throws IOException {
    writeRun(true, false);

    String section = BenchmarkReport.report(dir, "0.1 0.2 0.3", "0.4 0.5 0.6");

    assertThat(section)
        .doesNotContain("script-read floor")
        .contains("Spring plain readTouch ÷ Jedis `GET` floor = 4.80×");
  }

  @Test
  void restOfTheReportStillRendersAroundTheFloors() throws IOException {
    writeRun(true);

    String section = BenchmarkReport.report(dir, "0.1 0.2 0.3", "0.4 0.5 0.6");

    assertThat(section)
        .startsWith(BenchmarkReport.BEGIN)
        .endsWith(BenchmarkReport.END)
        .contains("### JWT verify of a new token")
        .contains("| HS256 | 1.90 ± 0.19 |")
        .contains(
            "| readTouch | 83.0 ± 8.3 | 245.0 ± 24.5 | 700.0 ± 70.0 | 2.95× | 8.43× | 1.00 /"
                + " 4.00 / n/a |")
        .contains("### Revocation check on a Redis deployment")
        .doesNotContain("Goals");
  }

  @Test
  void webRowsShowWhatTheWebLayerAddsOverTheLibrary() throws IOException {
    writeRun(true);
    JsonArray jmh = new JsonArray();
    jmh.add(run("WebAuthBenchmark.sessionGetLibrary", null, 400, "ns/op"));
    jmh.add(run("WebAuthBenchmark.sessionGetWeb", null, 700, "ns/op"));
    jmh.add(run("WebAuthBenchmark.bearerGetLibrary", null, 2.0, "us/op"));
    Files.writeString(dir.resolve("jmh.json"), jmh.toString());

    String section = BenchmarkReport.report(dir, "0.1 0.2 0.3", "0.4 0.5 0.6");

    // 700 - 400 and 700 / 400; the bearer row has no web figure, so no difference either.
    assertThat(section)
        .contains("### The web layer over the library calls it makes")
        .contains("| 400 ± 40 | 700 ± 70 | 300 | 1.75× |")
        .contains("(`JwtTokenService.verify`) | 2000 ± 200 | n/a | n/a | n/a |");
  }

  @Test
  void runWithoutFloorsRendersAsBefore() throws IOException {
    writeRun(false);

    String section = BenchmarkReport.report(dir, "0.1 0.2 0.3", "0.4 0.5 0.6");

    assertThat(section)
        .doesNotContain("Round-trip floors")
        .doesNotContain("at most")
        .contains("| one `GET` of 32 bytes")
        .contains("| n/a | n/a | n/a | — | — |");
  }

  @Test
  void figuresAreTheFastestIterationWithTheSlowestBeside() throws IOException {
    writeRun(true);
    JsonArray verify = new JsonArray();
    JsonObject latchkey = run("TokenVerifyBenchmark.latchkeyVerify", "HS256", 2.2, "us/op");
    JsonObject auth0 = run("PeerTokenVerifyBenchmark.auth0", "HS256", 4.0, "us/op");
    latchkey.getAsJsonObject("primaryMetric").add("rawData", raw(2.0, 1.5, 3.0));
    auth0.getAsJsonObject("primaryMetric").add("rawData", raw(2.5, 2.6, 9.0));
    verify.add(latchkey);
    verify.add(auth0);
    Files.writeString(dir.resolve("jmh-verify-HS256.json"), verify.toString());

    String section = BenchmarkReport.report(dir, "0.1 0.2 0.3", "0.4 0.5 0.6");

    // 1.5 / 2.5: fastest against fastest, whatever the means (2.2 and 4.0) say.
    assertThat(section)
        .contains("| HS256 | 1.50 (max 3.00) |")
        .contains("| 2.50 (max 9.00) |")
        .contains("Each figure is the fastest measured iteration");
  }

  private static JsonArray raw(double... iterations) {
    JsonArray fork = new JsonArray();
    for (double d : iterations) {
      fork.add(d);
    }
    JsonArray forks = new JsonArray();
    forks.add(fork);
    return forks;
  }

  @Test
  void spliceFindsABeginMarkerNamingAnotherScriptPath() {
    String old =
        "# Latchkey benchmarks\n\n"
            + "<!-- run-benchmarks:begin (generated by examples/run-benchmarks.sh) -->\nold\n"
            + BenchmarkReport.END
            + "\nprose\n";

    String updated =
        BenchmarkReport.splice(old, BenchmarkReport.BEGIN + "\nnew\n" + BenchmarkReport.END);

    assertThat(updated)
        .isEqualTo(
            "# Latchkey benchmarks\n\n"
                + BenchmarkReport.BEGIN
                + "\nnew\n"
                + BenchmarkReport.END
                + "\nprose\n");
  }

  @Test
  void spliceReplacesOnlyTheGeneratedSection() {
    String old =
        "# Latchkey benchmarks\n\nintro\n"
            + BenchmarkReport.BEGIN
            + "\nold table\n"
            + BenchmarkReport.END
            + "\n\n## Why read-and-touch cannot reach 5×\n\nprose\n";

    String updated =
        BenchmarkReport.splice(old, BenchmarkReport.BEGIN + "\nnew\n" + BenchmarkReport.END);

    assertThat(updated)
        .isEqualTo(
            "# Latchkey benchmarks\n\nintro\n"
                + BenchmarkReport.BEGIN
                + "\nnew\n"
                + BenchmarkReport.END
                + "\n\n## Why read-and-touch cannot reach 5×\n\nprose\n");
  }
}

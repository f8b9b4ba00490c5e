#!/usr/bin/env bash
# Builds the benchmark jar with the peers profile and runs the whole comparison in one
# go, then writes the side-by-side table into BENCHMARKS.md (between the run-benchmarks markers).
# About 12 minutes on 2 cores. Needs Java 17+, Maven and redis-server on PATH; starts its own
# redis-servers on free loopback ports (never 6379) and stops them. The Redis table's floor rows
# (one GET, and one EVALSHA that reads a session, through each client) come from
# RedisSessionBenchmark.floorGet and floorScript; redis-benchmark, shipped
# with redis-server, adds the C client's GET round trip to commands.txt when it is on PATH.
#
#   benchmarks/run-benchmarks.sh                 # the full run
#   JMH_OPTS="-f 1 -wi 1 -w 200ms -i 1 -r 200ms" E2E_SECONDS=1 benchmarks/run-benchmarks.sh  # smoke
set -euo pipefail
cd "$(dirname "$0")/.."

# Six half-second iterations rather than three of a second: the report takes each benchmark's
# fastest iteration, which more, shorter samples make less likely to be all disturbed.
JMH_OPTS=${JMH_OPTS:-"-f 1 -wi 2 -w 1s -i 6 -r 500ms"}
# Three short forks rather than one long one: the goal allows 5 %, the report compares each
# side's fastest iteration, and three JVMs spread over the run are less likely to be all slowed.
# Six seconds of warm-up: at cost 12 one second is four calls, too few for the JIT to settle, and
# the side that settled later measured up to 10 % slower (1.10x; 1.02x with this warm-up).
PASSWORD_OPTS=${PASSWORD_OPTS:-"-f 3 -wi 3 -w 2s -i 2 -r 2s"}
E2E_SECONDS=${E2E_SECONDS:-5}
THROUGHPUT_SECONDS=${THROUGHPUT_SECONDS:-3}
E2E_THREADS=${E2E_THREADS:-8}
OUT=benchmarks/target/bench-run
JAR=benchmarks/target/benchmarks.jar

command -v redis-server >/dev/null || { echo "redis-server is not on PATH" >&2; exit 1; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
start=$(date +%s)

mvn -B -q -Ppeers,benchmarks -pl benchmarks -am package -DskipTests -Dmaven.javadoc.skip=true
rm -rf "$OUT" && mkdir -p "$OUT"

# Verify, one algorithm per command: Latchkey and its peers then run back to back, within a
# minute, instead of minutes apart while a shared machine's speed drifts.
for alg in HS256 RS256 ES256 EdDSA; do
  # shellcheck disable=SC2086
  java -jar "$JAR" 'TokenVerifyBenchmark' -p alg=$alg \
    $JMH_OPTS -rf json -rff "$OUT/jmh-verify-$alg.json" | tee -a "$OUT/jmh.log"
done
# shellcheck disable=SC2086
java -jar "$JAR" \
  'TokenIssueBenchmark|PeerTokenIssueBenchmark|CryptoFloorBenchmark|SessionCookieBenchmark|WebAuthBenchmark|RedisSessionBenchmark|NearCacheCheckBenchmark|RevocationCheckBenchmark|ApiKeyVerifyBenchmark' \
  $JMH_OPTS -rf json -rff "$OUT/jmh.json" | tee -a "$OUT/jmh.log"
# The revocation replica at a million live revocations: its own file, as each fork's setup first
# fills a private Redis with them through the revocation script.
# shellcheck disable=SC2086
java -jar "$JAR" 'RevocationReplicaBenchmark' $JMH_OPTS -rf json -rff "$OUT/jmh-replica.json" \
  | tee -a "$OUT/jmh.log"
# shellcheck disable=SC2086
java -jar "$JAR" 'PasswordVerifyBenchmark' $PASSWORD_OPTS -rf json -rff "$OUT/jmh-password.json" \
  | tee "$OUT/jmh-password.log"
java -cp "$JAR" dev.latchkey.benchmarks.RedisCommandsPerOperation 2>/dev/null | tee "$OUT/commands.txt"
# Instruction counts under callgrind (skipped, with a note on stderr, without valgrind).
java -cp "$JAR" dev.latchkey.benchmarks.RedisInstructionsPerOperation 2>/dev/null \
  | tee -a "$OUT/commands.txt"
java -cp "$JAR" dev.latchkey.benchmarks.RedisSessionThroughput "$THROUGHPUT_SECONDS" 64 2>/dev/null \
  | tee -a "$OUT/commands.txt"
# Under load heavier than the cores (8 threads on 2), then at the cores' count, then one thread.
for threads in 8 2 1; do
  java -cp "$JAR" dev.latchkey.benchmarks.load.NearCachePropagation 500 "$threads" 2>/dev/null \
    | tee -a "$OUT/commands.txt"
done
java -Xmx4g -cp "$JAR" dev.latchkey.redis.RevocationReplicaFootprint 1000000 3 2>/dev/null \
  | tee -a "$OUT/commands.txt"
java -cp "$JAR" dev.latchkey.benchmarks.load.EndToEndLoad "$E2E_SECONDS" "$E2E_THREADS" | tee "$OUT/e2e.txt"

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
java -cp "$JAR" dev.latchkey.benchmarks.report.BenchmarkReport "$OUT" BENCHMARKS.md "$load_before" "$load_after" \
  > "$OUT/report.md"
echo "BENCHMARKS.md updated in $(( $(date +%s) - start )) s; raw results in $OUT"

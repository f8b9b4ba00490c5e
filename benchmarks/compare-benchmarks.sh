#!/usr/bin/env bash
# Compares two builds of the benchmark jar on Latchkey's own figures, in one run: each benchmark
# runs from the "before" jar and from the "after" jar in turn, ROUNDS times, and the report gives
# each side's fastest iteration and the ratio after/before. A change that must not slow anything
# down (a refactor, a fix) is checked with it against the commit it starts from:
#
#   git worktree add --detach /tmp/before <base> && (cd /tmp/before && mvn -B -q \
#     -Ppeers,benchmarks -pl benchmarks -am package -DskipTests) \
#     && mvn -B -q -Ppeers,benchmarks -pl benchmarks -am package -DskipTests
#   benchmarks/compare-benchmarks.sh /tmp/before/benchmarks/target/benchmarks.jar \
#     benchmarks/target/benchmarks.jar
#
# Alternating the two jars, rather than running one after the other, spreads a noisy machine's
# drift over both sides. Needs redis-server on PATH for the Redis rows (the benchmarks start their
# own on free loopback ports). Results go to benchmarks/target/bench-compare.
set -euo pipefail
cd "$(dirname "$0")/.."

BEFORE=${1:?usage: compare-benchmarks.sh BEFORE_JAR AFTER_JAR}
AFTER=${2:?usage: compare-benchmarks.sh BEFORE_JAR AFTER_JAR}
ROUNDS=${ROUNDS:-2}
JMH_OPTS=${JMH_OPTS:-"-f 1 -wi 2 -w 1s -i 5 -r 500ms"}
OUT=benchmarks/target/bench-compare
# Latchkey's own rows of BENCHMARKS.md; peers are the same code in both jars.
# One benchmark a line: a JMH pattern and, optionally, JMH arguments such as -p.
BENCHMARKS=${BENCHMARKS:-"TokenVerifyBenchmark.latchkeyVerify
TokenIssueBenchmark.latchkeyIssue
SessionCookieBenchmark
RevocationCheckBenchmark.replicaCheck
RedisSessionBenchmark.(create|readTouch|attributeWrite)$ -p impl=latchkey
PasswordVerifyBenchmark.latchkey -p cost=10"}

rm -rf "$OUT" && mkdir -p "$OUT"
for round in $(seq 1 "$ROUNDS"); do
  while read -r bench args; do
    [ -n "$bench" ] || continue
    for side in before after; do
      jar=$BEFORE; [ "$side" = after ] && jar=$AFTER
      file="$OUT/$side-$round-$(echo "$bench $args" | tr -c 'A-Za-z0-9' '_').json"
      # shellcheck disable=SC2086
      java -jar "$jar" "$bench" $args $JMH_OPTS -rf json -rff "$file" >>"$OUT/jmh.log" 2>&1 \
        || echo "failed: $side $bench (see $OUT/jmh.log)" >&2
    done
  done <<<"$BENCHMARKS"
done

# Fastest iteration per benchmark and parameters, per side; ratio after / before.
python3 - "$OUT" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
best = {}
for path in glob.glob(os.path.join(out, "*.json")):
    side = os.path.basename(path).split("-")[0]
    try:
        runs = json.load(open(path))
    except ValueError:
        continue
    for r in runs:
        name = r["benchmark"].rsplit(".", 2)
        key = name[-2] + "." + name[-1]
        params = r.get("params") or {}
        if params:
            key += " [" + ", ".join(f"{k}={v}" for k, v in sorted(params.items())) + "]"
        raw = [x for fork in r["primaryMetric"]["rawData"] for x in fork]
        unit = r["primaryMetric"]["scoreUnit"]
        fastest = min(raw) if "/op" in unit else max(raw)
        prev = best.setdefault(key, {}).get(side)
        better = fastest if prev is None else (min(prev[0], fastest) if "/op" in unit else max(prev[0], fastest))
        best[key][side] = (better, unit)
print(f"{'benchmark':70} {'before':>12} {'after':>12} {'after/before':>13}")
for key in sorted(best):
    b, a = best[key].get("before"), best[key].get("after")
    if not b or not a:
        print(f"{key:70} {'-' if not b else f'{b[0]:.4g}':>12} {'-' if not a else f'{a[0]:.4g}':>12}")
        continue
    print(f"{key:70} {b[0]:>12.4g} {a[0]:>12.4g} {a[0] / b[0]:>12.3f}x  {a[1]}")
PY

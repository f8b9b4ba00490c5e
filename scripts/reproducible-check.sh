#!/usr/bin/env bash
# Builds the library jars (main, sources, javadoc, tests) twice from clean and compares their
# SHA-256: with project.build.outputTimestamp fixed in the parent, every byte must match.
# Prints one row per jar and exits non-zero if any differs or is missing from a build.
#
# Usage: scripts/reproducible-check.sh [extra mvn args]
set -euo pipefail
cd "$(dirname "$0")/.."
modules=(auth-core auth-session auth-token auth-redis auth-account auth-oidc auth-passkey auth-password auth-web auth-servlet auth-micrometer)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

build() {
  local out="$1"
  mvn -B -q -Dstyle.color=never clean package -DskipTests -pl "$(IFS=,; echo "${modules[*]}")" -am "${@:2}"
  : > "$out"
  for m in "${modules[@]}"; do
    for jar in "$m"/target/*.jar; do
      [ -e "$jar" ] || continue
      sha256sum "$jar" >> "$out"
    done
  done
  sort -k2 -o "$out" "$out"
}

echo "reproducible-check: first build"
build "$work/first" "$@"
echo "reproducible-check: second build"
build "$work/second" "$@"

status=0
printf '%-48s %-16s %-16s %s\n' jar "first sha256" "second sha256" result
while read -r jar; do
  a=$(awk -v j="$jar" '$2 == j { print $1 }' "$work/first")
  b=$(awk -v j="$jar" '$2 == j { print $1 }' "$work/second")
  if [ -n "$a" ] && [ "$a" = "$b" ]; then
    result=identical
  else
    result=DIFFERENT
    status=1
  fi
  printf '%-48s %-16s %-16s %s\n' "$jar" "${a:0:16}" "${b:0:16}" "$result"
done < <(cat "$work/first" "$work/second" | awk '{ print $2 }' | sort -u)

count=$(wc -l < "$work/first")
if [ "$count" -eq 0 ]; then
  echo "reproducible-check: FAILED: no jars were built" >&2
  exit 1
fi
if [ "$status" -ne 0 ]; then
  echo "reproducible-check: FAILED: the jars marked DIFFERENT are not reproducible" >&2
  exit 1
fi
echo "reproducible-check: OK: $count jars byte-identical across two clean builds"

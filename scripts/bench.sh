#!/usr/bin/env bash
# Builds and runs the benchmarks of tests/bench; they print figures beside a real peer tool.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ACCORD_BUILD_DIR:-$root/build}"

bash "$root/scripts/build.sh"
bash "$root/scripts/fetch-material.sh"
for bench in "$build"/tests/bench/bench_*; do
  [ -x "$bench" ] || continue
  echo "== $(basename "$bench")"
  "$bench"
  echo
done

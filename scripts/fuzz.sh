#!/usr/bin/env bash
# Builds the fuzz targets of tests/fuzz with clang (libFuzzer, ASan, UBSan) in build-fuzz/ and
# runs each for a fixed time, seeded from tests/fuzz/corpus, tests/fuzz/regressions and the real
# recordings of scripts/fetch-material.sh. A crash is saved under tests/fuzz/regressions/<target>/
# (commit it: the ordinary test build replays it from then on) and makes this script fail.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default $ACCORD_FUZZ_SECONDS, else 20)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ACCORD_FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${1:-${ACCORD_FUZZ_SECONDS:-20}}"
material="${ACCORD_MATERIAL_DIR:-$HOME/.cache/accord/material}"

bash "$root/scripts/install-deps.sh"
if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DACCORD_FUZZ=ON >/dev/null
fi
cmake --build "$build" -j "$(nproc)" >/dev/null

# Real files as seeds: the start of a few recordings of each container the studio reads.
seed_material() {
  local into="$1"
  mkdir -p "$into"
  for file in alsa/Front_Center.wav sonic-pi/loop_amen.flac fillets-cs/airplane/cs/let-v-oko.ogg \
              npm/audio-lena/lena.flac npm/piano-velocity10/audio/C4v10.ogg; do
    [ -f "$material/$file" ] && head -c 65536 "$material/$file" > "$into/$(basename "$file")"
  done
  return 0
}

status=0
for target in "$build"/tests/fuzz/fuzz_*; do
  [ -x "$target" ] || continue
  name="$(basename "$target")"
  corpus="$(mktemp -d)"
  cp -r "$root/tests/fuzz/corpus/$name/." "$corpus/" 2>/dev/null || true
  case "$name" in fuzz_container | fuzz_embedded_manifest) seed_material "$corpus" ;; esac
  crashes="$root/tests/fuzz/regressions/$name"
  mkdir -p "$crashes"
  log="$(mktemp)"
  if "$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 \
      -artifact_prefix="$crashes/" "$corpus" "$crashes" >"$log" 2>&1; then
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)"
    echo "fuzz: $name ran ${runs:-?} inputs in ${seconds} s: no crash"
  else
    status=1
    echo "fuzz: $name FOUND A CRASH (saved in tests/fuzz/regressions/$name/):"
    grep -E 'ERROR|SUMMARY|==[0-9]+==|deadly|Test unit written' "$log" | head -20
  fi
  rm -rf "$corpus" "$log"
done
exit "$status"

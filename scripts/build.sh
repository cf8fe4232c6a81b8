#!/usr/bin/env bash
# Installs what is missing, then configures and builds Accord (Release, with tests) in build/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ACCORD_BUILD_DIR:-$root/build}"

bash "$root/scripts/install-deps.sh"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DACCORD_BUILD_TESTS=ON >/dev/null
fi
cmake --build "$build" -j "$(nproc)"

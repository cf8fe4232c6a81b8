#!/usr/bin/env bash
# Sets up, builds and runs every test suite (CTest, Qt Test, QT_QPA_PLATFORM=offscreen), then the
# fuzz targets for a short fixed time (docs/TESTING.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ACCORD_BUILD_DIR:-$root/build}"

bash "$root/scripts/build.sh"
bash "$root/scripts/fetch-material.sh"
(cd "$build" && ctest --output-on-failure -j 2 "$@")
bash "$root/scripts/fuzz.sh" "${ACCORD_FUZZ_SECONDS:-20}"

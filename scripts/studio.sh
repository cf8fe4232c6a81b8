#!/usr/bin/env bash
# Sets up, builds and starts the Accord studio; with no display, runs the end-to-end demo.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ACCORD_BUILD_DIR:-$root/build}"

bash "$root/scripts/build.sh"
bash "$root/scripts/fetch-material.sh"
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec "$build/app/studio/accord" "$@"
fi
echo "No display found: running the end-to-end demo instead (accord-cli demo)."
exec "$build/app/accord-cli" demo "$@"

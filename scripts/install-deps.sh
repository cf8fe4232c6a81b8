#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build, test and run Accord.
# Idempotent and quiet when everything is already present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config clang-format clang libclang-rt-14-dev
  qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev libgl-dev
  juce-modules-source libfreetype-dev libfontconfig-dev libpng-dev libjpeg-dev
  libx11-dev libxext-dev libxrandr-dev libxinerama-dev libxcursor-dev lv2-dev sordi
  libasound2-dev libjack-jackd2-dev libcurl4-openssl-dev
  libflac-dev libvorbis-dev libogg-dev libmpg123-dev mpg123 libmp3lame-dev
  libtorch-dev libopenblas0-pthread libopenblas-dev
  libsqlite3-dev libpq-dev postgresql nlohmann-json3-dev libsodium-dev nettle-dev libzip-dev libssl-dev unzip zip libxml2-utils
  libaubio-dev libebur128-dev libsoxr-dev libfftw3-dev
  libfluidsynth-dev fluid-soundfont-gm fluidsynth abcmidi aubio-tools
  sox libsox-fmt-all lame libchromaprint-tools xvfb xauth file dpkg-dev fakeroot
  appstream desktop-file-utils librsvg2-bin poppler-utils
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm fetches two recordings (scripts/fetch-material.sh); a Node.js that ships its own npm counts.
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

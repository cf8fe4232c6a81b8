#pragma once

// The proof inside an exported file (docs/C2PA.md), so it travels with the audio: C2PA Content
// Credentials carrying Accord's manifest. Files exported before them carried the manifest alone,
// still read:
// - WAV: a RIFF chunk "acrd" after the data chunk (players skip chunks they do not know);
// - FLAC: an APPLICATION metadata block with application id "acrd" (decoders skip it).
// That chunk holds the manifest as UTF-8 JSON (at most 16 MiB). Byte-level work only: the audio
// data is copied unchanged, in blocks (bounded memory whatever the file's length), so the file's
// PCM hash stays what the manifest says. Only regular files are read (audio/src/source_file.h).

#include "accord/core/c2pa.h"

#include <optional>
#include <string>
#include <vector>

namespace accord::audio {

// Every manifest embedded in `path`, in file order: one for an export, none when there is none
// (also for formats that cannot carry one, such as MP3 or Ogg); more than one only in a file
// edited after export (the first 8 are returned: more than one is already tampering). Bytes after
// a WAV's RIFF end are not read. Throws BadInput naming the file when it cannot be read, its
// container is malformed or a manifest in it is larger than any Accord writes.
std::vector<std::string> readEmbeddedManifests(const std::string& path);

// Writes a C2PA manifest store into the WAV, FLAC or MP3 at `path` (docs/C2PA.md "Hard binding"),
// replacing an earlier one and an `acrd` manifest: in a WAV as its last RIFF chunk, `C2PA`; in a
// FLAC or an MP3 in a GEOB frame of an ID3v2.4 tag before the stream, where the reference
// implementation reads it. The store's size is settled, the SHA-256 of every byte of the final file
// outside the store (in a WAV, its chunk header too) is taken, then the store is built and signed
// over it. Atomic; audio copied in blocks. Throws BadInput naming the file for another container or
// a malformed one.
void embedContentCredentials(const std::string& path, c2pa::StoreBuilder& store);

struct EmbeddedCredentials {
    std::string store;        // the JUMBF manifest store
    c2pa::Exclusion location; // the chunk, its header included: what the hard binding excludes
    Bytes sha256Outside;      // SHA-256 of every other byte of the file
};

// The C2PA store of a WAV (its first `C2PA` chunk) or a FLAC or MP3 (the GEOB frame of its ID3
// tag), with the hash of the file around it; nullopt when there is none. Throws BadInput naming the
// file when it cannot be read or the chunk is larger than any Accord writes.
std::optional<EmbeddedCredentials> readContentCredentials(const std::string& path);

// "<path>.accord.json": the sidecar copy of the manifest written beside every export.
std::string manifestSidecarPath(const std::string& path);

} // namespace accord::audio

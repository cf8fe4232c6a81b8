#pragma once

// The manifest inside an exported file (docs/ARCHITECTURE.md "Export with proof"), so it travels
// with the audio:
// - WAV: a RIFF chunk "acrd" after the data chunk (players skip chunks they do not know);
// - FLAC: an APPLICATION metadata block with application id "acrd" (decoders skip it).
// The chunk holds the manifest as UTF-8 JSON (at most 16 MiB). Byte-level work only: the audio
// data is copied unchanged, in blocks (bounded memory whatever the file's length), so the file's
// PCM hash stays what the manifest says. Only regular files are read (audio/src/source_file.h).

#include <string>
#include <vector>

namespace accord::audio {

// Writes `manifestJson` into `path` (WAV or FLAC, judged by content, not name), replacing a
// manifest embedded earlier (and dropping bytes after a WAV's RIFF end); atomic (temp, fsync,
// rename). Throws BadInput naming the file for
// another format, a malformed container or a manifest too large for a FLAC block (16 MiB).
void embedManifest(const std::string& path, const std::string& manifestJson);

// Every manifest embedded in `path`, in file order: one for an export, none when there is none
// (also for formats that cannot carry one, such as MP3 or Ogg); more than one only in a file
// edited after export (the first 8 are returned: more than one is already tampering). Bytes after
// a WAV's RIFF end are not read. Throws BadInput naming the file when it cannot be read, its
// container is malformed or a manifest in it is larger than any Accord writes.
std::vector<std::string> readEmbeddedManifests(const std::string& path);

// "<path>.accord.json": the sidecar copy of the manifest written beside every export.
std::string manifestSidecarPath(const std::string& path);

} // namespace accord::audio

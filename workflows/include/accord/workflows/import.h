#pragma once

// Bringing a recording in (docs/CONSENT.md "Assets"): every way a file becomes part of the
// studio registers it by content, and generated audio coming back (generated_origin.h) resolves
// to its render instead of becoming somebody's recording.

#include "accord/core/registry.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace accord::workflows {

// A registered recording the identification scan found inside an asset (its scan), with the
// export grants that do not apply to the asset's owner: an export of the asset will ask for
// them (docs/IDENTIFY.md "Imports are scanned").
struct RecordingFoundInside {
    ContainedRecording recording;
    std::vector<MissingGrant> missingForOwner; // only other holders' grants
    // One sentence naming the recording, where it sounds and, when some grant is missing, whom
    // an export will ask.
    std::string describe(const Registry& registry) const;
};

// What `asset`'s scan found, strongest first; empty when nothing was found or it was not scanned.
std::vector<RecordingFoundInside> recordingsFoundInside(const Registry& registry,
                                                        const Asset& asset);

// Scans the audio file at `path`, not yet registered, for registered recordings: the fingerprint
// index is brought up to date with the registry first. Throws BadInput naming an unreadable file
// (or the index); Cancelled when `cancel` is set. `progress` 0..1 as recordings are
// indexed.
AssetScan scanForRecordings(const Registry& registry, const std::string& path,
                            const std::atomic<bool>* cancel = nullptr,
                            const std::function<void(double)>& progress = {});

struct ImportedRecording {
    Asset asset; // registered (or recognised: same content, same asset); empty for a render
    // Generated audio coming back (the same sound as a render, or its watermark): the render it
    // resolves to. The file is then not registered as a recording, so the consent gate keeps
    // following the models and recordings behind it.
    std::optional<Render> render;
    bool alreadyKnown = false;
    std::string file;                     // absolute path
    std::int64_t lengthAtProjectRate = 0; // samples at the project rate
    // Plain-language notes for the user, e.g. that only the first two of 8 channels play.
    std::vector<std::string> notes;
    // Other holders' recordings found inside it whose export grant the owner lacks (the studio
    // flags them, naming the owner); the asset's scan records everything found.
    std::vector<RecordingFoundInside> flagged;
};

// The studio's import (drag-and-drop, Import...): WAV, AIFF, FLAC, Ogg Vorbis or MP3 for a project
// at `projectRate`. Identifies it, scans it for registered recordings, registers it as an asset of
// `owner` (the same content twice is one asset) and warms the media cache with it resampled to
// `projectRate`. A file that is a render's sound or carries the watermark of a known render
// resolves to that render (`render` set, a note says so); one carrying a watermark unknown here is
// registered with origin "generated" and a note. Runs on a worker thread; `progress` 0..1; `cancel`
// aborts with nothing registered (throws Cancelled). Unreadable media: BadInput naming the
// file, nothing registered.
ImportedRecording importRecording(Registry& registry, const std::string& path,
                                  const std::string& owner, int projectRate,
                                  const std::function<void(double)>& progress = {},
                                  const std::atomic<bool>* cancel = nullptr);

// A take recorded in the studio (audio::Engine::stopRecording; docs/CONSENT.md "Recorded takes":
// consent starts at the microphone): registered as a *recorded* asset of `performer`, the holder
// chosen when the track was armed, with importRecording's identity rules (the same content twice
// is one asset; a take that is a render's sound resolves to it; one carrying an unknown watermark
// is registered as generated). Runs on a worker. Throws BadInput for an unknown performer or an
// unreadable take, naming it.
ImportedRecording registerRecordedTake(Registry& registry, const std::string& path,
                                       const std::string& performer, int projectRate,
                                       const std::atomic<bool>* cancel = nullptr);

// `accord-cli asset add`: registers `file` as a recording of `owner` (`origin` recorded or
// imported): audio (scanned for registered recordings, recorded with the asset), or a Standard MIDI
// File (told by content; known by its note list, so a re-saved file is the same asset). Generated
// audio or a variation's MIDI is refused with BadInput saying which render it is.
AddedAsset registerRecording(Registry& registry, const std::string& file, const std::string& owner,
                             AssetOrigin origin, const std::string& isrc);

// What a clip placed from `file` plays, as `accord-cli project add-clip` records it: the
// registered asset, the render it is (generated audio keeps its lineage), or, with `owner`, a
// new asset of that holder (scanned, as `asset add` does).
struct ClipSource {
    std::string asset;  // or empty
    std::string render; // or empty
    std::string note;   // a plain sentence when the file was recognised as generated audio
    std::vector<RecordingFoundInside> flagged; // as ImportedRecording's
};
// Throws BadInput when the file is not registered and no owner is given, when the owner is
// unknown, or when it carries a watermark this registry does not know.
ClipSource resolveClipSource(Registry& registry, const std::string& file,
                             const AudioIdentity& identity,
                             const std::optional<std::string>& owner);

} // namespace accord::workflows

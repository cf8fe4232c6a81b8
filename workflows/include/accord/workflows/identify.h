#pragma once

// Identification (docs/IDENTIFY.md): which registered recordings (assets and renders) sound
// inside a file, found by their fingerprints (accord/dsp/fingerprint.h) in the index beside the
// registry (accord/core/fingerprint_index.h). Reads only: asks no consent, writes no lineage.
// Runs on a worker thread (the studio) or in accord-cli.

#include "accord/core/fingerprint_index.h"
#include "accord/core/registry.h"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace accord::workflows {

// The index beside `registry` (FingerprintIndex::pathBeside), at this fingerprint version.
std::unique_ptr<FingerprintIndex> openFingerprintIndex(const Registry& registry);

// The landmarks of the audio file at `path`, decoded in blocks (bounded memory); `seconds` gets
// its length. Throws BadInput naming the file when it cannot be read as audio.
std::vector<IndexedLandmark> fingerprintFile(const std::string& path, double* seconds = nullptr,
                                             const std::atomic<bool>* cancel = nullptr);

struct IndexUpdate {
    int indexed = 0;                  // recordings fingerprinted now
    double seconds = 0;               // of audio
    std::vector<std::string> skipped; // a sentence each: which recording and why (file gone, not
                                      // audio)
};

// Fingerprints every audio asset and render of the registry the index does not hold yet (the
// catch-up identify runs before each query; the studio calls it on a worker after registering).
// `progress(done, total)` after each recording. When it indexed any, the lookup file is made
// again on the worker if it is now too old (FingerprintIndex::renewLookupFileIfStale).
IndexUpdate updateFingerprintIndex(const Registry& registry, FingerprintIndex& index,
                                   const std::function<void(int, int)>& progress = {},
                                   const std::atomic<bool>* cancel = nullptr);

// The catch-up run as a recording is registered: every workflow that adds an asset or a render
// calls it once the registry holds it, on its own thread (in the studio the import, render and
// export workers), so the next query finds the index ready (docs/IDENTIFY.md "Index").
IndexUpdate indexNewRecordings(const Registry& registry);

// Empties the index and fingerprints every recording again.
IndexUpdate reindexFingerprints(const Registry& registry, FingerprintIndex& index,
                                const std::function<void(int, int)>& progress = {},
                                const std::atomic<bool>* cancel = nullptr);

struct IdentifiedRecording {
    IndexedKind kind = IndexedKind::Asset;
    std::string id;    // the asset's or render's
    std::string owner; // holder id (a render's: the holder of its first recording or model)
    std::string ownerName;
    double fileOffset = 0;       // seconds into the file where the recording starts to sound
    double recordingOffset = 0;  // seconds into the recording at that point
    double seconds = 0;          // how long it sounds in the file
    double speed = 1;            // recording seconds per file second
    double pitchSemitones = 0;   // the file's pitch relative to the recording's
    double confidence = 0;       // 0..1 (docs/IDENTIFY.md "Confidence")
    double recordingSeconds = 0; // the whole recording's length
    // A render found on the ledger: what its studio signed it was made of (docs/LEDGER.md
    // "Renders in the catalogue").
    std::optional<RenderLineage> lineage;
};

// Every indexed recording found in the audio file at `path`, strongest first; `fileSeconds` gets
// the file's length. Throws BadInput naming the file when it cannot be read as audio.
std::vector<IdentifiedRecording>
identifyFile(const Registry& registry, const FingerprintIndex& index, const std::string& path,
             const std::atomic<bool>* cancel = nullptr, double* fileSeconds = nullptr);

} // namespace accord::workflows

#pragma once

// What local identification (identify.cpp) and identification against the ledger's catalogue
// (ledger_catalogue.cpp) share: the file's query landmarks matched window by window, whatever
// holds the fingerprints (docs/IDENTIFY.md "Long files"), by one search or by several at once on
// one decoding of the file (docs/LEDGER.md "Identify on the server").

#include "accord/dsp/fingerprint.h"
#include "accord/workflows/identify.h"

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace accord::workflows {

// One window's query landmarks in, the recordings found in them out.
using WindowMatcher =
    std::function<std::vector<dsp::LandmarkMatch>(const std::vector<dsp::Landmark>&)>;

// One search of a file: how each window is matched, and how the file's matches (merged over the
// windows, strongest first) are reported.
struct WindowSearch {
    WindowMatcher matchWindow;
    std::function<std::vector<IdentifiedRecording>(const std::vector<dsp::LandmarkMatch>&)> report;
};

// Each search's report on the audio file at `path`, the file decoded and fingerprinted once for
// all of them and matched in overlapping windows, the same use of a recording seen in two windows
// merged. Throws BadInput naming the file when it cannot be read as audio.
std::vector<std::vector<IdentifiedRecording>>
searchFileInWindows(const std::string& path, const std::vector<WindowSearch>& searches,
                    const std::atomic<bool>* cancel, double* fileSeconds);

// The second look (docs/IDENTIFY.md "Queries"): the recordings a window's lookups nearly matched
// (`candidates`, every recording's best fit) and did not match (`matches`), strongest first, at
// most a few: each is matched again against all of its own landmarks, which the stop-list's
// dropped hashes (the few a mix keeps, often) do not reach through the lookups.
std::vector<dsp::LandmarkMatch>
nearMatchesToLookAt(const std::vector<dsp::LandmarkMatch>& candidates,
                    const std::vector<dsp::LandmarkMatch>& matches);

// The part of a near match's recording a second look reads, in seconds: the near match's line
// over the query's span, with a margin either side.
struct RecordingPart {
    double start = 0;
    double end = 0;
};
RecordingPart secondLookPart(const std::vector<dsp::Landmark>& query,
                             const dsp::LandmarkMatch& near);

// `query` matched against `own`, the landmarks of recording `recording` on a part of it: its
// match, none when it does not pass a match's thresholds.
std::optional<dsp::LandmarkMatch> matchInOwnLandmarks(const std::vector<dsp::Landmark>& query,
                                                      std::int64_t recording,
                                                      std::vector<IndexedLandmark> own);

// identifyFile's search: the local index, matches named from the registry.
WindowSearch localSearch(const Registry& registry, const FingerprintIndex& index);

// A render whose sound is on file, so it can be fingerprinted: not a MIDI variation (notes, no
// sound), not a live render (the plugin's, never written).
bool hasSound(const Render& render);

// A match as identify reports it; the recording's own fields (kind, id, owner) are the caller's.
IdentifiedRecording identifiedAs(const dsp::LandmarkMatch& match, double recordingSeconds);

} // namespace accord::workflows

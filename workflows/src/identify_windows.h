#pragma once

// What local identification (identify.cpp) and identification against the ledger's catalogue
// (ledger_catalogue.cpp) share: the file's query landmarks matched window by window, whatever
// holds the fingerprints (docs/IDENTIFY.md "Long files").

#include "accord/dsp/fingerprint.h"
#include "accord/workflows/identify.h"

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace accord::workflows {

// One window's query landmarks in, the recordings found in them out.
using WindowMatcher =
    std::function<std::vector<dsp::LandmarkMatch>(const std::vector<dsp::Landmark>&)>;

// The matches in the audio file at `path`, matched in overlapping windows by `matchWindow`, the
// same use of a recording seen in two windows merged, strongest first. Throws BadInput naming the
// file when it cannot be read as audio.
std::vector<dsp::LandmarkMatch> matchFileInWindows(const std::string& path,
                                                   const WindowMatcher& matchWindow,
                                                   const std::atomic<bool>* cancel,
                                                   double* fileSeconds);

// A render whose sound is on file, so it can be fingerprinted: not a MIDI variation (notes, no
// sound), not a live render (the plugin's, never written).
bool hasSound(const Render& render);

// A match as identify reports it; the recording's own fields (kind, id, owner) are the caller's.
IdentifiedRecording identifiedAs(const dsp::LandmarkMatch& match, double recordingSeconds);

} // namespace accord::workflows

#pragma once

// The metronome (docs/ARCHITECTURE.md "Audio engine"): a click on every beat of the project's
// metre, higher on the first beat of a bar, added to the device output after the master meter.
// It is never part of a render or an export, and the meters do not show it. The click sounds
// are synthesised once per project snapshot on the message thread; the audio thread only copies
// them (no allocation, no state: a seek or a loop wrap needs no reset, the click at any frame
// follows from the frame's position alone).

#include "accord/core/project.h"

#include <cstdint>
#include <vector>

namespace accord::audio::detail {

class ClickTrack {
public:
    ClickTrack() = default;
    ClickTrack(const Metre& metre, int sampleRate);

    const Metre& metre() const { return metre_; }
    // Frames in `bars` bars of the metre (a count-in).
    std::int64_t barsFrames(int bars) const;
    // Adds `gain` times the clicks heard over timeline frames [from, from + count) to both sides.
    // `from` may be negative (a count-in counts from its own start at 0).
    void addClicks(std::int64_t from, int count, float gain, float* left,
                   float* right) const noexcept;

private:
    Metre metre_;
    std::vector<float> accent_; // the first beat of a bar
    std::vector<float> beat_;   // every other beat
};

} // namespace accord::audio::detail

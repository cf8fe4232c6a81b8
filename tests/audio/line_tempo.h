#pragma once

// The tempo a line is played at, and how a tempo read from its notes compares with it
// (docs/NOTES.md "Tempo and metre of a transcribed stem"). Shared by bench_transcription and
// bench_style.

#include "accord/core/melody.h"

#include <cmath>

namespace accord::test {

// The tempo at the line's first note: abc2midi's files start at the MIDI default of 120 bpm and
// set the tune's tempo a little later, so the tempo map's first entry is not the tune's.
inline double tempoAtFirstNote(const Melody& melody) {
    double bpm = melody.tempo.front().bpm;
    for (const TempoChange& change : melody.tempo)
        if (change.beat <= melody.notes.front().start)
            bpm = change.bpm;
    return bpm;
}

// A tempo read as `estimate` against the line's `bpm`: 0 within 4%, 1 within 4% of a power-of-two
// multiple (the beat read at another level of the metre), 2 otherwise.
constexpr double kTempoTolerance = 0.04;
inline int tempoClass(double estimate, double bpm) {
    const double octaves = std::log2(estimate / bpm);
    const double offMultiple = std::abs(octaves - std::round(octaves));
    if (std::abs(octaves) <= std::log2(1 + kTempoTolerance))
        return 0;
    return offMultiple <= std::log2(1 + kTempoTolerance) ? 1 : 2;
}

} // namespace accord::test

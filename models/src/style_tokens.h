#pragma once

// The style model's view of a melody (docs/STYLE.md "Tokens"), plain C++. Each note after the
// first is one event: the interval from the previous note (-12..12 semitones, or beyond an
// octave down/up) joined with the inter-onset gap from the previous note's start (14 classes
// from 1/8 to 8 beats). The network reads, for the latest note, its event and three contexts:
// its position in the bar (16ths), its pitch relative to the melody's key (12 degrees x
// major/minor) and its register (3-semitone bands around the melody's median pitch).

#include "accord/core/melody.h"

#include <array>
#include <vector>

namespace accord::models::style {

constexpr int kMaxInterval = 12;
constexpr int kIntervalClasses = 2 * kMaxInterval + 3; // -12..12, and beyond an octave each way
constexpr std::array<double, 14> kGapBeats = {0.125, 1.0 / 6, 0.25, 1.0 / 3, 0.375, 0.5, 2.0 / 3,
                                              0.75,  1,       1.5,  2,       3,     4,   8};
constexpr int kGapClasses = static_cast<int>(kGapBeats.size());
constexpr int kEventClasses = kIntervalClasses * kGapClasses;
constexpr int kStartToken = kEventClasses; // the input before a melody's first note
constexpr int kInputTokens = kEventClasses + 1;
constexpr int kPositions = 48; // 16ths of a bar of up to 12 quarter notes
constexpr int kKeyDegrees = 24;
constexpr int kRegisters = 9;

struct Key {
    int tonic = 0; // pitch class
    bool minor = false;
};
// Krumhansl-Schmuckler: the key whose profile best correlates with the duration-weighted
// pitch-class histogram.
Key estimateKey(const std::vector<Note>& notes);
// The key's scale (natural and harmonic minor for a minor key) as 12 flags.
std::array<bool, 12> scaleOf(const Key& key);

int intervalClass(int semitones);
int intervalOfClass(int intervalClass); // the class's interval (+-13 for beyond an octave)
int gapClass(double beats);             // nearest class in log-time
int eventClass(int intervalClass, int gapClass);

// The network's inputs for one note, and what the melody's context is.
struct NoteContext {
    const Melody* melody = nullptr;
    Key key;
    int medianPitch = 60;
    double barBeats = 4;
};
NoteContext contextOf(const Melody& melody);
struct StepInput {
    int token = kStartToken;
    int position = 0;
    int keyDegree = 0;
    int registerBand = 0;
};
StepInput stepInput(const NoteContext& context, int token, const Note& note);

// Steps of a whole melody: inputs for notes 0..n-2 and, as targets, the events of notes 1..n-1.
struct EncodedMelody {
    std::vector<StepInput> inputs;
    std::vector<int> targets;
};
EncodedMelody encodeMelody(const Melody& melody);

} // namespace accord::models::style

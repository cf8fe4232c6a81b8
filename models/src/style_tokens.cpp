#include "style_tokens.h"

#include <algorithm>
#include <cmath>

namespace accord::models::style {
namespace {

// Krumhansl & Kessler's probe-tone profiles, from C.
constexpr std::array<double, 12> kMajorProfile = {6.35, 2.23, 3.48, 2.33, 4.38, 4.09,
                                                  2.52, 5.19, 2.39, 3.66, 2.29, 2.88};
constexpr std::array<double, 12> kMinorProfile = {6.33, 2.68, 3.52, 5.38, 2.60, 3.53,
                                                  2.54, 4.75, 3.98, 2.69, 3.34, 3.17};

double correlation(const std::array<double, 12>& a, const std::array<double, 12>& b, int shift) {
    double meanA = 0, meanB = 0;
    for (int i = 0; i < 12; ++i) {
        meanA += a[static_cast<size_t>(i)] / 12;
        meanB += b[static_cast<size_t>(i)] / 12;
    }
    double ab = 0, aa = 0, bb = 0;
    for (int i = 0; i < 12; ++i) {
        const double x = a[static_cast<size_t>((i + shift) % 12)] - meanA;
        const double y = b[static_cast<size_t>(i)] - meanB;
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0;
}

int pitchClass(int pitch) {
    return ((pitch % 12) + 12) % 12;
}

} // namespace

Key estimateKey(const std::vector<Note>& notes) {
    std::array<double, 12> histogram{};
    for (const Note& note : notes)
        histogram[static_cast<size_t>(pitchClass(note.pitch))] += note.length;
    Key best;
    double bestScore = -2;
    for (int tonic = 0; tonic < 12; ++tonic)
        for (const bool minor : {false, true}) {
            const double score =
                correlation(histogram, minor ? kMinorProfile : kMajorProfile, tonic);
            if (score > bestScore + 1e-12) {
                bestScore = score;
                best = {tonic, minor};
            }
        }
    return best;
}

std::array<bool, 12> scaleOf(const Key& key) {
    static constexpr std::array<int, 7> kMajor = {0, 2, 4, 5, 7, 9, 11};
    static constexpr std::array<int, 8> kMinor = {0, 2, 3, 5, 7, 8, 10, 11};
    std::array<bool, 12> scale{};
    const auto mark = [&](int degree) {
        scale[static_cast<size_t>(pitchClass(key.tonic + degree))] = true;
    };
    if (key.minor)
        std::for_each(kMinor.begin(), kMinor.end(), mark);
    else
        std::for_each(kMajor.begin(), kMajor.end(), mark);
    return scale;
}

int intervalClass(int semitones) {
    return std::clamp(semitones, -kMaxInterval - 1, kMaxInterval + 1) + kMaxInterval + 1;
}

int intervalOfClass(int intervalClass) {
    return intervalClass - kMaxInterval - 1;
}

int gapClass(double beats) {
    const double logBeats = std::log2(std::max(beats, 1e-6));
    int best = 0;
    for (int c = 1; c < kGapClasses; ++c)
        if (std::abs(std::log2(kGapBeats[static_cast<size_t>(c)]) - logBeats) <
            std::abs(std::log2(kGapBeats[static_cast<size_t>(best)]) - logBeats))
            best = c;
    return best;
}

int eventClass(int intervalClass, int gapClass) {
    return intervalClass * kGapClasses + gapClass;
}

NoteContext contextOf(const Melody& melody) {
    NoteContext context;
    context.melody = &melody;
    context.key = estimateKey(melody.notes);
    std::vector<int> pitches;
    for (const Note& note : melody.notes)
        pitches.push_back(note.pitch);
    if (!pitches.empty()) {
        std::nth_element(pitches.begin(), pitches.begin() + pitches.size() / 2, pitches.end());
        context.medianPitch = pitches[pitches.size() / 2];
    }
    context.barBeats = std::max(0.25, melody.beatsPerBar * 4.0 / std::max(1, melody.beatUnit));
    return context;
}

StepInput stepInput(const NoteContext& context, int token, const Note& note) {
    StepInput input;
    input.token = token;
    const double inBar = std::fmod(std::max(0.0, note.start), context.barBeats);
    input.position = std::clamp(static_cast<int>(std::lround(inBar * 4)), 0, kPositions - 1);
    input.keyDegree = pitchClass(note.pitch - context.key.tonic) + (context.key.minor ? 12 : 0);
    input.registerBand = std::clamp(
        static_cast<int>(std::floor((note.pitch - context.medianPitch) / 3.0)) + kRegisters / 2, 0,
        kRegisters - 1);
    return input;
}

EncodedMelody encodeMelody(const Melody& melody) {
    EncodedMelody encoded;
    const NoteContext context = contextOf(melody);
    const std::vector<Note>& notes = melody.notes;
    int token = kStartToken;
    for (size_t i = 0; i + 1 < notes.size(); ++i) {
        encoded.inputs.push_back(stepInput(context, token, notes[i]));
        token = eventClass(intervalClass(notes[i + 1].pitch - notes[i].pitch),
                           gapClass(notes[i + 1].start - notes[i].start));
        encoded.targets.push_back(token);
    }
    return encoded;
}

} // namespace accord::models::style

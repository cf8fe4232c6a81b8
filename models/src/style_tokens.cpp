#include "style_tokens.h"

#include <algorithm>
#include <cmath>
#include <functional>

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

// Beats: how far a played onset may sit from its place (a third of a sixteenth) and still count
// as on the beat or as a straight offbeat.
constexpr double kOnBeat = 0.08;
constexpr double kLongestSwing = 0.82; // an offbeat past 4:1 is a dotted figure of another kind
constexpr size_t kLeastSwungPairs = 4;

struct BeatPairs {
    size_t straight = 0;
    std::vector<double> swungOffbeats;
    size_t count() const { return straight + swungOffbeats.size(); }
};

BeatPairs beatPairsAt(const std::vector<Note>& notes, double phase) {
    BeatPairs pairs;
    for (size_t i = 0; i + 2 < notes.size(); ++i) {
        const double beat = std::round(notes[i].start - phase);
        if (std::abs(notes[i].start - phase - beat) > kOnBeat ||
            std::abs(notes[i + 2].start - phase - beat - 1) > kOnBeat)
            continue;
        const double offbeat = notes[i + 1].start - phase - beat;
        if (std::abs(offbeat - kStraight) <= kOnBeat)
            ++pairs.straight;
        else if (offbeat > kStraight + kOnBeat && offbeat <= kLongestSwing)
            pairs.swungOffbeats.push_back(offbeat);
    }
    return pairs;
}

// Beats -> beats through the swing, each half of a beat stretched linearly from one offbeat to the
// other.
double warped(double beats, double phase, double fromOffbeat, double toOffbeat) {
    const double x = beats - phase;
    const double beat = std::floor(x);
    const double inBeat = x - beat;
    const double moved = inBeat < fromOffbeat ? inBeat * toOffbeat / fromOffbeat
                                              : toOffbeat + (inBeat - fromOffbeat) *
                                                                (1 - toOffbeat) / (1 - fromOffbeat);
    return phase + beat + moved;
}

Melody warpedMelody(const Melody& melody, const std::function<double(double)>& warp) {
    Melody out = melody;
    for (Note& note : out.notes) {
        const double end = warp(note.start + note.length);
        note.start = warp(note.start);
        note.length = end - note.start;
    }
    return out;
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

bool Swing::swung() const {
    return offbeat != kStraight;
}

Swing swingOf(const std::vector<Note>& notes) {
    // Candidate phases: 0 first (a MIDI file's grid), then each onset's place in its beat.
    std::vector<double> phases = {0};
    for (const Note& note : notes) {
        const double phase = note.start - std::floor(note.start);
        if (std::none_of(phases.begin(), phases.end(),
                         [&](double p) { return std::abs(p - phase) < kOnBeat / 4; }))
            phases.push_back(phase);
    }
    Swing swing;
    BeatPairs best;
    for (const double phase : phases) {
        BeatPairs pairs = beatPairsAt(notes, phase);
        if (pairs.count() > best.count()) {
            best = std::move(pairs);
            swing.phase = phase;
        }
    }
    std::vector<double>& offbeats = best.swungOffbeats;
    if (offbeats.size() < kLeastSwungPairs || offbeats.size() <= best.straight)
        return {};
    std::nth_element(offbeats.begin(), offbeats.begin() + offbeats.size() / 2, offbeats.end());
    swing.offbeat = offbeats[offbeats.size() / 2];
    return swing;
}

double straightBeats(double beats, const Swing& swing) {
    return swing.swung() ? warped(beats, swing.phase, swing.offbeat, kStraight) : beats;
}

double swungBeats(double beats, const Swing& swing) {
    return swing.swung() ? warped(beats, swing.phase, kStraight, swing.offbeat) : beats;
}

Melody straightened(const Melody& melody, const Swing& swing) {
    if (!swing.swung())
        return melody;
    return warpedMelody(melody, [&](double beats) { return straightBeats(beats, swing); });
}

Melody swung(const Melody& melody, const Swing& swing) {
    if (!swing.swung())
        return melody;
    return warpedMelody(melody, [&](double beats) { return swungBeats(beats, swing); });
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

EncodedMelody encodeMelody(const Melody& played) {
    EncodedMelody encoded;
    const Melody melody = straightened(played, swingOf(played.notes));
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

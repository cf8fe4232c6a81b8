#include "accord/audio/transcription.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace accord::audio {
namespace {

constexpr double kGridPerBeat = 960; // writeMidiFile's resolution

// Gaps between consecutive onsets the tempo is read from (docs/NOTES.md "Tempo of a transcribed
// stem"): shorter ones are ornaments or split notes, longer ones rests and held notes.
constexpr double kShortestTempoGapSeconds = 0.06;
constexpr double kLongestTempoGapSeconds = 2;
// Each gap spreads over this much of an octave in the histogram: a transcribed onset moves by a
// frame or two (8-16 ms), 2-4% of a 0.3 s gap.
constexpr double kGapSpreadOctaves = 0.04;
constexpr double kHistogramStepOctaves = 0.005;
// A gap longer than this many of the most common gap, or farther than kMultipleTolerance from a
// whole number of it (a dotted note, a triplet), ends a stretch of the refining line: its count
// of units is unsure.
constexpr double kLongestMultiple = 4;
constexpr double kMultipleTolerance = 0.25;
// The beat is the unit times the power of two nearest this tempo in log-time: preferred tempi
// of listeners and notated music centre near 120 bpm, and a melody alone does not say which
// level of its metre is the beat.
constexpr double kCentralBpm = 120;
// A compound metre's dotted-quarter beat lies nearest this: jigs and slides are felt at a dotted
// quarter of 80-140 (docs/NOTES.md "Tempo of a transcribed stem": 120 read a 6/8 tune at a dotted
// quarter of 80 as 160).
constexpr double kCentralCompoundBpm = 100;
// The grid: the unit divided by 1-4, the coarsest whose fit (share of gaps within this many grid
// steps of a whole number of them, up to kLongestGridGap) beats every coarser one's by kBetterFit.
constexpr double kGridTolerance = 0.15;
constexpr double kLongestGridGap = 16;
constexpr double kBetterFit = 0.1;
constexpr int kFinestGridDivision = 4;
// An onset weighs its gap to the next in grid steps, up to this: long notes mark the beat.
constexpr double kHeaviestOnset = 8;
// Grouping by three wins when its beat's share of the weight, above chance, beats grouping by
// two's by this.
constexpr double kTripleMargin = 0.1;
// A swung beat: its middle step holds fewer onsets than this share of the fewer of the other two.
constexpr double kSwingMiddleShare = 0.25;

double onGrid(double beats) {
    return std::round(beats * kGridPerBeat) / kGridPerBeat;
}

// The most common gap between onsets, refined by a least-squares line through the onsets
// against their count of units (each gap rounded to a whole number of the most common one): the
// onsets' jitter then averages out over the whole take instead of biasing the gaps near the most
// common one. A gap of an unsure count of units starts a new stretch with its own line; an onset
// too soon after the last one (an ornament, a split note) is passed over. 0 when too few gaps.
double unitGapSeconds(const std::vector<dsp::TranscribedNote>& notes) {
    std::vector<double> gapOctaves;
    for (std::size_t i = 1; i < notes.size(); ++i) {
        const double gap = notes[i].onset - notes[i - 1].onset;
        if (gap >= kShortestTempoGapSeconds && gap <= kLongestTempoGapSeconds)
            gapOctaves.push_back(std::log2(gap));
    }
    if (gapOctaves.size() < kFewestTempoGaps)
        return 0;
    // The most common gap: the peak of the gaps' histogram, each gap a Gaussian in log-time.
    double mostCommon = 0, highest = -1;
    for (double octave = std::log2(kShortestTempoGapSeconds);
         octave <= std::log2(kLongestTempoGapSeconds); octave += kHistogramStepOctaves) {
        double density = 0;
        for (double gap : gapOctaves) {
            const double distance = (gap - octave) / kGapSpreadOctaves;
            density += std::exp(-0.5 * distance * distance);
        }
        if (density > highest) {
            highest = density;
            mostCommon = std::exp2(octave);
        }
    }
    double covariance = 0, spread = 0;
    std::vector<std::pair<double, double>> stretch; // (units, seconds) from its first onset
    const auto closeStretch = [&] {
        if (stretch.size() >= 2) {
            double meanUnits = 0, meanSeconds = 0;
            for (const auto& [units, seconds] : stretch) {
                meanUnits += units;
                meanSeconds += seconds;
            }
            meanUnits /= double(stretch.size());
            meanSeconds /= double(stretch.size());
            for (const auto& [units, seconds] : stretch) {
                covariance += (units - meanUnits) * (seconds - meanSeconds);
                spread += (units - meanUnits) * (units - meanUnits);
            }
        }
        stretch.clear();
    };
    double lastOnset = notes.front().onset;
    stretch.emplace_back(0, 0);
    for (std::size_t i = 1; i < notes.size(); ++i) {
        const double gap = notes[i].onset - lastOnset;
        if (gap < kShortestTempoGapSeconds)
            continue;
        const double units = std::round(gap / mostCommon);
        if (units < 1 || units > kLongestMultiple ||
            std::abs(gap / mostCommon - units) > kMultipleTolerance) {
            closeStretch();
            stretch.emplace_back(0, 0);
        } else {
            stretch.emplace_back(stretch.back().first + units, stretch.back().second + gap);
        }
        lastOnset = notes[i].onset;
    }
    closeStretch();
    return spread > 0 ? covariance / spread : mostCommon;
}

// The gaps between onsets at least kShortestTempoGapSeconds apart (shorter ones are passed over).
std::vector<double> onsetGaps(const std::vector<dsp::TranscribedNote>& notes) {
    std::vector<double> gaps;
    double lastOnset = notes.front().onset;
    for (const dsp::TranscribedNote& note : notes)
        if (note.onset - lastOnset >= kShortestTempoGapSeconds) {
            gaps.push_back(note.onset - lastOnset);
            lastOnset = note.onset;
        }
    return gaps;
}

// How many times finer than the unit the grid is: the coarsest division whose share of gaps on
// the grid beats every coarser one's by kBetterFit (a swung tune's most common gap may be the
// long two thirds of its beat; a triplet line's, the whole beat).
int gridDivision(const std::vector<double>& gaps, double unitSeconds) {
    int division = 1;
    double bestFit = -1;
    for (int candidate = 1; candidate <= kFinestGridDivision; ++candidate) {
        const double step = unitSeconds / candidate;
        const double onGridShare =
            double(std::count_if(gaps.begin(), gaps.end(),
                                 [&](double gap) {
                                     const double steps = gap / step;
                                     return steps <= kLongestGridGap &&
                                            std::abs(steps - std::round(steps)) <= kGridTolerance;
                                 })) /
            double(gaps.size());
        if (onGridShare > bestFit + kBetterFit) {
            bestFit = onGridShare;
            division = candidate;
        }
    }
    return division;
}

struct Grouping {
    double excess = 0; // the beat's share of the onsets' weight above chance, 0..1
    int phase = 0;     // grid steps from the first onset to the first beat
};

// The beat of `size` grid steps whose onsets carry the most weight (each onset its gap to the
// next, long notes fall on beats), measured as excess over chance (1 / size).
Grouping bestGrouping(const std::vector<long>& steps, const std::vector<double>& weights,
                      int size) {
    double total = 0;
    for (double weight : weights)
        total += weight;
    Grouping best{-1, 0};
    for (int phase = 0; phase < size; ++phase) {
        double onBeat = 0;
        for (std::size_t i = 0; i < steps.size(); ++i)
            if ((steps[i] - phase) % size == 0)
                onBeat += weights[i];
        const double chance = 1.0 / size;
        const double excess = (onBeat / total - chance) / (1 - chance);
        if (excess > best.excess)
            best = {excess, phase};
    }
    return best;
}

double octaveNearest(double bpm, double centre) {
    return bpm * std::exp2(std::round(std::log2(centre / bpm)));
}

} // namespace

TranscriptionTiming transcriptionTiming(const std::vector<dsp::TranscribedNote>& notes) {
    const double unitSeconds = unitGapSeconds(notes);
    if (unitSeconds <= 0)
        return {};
    const std::vector<double> gaps = onsetGaps(notes);
    const int division = gridDivision(gaps, unitSeconds);
    const double stepSeconds = unitSeconds / division;
    // Each onset's place on the grid, counted from the first, and its weight.
    std::vector<long> steps = {0};
    std::vector<double> weights;
    for (double gap : gaps) {
        const long stepsOfGap = std::max(1L, std::lround(gap / stepSeconds));
        weights.push_back(std::min(kHeaviestOnset, double(stepsOfGap)));
        steps.push_back(steps.back() + stepsOfGap);
    }
    weights.push_back(1);
    const Grouping byTwo = bestGrouping(steps, weights, 2),
                   byThree = bestGrouping(steps, weights, 3);
    // A unit of three grid steps is a beat with triplets in it, not a compound metre: the line
    // moves mostly in whole beats.
    if (byThree.excess > byTwo.excess + kTripleMargin && division != 3) {
        int atStep[3] = {0, 0, 0};
        for (long step : steps)
            ++atStep[((step - byThree.phase) % 3 + 3) % 3];
        const double beatBpm = 60 / (3 * stepSeconds);
        if (atStep[1] < kSwingMiddleShare * std::min(atStep[0], atStep[2]))
            return {octaveNearest(beatBpm, kCentralBpm), 4, 4};
        return {1.5 * octaveNearest(beatBpm, kCentralCompoundBpm), 6, 8};
    }
    return {octaveNearest(60 / unitSeconds, kCentralBpm), 4, 4};
}

Melody melodyFromTranscription(const std::vector<dsp::TranscribedNote>& notes,
                               const TranscriptionTiming& timing) {
    const double bpm = timing.bpm;
    Melody melody;
    melody.tempo = {{0, bpm}};
    melody.beatsPerBar = timing.beatsPerBar;
    melody.beatUnit = timing.beatUnit;
    checkMelody(melody, "the transcription's tempo");
    for (const dsp::TranscribedNote& transcribed : notes) {
        const double start = onGrid(transcribed.onset * bpm / 60);
        const double end = onGrid(transcribed.offset * bpm / 60);
        if (!melody.notes.empty()) {
            Note& previous = melody.notes.back();
            if (start < previous.start + previous.length)
                previous.length = start - previous.start;
            if (previous.length <= 0)
                melody.notes.pop_back();
        }
        if (end > start)
            melody.notes.push_back({start, end - start, transcribed.pitch, transcribed.velocity});
    }
    return melody;
}

} // namespace accord::audio

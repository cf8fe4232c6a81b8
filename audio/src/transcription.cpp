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

double onGrid(double beats) {
    return std::round(beats * kGridPerBeat) / kGridPerBeat;
}

} // namespace

double transcriptionTempo(const std::vector<dsp::TranscribedNote>& notes) {
    std::vector<double> gapOctaves;
    for (std::size_t i = 1; i < notes.size(); ++i) {
        const double gap = notes[i].onset - notes[i - 1].onset;
        if (gap >= kShortestTempoGapSeconds && gap <= kLongestTempoGapSeconds)
            gapOctaves.push_back(std::log2(gap));
    }
    if (gapOctaves.size() < kFewestTempoGaps)
        return kUnknownTranscriptionBpm;
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
    // Refined by a least-squares line through the onsets against their count of units (each gap
    // rounded to a whole number of the most common one): the onsets' jitter then averages out over
    // the whole take instead of biasing the gaps near the most common one. A gap of an unsure
    // count of units starts a new stretch with its own line; an onset too soon after the last
    // one (an ornament, a split note) is passed over.
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
    const double unitSeconds = spread > 0 ? covariance / spread : mostCommon;
    const double unitBpm = 60 / unitSeconds;
    return unitBpm * std::exp2(std::round(std::log2(kCentralBpm / unitBpm)));
}

Melody melodyFromTranscription(const std::vector<dsp::TranscribedNote>& notes, double bpm) {
    Melody melody;
    melody.tempo = {{0, bpm}};
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

#include "accord/dsp/transcription.h"

#include "accord/dsp/analysis_constants.h"
#include "accord/dsp/resample.h"
#include "accord/dsp/voice_features.h"

#include "fftw_planner.h"

#include <aubio/aubio.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace accord::dsp {

using namespace analysis;

namespace {

constexpr double kFrameSeconds = static_cast<double>(kHop) / kSampleRate;
const std::int64_t kShortestNoteFrames =
    static_cast<std::int64_t>(std::ceil(kShortestTranscribedNoteSeconds / kFrameSeconds));
// Instruments reach higher than voices: the top of a flute or violin part (C7).
constexpr double kHighestF0 = 2100;
// A frame belongs to a note only within this many dB of the loudest frame, and above the floor:
// the release tail and the room fade below both.
constexpr float kNoteRangeDb = 40;
constexpr float kNoteFloorDb = -70;
// A pitch move of more than kPitchStepSemitones held for kPitchStepFrames starts a new note;
// shorter excursions are vibrato, scoops or a noisy attack.
constexpr double kPitchStepSemitones = 0.5;
constexpr int kPitchStepFrames = 3;
// A note's attack lies before its first voiced frame (yin needs most of its 64 ms window on the
// note): the onset is taken back over the rising level, at most kOnsetLeadFrames.
constexpr int kOnsetLeadFrames = 12;
// An aubio onset inside a voiced run starts a new note only with a re-attack: the level rises by
// kReattackDb from its lowest over the frames before to its highest over the frames after.
constexpr float kReattackDb = 4;
constexpr int kReattackFrames = 4;
// Velocity from the note's peak A-weighted level: -60 dB is 1, 0 dB (a full-scale tone) 127.
constexpr double kQuietestDb = -60;

struct AubioDeleter {
    void operator()(aubio_onset_t* onset) const {
        const std::lock_guard<std::mutex> guard(detail::fftwPlannerLock());
        del_aubio_onset(onset);
    }
    void operator()(fvec_t* vector) const { del_fvec(vector); }
};
template <typename T> using AubioPtr = std::unique_ptr<T, AubioDeleter>;

// aubio's onsets (spectral flux, 512-sample window every kHop), as analysis frame indices.
std::vector<std::int64_t> onsetFrames(const std::vector<float>& samples) {
    AubioPtr<aubio_onset_t> onset;
    {
        const std::lock_guard<std::mutex> guard(detail::fftwPlannerLock());
        onset.reset(new_aubio_onset("specflux", kSpectrumSize, kHop, kSampleRate));
    }
    if (!onset)
        throw std::runtime_error("aubio: cannot create an onset detector");
    aubio_onset_set_minioi_s(onset.get(), static_cast<smpl_t>(kShortestTranscribedNoteSeconds));
    const AubioPtr<fvec_t> block(new_fvec(kHop)), out(new_fvec(1));
    std::vector<std::int64_t> frames;
    for (std::size_t at = 0; at < samples.size(); at += kHop) {
        const std::size_t count = std::min<std::size_t>(kHop, samples.size() - at);
        std::fill(block->data, block->data + kHop, 0.0f);
        std::copy_n(samples.data() + at, count, block->data);
        aubio_onset_do(onset.get(), block.get(), out.get());
        if (out->data[0] != 0)
            frames.push_back(
                std::llround(static_cast<double>(aubio_onset_get_last(onset.get())) / kHop));
    }
    return frames;
}

double midiOf(double hz) {
    return 69 + 12 * std::log2(hz / 440.0);
}

double median(std::vector<double> values) {
    const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
    std::nth_element(values.begin(), middle, values.end());
    return *middle;
}

} // namespace

std::vector<TranscribedNote> transcribeMonophonic(const float* mono, std::size_t frames,
                                                  int sampleRate) {
    const std::vector<float> samples =
        resample(std::vector<float>(mono, mono + frames), sampleRate, kSampleRate);
    AnalysisOptions options;
    options.pitch.maxF0 = kHighestF0;
    const VoiceFeatures features = analyseVoice(samples, options);
    const std::vector<std::int64_t> onsets = onsetFrames(samples);
    const auto count = static_cast<std::int64_t>(features.frames);

    const float loudest =
        features.loudnessDb.empty()
            ? kNoteFloorDb
            : *std::max_element(features.loudnessDb.begin(), features.loudnessDb.end());
    const float floorDb = std::max(kNoteFloorDb, loudest - kNoteRangeDb);
    const auto active = [&](std::int64_t t) {
        return t < count && features.voiced[t] && features.loudnessDb[t] >= floorDb;
    };
    const auto pitchAt = [&](std::int64_t t) { return midiOf(features.f0Hz[t]); };
    const auto onsetWithin = [&](std::int64_t from, std::int64_t to) { // (from, to]
        const auto it = std::upper_bound(onsets.begin(), onsets.end(), from);
        return it != onsets.end() && *it <= to;
    };

    const auto reattack = [&](std::int64_t t) {
        float before = features.loudnessDb[t], after = features.loudnessDb[t];
        for (std::int64_t k = std::max<std::int64_t>(0, t - kReattackFrames); k < t; ++k)
            before = std::min(before, features.loudnessDb[k]);
        for (std::int64_t k = t; k < std::min(count, t + kReattackFrames); ++k)
            after = std::max(after, features.loudnessDb[k]);
        return after - before >= kReattackDb;
    };

    std::vector<TranscribedNote> notes;
    const auto close = [&](std::int64_t first, std::int64_t end, bool startsAtOnset) {
        if (end - first < kShortestNoteFrames)
            return;
        std::vector<double> pitches;
        float peakDb = kNoteFloorDb;
        for (std::int64_t t = first; t < end; ++t) {
            pitches.push_back(pitchAt(t));
            peakDb = std::max(peakDb, features.loudnessDb[t]);
        }
        std::int64_t start = first;
        if (!startsAtOnset) {
            // Back over the rising level, even into the previous note's last frames: yin holds
            // the old pitch until its window is mostly on the new note. That note is then cut.
            const std::int64_t previousStart =
                notes.empty() ? 0 : std::llround(notes.back().onset / kFrameSeconds);
            const std::int64_t earliest = std::max<std::int64_t>(
                first - kOnsetLeadFrames, previousStart + kShortestNoteFrames);
            while (start > earliest && features.loudnessDb[start - 1] < features.loudnessDb[start])
                --start;
        }
        if (!notes.empty())
            notes.back().offset = std::min(notes.back().offset, start * kFrameSeconds);
        TranscribedNote note;
        note.onset = start * kFrameSeconds;
        note.offset = end * kFrameSeconds;
        note.pitch = std::clamp(static_cast<int>(std::lround(median(std::move(pitches)))), 0, 127);
        note.velocity = static_cast<int>(
            std::clamp(std::lround(1 + 126 * (peakDb - kQuietestDb) / -kQuietestDb), 1L, 127L));
        notes.push_back(note);
    };

    std::int64_t t = 0;
    while (t < count) {
        if (!active(t)) {
            ++t;
            continue;
        }
        std::int64_t first = t;
        bool startsAtOnset = false;
        std::vector<double> recent{pitchAt(t)}; // the current note's pitch, its last frames
        ++t;
        while (active(t)) {
            // A new note: an onset here (a repeated or re-attacked note) ...
            const bool split =
                t - first >= kPitchStepFrames && onsetWithin(t - 1, t) && reattack(t);
            // ... or a pitch step held for kPitchStepFrames.
            const double reference = median(recent);
            bool stepped = true;
            for (std::int64_t k = t; k < t + kPitchStepFrames && stepped; ++k)
                stepped = active(k) && std::abs(pitchAt(k) - reference) > kPitchStepSemitones;
            if (split || stepped) {
                close(first, t, startsAtOnset);
                first = t;
                startsAtOnset = split;
                recent.clear();
            }
            recent.push_back(pitchAt(t));
            if (recent.size() > 8)
                recent.erase(recent.begin());
            ++t;
        }
        close(first, t, startsAtOnset);
    }
    return notes;
}

} // namespace accord::dsp

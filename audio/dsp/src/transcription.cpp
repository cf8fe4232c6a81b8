#include "accord/dsp/transcription.h"

#include "accord/dsp/analysis_constants.h"
#include "accord/dsp/fft.h"
#include "accord/dsp/pitch.h"
#include "accord/dsp/resample.h"
#include "accord/dsp/voice_features.h"

#include "fftw_planner.h"

#include <aubio/aubio.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <optional>
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
// The pitch track is median-filtered over this many frames before the note states are decoded.
constexpr int kPitchMedianFrames = 5;
// Note states (docs/NOTES.md "Transcription"): a frame's cost in a semitone state grows with the
// squared distance of its pitch, capped (a scoop or a yin error costs no more than a wrong
// state), an inactive frame costs kInactiveCost in any note state and an active one
// kSilenceCost in the silent state; every change of state costs kChangeCost. A change must
// therefore be held for several frames: vibrato, scoops and wavering pitch stay in one note.
constexpr double kDistanceCapSemitones = 1.5;
constexpr double kInactiveCost = 3;
constexpr double kSilenceCost = 3;
constexpr double kChangeCost = 5;
// A note state also costs how weak its semitone's harmonics are (docs/NOTES.md "Transcription"):
// a state within kSalienceNearSemitones of the pitch track adds kSalienceWeight times how far,
// in dB up to kSalienceRangeDb, its harmonic salience lies under the most salient semitone that
// near; a state farther away adds the whole kSalienceWeight. Where an old note's release and a
// new note's attack overlap, yin stays on the old note or reads a pitch between the two; the
// semitones' own harmonics tell them apart. Only near states are compared: a note's sub-octave
// has all its harmonics too, and the pitch track already knows the octave.
constexpr double kSalienceWeight = 2;
constexpr double kSalienceRangeDb = 12;
constexpr double kSalienceNearSemitones = 2;
// A harmonic's amplitude in the salience: the strongest bin within this share of its frequency
// (at least half a bin either side), so vibrato stays inside.
constexpr double kSalienceHarmonicWidth = 0.025;
// A repeated note inside a run of one state: the level (averaged over kLevelMeanFrames around
// each frame: choir and bowed levels flutter) dips by kDipDb below its highest over the
// kDipFrames before and rises again by kDipDb over the kDipRiseFrames after, to no more than
// kDipSwellDb over its highest before. The old note is cut at once, but a bow or breath swells the
// new one back over up to 200 ms (docs/NOTES.md). A level that rises well past where it was is a
// note still swelling into its sustain (a horn's attack peaks, falls ~5 dB 150 ms in and rises
// 5-7 dB over its first peak), not a repeat; a much louder repeat is left to its restarted
// partials (kRestartIncoherenceFactor).
constexpr int kLevelMeanFrames = 5;
constexpr float kDipDb = 4;
// No dip is a repeat within kDipAfterStartFrames of the start of its run or of the split before:
// a blown or sung attack swells in steps (a horn's level peaks and falls ~5 dB 100-200 ms in, a
// choir's the same), and a dip that early is the note's own attack (docs/NOTES.md "A dip inside
// the attack is no repeat").
constexpr int kDipAfterStartFrames = 25;
constexpr double kDipSwellDb = 2;
constexpr int kDipFrames = 8;
constexpr int kDipRiseFrames = 24;
// A level that wobbles (a choir's voices beating) dips by several dB at every frame of a held
// note: in a run whose typical depth under the level's highest over the kDipFrames before is D,
// a dip must reach kDipFlutterFactor x D too (docs/NOTES.md "Transcription"). A steady tone's
// typical depth is a fraction of a dB, so its dips keep kDipDb.
constexpr double kDipFlutterFactor = 9;
// A repeated note inside a run of one state: a peak of the log spectral flux (the mean rise, in
// dB, of the bins up to kFluxTopHz over two frames, each bin floored kFluxFloorDb below the
// frame's power) of at least kReattackFluxDb. A re-attack (a new bow stroke, breath, hammer or
// tongue) brings noise and a new start of every partial even where the level does not dip; a
// note's own vibrato and tremolo stay under it. A second split in one run comes at least
// kRepeatSpacingFrames after the first (a release click and the dip after it are one re-attack).
constexpr double kFluxTopHz = 5000;
constexpr double kFluxFloorDb = 60;
constexpr double kReattackFluxDb = 7;
constexpr int kRepeatSpacingFrames = 10;
// A run split at a re-attack whose state changes within kAttackBeforeChangeFrames of the split is
// the attack of the note that follows, not a repeat: yin needs its window (plus the median
// filter's half) on the new note before the state changes, and a bow stroke's flux peaks at the
// note-on, while the old pitch still fills the window (docs/NOTES.md "An attack before the
// change").
constexpr int kAttackBeforeChangeFrames = kPitchWindow / kHop + kPitchMedianFrames / 2;
// A repeated note inside a run of one state: a peak of the harmonics' disagreement about the
// pitch (HarmonicIncoherence) of at least kRestartIncoherenceFactor times its median over the run
// and kRestartIncoherenceCents. A new note of the same pitch restarts every partial at a phase of
// its own while the old note's partials fade, so for a few frames each harmonic's instantaneous
// frequency moves its own way; vibrato moves them all alike and cancels, and the run's median is
// the note's own share of disagreement (docs/NOTES.md "Repeated notes: the harmonics'
// disagreement"). The peak lies about kRestartPeakLagFrames after the note-on (the window is
// centred on its frame): the new note starts there.
constexpr double kRestartIncoherenceFactor = 8;
constexpr double kRestartIncoherenceCents = 5;
constexpr int kRestartPeakLagFrames = 3;
// Harmonics shared with the previous note (kSharedHarmonicBins) take no part after a change of
// pitch, and no restart is looked for in the first kRestartAfterChangeFrames of the new note: a
// slow attack (the voice oohs') overlaps the old note's fading partials that long.
constexpr int kRestartAfterChangeFrames = 16;
// After a repeat's split, the next restart in the run is looked for kRestartAfterSplitFrames later:
// as a sung repeat swells under the old note's fading partials, its harmonics part ways again
// 56-96 ms after their first peak (the voice oohs' tremolo), a second peak of the same attack.
constexpr int kRestartAfterSplitFrames = 13;
// The harmonics whose amplitude lies within kIncoherenceRangeDb of the strongest take part; the
// instantaneous frequency is the phase advance of each one's strongest bin over kPhaseLagSamples.
constexpr double kIncoherenceRangeDb = 30;
constexpr int kPhaseLagSamples = 16;
// A note shorter than kOctaveSlipFrames, next to a note a whole-number ratio of frequency (an
// octave, a twelfth...) away without silence between, is yin slipping to a sub- or overtone
// at an attack or a release (piano hammers, choir transitions): it joins that note.
constexpr int kOctaveSlipFrames = 16;
// ...unless the note after it starts with an attack of its own: a flux peak of at least
// kSlipAttackFluxDb within a frame before or two after their boundary. A grace note an octave
// above the next note is followed by that note's bow stroke or tongue; yin's slip at a hammer
// or a transition is followed by nothing new (docs/NOTES.md "Transcription").
constexpr double kSlipAttackFluxDb = 6;
// Where an old note's release overlaps a new note's slow attack (a choir), yin reads the common
// period of the two, a sub-harmonic of the new note, for up to 300 ms: a note below the next by a
// whole-number ratio joins it, under the same attack rule, while shorter than
// kSubharmonicSlipFrames (docs/NOTES.md "Transcription").
constexpr int kSubharmonicSlipFrames = 40;
// A slip joins the next note also across unvoiced frames and runs too short to keep, up to
// kSlipGapFrames in all: a bowed attack's first frames (the viola's) read a twelfth or a
// nineteenth low, then a few frames fail the voicing or read between, before the pitch settles
// (docs/NOTES.md "A slip across a gap").
const std::int64_t kSlipGapFrames = kShortestNoteFrames;
// A note's attack lies before its pitch settles (yin needs most of its 64 ms window on the
// note; bowed, blown and sung attacks scoop or swell, a choir's pitch arrives 150-250 ms late):
// the onset is looked for up to kOnsetLeadFrames before. In a legato change the new note's
// harmonics rise at its onset while the old note still dominates yin: the onset is where the
// energy in the new note's harmonics (kHarmonicFftSize STFT bins within kHarmonicHalfWidthBins of
// each harmonic below kHighestHarmonicHz, less those within kSharedHarmonicBins of the previous
// note's harmonics), walked back from the settle, last lies under halfway, in dB, between its
// lowest in the look-back and its highest over the kOnsetSettleFrames after the settle: the rise
// that leads into the settled note, not an earlier bump inside the long look-back. A repeated
// note split at a flux peak starts at the split, one split at a dip where the fall into the dip
// crosses halfway; a note without enough such bins at the last aubio onset before the pitch
// settled, else where the level starts rising or is lowest.
constexpr int kOnsetLeadFrames = 40;
constexpr int kOnsetSettleFrames = 5;
constexpr int kHarmonicFftSize = 1024; // 64 ms: 15.6 Hz bins, harmonics a semitone apart resolve
constexpr double kHarmonicHalfWidthBins = 1;
constexpr double kSharedHarmonicBins = 2;
constexpr double kHighestHarmonicHz = 5000;
constexpr std::size_t kFewestHarmonicBins = 2;
// In a legato change the new note's energy is also taken against the old note's (harmonicOnset),
// the old note's floored kLegatoFloorDb under the new note's highest: where the old note has
// fallen silent, the new note's own rise decides. That onset counts only while the old note still
// sounds, within kLegatoHeldDb of its highest over the kDipFrames before: a note released before
// the next note-on (detached playing) makes the share rise early, at the release.
constexpr double kLegatoFloorDb = 30;
constexpr double kLegatoHeldDb = 9;
// aubio's onset may come up to this many frames after the pitch settled (its 32 ms window).
constexpr int kOnsetLagFrames = 2;
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

// Power spectra of single frames, each window centred on its frame, computed on demand.
class FrameSpectra {
public:
    FrameSpectra(const std::vector<float>& samples, int size)
        : samples_(samples), fft_(size), window_(periodicHannWindow(size)),
          power_(static_cast<std::size_t>(fft_.bins())) {}
    int size() const { return fft_.size(); }
    int bins() const { return fft_.bins(); }
    const std::vector<float>& at(std::int64_t frame) {
        fft_.loadWindowed(samples_.data(), static_cast<std::int64_t>(samples_.size()),
                          frame * kHop - fft_.size() / 2, window_.data());
        fft_.forward();
        powerSpectrum(fft_.spectrum(), fft_.bins(), power_.data());
        return power_;
    }

private:
    const std::vector<float>& samples_;
    RealFft fft_;
    std::vector<float> window_;
    std::vector<float> power_;
};

// Whether a harmonic at `hz` lies within kSharedHarmonicBins of one of `previousPitch`'s
// harmonics (none: -1), in bins of `binHz`.
bool sharedWithPrevious(double hz, int previousPitch, double binHz) {
    if (previousPitch < 0)
        return false;
    const double previous = hzOf(previousPitch);
    const double nearestPrevious = std::max(1.0, std::round(hz / previous)) * previous;
    return std::abs(nearestPrevious - hz) / binHz < kSharedHarmonicBins;
}

// The bins of `pitch`'s harmonics, less those near `previousPitch`'s harmonics (none: -1).
std::vector<int> harmonicBins(int pitch, int previousPitch, int fftSize) {
    const double binHz = static_cast<double>(kSampleRate) / fftSize;
    const double f0 = hzOf(pitch);
    std::vector<int> bins;
    for (int harmonic = 1; harmonic * f0 < kHighestHarmonicHz; ++harmonic) {
        const double centre = harmonic * f0 / binHz;
        if (sharedWithPrevious(harmonic * f0, previousPitch, binHz))
            continue;
        for (auto k = static_cast<int>(std::ceil(centre - kHarmonicHalfWidthBins));
             k <= static_cast<int>(std::floor(centre + kHarmonicHalfWidthBins)); ++k)
            if (k > 0 && k < fftSize / 2 && (bins.empty() || bins.back() < k))
                bins.push_back(k);
    }
    return bins;
}

// The harmonic salience, in dB, of each semitone lowest..highest in one frame (kSalienceWeight
// above): the summed amplitude of the strongest bin near each of the semitone's harmonics below
// kHighestHarmonicHz. Computed frame by frame: a long take needs no table of them.
class HarmonicSalience {
public:
    HarmonicSalience(FrameSpectra& spectra, int lowest, int highest)
        : spectra_(spectra), harmonicRanges_(static_cast<std::size_t>(highest - lowest + 1)),
          salienceDb_(harmonicRanges_.size()) {
        const double binHz = static_cast<double>(kSampleRate) / spectra.size();
        for (std::size_t s = 0; s < harmonicRanges_.size(); ++s) {
            const double f0 = hzOf(lowest + static_cast<int>(s));
            for (int harmonic = 1; harmonic * f0 < kHighestHarmonicHz; ++harmonic) {
                const double centre = harmonic * f0 / binHz;
                const double halfWidth = std::max(0.5, centre * kSalienceHarmonicWidth);
                int from = static_cast<int>(std::ceil(centre - halfWidth));
                int to = static_cast<int>(std::floor(centre + halfWidth));
                if (from > to)
                    from = to = static_cast<int>(std::lround(centre));
                harmonicRanges_[s].emplace_back(std::max(1, from),
                                                std::min(spectra.bins() - 1, to));
            }
        }
    }
    // Per semitone from the lowest, at `frame`.
    const std::vector<float>& at(std::int64_t frame) {
        const std::vector<float>& power = spectra_.at(frame);
        for (std::size_t s = 0; s < harmonicRanges_.size(); ++s) {
            double amplitude = 1e-10;
            for (const auto& [from, to] : harmonicRanges_[s])
                amplitude +=
                    std::sqrt(*std::max_element(power.begin() + from, power.begin() + to + 1));
            salienceDb_[s] = static_cast<float>(20 * std::log10(amplitude));
        }
        return salienceDb_;
    }

private:
    FrameSpectra& spectra_;
    // Per semitone, the bin range [from, to] searched for each harmonic.
    std::vector<std::vector<std::pair<int, int>>> harmonicRanges_;
    std::vector<float> salienceDb_;
};

// How much a note's harmonics disagree about its pitch, per frame (kRestartIncoherenceFactor):
// the amplitude-weighted mean absolute deviation, in cents, of each harmonic's instantaneous
// frequency divided by its number, from their weighted mean. Harmonics below kHighestHarmonicHz
// within kIncoherenceRangeDb of the strongest; each one's strongest bin within
// kSalienceHarmonicWidth of where it should be, its frequency from the phase advance over
// kPhaseLagSamples.
class HarmonicIncoherence {
public:
    explicit HarmonicIncoherence(const std::vector<float>& samples)
        : samples_(samples), now_(kHarmonicFftSize), later_(kHarmonicFftSize),
          window_(periodicHannWindow(kHarmonicFftSize)) {}
    double at(std::int64_t frame, int pitch, int previousPitch) {
        const auto length = static_cast<std::int64_t>(samples_.size());
        const std::int64_t start = frame * kHop - kHarmonicFftSize / 2;
        now_.loadWindowed(samples_.data(), length, start, window_.data());
        later_.loadWindowed(samples_.data(), length, start + kPhaseLagSamples, window_.data());
        now_.forward();
        later_.forward();
        const double binHz = static_cast<double>(kSampleRate) / kHarmonicFftSize;
        const double f0 = hzOf(pitch);
        amplitudes_.clear();
        cents_.clear();
        for (int harmonic = 1; harmonic * f0 < kHighestHarmonicHz; ++harmonic) {
            if (sharedWithPrevious(harmonic * f0, previousPitch, binHz))
                continue;
            const double centre = harmonic * f0 / binHz;
            const double halfWidth = std::max(1.0, centre * kSalienceHarmonicWidth);
            int best = -1;
            for (auto k = std::max(1, static_cast<int>(std::ceil(centre - halfWidth)));
                 k <= std::min(now_.bins() - 2, static_cast<int>(std::floor(centre + halfWidth)));
                 ++k)
                if (best < 0 || std::abs(now_.spectrum()[k]) > std::abs(now_.spectrum()[best]))
                    best = k;
            if (best < 0)
                continue;
            const double expected = 2 * M_PI * best * kPhaseLagSamples / kHarmonicFftSize;
            double advance =
                std::arg(later_.spectrum()[best]) - std::arg(now_.spectrum()[best]) - expected;
            advance -= 2 * M_PI * std::round(advance / (2 * M_PI));
            const double hz =
                (best + advance * kHarmonicFftSize / (2 * M_PI * kPhaseLagSamples)) * binHz;
            if (hz <= 0)
                continue;
            amplitudes_.push_back(std::abs(now_.spectrum()[best]));
            cents_.push_back(1200 * std::log2(hz / (harmonic * f0)));
        }
        if (amplitudes_.empty())
            return 0;
        const double strongest = *std::max_element(amplitudes_.begin(), amplitudes_.end());
        const double weakest = strongest * std::pow(10.0, -kIncoherenceRangeDb / 20);
        double weight = 0, mean = 0;
        for (std::size_t h = 0; h < amplitudes_.size(); ++h)
            if (amplitudes_[h] >= weakest) {
                weight += amplitudes_[h];
                mean += amplitudes_[h] * cents_[h];
            }
        if (weight <= 0)
            return 0;
        mean /= weight;
        double deviation = 0;
        for (std::size_t h = 0; h < amplitudes_.size(); ++h)
            if (amplitudes_[h] >= weakest)
                deviation += amplitudes_[h] * std::abs(cents_[h] - mean);
        return deviation / weight;
    }

private:
    const std::vector<float>& samples_;
    RealFft now_, later_;
    std::vector<float> window_;
    std::vector<double> amplitudes_, cents_;
};

// The onset of a note of `pitch` whose pitch settled at frame `settled` (kOnsetLeadFrames
// above): walking back from `settled`, the first frame of the last run at or above halfway (in
// dB) between the energy in its own harmonics at its lowest in [earliest, settled] and at its
// highest over the kOnsetSettleFrames from `settled` (before `end`). After another note
// (`previousPitch` >= 0) the same walk over the energy taken against the previous note's own
// harmonics (kLegatoFloorDb, kLegatoHeldDb) may find an earlier onset, which wins: one voice's
// tremolo moves both notes' partials alike and cancels in their ratio, while a trough of it inside
// the new note's slow attack stops the first walk late (docs/NOTES.md "Legato onsets under
// tremolo"). Nothing when too few harmonics are its own.
std::optional<std::int64_t> harmonicOnset(FrameSpectra& spectra, int pitch, int previousPitch,
                                          std::int64_t earliest, std::int64_t settled,
                                          std::int64_t end) {
    const std::vector<int> bins = harmonicBins(pitch, previousPitch, spectra.size());
    if (bins.size() < kFewestHarmonicBins || earliest >= settled)
        return std::nullopt;
    const std::vector<int> previousBins = previousPitch >= 0
                                              ? harmonicBins(previousPitch, pitch, spectra.size())
                                              : std::vector<int>();
    const bool againstPrevious = previousBins.size() >= kFewestHarmonicBins;
    const std::int64_t settleEnd = std::min(end, settled + kOnsetSettleFrames + 1);
    const auto energyDbIn = [&](const std::vector<float>& power, const std::vector<int>& in) {
        double sum = 1e-20;
        for (int k : in)
            sum += power[static_cast<std::size_t>(k)];
        return 10 * std::log10(sum);
    };
    std::vector<double> energyDb, previousDb; // from earliest
    for (std::int64_t t = earliest; t < settleEnd; ++t) {
        const std::vector<float>& power = spectra.at(t);
        energyDb.push_back(energyDbIn(power, bins));
        if (againstPrevious)
            previousDb.push_back(energyDbIn(power, previousBins));
    }
    // Walking back from the settle: the first frame of the last run at or above halfway.
    const auto crossingIn = [&](const std::vector<double>& db) {
        const auto settledAt = db.begin() + static_cast<std::ptrdiff_t>(settled - earliest);
        const double highest = *std::max_element(settledAt, db.end());
        const double lowest = *std::min_element(db.begin(), settledAt + 1);
        const double halfway = 0.5 * (lowest + highest);
        auto crossing = settledAt;
        while (crossing + 1 != db.end() && *crossing < halfway)
            ++crossing;
        while (crossing != db.begin() && *(crossing - 1) >= halfway)
            --crossing;
        return earliest + (crossing - db.begin());
    };
    std::int64_t onset = crossingIn(energyDb);
    if (againstPrevious) {
        const double floorDb =
            *std::max_element(energyDb.begin() + static_cast<std::ptrdiff_t>(settled - earliest),
                              energyDb.end()) -
            kLegatoFloorDb;
        for (std::size_t t = 0; t < energyDb.size(); ++t)
            energyDb[t] -= std::max(previousDb[t], floorDb);
        const std::int64_t shareOnset = crossingIn(energyDb);
        const auto at = static_cast<std::size_t>(shareOnset - earliest);
        const double oldHighest =
            *std::max_element(previousDb.begin() + static_cast<std::ptrdiff_t>(
                                                       at - std::min<std::size_t>(at, kDipFrames)),
                              previousDb.begin() + static_cast<std::ptrdiff_t>(at + 1));
        if (previousDb[at] >= oldHighest - kLegatoHeldDb)
            onset = std::min(onset, shareOnset);
    }
    return onset;
}

// Per frame: the log spectral flux of kReattackFluxDb above.
std::vector<float> logSpectralFlux(const std::vector<float>& samples, std::int64_t frames) {
    FrameSpectra spectra(samples, kSpectrumSize);
    const auto top = static_cast<std::size_t>(
        std::min<double>(spectra.bins() - 1, kFluxTopHz * kSpectrumSize / kSampleRate));
    std::vector<float> flux(static_cast<std::size_t>(frames), 0.0f);
    // Floored log spectra of the frame, the one before and the one before that.
    std::vector<float> current(top), previous(top), before(top);
    for (std::int64_t t = 0; t < frames; ++t) {
        const std::vector<float>& power = spectra.at(t);
        double total = 1e-20;
        for (std::size_t k = 1; k < top; ++k)
            total += power[k];
        const double floorDb = 10 * std::log10(total) - kFluxFloorDb;
        double rise = 0;
        for (std::size_t k = 1; k < top; ++k) {
            current[k] = static_cast<float>(std::max(floorDb, 10 * std::log10(power[k] + 1e-20)));
            if (t >= 2)
                rise += std::max(0.0f, current[k] - before[k]);
        }
        flux[static_cast<std::size_t>(t)] = static_cast<float>(rise / static_cast<double>(top - 1));
        before.swap(previous);
        previous.swap(current);
    }
    return flux;
}

// Whether `interval` (semitones) is a whole-number frequency ratio from 2 to 6, as yin slips.
bool harmonicInterval(int interval) {
    interval = std::abs(interval);
    return interval == 12 || interval == 19 || interval == 24 || interval == 28 || interval == 31;
}

double median(std::vector<double> values) {
    const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
    std::nth_element(values.begin(), middle, values.end());
    return *middle;
}

// The note state of every frame: -1 silent, else a MIDI note; Viterbi over the costs above, the
// salience from `spectra`.
std::vector<int> noteStates(const std::vector<double>& pitch, const std::vector<char>& active,
                            FrameSpectra& spectra) {
    const std::size_t count = pitch.size();
    std::vector<int> states(count, -1);
    int lowest = 127, highest = 0;
    for (std::size_t t = 0; t < count; ++t)
        if (active[t]) {
            lowest = std::min(lowest, static_cast<int>(std::lround(pitch[t])));
            highest = std::max(highest, static_cast<int>(std::lround(pitch[t])));
        }
    if (lowest > highest)
        return states;
    // State 0 is silence, state s > 0 is MIDI note lowest + s - 1.
    const auto stateCount = static_cast<std::size_t>(highest - lowest + 2);
    HarmonicSalience salience(spectra, lowest, highest);
    const auto near = [&](std::size_t t, std::size_t semitone) {
        return std::abs(pitch[t] - (lowest + static_cast<int>(semitone))) <= kSalienceNearSemitones;
    };
    // The frame whose costs are asked next: its salience, and the highest near the pitch track.
    const std::vector<float>* frameSalience = nullptr;
    float nearestHighest = 0;
    const auto loadFrame = [&](std::size_t t) {
        if (!active[t])
            return;
        frameSalience = &salience.at(static_cast<std::int64_t>(t));
        nearestHighest = static_cast<float>(kSilenceDb);
        for (std::size_t s = 0; s + 1 < stateCount; ++s)
            if (near(t, s))
                nearestHighest = std::max(nearestHighest, (*frameSalience)[s]);
    };
    const auto frameCost = [&](std::size_t t, std::size_t state) {
        if (state == 0)
            return active[t] ? kSilenceCost : 0.0;
        if (!active[t])
            return kInactiveCost;
        const std::size_t semitone = state - 1;
        const double distance = std::min(
            kDistanceCapSemitones, std::abs(pitch[t] - (lowest + static_cast<int>(semitone))));
        const double weakerDb =
            near(t, semitone) ? nearestHighest - (*frameSalience)[semitone] : kSalienceRangeDb;
        return distance * distance + kSalienceWeight * std::min(1.0, weakerDb / kSalienceRangeDb);
    };
    std::vector<double> cost(stateCount), next(stateCount);
    std::vector<std::uint8_t> cameFromBest(count * stateCount);
    std::vector<std::size_t> bestBefore(count);
    loadFrame(0);
    for (std::size_t state = 0; state < stateCount; ++state)
        cost[state] = (state == 0 ? 0 : kChangeCost) + frameCost(0, state);
    for (std::size_t t = 1; t < count; ++t) {
        loadFrame(t);
        const std::size_t best =
            static_cast<std::size_t>(std::min_element(cost.begin(), cost.end()) - cost.begin());
        bestBefore[t] = best;
        for (std::size_t state = 0; state < stateCount; ++state) {
            const bool change = cost[best] + kChangeCost < cost[state];
            cameFromBest[t * stateCount + state] = change;
            next[state] = (change ? cost[best] + kChangeCost : cost[state]) + frameCost(t, state);
        }
        cost.swap(next);
    }
    auto state =
        static_cast<std::size_t>(std::min_element(cost.begin(), cost.end()) - cost.begin());
    for (std::size_t t = count; t-- > 0;) {
        states[t] = state == 0 ? -1 : lowest + static_cast<int>(state) - 1;
        if (t > 0 && cameFromBest[t * stateCount + state])
            state = bestBefore[t];
    }
    return states;
}

// Whether `values[at]` is the peak of its +-2 frames (a tie goes to the earliest), as a flux or a
// disagreement peak must be to mark one repeated note.
template <typename Value>
bool peakOfItsNeighbours(const std::vector<Value>& values, std::int64_t at) {
    const auto size = static_cast<std::int64_t>(values.size());
    for (std::int64_t k = std::max<std::int64_t>(0, at - 2); k <= std::min(size - 1, at + 2); ++k)
        if (values[k] > values[at] || (values[k] == values[at] && k < at))
            return false;
    return true;
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
    const std::vector<float> flux = logSpectralFlux(samples, count);
    std::vector<float> level(static_cast<std::size_t>(count));
    for (std::int64_t t = 0; t < count; ++t) {
        const std::int64_t from = std::max<std::int64_t>(0, t - kLevelMeanFrames / 2);
        const std::int64_t to = std::min(count, t + kLevelMeanFrames / 2 + 1);
        double sum = 0;
        for (std::int64_t k = from; k < to; ++k)
            sum += features.loudnessDb[k];
        level[t] = static_cast<float>(sum / static_cast<double>(to - from));
    }

    const float loudest =
        level.empty() ? kNoteFloorDb : *std::max_element(level.begin(), level.end());
    const float floorDb = std::max(kNoteFloorDb, loudest - kNoteRangeDb);
    std::vector<char> active(static_cast<std::size_t>(count));
    for (std::int64_t t = 0; t < count; ++t)
        active[t] = features.voiced[t] && level[t] >= floorDb;

    // The pitch of active frames, median-filtered over the active frames around each.
    std::vector<double> pitch(static_cast<std::size_t>(count), 0.0);
    for (std::int64_t t = 0; t < count; ++t) {
        if (!active[t])
            continue;
        std::vector<double> around;
        for (std::int64_t k = t - kPitchMedianFrames / 2; k <= t + kPitchMedianFrames / 2; ++k)
            if (k >= 0 && k < count && active[k])
                around.push_back(midiOf(features.f0Hz[k]));
        pitch[t] = median(std::move(around));
    }
    FrameSpectra harmonicSpectra(samples, kHarmonicFftSize);
    const std::vector<int> states = noteStates(pitch, active, harmonicSpectra);

    const auto lowestIn = [&](std::int64_t from, std::int64_t to) { // [from, to)
        return *std::min_element(level.begin() + from, level.begin() + to);
    };
    const auto highestIn = [&](std::int64_t from, std::int64_t to) {
        return *std::max_element(level.begin() + from, level.begin() + to);
    };
    // How far the level of [first, end) typically lies under its highest over the kDipFrames
    // before (kDipFlutterFactor).
    const auto typicalDepthIn = [&](std::int64_t first, std::int64_t end) {
        std::vector<double> distances;
        for (std::int64_t t = first; t < end; ++t)
            distances.push_back(highestIn(std::max(first, t - kDipFrames), t + 1) - level[t]);
        return median(std::move(distances));
    };
    const auto repeatedAt = [&](std::int64_t t, std::int64_t first, std::int64_t end,
                                double dipDb) {
        if (t - first < kShortestNoteFrames || end - t < kShortestNoteFrames)
            return false;
        const double before = highestIn(std::max(first, t - kDipFrames), t);
        const double after = highestIn(t + 1, std::min(end, t + 1 + kDipRiseFrames));
        return level[t] <= lowestIn(t - 1, t + 2) && before - level[t] >= dipDb &&
               after - level[t] >= dipDb && after - before <= kDipSwellDb;
    };

    const auto reattackAt = [&](std::int64_t t, std::int64_t first, std::int64_t end) {
        if (t - 1 - first < kShortestNoteFrames || end - t < kShortestNoteFrames ||
            flux[t] < kReattackFluxDb)
            return false;
        return peakOfItsNeighbours(flux, t);
    };

    // The harmonics' disagreement over [first, end) of a run of `pitch`
    // (kRestartIncoherenceFactor); nothing for a run too short to hold two notes.
    HarmonicIncoherence harmonicIncoherence(samples);
    const auto incoherenceIn = [&](std::int64_t first, std::int64_t end, int runPitch,
                                   int previousPitch) {
        std::vector<double> values;
        if (end - first < 2 * kShortestNoteFrames)
            return values;
        for (std::int64_t t = first; t < end; ++t)
            values.push_back(harmonicIncoherence.at(t, runPitch, previousPitch));
        return values;
    };
    // A peak of at least `threshold` at `at` (indices from the run's first frame), over +-2 frames.
    const auto restartAt = [&](const std::vector<double>& incoherence, std::int64_t at,
                               double threshold) {
        return incoherence[at] >= threshold && peakOfItsNeighbours(incoherence, at);
    };

    // Runs of one note state, split at repeated notes: [first, end) with their pitch.
    struct Segment {
        std::int64_t first, end;
        int pitch;
        bool afterSilence;
        bool reattack; // split at a flux peak: `first` is its onset
        bool dip;      // split at a level dip: `first` is its lowest level
    };
    std::vector<Segment> segments;
    for (std::int64_t t = 0; t < count;) {
        if (states[t] < 0) {
            ++t;
            continue;
        }
        std::int64_t end = t;
        while (end < count && states[end] == states[t])
            ++end;
        bool afterSilence = t == 0 || states[t - 1] < 0, reattack = false, dip = false;
        std::int64_t first = t;
        const double dipDb = std::max<double>(kDipDb, kDipFlutterFactor * typicalDepthIn(t, end));
        const std::vector<double> incoherence =
            incoherenceIn(t, end, states[t], afterSilence ? -1 : states[t - 1]);
        const double restartCents = incoherence.empty()
                                        ? 0
                                        : std::max(kRestartIncoherenceCents,
                                                   kRestartIncoherenceFactor * median(incoherence));
        for (std::int64_t k = t + 1; k < end; ++k) {
            if (k - first < kRepeatSpacingFrames)
                continue;
            // The flux peaks on the frame after the attack (it compares two frames back).
            const bool atFluxPeak = reattackAt(k, first, end);
            const bool atRestart =
                !atFluxPeak && !incoherence.empty() &&
                restartAt(incoherence, k - t, restartCents) &&
                k - kRestartPeakLagFrames - first >= (first != t      ? kRestartAfterSplitFrames
                                                      : !afterSilence ? kRestartAfterChangeFrames
                                                                      : kShortestNoteFrames) &&
                end - k >= kShortestNoteFrames;
            if (!atFluxPeak && !atRestart &&
                (k - first < kDipAfterStartFrames || !repeatedAt(k, first, end, dipDb)))
                continue;
            const std::int64_t split = atFluxPeak  ? k - 1
                                       : atRestart ? k - kRestartPeakLagFrames
                                                   : k;
            segments.push_back({first, split, states[t], afterSilence, reattack, dip});
            first = split;
            afterSilence = false;
            reattack = atFluxPeak || atRestart;
            dip = !reattack;
        }
        segments.push_back({first, end, states[t], afterSilence, reattack, dip});
        t = end;
    }

    const auto attackAt = [&](std::int64_t boundary) {
        for (std::int64_t k = std::max<std::int64_t>(0, boundary - 1);
             k <= std::min(count - 1, boundary + 2); ++k)
            if (flux[k] >= kSlipAttackFluxDb)
                return true;
        return false;
    };
    // Short notes a harmonic interval from an adjacent note join it (kOctaveSlipFrames; below
    // the following note, kSubharmonicSlipFrames), the following one (also across a gap,
    // kSlipGapFrames) unless it starts with an attack (kSlipAttackFluxDb); a repeat split at a
    // re-attack just before a change of state joins the note after it (kAttackBeforeChangeFrames).
    std::vector<Segment> repaired;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const Segment& segment = segments[i];
        const std::int64_t length = segment.end - segment.first;
        // The next run a harmonic interval away, across unvoiced frames and runs too short to
        // keep (kSlipGapFrames).
        std::size_t next = i + 1;
        while (next < segments.size() && segments[next].first - segment.end <= kSlipGapFrames &&
               !harmonicInterval(segments[next].pitch - segment.pitch) &&
               segments[next].end - segments[next].first < kShortestNoteFrames)
            ++next;
        const bool nextNear =
            next < segments.size() && segments[next].first - segment.end <= kSlipGapFrames;
        const bool slip = length < kOctaveSlipFrames;
        const bool subharmonicSlip =
            length < kSubharmonicSlipFrames && nextNear && segments[next].pitch > segment.pitch;
        const bool attackOfNext = segment.reattack && length <= kAttackBeforeChangeFrames &&
                                  i + 1 < segments.size() && segments[i + 1].first == segment.end &&
                                  segments[i + 1].pitch != segment.pitch;
        const bool slipIntoNext = (slip || subharmonicSlip) && nextNear &&
                                  harmonicInterval(segments[next].pitch - segment.pitch) &&
                                  !attackAt(segments[next].first);
        if (attackOfNext || slipIntoNext) {
            const std::size_t into = attackOfNext ? i + 1 : next;
            segments[into].first = segment.first;
            segments[into].afterSilence = segment.afterSilence;
            segments[into].reattack = segment.reattack;
            segments[into].dip = segment.dip;
            i = into - 1;
        } else if (slip && !repaired.empty() && repaired.back().end == segment.first &&
                   harmonicInterval(repaired.back().pitch - segment.pitch)) {
            repaired.back().end = segment.end;
        } else {
            repaired.push_back(segment);
        }
    }
    segments.swap(repaired);

    std::vector<TranscribedNote> notes;
    std::int64_t previousStart = -kShortestNoteFrames, previousEnd = 0;
    for (const Segment& segment : segments) {
        if (segment.end - segment.first < kShortestNoteFrames)
            continue;
        const std::int64_t earliest = std::max<std::int64_t>(
            {0, segment.first - kOnsetLeadFrames, previousStart + kShortestNoteFrames});
        // The previous note counts while it ended inside the look-back, also across a few
        // unvoiced frames: its release still sounds under the new note's attack.
        const int previousPitch = notes.empty() || (segment.afterSilence && previousEnd <= earliest)
                                      ? -1
                                      : notes.back().pitch;
        const std::optional<std::int64_t> harmonicStart =
            segment.reattack || previousPitch == segment.pitch
                ? std::nullopt
                : harmonicOnset(harmonicSpectra, segment.pitch, previousPitch, earliest,
                                segment.first, segment.end);
        // Else back to the last aubio onset before the pitch settled; without one, over a
        // rising level after silence, or to the lowest level after another note.
        std::int64_t start = segment.first;
        const auto onsetAfter =
            std::upper_bound(onsets.begin(), onsets.end(), segment.first + kOnsetLagFrames);
        // A note of the pitch of the note just before it, after a few frames of silence or of
        // another state: the old note was released at the new one's note-on and its slow
        // attack left a dip there, deeper than kDipDb under the old note; its own harmonics rise
        // only as it swells, after the note-on (docs/NOTES.md "Transcription").
        std::optional<std::int64_t> repeatDip;
        const std::int64_t lookFrom = std::max(earliest, segment.first - kDipFrames);
        if (!segment.reattack && !segment.dip && !notes.empty() &&
            notes.back().pitch == segment.pitch && segment.first - previousEnd <= kDipFrames &&
            lookFrom < segment.first) {
            const std::int64_t lowest =
                lookFrom +
                (std::min_element(level.begin() + lookFrom, level.begin() + segment.first) -
                 (level.begin() + lookFrom));
            if (highestIn(std::max(earliest, lowest - kDipFrames), lowest + 1) - level[lowest] >=
                kDipDb)
                repeatDip = lowest;
        }
        if (segment.reattack) {
            start = segment.first; // the split before the flux peak
        } else if (segment.dip || repeatDip) {
            // The old note is released at the new one's note-on and a slow attack fills the
            // dip: the onset is where the fall into the dip crosses halfway, in dB, from the
            // level's highest over the kDipFrames before (docs/NOTES.md "Transcription").
            const std::int64_t dip = repeatDip ? *repeatDip : segment.first;
            const std::int64_t from = std::max(earliest, dip - kDipFrames);
            const double halfway = 0.5 * (highestIn(from, dip + 1) + level[dip]);
            start = dip;
            while (start > from && level[start - 1] < halfway)
                --start;
        } else if (harmonicStart) {
            start = *harmonicStart;
        } else if (onsetAfter != onsets.begin() && *std::prev(onsetAfter) >= earliest) {
            start = *std::prev(onsetAfter);
        } else if (segment.afterSilence) {
            while (start > earliest && level[start - 1] < level[start])
                --start;
        } else if (earliest < segment.first) {
            start = earliest +
                    (std::min_element(level.begin() + earliest, level.begin() + segment.first + 1) -
                     (level.begin() + earliest));
        }
        if (!notes.empty())
            notes.back().offset = std::min(notes.back().offset, start * kFrameSeconds);
        TranscribedNote note;
        note.onset = start * kFrameSeconds;
        note.offset = segment.end * kFrameSeconds;
        note.pitch = std::clamp(segment.pitch, 0, 127);
        const double peakDb = highestIn(segment.first, segment.end);
        note.velocity = static_cast<int>(
            std::clamp(std::lround(1 + 126 * (peakDb - kQuietestDb) / -kQuietestDb), 1L, 127L));
        notes.push_back(note);
        previousStart = start;
        previousEnd = segment.end;
    }
    return notes;
}

} // namespace accord::dsp

#pragma once

// Fundamental frequency of a voice at the analysis rate (analysis_constants.h), offline for
// training and conversion and causally for the live node, with the same pre-filter, the same
// check that the period is not a half or a third of the true one, the same refinement of the
// period and the same octave-repair rule (docs/ARCHITECTURE.md, "Voice model").

#include "accord/dsp/analysis_constants.h"
#include "accord/dsp/biquad.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace accord::dsp {

// Equal-tempered pitch: MIDI note numbers (69 = A4 = 440 Hz), fractional between notes.
double midiOf(double hz);
double hzOf(double midi);

struct PitchOptions {
    double minF0 = 50;   // a frame is voiced only with f0 in [minF0, maxF0]
    double maxF0 = 1100; // and a periodicity of at least voicingThreshold
    double voicingThreshold = 0.6;
    double tolerance = 0.25; // yin: the first period whose difference dips under it wins

    bool inRange(double f0) const { return f0 >= minF0 && f0 <= maxF0; }
};

// ---- pre-filter -------------------------------------------------------------------------------

// Both trackers run on the signal low-passed at 2 kHz (a 2nd-order Butterworth, applied twice):
// yin then follows the lower harmonics, where a voice is most periodic, rather than fricatives
// and breath above 2 kHz.
constexpr double kPitchLowpassHz = 2000.0;

// Offline: forwards then backwards, twice: zero phase keeps the track aligned in time.
std::vector<float> zeroPhasePitchLowpass(const std::vector<float>& samples);

// Live: the same two passes forwards only (the offline magnitude response, with a phase lag).
class CausalPitchLowpass {
public:
    float process(float x) { return static_cast<float>(second_.process(first_.process(x))); }

private:
    Biquad first_ = Biquad::butterworthLowpass(kPitchLowpassHz, analysis::kSampleRate);
    Biquad second_ = Biquad::butterworthLowpass(kPitchLowpassHz, analysis::kSampleRate);
};

// ---- octave repair ----------------------------------------------------------------------------

// Yin's typical failure is a whole-number multiple of the period (f0/2, f0/3...) or, less often,
// half of it (2 f0), on a few frames. A voiced frame more than kOctaveJump away from the median
// log f0 of the voiced frames near it is brought back by the whole-number ratio that lands
// nearest that median (if within kOctaveSnap), else marked unvoiced. A real leap (an octave in a
// song) survives: past its first frames the median is on the new note. "Near": offline, the
// kOctaveRepairFrames frames on either side; live, the kOctaveRepairFrames frames before.
constexpr int kOctaveRepairFrames = 6;
constexpr double kOctaveJump = 0.35; // octaves
constexpr double kOctaveSnap = 0.2;  // octaves

// The rule for one voiced frame: `hereLog2` is its log2 f0, `window` the log2 f0 of the voiced
// frames near it, itself included (`count` values, reordered here). Returns the factor its f0
// is multiplied by: 1 when it stands (within kOctaveJump of the median, or fewer than three
// values), 2, 3, 4, 5, 1/2 or 1/3 when that repairs it, 0 when nothing does (unvoice it).
double octaveRepairFactor(double hereLog2, double* window, std::size_t count);

// ---- offline ------------------------------------------------------------------------------------

// Per analysis frame (frame t describes the instant t * kHop; ceil(n / kHop) frames).
struct PitchTrack {
    std::vector<float> f0Hz;
    std::vector<float> periodicity;
    std::vector<std::uint8_t> voiced;
};

// The offline tracker (VoiceFeatures documents its fields): aubio "yinfast" (kPitchWindow
// samples every kPitchHop) on zeroPhasePitchLowpass(samples), its period doubled or tripled when
// the raw difference function dips within 3% of there under half its dip at yin's period (a
// dominant second or third harmonic), refined on the raw difference function, re-timed to the
// frame centres;
// voicing from the periodicity and range, single-frame blips flipped, octave errors repaired over
// +-kOctaveRepairFrames; f0 on unvoiced frames interpolated in log frequency between voiced ones
// (held beyond the first and last). Thread-safe.
PitchTrack trackPitch(const std::vector<float>& samples, const PitchOptions& options = {});

// ---- causal -------------------------------------------------------------------------------------

struct PitchEstimate {
    float f0Hz = 0;
    float periodicity = 0; // 1 - yin's cumulative mean normalised difference at the period
    // The same at the period over the last CausalYin::kSustainedSpan samples, weighted towards
    // the newest: a chance dip of 8 ms of noise (a sibilant, a breath) does not last 24 ms.
    float sustainedPeriodicity = 0;
};

// The live node's voicing (docs/ARCHITECTURE.md "Voice model", "Live voicing"): a frame is voiced
// while sustainedPeriodicity holds kSustainedVoicingThreshold, with hysteresis on the 8 ms
// periodicity: a voiced run starts where it reaches the options' voicingThreshold plus
// kLiveVoicingStartMargin and continues while it stays at kLiveKeepPeriodicity, or while the
// voice repeats at the run's held period (CausalYin::estimateNear) over 24 ms. Without the
// hysteresis 8 ms of a voice dipped under the one threshold and over it again, and live voiced
// runs of low voices were two frames long at the median (offline: nine); a run kept on a lower
// sustained periodicity (0.35) went on past the voice's end and jittered there.
constexpr double kLiveVoicingStartMargin = 0.05;
constexpr double kSustainedVoicingThreshold = 0.55;
constexpr double kLiveKeepPeriodicity = 0.5;

// Yin on the last kSpan samples against the samples one period earlier, for the live node: the
// first period (between 1/maxF0 and 1/minF0) whose normalised difference dips under the
// tolerance, at its local minimum (else the smallest difference), doubled or tripled and refined
// by a parabola through the raw difference as the offline tracker does aubio's period; and the
// periodicity at that period over kSustainedSpan samples, weighted by a ramp from the newest
// (centred ~8 ms back). The period itself stays on 8 ms: a longer span steadies it but delays
// the track, which cost the live output more than it gained (docs/ARCHITECTURE.md "Voice model",
// "Live voicing"). Allocates only when built.
class CausalYin {
public:
    static constexpr int kSpan = 128;          // samples integrated for the period (8 ms)
    static constexpr int kSustainedSpan = 384; // samples integrated for sustainedPeriodicity

    explicit CausalYin(const PitchOptions& options = {});

    // Samples estimate() reads: the longer span plus the longest period and one.
    int historyLength() const { return kSustainedSpan + maxPeriod_ + 1; }

    // `history`: historyLength() samples of the low-passed signal, the newest last.
    PitchEstimate estimate(const float* history);

    // The reading at the dip of yin's normalised difference within kHeldPeriodSearch of `period`
    // (samples: a held f0's), on the history the last estimate() read (it reuses that call's
    // difference function): what keeps a voiced run through a frame whose own reading went astray
    // while its harmonics still repeat at the held period (docs/ARCHITECTURE.md "Voice model",
    // "Live voicing"). f0Hz 0 when no dip lies inside the search (a slope, not a period).
    PitchEstimate estimateNear(const float* history, double period) const;
    static constexpr double kHeldPeriodSearch = 0.06; // of the period, either side (a semitone)

private:
    // The refined lag at `lag` (parabola through the raw difference), inside the search range.
    double refinedLag(int lag) const;
    // PitchEstimate::sustainedPeriodicity at `lag`, `now` one past the newest sample.
    float sustainedPeriodicityAt(const float* now, int lag) const;

    double tolerance_;
    int minPeriod_, maxPeriod_;
    std::vector<float> difference_, normalised_;
};

// The f0 the live node sings, followed through the measurements' noise without look-ahead
// (docs/ARCHITECTURE.md "Voice model", "Live voicing"). 8 ms hold about one period of a low voice,
// whose length varies from period to period by a percent or more: frame to frame the measured f0
// jitters by tens of cents where offline, over 32 ms, it does not. An alpha-beta filter on log f0
// (a level and a slope) takes each measurement with a gain that grows with its periodicity (1 at
// periodicity 1) from a floor set by the periods CausalYin's span holds: kF0FollowFloorGain for a
// voice of up to kF0FollowNoisyPeriods (~128 Hz), in proportion above (a high voice's measurement,
// over two periods, is taken nearly as it is: followed like a low one's, it lagged). A clear
// measurement more than kF0FollowStepCents off the prediction is a new note: taken as it is.
// A measurement describes the middle of the span it was read from, a period or so before the
// frame it is sung at: ahead() carries the level that far along the slope (smoothed as the level
// is), so the f0 sung does not lag the voice's glides, and only as far as the last measurement is
// trusted (0 at kF0FollowTrustedFrom and under, 1 at periodicity 1): carried at full length from a
// measurement of low periodicity, the slope's noise made the f0 sung jitter (docs/ARCHITECTURE.md
// "Voice model", "Live voicing").
class CausalF0Follower {
public:
    static constexpr double kF0FollowTrustedFrom = 0.6;     // periodicity
    static constexpr double kF0FollowFloorGain = 0.3;       // of the residual, at and under it,
    static constexpr double kF0FollowNoisyPeriods = 0.8;    // for periods in the span up to this
    static constexpr double kF0FollowSlopeGain = 0.15;      // of the weighted residual, per frame
    static constexpr double kF0FollowStepCents = 200;       // a jump this large and
    static constexpr double kF0FollowStepPeriodicity = 0.8; // this clear is a new note

    // One voiced frame's measured f0 and periodicity; `continuing` when the frame before it was
    // voiced too (else the measurement starts the track).
    void follow(float f0Hz, float periodicity, bool continuing);
    // The followed f0 at the measurement's own instant.
    float levelHz() const;
    // The followed f0 `frames` analysis hops after the measurement's instant, carried along the
    // slope in proportion to the last measurement's trust.
    float ahead(double frames) const;

private:
    double cents_ = 0;     // log f0, in cents
    double slope_ = 0;     // cents per frame
    double leadSlope_ = 0; // the slope smoothed for ahead()
    double leadTrust_ = 0; // the last measurement's trust (0 at the floor's periodicity, 1 at 1)
};

} // namespace accord::dsp

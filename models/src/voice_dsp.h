#pragma once

// The voice model's signal side, in plain C++ (no Torch): its configuration, the conditioning
// features it reads, the fixed spectral tables of its differentiable synthesiser, and the
// synthesiser itself (harmonic oscillator bank + filtered noise) used at conversion time.
//
// The synthesiser's controls, per frame t of the analysis grid (16 kHz, hop 128):
//   - a harmonic envelope: log power density at `envelopeBands` frequencies (mel-spaced,
//     0..8 kHz), linearly interpolated in frequency; harmonic h gets amplitude
//     sqrt(E_t(h f0_t) f0_t / 100 Hz);
//   - a noise envelope: log power spectral density at `noiseBands` frequencies, likewise.
// Both are relative: each frame is scaled so that its A-weighted level equals the input's
// measured level (analysis loudnessDb). So loudness is kept by construction and the network
// only learns spectral shape - the timbre.
//
// Training never synthesises audio. The expected STFT power of the synthesiser's output at frame
// t is linear in the controls:
//   P_t(k) = sum_s v_s [ g_{t+s} (E_{t+s}(k) C_{t+s}(k) + N_{t+s}(k) S) ]
// where C_t(k) = f0_t/100 sum_h |W(f_k - h f0_t)|^2 / 4 is the harmonic comb of frame t (the
// analysis window's power response placed at every harmonic; it depends only on f0, so it is
// computed once per frame before training), S = sum_n w(n)^2 (dsp::spectrumWindowPower) turns a
// noise PSD into STFT power, g_t is the loudness gain above, and v_s (s = -2..2) spreads each
// frame's controls over the frames whose 32 ms windows see them (linear interpolation between frame
// centres). The loss compares log P_t with the analysed log |X_t|^2 frame by frame.

#include "voice_high_band.h"

#include "accord/dsp/analysis_constants.h"
#include "accord/dsp/fft.h"
#include "accord/dsp/voice_features.h"
#include "accord/models/voice_model.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace accord::models::voice {

namespace an = accord::dsp::analysis;

constexpr int kBins = an::kSpectrumBins;  // 257
constexpr int kConditioningSize = 16;     // see conditioning()
constexpr int kSmoothTaps = 5;            // v_s, s = -2..2
constexpr double kTopHz = 7800.0;         // no harmonic above
constexpr double kFadeHz = 7000.0;        // harmonics fade out from here to kTopHz
constexpr int kNoiseFrame = 2 * an::kHop; // noise synthesis frame (sqrt-Hann OLA)
constexpr double kMaxLogRatio = 50.0;     // exp() headroom of the envelope over the noise
constexpr float kLeakySlope = 0.1f;       // the network's leaky ReLU (trained and run alike)
inline float leakyRelu(float x) {
    return x > 0 ? x : kLeakySlope * x;
}

struct VoiceConfig {
    int channels = 128;     // network width
    int layers = 5;         // causal dilated conv layers, dilation 1, 2, 4, ...
    int kernel = 3;         // taps per conv layer
    int envelopeBands = 64; // harmonic envelope resolution
    int noiseBands = 32;    // noise envelope resolution
    int cropFrames = 160;   // frames per training crop that carry loss
    int contextFrames = 64; // frames of input before a crop (>= receptive field is best)
    int batchCrops = 16;    // crops per step
    double learningRate = 2e-3;
    double finalLearningRate = 1e-4; // cosine decay over the planned steps
    int steps = 800;                 // planned steps (the schedule's length; docs/ARCHITECTURE.md)
    int validationEvery = 100;       // steps between validation measurements (best kept)

    int receptiveField() const; // frames the network looks back, itself included
    int outputs() const { return envelopeBands + noiseBands; }
    nlohmann::json toJson() const;
    // Throws BadInput naming `what` when a field is missing or out of range.
    static VoiceConfig fromJson(const nlohmann::json& json, const std::string& what);
};

// Band centres (Hz) on a mel scale from 0 Hz to Nyquist.
std::vector<double> bandCentres(int bands);
// Linear interpolation weights from band values to STFT bins: kBins x bands, row-major.
std::vector<float> bandsToBins(int bands);
// The same, sparse: per STFT bin the index of its lower band and the weight of the upper one.
std::vector<std::pair<int, float>> bandsOfBins(int bands);
// Value of a band curve at frequency `hz` (linear interpolation between centres).
float interpolateBands(const std::vector<double>& centres, const float* values, double hz);

// v_s for s = -2..2 (sums to 1).
const std::array<float, kSmoothTaps>& smoothingKernel();

// Amplitude fade of harmonic at `hz` (1 below kFadeHz, 0 from kTopHz).
double harmonicFade(double hz);
// The harmonic envelope is a power *density*: harmonic h gets a_h^2 = E(h f0) * f0 / 100 Hz.
// A voice sung an octave higher has half as many harmonics in a band, each twice as strong, so
// the balance of harmonics and noise a model learned on one range holds in another (without
// this, a model of a low voice made a high voice's conversions noisier, 3-4 dB here).
constexpr double kDensityReferenceHz = 100.0;
double harmonicDensity(double f0);
// Adds the harmonic comb of one frame (f0 in Hz; nothing when unvoiced) to `comb` (kBins), times
// `weight`.
void addHarmonicComb(double f0, float* comb, double weight = 1.0);
// The comb of frame t of an f0 track (Hz per frame, `frames` of them) as its 32 ms analysis
// window sees it when f0 moves: the window's power response placed at the harmonics of the f0
// under each eighth of the window (f0 interpolated between frame centres, as the synthesiser's
// oscillators move), weighted by the window's energy there. A voice's harmonics move by more
// than a bin within one window above ~1 kHz (a 3% glide at 150 Hz); the stationary comb leaves
// that smeared energy between the harmonics, where training could only explain it as noise -
// the hiss a model then adds to every voiced frame (docs/ARCHITECTURE.md "Voice model").
// `glide` holds the f0 of frames t - 2 .. t + 2 (the frames the window spans).
constexpr int kGlideFrames = 5;
void addGlidingHarmonicComb(const std::array<float, kGlideFrames>& glide, float* comb);
// The f0 of frames t - 2 .. t + 2 of a whole track (edges held).
std::array<float, kGlideFrames> glideAround(const std::vector<float>& f0, std::size_t t);

// The harmonic combs of the f0s a take's gliding combs are made of, kept for the frames that read
// them again. Frame t's window eighths sit at half-frame steps from t - 1.75 to t + 1.75, their
// f0s interpolated alike, so frame t + 1 reads six of frame t's eight f0s and frame t + 2 four:
// computed afresh for every frame, these combs were a convert's largest cost (docs/
// ARCHITECTURE.md "Voice model", convert's speed). Each f0's comb is kept over the stretch of bins
// its frames asked (the first frame's, widened by later ones); a bin's value does not depend on
// the stretch, so the values are those computed afresh. Allocates only at construction.
class HarmonicCombCache {
public:
    HarmonicCombCache();
    // The comb of `f0` at `bins` (ascending, distinct; `count` of them) and the bins between them,
    // indexed by bin; other entries are whatever an earlier call left. Valid until the next call.
    const double* at(double f0, const int* bins, int count);

private:
    static constexpr std::size_t kSlots = 16; // two frames' eight f0s and then some
    struct Slot {
        double f0;
        std::vector<double> values; // per bin, from `from` to `to`
        int from = 0, to = -1;
    };
    std::vector<Slot> slots_;
    std::size_t next_ = 0; // the slot replaced next (the oldest)
};

// How aperiodic a voiced frame is: the power midway between its harmonics below kGateTopHz over
// the power at them, less what the harmonics' own window lobes put midway (its gliding comb, from
// `glide` as addGlidingHarmonicComb) - so the noise's share, 0 for a perfectly periodic frame.
constexpr double kGateTopHz = 3000.0;
constexpr double kNoiseGateFloor = 0.001; // the gate lowers the noise by 30 dB at most
double betweenHarmonicExcess(const float* power, const std::array<float, kGlideFrames>& glide);

// A frame this far under its recording's 95th-percentile level is quiet: the artist's silences,
// room and breath between phrases (the network, fed another voice's silences, sang them darker
// than the artist's own: docs/ARCHITECTURE.md "Voice model", "Quiet frames"). From kQuietFromDb
// under the reference the noise's shape moves towards the artist's quiet spectrum and the level
// down to the artist's quiet frames' (when the performance's is higher), fully from kQuietFullDb.
constexpr double kQuietFromDb = 30, kQuietFullDb = 35, kQuietDeepestDb = 80;
// The quiet spectrum leaves out the bins under this (DC and its window's leakage, 0 and 31 Hz).
constexpr double kQuietLowestHz = 50;
constexpr std::size_t kQuietLowestBin =
    std::size_t(kQuietLowestHz * an::kSpectrumSize / an::kSampleRate) + 1;
// How far towards the artist's quiet spectrum a frame `belowReferenceDb` under its reference goes.
double quietWeight(double belowReferenceDb);

// The artist's quiet frames (card metrics "quietSpectrum"): their typical spectrum, per noise
// band the power density relative to the frames' power, dB (the mean of their ln spectra). Empty
// for a model trained before Accord kept it, or on recordings with under 0.4 s of quiet frames.
struct QuietSpectrum {
    std::vector<float> noiseBandsDb;
    bool present() const { return !noiseBandsDb.empty(); }
};

// The voice's source at its own pitches, from training (the card's metrics "pitchRange" and
// "h1MinusH2BySemitone"): its range and its median H1-H2 (dB, the first harmonic's power over the
// second's) per semitone sung long enough to tell; and what its silences sound like. Empty for a
// model trained before Accord kept it.
struct SourceShape {
    VoicePitchRange range;
    std::vector<std::pair<int, float>> h1MinusH2; // (MIDI note, dB), ascending
    QuietSpectrum quiet;
    // The value at the semitone nearest `midi` that the voice sang.
    float h1MinusH2At(double midi) const;
};
// Measured on analysed recordings (their spectra kept): frames voiced within the voice's range
// (outside it a tracked f0 is mostly an octave error) and at 90 Hz or more (under it the 32 ms
// window does not resolve H1 from H2), semitones with at least 40 frames (0.32 s).
// The quiet spectrum: frames kQuietFullDb to kQuietDeepestDb under their recording's reference, on
// `noiseBands` bands (the network's noise envelope's).
SourceShape sourceShapeOf(const std::vector<const dsp::VoiceFeatures*>& recordings, int noiseBands);
nlohmann::json sourceShapeJson(const SourceShape& shape);     // the "h1MinusH2BySemitone" list
nlohmann::json quietSpectrumJson(const QuietSpectrum& quiet); // the "quietSpectrum" object
// Read from a card's metrics; empty when absent or malformed.
SourceShape sourceShapeFromMetrics(const nlohmann::json& metrics);

// One frame's synthesiser parameters from the network's controls, for the offline synthesiser
// and the live node alike. Voiced frames get their noise gated: the model learned a voice's
// average breathiness, so a clean performance would come out as breathy as the voice ever was,
// blurring its pitch (docs/ARCHITECTURE.md "Voice model"). The noise is lowered until its share
// between the harmonics is no more than the performance's own there, never raised: the output is
// no breathier than the performance nor than the artist's voice. Allocates only at construction.
class FrameShaper {
public:
    // With a high band (voice_high_band.h) the noise gives way to it over the crossover, and
    // shape() predicts its bands.
    FrameShaper(const VoiceConfig& config, SourceShape source, HighBandModel highBand = {});
    static int maxHarmonics();

    struct Frame {
        const float* controls = nullptr;         // the network's row for this frame
        std::array<float, kGlideFrames> glide{}; // f0 (transposed) of frames t - 2 .. t + 2
        bool voiced = false;
        float loudnessDb = 0;
        float belowReferenceDb = 0; // the input's level under its 95th percentile (quietWeight)
        const float* performancePower = nullptr; // the input's power spectrum (kBins) there
        double performanceExcess = -1;           // betweenHarmonicExcess of the input; < 0: no gate
        // The gliding comb of `glide` at the gate's peak bins (harmonics 1, 2, ...) when the
        // caller has it (PerformanceGate: the performance's own pitch); else shape() computes it.
        const double* glidingCombAtGatePeaks = nullptr;
        // Voiced: the input's brightness over its typical (TypicalBrightness::deviation), which
        // the band above 8 kHz follows.
        double brightnessDeviation = 0;
        // Voiced: how much of each noise band above kGateTopHz of the input is not harmonic (a
        // voiced fricative's hiss), per band, when the caller has measured it (offline: every
        // other frame measured on its own spectrum, the frames between interpolated); else a
        // spectrum of the input whose 32 ms window resolves its harmonics (live: the window
        // ending now) and the input's own f0 around its centre (frames t - 2 .. t + 2 of that
        // window), from which shape() measures it (measureAperiodicShares); nullptr: none.
        const float* aperiodicShares = nullptr;
        const float* resolvedPerformancePower = nullptr;
        std::array<float, kGlideFrames> performanceGlide{};
    };
    // Fills `amplitudes` (maxHarmonics() of room) and returns how many harmonics sound; fills
    // `noisePsd` (kNoiseBins) on the noise grains' bins, and with a high band `highBandDensities`
    // (kHighBands of room) from the spectrum the frame's synthesis gives.
    int shape(const Frame& frame, float* amplitudes, float* noisePsd,
              float* highBandDensities = nullptr);
    // Per noise band centred from kGateTopHz up, the share of the power of `power` (kBins) that
    // is not harmonic, into `shares` (config.noiseBands): at each harmonic of `glide`'s f0 whose
    // own window lobe leaves the valley above it clear, the noise both its peak and that valley
    // hold (what the gliding comb does not explain), over the band's mean power; 0 where no
    // harmonic tells (below kGateTopHz, unvoiced, harmonics smeared by a glide). Whether any is
    // above 0.
    // `combs`: a cache of the combs across calls on the frames of one take (offline), or none.
    bool measureAperiodicShares(const float* power, const std::array<float, kGlideFrames>& glide,
                                float* shares, HarmonicCombCache* combs = nullptr);

private:
    // Outside the voice's range the envelope's H1 and H2 come from bands that were the voice's
    // formants or never sounded: the factor on H1's amplitude that gives the voice's own H1-H2 at
    // its nearest semitones (1 inside the range).
    double sourceH1Gain(double f0, const float* row) const;
    // Applies it, keeping the frame's A-weighted harmonic energy.
    static void applyH1Gain(double f0, double gain, float* amplitudes, int harmonics);

    // The noise envelope's bands (ln), the network's row but for two kinds of frames, whose
    // shape changes at the network's noise level (A-weighted), not their level: an unvoiced
    // frame takes the performance's own spectrum there (its breath or sibilant), a quiet one the
    // artist's quiet spectrum (docs/ARCHITECTURE.md "Voice model", "Quiet and unvoiced frames").
    const float* noiseBands(const float* row, double quiet, bool voiced,
                            const float* performancePower);
    // noiseBands_ moved by `weight` towards the curve `target` (ln; A-weighted power
    // exp(targetWeightedLn)) brought to noiseBands_'s A-weighted power.
    void moveNoiseTowards(const float* target, double targetWeightedLn, double weight);
    // The A-weighted power of a noise band curve (ln), its bands' powers spread over the bins
    // linearly (the synthesiser interpolates their logs; this only matches two curves' levels).
    double weightedPower(const float* bands) const;
    // A voiced frame's noise bands raised, where the input's aperiodic power there is more of
    // the frame's level than the network's noise is, to that power (docs/ARCHITECTURE.md "Voice
    // model", "Voiced fricatives"); its per-bin noise (noise_, logNoise_) and gain follow.
    // Returns the bands to synthesise (`bands`, or aperiodicBands_ when raised).
    const float* raiseToAperiodic(const Frame& frame, const float* bands, double noiseScale,
                                  double reference, double& gain);
    // logNoise_ from a noise band curve, interpolated onto the bins as the synthesiser does
    // (those from `fromBin` up).
    void spreadNoise(const float* bands, std::size_t fromBin = 0);

    VoiceConfig config_;
    SourceShape source_;
    HighBandModel highBand_;
    std::vector<float> noiseLowShare_; // per noise bin: 1, or 1 - highBandShare with a high band
    std::vector<float> synthesised_;   // the frame's predicted 16 kHz power spectrum
    std::vector<double> harmonicCentres_, noiseCentres_;
    std::vector<std::pair<int, float>> toBinsH_, toBinsN_;
    std::vector<float> envelope_, noise_, comb_;
    std::vector<double> logEnvelope_, logNoise_;
    std::vector<float> noiseBands_, scratchBands_, performanceLn_; // noiseBands()'s work
    std::vector<float> aperiodicShares_, aperiodicBands_;          // raiseToAperiodic()'s work
    std::vector<double> aperiodicNoise_, aperiodicMean_;
    std::vector<double> lnScratch_, expScratch_; // shape()'s exponentials, in and out
    // Per noise grain bin: its band and the share of the next (fixed, so not searched per frame).
    std::vector<std::pair<std::size_t, double>> noiseBinBands_;
    std::vector<float> quietLn_;       // the artist's quiet spectrum per noise band (ln), or empty
    double quietWeightedLn_ = 0;       // ln of its weightedPower
    std::vector<double> bandLoudness_; // per noise band: the A-weights its curve reaches
};

// Per-file conditioning: the timbre-independent inputs of the network, frames x
// kConditioningSize, row-major. Normalised per file so a louder take or a higher voice reads the
// same: [0] level relative to the file's 95th percentile (/20 dB), [1] log2(f0 / file median f0)
// (unvoiced frames: the interpolated f0), [2] voiced, [3] periodicity, [4..15] MFCC c1..c12
// normalised to zero mean and unit variance over the file's non-silent frames.
struct Conditioning {
    std::vector<float> values;
    std::vector<std::uint8_t> active; // not silent (level within 50 dB of the 95th percentile)
    double referenceDb = 0;
    double medianF0 = 0;
};
Conditioning conditioning(const dsp::VoiceFeatures& features);

// Whether a frame's tracked f0 is likely its second harmonic (the tracker an octave high): its
// spectrum (kBins) peaks at the odd multiples of f0 / 2, where a true f0 leaves valleys.
bool trackedAnOctaveHigh(const float* power, double f0);
// The voiced frames' f0 percentiles (5th, 50th, 95th) of one or more analysed recordings; zeros
// when none is voiced. With the spectra kept, frames tracked an octave high are left out (on a
// low male voice they made its range reach 275 Hz instead of ~200).
VoicePitchRange pitchRangeOf(const std::vector<const dsp::VoiceFeatures*>& recordings);

// The frame levels (A-weighted dB) to synthesise so that the output, read by the analysis window,
// has the levels `analysedDb` the input read: the synthesiser spreads each frame over its
// neighbours (smoothingKernel, v), and the analysed levels are already spread by their 32 ms
// window, so synthesising them as they are spread an onset twice - the 32 ms before it read
// 6-10 dB over the input's (docs/ARCHITECTURE.md "Voice model"). Offline only: it reads two
// frames ahead.
std::vector<float> levelsBeforeSpread(const std::vector<float>& analysedDb);

// The performance's noise gate per frame, from its analysis with the spectrum kept: its
// betweenHarmonicExcess (-1 where unvoiced) and the gliding comb at the gate's peak bins that it
// reads, which shape() needs again for a frame sung at the performance's own pitch: computed
// twice it was 2.5% of a convert (docs/ARCHITECTURE.md "Voice model", convert's speed). Sung
// transposed, the combs are left empty and shape() computes its own.
struct PerformanceGate {
    std::vector<float> excess;
    std::vector<float> f0;              // the performance's own f0 per frame (features.f0Hz)
    std::vector<std::size_t> firstPeak; // per frame: where its values start in combAtGatePeaks
    std::vector<double> combAtGatePeaks;
};
PerformanceGate performanceGate(const dsp::VoiceFeatures& features);

// Frame controls as the network outputs them: frames x (envelopeBands + noiseBands), log power.
// Turns them into per-frame harmonic amplitudes and noise PSDs, scaled to the frame levels, and
// synthesises 16 kHz audio of `length` samples. `f0` and `voiced` per frame (f0 already
// transposed). Deterministic (the noise generator is seeded with `noiseSeed`).
// `gate` per frame: the input's noise gate (PerformanceGate). `referenceDb`: the input's
// 95th-percentile level (Conditioning::referenceDb), for its quiet frames.
// With a high band, `highBandDensities` receives its bands per frame (frames x kHighBands).
std::vector<float> synthesise(const VoiceConfig& config, const SourceShape& source,
                              const std::vector<float>& controls, const std::vector<float>& f0,
                              const std::vector<std::uint8_t>& voiced,
                              const std::vector<float>& loudnessDb, double referenceDb,
                              const PerformanceGate& gate,
                              const std::vector<float>& performancePower, std::size_t length,
                              std::uint64_t noiseSeed = 0x5eed, const HighBandModel& highBand = {},
                              std::vector<float>* highBandDensities = nullptr);
// The synthesiser's harmonic oscillators (offline and live): over one hop the fundamental's
// frequency moves linearly from one frame's f0 to the next's and each harmonic's amplitude from
// one frame's to the next's; harmonic h's phasor is the fundamental's to the power h. Allocates
// nothing (the live node runs it on its worker).
class HarmonicOscillators {
public:
    // Adds `count` samples (at most an::kHop) of the hop from a frame with f0 `fromHz` and
    // harmonic amplitudes from[0 .. fromCount) to one with `toHz` and to[0 .. toCount) into `out`.
    void addHop(double fromHz, double toHz, const float* from, int fromCount, const float* to,
                int toCount, int count, float* out);

private:
    double phase_ = 0; // the fundamental's phase at the last sample made, in [0, 2 pi)
    std::array<float, an::kHop> baseRe_{}, baseIm_{}, powerRe_{}, powerIm_{};
};

// Noise grains (offline and live): white Gaussian noise shaped by a frame's power spectral
// density in the frequency domain, kNoiseFrame samples windowed by sqrt-Hann and overlap-added at
// the hop (the squared windows sum to 1), so the expected STFT power is PSD * sum w^2, as the
// training model assumes.
constexpr int kNoiseBins = kNoiseFrame / 2 + 1;
constexpr int kNoiseSpectra = 256;
// kNoiseSpectra unit complex Gaussian spectra (kNoiseBins re, im pairs each) drawn once from a
// fixed seed; each frame takes one at random (a per-frame Gaussian draw cost more than the rest
// of the noise synthesis).
const std::vector<float>& noiseSpectra();
// The grains' sqrt-Hann window (kNoiseFrame samples).
const std::vector<float>& noiseGrainWindow();
// kNoiseFrame times one grain, unwindowed, into fft.samples() (`fft` of kNoiseFrame points): the
// spectrum `draw` (one of noiseSpectra) scaled to the PSD `psd` (kNoiseBins values).
void makeNoiseGrain(const float* psd, const float* draw, dsp::RealFft& fft);

// Keeps |x| <= ceiling with a smooth gain that dips only around the peaks that exceed it
// (2 ms windows at `sampleRate`), so the frame levels elsewhere are untouched.
void limitPeaks(std::vector<float>& samples, int sampleRate, float ceiling);

// The gain g_t of one frame: level / predicted A-weighted mean square of (E C + N S).
// `envelope` and `noise` are per-bin linear powers (kBins).
double frameGain(const float* envelope, const float* comb, const float* noise, float loudnessDb);

} // namespace accord::models::voice

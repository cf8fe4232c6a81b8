#pragma once

// The voice model's band above the 16 kHz synthesiser (docs/ARCHITECTURE.md "Voice model", "Full
// band"), in plain C++. The network and the harmonic synthesiser stay at 16 kHz; above them a
// model trained on full-band recordings adds noise bands from 7 kHz up to the band edge its
// recordings really fill, at the output rate:
//   - training measures each recording's band edge on its own samples (not its header's rate)
//     and, per analysis frame, the power density of each high band relative to the density the
//     16 kHz spectrum has at 5-7 kHz; a least-squares fit, one for voiced and one for unvoiced
//     frames, predicts it from the shape of that 16 kHz spectrum (its 3-5 kHz and 5-7 kHz
//     densities against the frame's whole);
//   - conversion takes the same shape from the spectrum the model synthesises for the frame
//     (voice::FrameShaper), predicts the bands' densities, and plays band-limited noise shaped
//     by them, interpolated between frames as the harmonics are; on voiced frames the noise is
//     modulated at the fundamental's phase, as a voice's aspiration is, so it sounds with the
//     voice rather than as hiss beside it.
// On voiced frames the densities are anchored to the performance's brightness rather than to the
// network's 5-7 kHz: the voice's typical brightness (measured in training) moved by the frame's
// brightness over the performance's own typical, so the top follows the performance's
// articulation frame by frame in the voice's timbre (docs/ARCHITECTURE.md "Voice model", "Full
// band").
// The crossover: the high band rises as sin^2 over 7-8 kHz and the synthesiser's noise falls as
// cos^2 there (voice::FrameShaper), so the two sum to the learned density with no hole or bump.
// A model whose recordings stop at or below 8 kHz has no high band: it never invents a top it did
// not hear.

#include "accord/dsp/voice_features.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace accord::models::voice {

constexpr int kHighBands = 9;
// The bands' edges (Hz); a model uses those below its band edge, the last one cut there.
constexpr std::array<double, kHighBands + 1> kHighBandEdgesHz = {7000,  8000,  9000,  10000, 11000,
                                                                 12500, 14000, 16000, 18000, 20000};
constexpr double kCrossoverFromHz = 7000, kCrossoverToHz = 8000;
constexpr double kNoHighBandBelowHz = 8000; // a band edge at or under it: band-limited
constexpr int kHighBandFeatures = 3;        // 1, ln(d 3-5 kHz / d 5-7 kHz), ln(d 5-7 kHz / d all)

// The high band's share of the power at `hz` in the crossover: 0 below 7 kHz, 1 from 8 kHz.
double highBandShare(double hz);

// The band a recording really fills: the highest frequency within 60 dB of the peak of its
// long-term spectrum (mean power of Hann frames of about 46 ms, half overlapped), capped at
// 20 kHz.
double measuredBandEdgeHz(const std::vector<float>& samples, int rate);

// What the high band is predicted from: the shape of a frame's 16 kHz power spectrum (kBins of
// |X|^2, as voice_dsp.h's analysis), and the density at 5-7 kHz the bands are relative to.
struct LowBandShape {
    std::array<double, kHighBandFeatures> features{};
    double referenceDensity = 0; // power per Hz at 5-7 kHz
    double brightness = 0; // ln of referenceDensity over the A-weighted power (dsp::levelDb's)
};
LowBandShape lowBandShape(const float* power);

// The typical brightness (LowBandShape::brightness) of voiced frames: their median, from a
// histogram, for a voice's training recordings and for a performance (the whole take offline,
// the frames so far live). A median, not a mean: a voiced frame's brightness spans 30 dB (a
// vowel's to a voiced fricative's), and the share of fricatives the tracker calls voiced differs
// between offline and live (live voices more frames). Allocates nothing.
class TypicalBrightness {
public:
    void add(double brightness);
    double median() const; // 0 before any frame
    // A frame's brightness over the median (ln), bounded by kMostBrightnessDb (30 dB: a 12 dB
    // bound held a fifth of the voiced frames, the fricatives, and put the live top 2.7 dB under
    // the offline one's); 0 before any frame.
    double deviation(double brightness) const;

private:
    static constexpr int kHistogramBins = 400; // 0.25 dB each, from -90 dB
    std::array<std::uint32_t, kHistogramBins> histogram_{};
    std::uint32_t frames_ = 0;
};

// The learned high band: the model's band edge and, per band, the fit for voiced and unvoiced
// frames (ln density relative to the reference, linear in the features).
struct HighBandModel {
    double bandEdgeHz = 0; // measured on the training recordings (HighBandFit); 0: unknown
    int bands = 0;         // high bands in use; 0: none (band-limited, or an older model)
    std::array<std::array<float, kHighBandFeatures>, kHighBands> voiced{}, unvoiced{};
    // The voice's voiced frames' typical brightness (TypicalBrightness); NaN for a model
    // trained before it was kept, whose voiced frames keep the network's 5-7 kHz as reference.
    double voicedBrightness = std::numeric_limits<double>::quiet_NaN();

    bool present() const { return bands > 0; }
    double bandLowHz(int band) const { return kHighBandEdgesHz[std::size_t(band)]; }
    double bandHighHz(int band) const;
    // Power per Hz of each band in use (`bands` values).
    void predict(const LowBandShape& low, bool voicedFrame, float* densities) const;
    // The 5-7 kHz density a voiced frame's bands are relative to: the synthesised frame's
    // A-weighted power at the voice's brightness moved by the performance's `deviation`
    // (TypicalBrightness); the synthesised density itself without a voicedBrightness.
    double voicedReference(const LowBandShape& synthesised, double deviation) const;

    nlohmann::json toJson() const; // the card's metrics "highBand"
    // From a card's metrics ("bandEdgeHz", "highBand"); none when absent or malformed.
    static HighBandModel fromMetrics(const nlohmann::json& metrics);
};

// Training: frames of recordings added one recording at a time, solved once all are in.
class HighBandFit {
public:
    // One recording: its own samples at its own rate, and its 16 kHz analysis with the spectrum
    // kept (frames centred on t * hop). `usable` marks the frames to learn from.
    void add(const std::vector<float>& samples, int rate, const dsp::VoiceFeatures& features,
             const std::vector<std::uint8_t>& usable);
    // Adds what `later` learned after this fit's recordings: the same state as adding its
    // recordings here one by one, so recordings may be fitted apart (in parallel) and joined.
    void append(const HighBandFit& later);
    // The fit up to the band edge that most of the sound reaches (the edge under which half of
    // the recordings' seconds stop): band-limited (no bands) when it is at or under 8 kHz. Each
    // band learns from the recordings that reach it.
    HighBandModel solve() const;

private:
    struct Frame {
        LowBandShape low;
        bool voiced = false;
        std::array<float, kHighBands> target{}; // ln density / reference; NaN above the edge
    };
    std::vector<Frame> frames_;
    std::vector<std::pair<double, double>> edges_; // per recording: band edge (Hz), seconds
};

// The high band played at an output rate, frame by frame, for the offline synthesiser and the
// live node alike: each sample is the same whichever way the stream is cut. Allocates only at
// construction.
class HighBandVoice {
public:
    HighBandVoice(const HighBandModel& model, int rate);
    bool active() const { return model_.present() && rate_ > 2 * kCrossoverFromHz; }

    // A frame whose centre is 16 kHz sample `instant16`: the bands' power per Hz (`bands`
    // values), voicing and f0 (Hz). Frames come in time order.
    void pushFrame(std::int64_t instant16, const float* densities, bool voiced, float f0);
    // Adds the high band to out[0 .. count) for output samples first .. first + count - 1 (each
    // sample once, in order): interpolated between the frames around it, held past the ends.
    void add(float* out, std::int64_t first, int count);

private:
    struct FrameAt {
        double position = 0; // in output samples
        std::array<float, kHighBands> amplitude{};
        float voicing = 0, f0 = 0;
    };
    void addSpan(float* out, std::int64_t first, int count, const FrameAt& a, const FrameAt& b);

    HighBandModel model_;
    int rate_;
    std::vector<std::vector<float>> loops_; // per band: unit-density band-limited noise
    std::array<FrameAt, 4> frames_{};       // the newest last
    int framesKept_ = 0;
    double phase_ = 0;
    std::vector<float> sum_;               // scratch of one span
    const std::vector<float>& modulation_; // made here, not on the live worker
};

} // namespace accord::models::voice

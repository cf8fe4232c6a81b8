#pragma once

// What a render measures on the samples it writes (docs/ARCHITECTURE.md, "Audio engine"):
// integrated loudness (EBU R128) and true peak, to the bit what libebur128 reports with
// EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK, at a fraction of its cost. Private to the audio library.

#include <ebur128.h>

#include <cstddef>
#include <vector>

namespace accord::audio::detail {

// libebur128's true-peak interpolator (interp_create(49, factor, 1)): 4x below 96 kHz, 2x below
// 192 kHz, none (factor 0) above. Phase f's value at frame n is the sum over t of
// x[n - framesBack[f][t]] * coefficients[f][t], in that order; it looks `history` frames back.
struct TruePeakInterpolator {
    unsigned factor = 0;
    std::size_t history = 0;
    std::vector<std::vector<double>> coefficients;
    std::vector<std::vector<std::ptrdiff_t>> framesBack;
};
TruePeakInterpolator libebur128Interpolator(int sampleRate);

// The true peak of libebur128 (1.2.x), computed the same way: its 49-tap windowed-sinc
// polyphase interpolator (4x below 96 kHz, 2x below 192 kHz, none above) with its coefficients
// (computed at run time with the C library's sin and cos, as libebur128 computes them), each
// interpolated value summed in double in libebur128's order, rounded to float, its magnitude
// compared in double, with denormal results flushed to zero as libebur128 flushes them; the
// sample peak likewise; the true peak of a channel is the larger of the two, as
// ebur128_true_peak reports it. Sixteen values are computed at once, each with exactly the
// operations libebur128 uses for it, so the figures are libebur128's bit for bit (the render
// tests compare them) while libebur128 itself only measures the loudness.
class TruePeakMeter {
public:
    // `channels` must divide 16 (1, 2, 4, 8 or 16).
    TruePeakMeter(int channels, int sampleRate);
    // `frames` frames of interleaved samples, continuing the previous ones.
    void add(const float* interleaved, std::size_t frames);
    // Linear: 1.0 is full scale.
    double peak(int channel) const;

private:
    int channels_;
    std::size_t history_ = 0;             // frames of history the interpolator looks back at
    std::vector<double> coefficients_;    // every phase's coefficients, one phase after another
    std::vector<std::ptrdiff_t> offsets_; // how many samples back each coefficient looks
    std::vector<int> phaseTaps_;          // how many coefficients each phase has
    std::vector<double> samples_;         // history, then the frames being measured
    std::vector<double> samplePeak_, interpolatedPeak_; // per channel
};

// Integrated loudness by libebur128 (EBUR128_MODE_I) and the true peak by TruePeakMeter.
class LoudnessMeter {
public:
    LoudnessMeter(int channels, int sampleRate); // throws std::bad_alloc
    ~LoudnessMeter();
    LoudnessMeter(const LoudnessMeter&) = delete;
    LoudnessMeter& operator=(const LoudnessMeter&) = delete;

    // Returns false when libebur128 could not take them (out of memory).
    bool add(const float* interleaved, std::size_t frames);
    // LUFS; -inf for silence.
    double integratedLoudness() const;
    // Linear, the larger of the channels' true peaks.
    double truePeak() const;

private:
    int channels_;
    ebur128_state* state_ = nullptr;
    TruePeakMeter peaks_;
};

} // namespace accord::audio::detail

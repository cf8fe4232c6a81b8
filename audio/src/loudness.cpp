#include "loudness.h"

#include <ebur128.h>

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>

// 32-byte vectors pass between inline helpers; no function with them crosses a library boundary.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace accord::audio::detail {
namespace {

// libebur128's interpolator (interp_create(49, factor, channels) in ebur128.c).
constexpr unsigned kTaps = 49;
constexpr double kAlmostZero = 0.000001;
constexpr double kPi = 3.14159265358979323846; // M_PI
// Read at run time, so the coefficients come from the C library's sin and cos, as libebur128's
// do, and not from the compiler's folding of constants.
volatile unsigned runTimeTaps = kTaps;

constexpr int kLanes = 16; // values computed at once
using Float4 = float __attribute__((vector_size(16)));
using Double4 = double __attribute__((vector_size(32)));

inline Double4 load(const double* from) {
    Double4 v;
    std::memcpy(&v, from, sizeof v);
    return v;
}

inline void store(double* to, Double4 v) {
    std::memcpy(to, &v, sizeof v);
}

inline Double4 widen(const float* from) {
    Float4 v;
    std::memcpy(&v, from, sizeof v);
    return __builtin_convertvector(v, Double4);
}

// (double)(float)v, lane by lane.
inline Double4 roundedToFloat(Double4 v) {
    return __builtin_convertvector(__builtin_convertvector(v, Float4), Double4);
}

// EBUR128_MAX(v, -v), lane by lane.
inline Double4 magnitude(Double4 v) {
    const Double4 negative = -v;
    return v > negative ? v : negative;
}

// if (m > peak) peak = m, lane by lane.
inline Double4 raised(Double4 peak, Double4 m) {
    return m > peak ? m : peak;
}

inline double magnitude(double v) {
    return v > -v ? v : -v;
}

// Writes (double)x[e] to widened[e] and raises peaks[e % 16] (four lanes per vector) to its
// magnitude, for every element e in [0, 16 * groups) (the sample peak of ebur128_filter_float).
__attribute__((target_clones("avx2", "default"))) void
widenRaisingPeaks(const float* x, std::size_t groups, double* widened, Double4* peaks) {
    Double4 p[4] = {peaks[0], peaks[1], peaks[2], peaks[3]};
    for (std::size_t g = 0; g < groups; ++g)
        for (int k = 0; k < 4; ++k) {
            const Double4 v = widen(x + g * kLanes + 4 * k);
            store(widened + g * kLanes + 4 * k, v);
            p[k] = raised(p[k], magnitude(v));
        }
    for (int k = 0; k < 4; ++k)
        peaks[k] = p[k];
}

// Raises peaks[e % 16] to the magnitude of the interpolated value of every element e in
// [0, 16 * groups): the sum over t of x[e - offsets[t]] * coefficients[t] from 0.0 in the order
// of t, rounded to float (interp_process).
__attribute__((target_clones("avx2", "default"))) void
raiseInterpolatedPeaks(const double* x, std::size_t groups, const double* coefficients,
                       const std::ptrdiff_t* offsets, int taps, Double4* peaks) {
    Double4 p0 = peaks[0], p1 = peaks[1], p2 = peaks[2], p3 = peaks[3];
    for (std::size_t g = 0; g < groups; ++g) {
        const double* at = x + g * kLanes;
        Double4 a0 = {}, a1 = {}, a2 = {}, a3 = {};
        for (int t = 0; t < taps; ++t) {
            const double* from = at - offsets[t];
            const double c = coefficients[t];
            a0 += load(from) * c;
            a1 += load(from + 4) * c;
            a2 += load(from + 8) * c;
            a3 += load(from + 12) * c;
        }
        p0 = raised(p0, magnitude(roundedToFloat(a0)));
        p1 = raised(p1, magnitude(roundedToFloat(a1)));
        p2 = raised(p2, magnitude(roundedToFloat(a2)));
        p3 = raised(p3, magnitude(roundedToFloat(a3)));
    }
    peaks[0] = p0;
    peaks[1] = p1;
    peaks[2] = p2;
    peaks[3] = p3;
}

// Flush to zero (not denormals-are-zero) for a scope, as libebur128 interpolates (TURN_ON_FTZ).
class FlushToZero {
public:
#if defined(__SSE__)
    FlushToZero() : saved_(_mm_getcsr()) {
        _mm_setcsr(saved_ | _MM_FLUSH_ZERO_ON);
    }
    ~FlushToZero() {
        _mm_setcsr(saved_);
    }

private:
    unsigned saved_;
#endif
};

} // namespace

TruePeakInterpolator libebur128Interpolator(int sampleRate) {
    TruePeakInterpolator interpolator;
    // ebur128_init_resampler: 4x below 96 kHz, 2x below 192 kHz, no interpolation above.
    const unsigned factor = sampleRate < 96000 ? 4 : sampleRate < 192000 ? 2 : 0;
    interpolator.factor = factor;
    if (factor == 0)
        return interpolator;
    const unsigned taps = runTimeTaps;
    const unsigned delay = (taps + factor - 1) / factor;
    interpolator.history = delay - 1;
    interpolator.coefficients.resize(factor);
    interpolator.framesBack.resize(factor);
    for (unsigned j = 0; j < taps; j++) {
        // interp_create, operation for operation.
        const double m = (double)j - (double)(taps - 1) / 2.0;
        double c = 1.0;
        if (std::fabs(m) > kAlmostZero)
            c = std::sin(m * kPi / factor) / (m * kPi / factor);
        c *= 0.5 * (1 - std::cos(2 * kPi * j / (taps - 1)));
        if (std::fabs(c) > kAlmostZero) {
            interpolator.coefficients[j % factor].push_back(c);
            interpolator.framesBack[j % factor].push_back(std::ptrdiff_t(j / factor));
        }
    }
    return interpolator;
}

TruePeakMeter::TruePeakMeter(int channels, int sampleRate)
    : channels_(channels), samplePeak_(std::size_t(channels), 0.0),
      interpolatedPeak_(std::size_t(channels), 0.0) {
    if (channels <= 0 || kLanes % channels != 0)
        throw std::invalid_argument("TruePeakMeter: channels must divide 16");
    const TruePeakInterpolator interpolator = libebur128Interpolator(sampleRate);
    if (interpolator.factor == 0)
        return;
    history_ = interpolator.history;
    for (unsigned f = 0; f < interpolator.factor; ++f) {
        phaseTaps_.push_back(int(interpolator.coefficients[f].size()));
        coefficients_.insert(coefficients_.end(), interpolator.coefficients[f].begin(),
                             interpolator.coefficients[f].end());
        for (const std::ptrdiff_t back : interpolator.framesBack[f])
            offsets_.push_back(back * channels);
    }
    samples_.assign(history_ * std::size_t(channels), 0.0); // libebur128's zeroed delay line
}

void TruePeakMeter::add(const float* interleaved, std::size_t frames) {
    const FlushToZero flushToZero;
    const std::size_t count = frames * std::size_t(channels_);
    const std::size_t groups = count / kLanes;
    const std::size_t history = history_ * std::size_t(channels_);
    Double4 lanes[kLanes / 4];
    auto clear = [&] {
        for (auto& lane : lanes)
            lane = Double4{};
    };
    auto raise = [&](std::size_t e, double value) {
        Double4& lane = lanes[(e % kLanes) / 4];
        if (value > lane[e % 4])
            lane[e % 4] = value;
    };
    auto fold = [&](std::vector<double>& peaks) {
        for (int lane = 0; lane < kLanes; ++lane) {
            const double value = lanes[lane / 4][lane % 4];
            double& peak = peaks[std::size_t(lane % channels_)];
            if (value > peak)
                peak = value;
        }
    };

    // The samples in double after the delay line's history (each converted once), and their
    // peak.
    samples_.resize(history + count);
    double* const x = samples_.data() + history;
    clear();
    widenRaisingPeaks(interleaved, groups, x, lanes);
    for (std::size_t e = groups * kLanes; e < count; ++e) {
        x[e] = double(interleaved[e]);
        raise(e, magnitude(x[e]));
    }
    fold(samplePeak_);

    // The interpolated peak.
    clear();
    std::size_t first = 0;
    for (int taps : phaseTaps_) {
        const double* coefficients = coefficients_.data() + first;
        const std::ptrdiff_t* offsets = offsets_.data() + first;
        raiseInterpolatedPeaks(x, groups, coefficients, offsets, taps, lanes);
        for (std::size_t e = groups * kLanes; e < count; ++e) {
            double sum = 0.0;
            for (int t = 0; t < taps; ++t)
                sum += x[std::ptrdiff_t(e) - offsets[t]] * coefficients[t];
            raise(e, magnitude(double(float(sum))));
        }
        first += std::size_t(taps);
    }
    fold(interpolatedPeak_);

    // The last frames are the next call's history.
    std::memmove(samples_.data(), samples_.data() + count, history * sizeof(double));
    samples_.resize(history);
}

double TruePeakMeter::peak(int channel) const {
    const double interpolated = interpolatedPeak_.at(std::size_t(channel));
    const double sample = samplePeak_.at(std::size_t(channel));
    return interpolated > sample ? interpolated : sample; // ebur128_true_peak
}

LoudnessMeter::LoudnessMeter(int channels, int sampleRate)
    : channels_(channels), peaks_(channels, sampleRate) {
    state_ = ebur128_init(unsigned(channels), unsigned(sampleRate), EBUR128_MODE_I);
    if (state_ == nullptr)
        throw std::bad_alloc();
}

LoudnessMeter::~LoudnessMeter() {
    ebur128_destroy(&state_);
}

bool LoudnessMeter::add(const float* interleaved, std::size_t frames) {
    if (ebur128_add_frames_float(state_, interleaved, frames) != EBUR128_SUCCESS)
        return false;
    peaks_.add(interleaved, frames);
    return true;
}

double LoudnessMeter::integratedLoudness() const {
    double lufs = -std::numeric_limits<double>::infinity();
    if (ebur128_loudness_global(state_, &lufs) != EBUR128_SUCCESS)
        return -std::numeric_limits<double>::infinity();
    return lufs;
}

double LoudnessMeter::truePeak() const {
    double peak = 0.0;
    for (int c = 0; c < channels_; ++c)
        peak = std::max(peak, peaks_.peak(c));
    return peak;
}

} // namespace accord::audio::detail

#include "accord/dsp/biquad.h"

#include <cmath>

namespace accord::dsp {

Biquad Biquad::butterworthLowpass(double cutoffHz, double sampleRate) {
    constexpr double kPi = 3.14159265358979323846;
    const double w = 2 * kPi * cutoffHz / sampleRate;
    const double alpha = std::sin(w) / (2 * std::sqrt(0.5));
    const double a0 = 1 + alpha;
    Biquad filter;
    filter.b0_ = (1 - std::cos(w)) / 2 / a0;
    filter.b1_ = (1 - std::cos(w)) / a0;
    filter.b2_ = filter.b0_;
    filter.a1_ = -2 * std::cos(w) / a0;
    filter.a2_ = (1 - alpha) / a0;
    return filter;
}

} // namespace accord::dsp

#include "true_peak_limiter.h"

#include <algorithm>
#include <cmath>

namespace accord::audio::detail {
namespace {

// How long the gain takes to fall to a peak's level, and to come back from it (docs/ARCHITECTURE.md
// "Loudness target on export"): short enough to catch a transient, long enough not to distort a
// bass note by following its waveform.
constexpr double kAttackSeconds = 0.002;
constexpr double kReleaseSeconds = 0.1;
// Kept below the ceiling so the rounding of the output (float, then 24-bit) cannot cross it.
constexpr double kMarginDb = 0.01;

double fromDb(double db) {
    return std::pow(10.0, db / 20.0);
}

} // namespace

TruePeakLimiter::TruePeakLimiter(int sampleRate, double gainDb, double ceilingDbtp)
    : interpolator_(libebur128Interpolator(sampleRate)), gain_(fromDb(gainDb)),
      ceiling_(fromDb(ceilingDbtp - kMarginDb)),
      smoothing_(std::max(1, int(std::lround(kAttackSeconds * sampleRate)))),
      release_(1.0 - std::exp(-1.0 / (kReleaseSeconds * sampleRate))) {
    // The gain of output frame k is at most the gain every interpolated value that frame k
    // feeds needs (inputs k .. k + history), averaged over the smoothing: so a peak at input n
    // meets a gain that is flat over all the frames its interpolated value reads.
    window_ = int(interpolator_.history) + smoothing_;
    latency_ = window_ - 1;
    std::size_t ring = 1;
    while (ring < std::size_t(latency_ + int(interpolator_.history) + 2))
        ring *= 2;
    mask_ = ring - 1;
    for (auto& channel : input_)
        channel.assign(ring, 0.0);
    std::size_t minimumRing = 1;
    while (minimumRing < std::size_t(window_ + 1))
        minimumRing *= 2;
    minimum_.assign(minimumRing, {0, 1.0});
    minimumMask_ = minimumRing - 1;
    recent_.assign(std::size_t(smoothing_), 1.0);
}

void TruePeakLimiter::reset() noexcept {
    for (auto& channel : input_)
        std::fill(channel.begin(), channel.end(), 0.0);
    in_ = 0;
    minimumHead_ = minimumSize_ = 0;
    released_ = 1.0;
    std::fill(recent_.begin(), recent_.end(), 1.0);
    recentSum_ = 0;
    deepest_ = 1.0;
}

void TruePeakLimiter::setCeiling(double ceilingDbtp) noexcept {
    ceiling_ = fromDb(ceilingDbtp - kMarginDb);
}

double TruePeakLimiter::detect(std::int64_t n) {
    double peak = 0;
    for (int c = 0; c < 2; ++c) {
        peak = std::max(peak, std::fabs(stored(c, n)));
        for (unsigned f = 0; f < interpolator_.factor; ++f) {
            const auto& coefficients = interpolator_.coefficients[f];
            const auto& back = interpolator_.framesBack[f];
            double sum = 0.0;
            for (std::size_t t = 0; t < coefficients.size(); ++t)
                if (n - back[t] >= 0)
                    sum += stored(c, n - back[t]) * coefficients[t];
            peak = std::max(peak, std::fabs(double(float(sum))));
        }
    }
    return peak;
}

void TruePeakLimiter::process(const float* left, const float* right, int frames, float* outLeft,
                              float* outRight) {
    for (int i = 0; i < frames; ++i) {
        const std::int64_t n = in_++;
        stored(0, n) = double(left[i]) * gain_;
        stored(1, n) = double(right[i]) * gain_;
        const double peak = detect(n);
        const double needed = peak > ceiling_ ? ceiling_ / peak : 1.0;
        while (minimumSize_ > 0 &&
               minimum_[(minimumHead_ + minimumSize_ - 1) & minimumMask_].second >= needed)
            --minimumSize_;
        minimum_[(minimumHead_ + minimumSize_++) & minimumMask_] = {n, needed};

        // Output frame k: the smallest gain needed by inputs k .. k + window_ - 1, released
        // slowly, averaged over the last smoothing_ frames.
        const std::int64_t k = n - latency_;
        while (minimum_[minimumHead_].first < k) {
            minimumHead_ = (minimumHead_ + 1) & minimumMask_;
            --minimumSize_;
        }
        if (k < 0) {
            outLeft[i] = outRight[i] = 0.0f;
            continue;
        }
        released_ =
            std::min(minimum_[minimumHead_].second, released_ + (1.0 - released_) * release_);
        if (k == 0) { // the average starts from the first gain, not from unity
            std::fill(recent_.begin(), recent_.end(), released_);
            recentSum_ = released_ * smoothing_;
        }
        double& slot = recent_[std::size_t(k % smoothing_)];
        recentSum_ += released_ - slot;
        slot = released_;
        const double gain = std::min(1.0, recentSum_ / smoothing_);
        deepest_ = std::min(deepest_, gain);
        outLeft[i] = float(stored(0, k) * gain);
        outRight[i] = float(stored(1, k) * gain);
    }
}

double TruePeakLimiter::deepestReductionDb() const {
    return 20.0 * std::log10(deepest_);
}

} // namespace accord::audio::detail

#pragma once

// One-shot resampling of a whole signal with libsoxr (linear phase, its delay removed): the
// result stays time-aligned with the input.

#include <cstddef>
#include <vector>

namespace accord::dsp {

enum class ResampleQuality {
    High, // SOXR_HQ: 20-bit, the analysis and conversion path
    Low,  // SOXR_LQ: 16-bit with a wider roll-off, several times faster
};

// `length` output samples (the request, even where the input ends sooner: the rest is zero).
// Equal rates copy the input, cut or zero-padded to `length`. Throws accord::BadInput for a
// rate that is not positive.
std::vector<float> resample(const std::vector<float>& samples, double fromRate, double toRate,
                            std::size_t length, ResampleQuality quality = ResampleQuality::High);

// round(n * toRate / fromRate) output samples.
std::vector<float> resample(const std::vector<float>& samples, double fromRate, double toRate,
                            ResampleQuality quality = ResampleQuality::High);

} // namespace accord::dsp

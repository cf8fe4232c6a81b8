#include "accord/dsp/resample.h"

#include "accord/core/errors.h"

#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace accord::dsp {
namespace {

void checkRates(double fromRate, double toRate) {
    if (!(fromRate > 0) || !(toRate > 0))
        throw BadInput("resample: invalid rates " + std::to_string(fromRate) + " -> " +
                       std::to_string(toRate));
}

} // namespace

std::vector<float> resample(const std::vector<float>& samples, double fromRate, double toRate,
                            std::size_t length, ResampleQuality quality) {
    checkRates(fromRate, toRate);
    if (fromRate == toRate) {
        std::vector<float> copy(samples);
        copy.resize(length, 0.0f);
        return copy;
    }
    std::vector<float> out(length, 0.0f);
    if (samples.empty() || length == 0)
        return out;
    const soxr_quality_spec_t spec =
        soxr_quality_spec(quality == ResampleQuality::High ? SOXR_HQ : SOXR_LQ, 0);
    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    size_t done = 0;
    const soxr_error_t error =
        soxr_oneshot(fromRate, toRate, 1, samples.data(), samples.size(), nullptr, out.data(),
                     length, &done, &io, &spec, nullptr);
    if (error)
        throw std::runtime_error(std::string("libsoxr: ") + error);
    // soxr may deliver a sample less at the very end.
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(std::min(done, length)), out.end(), 0.0f);
    return out;
}

std::vector<float> resample(const std::vector<float>& samples, double fromRate, double toRate,
                            ResampleQuality quality) {
    checkRates(fromRate, toRate);
    const auto length = static_cast<std::size_t>(
        std::llround(static_cast<double>(samples.size()) * toRate / fromRate));
    return resample(samples, fromRate, toRate, length, quality);
}

} // namespace accord::dsp

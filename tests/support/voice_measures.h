#pragma once

// Voice quality measures shared by the voice benchmarks and tests (frame features from
// accord/dsp/voice_features.h), so every figure is computed the same way wherever it is printed.

#include "accord/dsp/voice_features.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

namespace accord::test {

// Frames within 50 dB of the clip's 95th-percentile level (and above -75 dB): where it sounds.
inline std::vector<std::uint8_t> soundingFrames(const dsp::VoiceFeatures& f) {
    std::vector<float> levels = f.loudnessDb;
    std::sort(levels.begin(), levels.end());
    const double reference =
        levels.empty() ? 0 : levels[static_cast<std::size_t>(0.95 * double(levels.size() - 1))];
    std::vector<std::uint8_t> out(f.loudnessDb.size());
    for (std::size_t t = 0; t < out.size(); ++t)
        out[t] = f.loudnessDb[t] > std::max(reference - 50.0, -75.0);
    return out;
}

// Mean over the reference's sounding frames of the RMS dB difference of the power spectra
// (with a floor 40 dB under each reference frame's mean power, as the training loss).
inline double logSpectralDistance(const dsp::VoiceFeatures& reference,
                                  const dsp::VoiceFeatures& other) {
    namespace an = dsp::analysis;
    const std::vector<std::uint8_t> sounding = soundingFrames(reference);
    double total = 0, frames = 0;
    const auto count = static_cast<std::size_t>(std::min(reference.frames, other.frames));
    for (std::size_t t = 0; t < count; ++t) {
        if (!sounding[t])
            continue;
        const float* a = reference.power.data() + t * an::kSpectrumBins;
        const float* b = other.power.data() + t * an::kSpectrumBins;
        double mean = 0;
        for (int k = 0; k < an::kSpectrumBins; ++k)
            mean += a[k];
        const double floor = mean / an::kSpectrumBins * 1e-4 + 1e-12;
        double sum = 0;
        for (int k = 0; k < an::kSpectrumBins; ++k) {
            const double db = 10 * std::log10((b[k] + floor) / (a[k] + floor));
            sum += db * db;
        }
        total += std::sqrt(sum / an::kSpectrumBins);
        ++frames;
    }
    return frames > 0 ? total / frames : 0;
}

// Pearson correlation of two equally long series.
inline double correlation(const std::vector<double>& x, const std::vector<double>& y) {
    const double n = static_cast<double>(x.size());
    const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
    const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
    double sxy = 0, sxx = 0, syy = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / std::sqrt(sxx * syy);
}

} // namespace accord::test

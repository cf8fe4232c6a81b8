#include "accord/dsp/mel.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace accord::dsp {

using namespace analysis;

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kLogFloor = 1e-10; // added to energies before the logarithm

// The bins [first, last) where each triangular filter is not zero.
const std::vector<std::pair<int, int>>& melSpans() {
    static const std::vector<std::pair<int, int>> spans = [] {
        const std::vector<float>& mel = melFilterbank();
        std::vector<std::pair<int, int>> table(kMelBands, {0, 0});
        for (int band = 0; band < kMelBands; ++band) {
            const float* w = mel.data() + static_cast<size_t>(band) * kSpectrumBins;
            int first = kSpectrumBins, last = -1;
            for (int k = 0; k < kSpectrumBins; ++k)
                if (w[k] != 0.0f) {
                    first = std::min(first, k);
                    last = k;
                }
            table[static_cast<size_t>(band)] = {first, last + 1};
        }
        return table;
    }();
    return spans;
}

} // namespace

double hzToMel(double hz) {
    return 2595.0 * std::log10(1.0 + hz / 700.0);
}

double melToHz(double mel) {
    return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
}

const std::vector<float>& melFilterbank() {
    static const std::vector<float> filters = [] {
        std::vector<float> weights(static_cast<size_t>(kMelBands * kSpectrumBins), 0.0f);
        const double top = hzToMel(kSampleRate / 2.0);
        std::vector<double> edges(kMelBands + 2);
        for (int i = 0; i < kMelBands + 2; ++i)
            edges[static_cast<size_t>(i)] = melToHz(top * i / (kMelBands + 1));
        for (int band = 0; band < kMelBands; ++band) {
            const double lo = edges[static_cast<size_t>(band)];
            const double mid = edges[static_cast<size_t>(band + 1)];
            const double hi = edges[static_cast<size_t>(band + 2)];
            for (int k = 0; k < kSpectrumBins; ++k) {
                const double hz = static_cast<double>(k) * kSampleRate / kSpectrumSize;
                double w = 0;
                if (hz > lo && hz <= mid)
                    w = (hz - lo) / (mid - lo);
                else if (hz > mid && hz < hi)
                    w = (hi - hz) / (hi - mid);
                weights[static_cast<size_t>(band * kSpectrumBins + k)] = static_cast<float>(w);
            }
        }
        return weights;
    }();
    return filters;
}

const std::vector<float>& mfccDctRows() {
    static const std::vector<float> rows = [] {
        std::vector<float> table(static_cast<size_t>(kMfccCount * kMelBands));
        for (int n = 0; n < kMfccCount; ++n) {
            const double scale = std::sqrt((n == 0 ? 1.0 : 2.0) / kMelBands);
            for (int m = 0; m < kMelBands; ++m)
                table[static_cast<size_t>(n * kMelBands + m)] =
                    static_cast<float>(scale * std::cos(kPi * n * (m + 0.5) / kMelBands));
        }
        return table;
    }();
    return rows;
}

void mfccFromPower(const float* power, float* mfcc) {
    const std::vector<float>& mel = melFilterbank();
    const std::vector<std::pair<int, int>>& spans = melSpans();
    const std::vector<float>& dct = mfccDctRows();
    std::array<float, kMelBands> logMel{};
    for (int band = 0; band < kMelBands; ++band) {
        double energy = 0;
        const float* w = mel.data() + static_cast<size_t>(band) * kSpectrumBins;
        for (int k = spans[static_cast<size_t>(band)].first;
             k < spans[static_cast<size_t>(band)].second; ++k)
            energy += static_cast<double>(w[k]) * power[k];
        logMel[static_cast<size_t>(band)] = static_cast<float>(std::log(energy + kLogFloor));
    }
    for (int c = 0; c < kMfccCount; ++c) {
        double sum = 0;
        for (int band = 0; band < kMelBands; ++band)
            sum += static_cast<double>(dct[static_cast<size_t>(c * kMelBands + band)]) *
                   logMel[static_cast<size_t>(band)];
        mfcc[c] = static_cast<float>(sum);
    }
}

} // namespace accord::dsp

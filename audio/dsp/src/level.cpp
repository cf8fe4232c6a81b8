#include "accord/dsp/level.h"

#include "accord/dsp/fft.h"

#include <algorithm>
#include <cmath>

namespace accord::dsp {

using namespace analysis;

double aWeightingPower(double hz) {
    const double f2 = hz * hz;
    const double num = 12194.0 * 12194.0 * f2 * f2;
    const double den = (f2 + 20.6 * 20.6) * std::sqrt((f2 + 107.7 * 107.7) * (f2 + 737.9 * 737.9)) *
                       (f2 + 12194.0 * 12194.0);
    const double ra = num / den;
    return ra * ra * std::pow(10.0, 2.0 / 10.0); // +2.00 dB: 0 dB at 1 kHz
}

const std::vector<float>& spectrumWindow() {
    static const std::vector<float> window = periodicHannWindow(kSpectrumSize);
    return window;
}

double spectrumWindowPower() {
    static const double power = [] {
        double sum = 0;
        for (const float w : spectrumWindow())
            sum += static_cast<double>(w) * w;
        return sum;
    }();
    return power;
}

const std::vector<float>& loudnessWeights() {
    static const std::vector<float> weights = [] {
        const double windowPower = spectrumWindowPower();
        std::vector<float> table(kSpectrumBins);
        for (int k = 0; k < kSpectrumBins; ++k) {
            const double hz = static_cast<double>(k) * kSampleRate / kSpectrumSize;
            const double edge = (k == 0 || k == kSpectrumBins - 1) ? 0.5 : 1.0;
            table[static_cast<size_t>(k)] = static_cast<float>(
                edge * 2.0 / (kSpectrumSize * windowPower) * aWeightingPower(hz));
        }
        return table;
    }();
    return weights;
}

float levelDb(const float* power) {
    const std::vector<float>& weights = loudnessWeights();
    double sum = 0;
    for (int k = 0; k < kSpectrumBins; ++k)
        sum += static_cast<double>(weights[static_cast<size_t>(k)]) * power[k];
    const double db = 10.0 * std::log10(sum + 1e-30);
    return static_cast<float>(std::max(db, kSilenceDb));
}

} // namespace accord::dsp

#include "accord/dsp/voice_features.h"

#include "accord/dsp/fft.h"
#include "accord/dsp/level.h"
#include "accord/dsp/mel.h"

#include <algorithm>
#include <cmath>

namespace accord::dsp {

using namespace analysis;

VoiceFeatures analyseVoice(const std::vector<float>& samples, const AnalysisOptions& options) {
    VoiceFeatures features;
    const auto length = static_cast<std::int64_t>(samples.size());
    const std::int64_t frames = (length + kHop - 1) / kHop;
    features.frames = frames;
    const auto count = static_cast<size_t>(frames);
    features.loudnessDb.assign(count, static_cast<float>(kSilenceDb));
    features.mfcc.assign(count * kMfccCount, 0.0f);
    if (options.keepSpectrum)
        features.power.assign(count * kSpectrumBins, 0.0f);
    PitchTrack pitch = trackPitch(samples, options.pitch);
    features.f0Hz = std::move(pitch.f0Hz);
    features.periodicity = std::move(pitch.periodicity);
    features.voiced = std::move(pitch.voiced);
    if (frames == 0)
        return features;

    // STFT frames centred on t * kHop: level, MFCCs, optionally the power spectrum.
    RealFft fft(kSpectrumSize);
    const std::vector<float>& window = spectrumWindow();
    std::vector<float> power(kSpectrumBins);
    for (std::int64_t t = 0; t < frames; ++t) {
        fft.loadWindowed(samples.data(), length, t * kHop - kSpectrumSize / 2, window.data());
        fft.forward();
        powerSpectrum(fft.spectrum(), kSpectrumBins, power.data());
        const auto i = static_cast<size_t>(t);
        features.loudnessDb[i] = levelDb(power.data());
        mfccFromPower(power.data(), features.mfcc.data() + i * kMfccCount);
        if (options.keepSpectrum)
            std::copy(power.begin(), power.end(),
                      features.power.begin() + static_cast<std::ptrdiff_t>(i * kSpectrumBins));
    }
    return features;
}

double medianCentsError(const VoiceFeatures& a, const VoiceFeatures& b) {
    std::vector<double> errors;
    const auto frames = static_cast<size_t>(std::min(a.frames, b.frames));
    for (size_t t = 0; t < frames; ++t)
        if (a.voiced[t] && b.voiced[t] && a.f0Hz[t] > 0 && b.f0Hz[t] > 0)
            errors.push_back(
                std::abs(1200.0 * std::log2(static_cast<double>(a.f0Hz[t]) / b.f0Hz[t])));
    if (errors.empty())
        return -1;
    const auto middle = errors.begin() + static_cast<std::ptrdiff_t>(errors.size() / 2);
    std::nth_element(errors.begin(), middle, errors.end());
    return *middle;
}

} // namespace accord::dsp

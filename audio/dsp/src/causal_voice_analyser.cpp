#include "accord/dsp/causal_voice_analyser.h"

#include "accord/dsp/fft.h"
#include "accord/dsp/level.h"
#include "accord/dsp/mel.h"

#include <algorithm>
#include <cmath>

namespace accord::dsp {

using namespace analysis;

namespace {

int powerOfTwoAtLeast(int n) {
    int size = 1;
    while (size < n)
        size <<= 1;
    return size;
}

} // namespace

CausalVoiceAnalyser::CausalVoiceAnalyser(const PitchOptions& options)
    : options_(options), yin_(options) {
    levelWindow_ = periodicHannWindow(kLevelWindow);
    // A periodic Hann window of L samples has sum w^2 = 3L/8.
    levelScale_ = spectrumWindowPower() / (3.0 / 8.0 * kLevelWindow);
    power_.resize(kSpectrumBins);
    recentPower_.resize(kSpectrumBins);
    pitchHistory_.resize(static_cast<size_t>(yin_.historyLength()));
    const int ring = powerOfTwoAtLeast(std::max(kSpectrumSize, yin_.historyLength()));
    ringMask_ = ring - 1;
    signal_.assign(static_cast<size_t>(ring), 0.0f);
    lowpassed_.assign(static_cast<size_t>(ring), 0.0f);
    // The shared tables are built on first use: here, not on the caller's real-time thread.
    loudnessWeights();
    std::array<float, kMfccCount> unused{};
    mfccFromPower(power_.data(), unused.data());
}

float CausalVoiceAnalyser::sampleAt(const std::vector<float>& ring, std::int64_t index) const {
    return index >= 0 ? ring[static_cast<size_t>(index & ringMask_)] : 0.0f;
}

bool CausalVoiceAnalyser::push(float sample) {
    signal_[static_cast<size_t>(pushed_ & ringMask_)] = sample;
    lowpassed_[static_cast<size_t>(pushed_ & ringMask_)] = lowpass_.process(sample);
    ++pushed_;
    if (pushed_ % kHop != 0)
        return false;
    analyseFrame();
    return true;
}

float CausalVoiceAnalyser::levelOfLastWindow() {
    float* x = fft_.samples();
    std::fill(x, x + kSpectrumSize, 0.0f);
    for (int n = 0; n < kLevelWindow; ++n)
        x[n] = sampleAt(signal_, pushed_ - kLevelWindow + n) * levelWindow_[static_cast<size_t>(n)];
    fft_.forward();
    powerSpectrum(fft_.spectrum(), kSpectrumBins, recentPower_.data());
    for (float& p : recentPower_)
        p = static_cast<float>(p * levelScale_);
    return levelDb(recentPower_.data());
}

void CausalVoiceAnalyser::mfccOfLastWindow() {
    const std::vector<float>& window = spectrumWindow();
    float* x = fft_.samples();
    for (int n = 0; n < kSpectrumSize; ++n)
        x[n] = sampleAt(signal_, pushed_ - kSpectrumSize + n) * window[static_cast<size_t>(n)];
    fft_.forward();
    powerSpectrum(fft_.spectrum(), kSpectrumBins, power_.data());
    mfccFromPower(power_.data(), frame_.mfcc.data());
}

void CausalVoiceAnalyser::analyseFrame() {
    frame_.index = pushed_ / kHop - 1;
    frame_.instant = pushed_ - kPlacementLag;
    frame_.levelDb = levelOfLastWindow();
    mfccOfLastWindow();

    const std::int64_t first = pushed_ - yin_.historyLength();
    for (size_t i = 0; i < pitchHistory_.size(); ++i)
        pitchHistory_[i] = sampleAt(lowpassed_, first + static_cast<std::int64_t>(i));
    const PitchEstimate estimate = yin_.estimate(pitchHistory_.data());
    const float measured = estimate.f0Hz;
    float f0 = measured;
    float periodicity = estimate.periodicity;
    const bool continuing = frame_.voiced; // the frame before
    const double periodicityNeeded =
        continuing ? kLiveKeepPeriodicity : options_.voicingThreshold + kLiveVoicingStartMargin;
    bool voiced = options_.inRange(f0) && estimate.periodicity >= periodicityNeeded &&
                  estimate.sustainedPeriodicity >= kSustainedVoicingThreshold;
    if (voiced) {
        std::array<double, kOctaveRepairFrames + 1> window{};
        std::size_t count = 0;
        for (int i = 0; i < kOctaveRepairFrames; ++i)
            if (recentVoiced_[static_cast<size_t>(i)])
                window[count++] = recentLogF0_[static_cast<size_t>(i)];
        const double here = std::log2(static_cast<double>(f0));
        window[count++] = here;
        const double factor = octaveRepairFactor(here, window.data(), count);
        if (factor > 0)
            f0 = static_cast<float>(f0 * factor);
        voiced = factor > 0 && options_.inRange(f0);
    }
    // 8 ms of a low voice hold about one period: a frame's reading lands off its run (yin's first
    // dip on a harmonic's period, or a period and a bit) or dips under the periodicity a run
    // keeps, although the voice still repeats at the held period over 24 ms, and live runs broke
    // into gaps of 1-3 frames offline does not have (docs/ARCHITECTURE.md "Voice model", "Live
    // voicing"). The run keeps the held period when the frame repeats there as a run's start must.
    if (!voiced && continuing) {
        const PitchEstimate held =
            yin_.estimateNear(pitchHistory_.data(), kSampleRate / f0Follower_.levelHz());
        if (options_.inRange(held.f0Hz) &&
            held.sustainedPeriodicity >= kSustainedVoicingThreshold) {
            voiced = true;
            f0 = held.f0Hz;
            periodicity = held.periodicity;
        }
    }
    // The rule's window holds the measured f0 of the frames that looked voiced on 8 ms.
    const auto slot = static_cast<size_t>(frame_.index % kOctaveRepairFrames);
    recentVoiced_[slot] = options_.inRange(f0) && estimate.periodicity >= options_.voicingThreshold;
    recentLogF0_[slot] =
        static_cast<float>(std::log2(std::max(static_cast<double>(measured), 1.0)));
    if (voiced) {
        f0Follower_.follow(f0, periodicity, continuing);
        // The estimate describes the middle of the samples yin compared: the span and a period
        // before it, the newest kPlacementLag after the placement. The f0 sung is the followed
        // one carried forward to the placement (docs/ARCHITECTURE.md "Voice model", "Live
        // voicing": without it the live output lagged the voice's glides).
        const double period = kSampleRate / static_cast<double>(f0Follower_.levelHz());
        const double ageFrames = ((CausalYin::kSpan + period) / 2 - kPlacementLag) / kHop;
        heldF0_ = f0Follower_.ahead(ageFrames);
    }
    frame_.f0Hz = heldF0_;
    frame_.measuredF0Hz = voiced ? f0 : 0.0f;
    frame_.periodicity = periodicity;
    frame_.voiced = voiced;
}

} // namespace accord::dsp

#include "metronome.h"

#include <algorithm>
#include <cmath>

namespace accord::audio::detail {

namespace {

// A short sine ping: 1 ms attack, exponential decay (time constant 8 ms), 40 ms long, its peak
// at 1 (so the level is the click's peak). An octave apart for the bar's first beat (1760 Hz)
// and the others (880 Hz), as most DAWs' default click.
std::vector<float> ping(double frequency, int sampleRate) {
    const auto frames = static_cast<std::size_t>(0.040 * sampleRate);
    std::vector<float> samples(frames);
    const double attack = 0.001 * sampleRate;
    const double decay = 0.008 * sampleRate;
    for (std::size_t i = 0; i < frames; ++i) {
        const double t = double(i);
        const double envelope = std::min(1.0, t / attack) * std::exp(-t / decay);
        samples[i] = float(envelope * std::sin(2.0 * M_PI * frequency * t / sampleRate));
    }
    float peak = 0.0f;
    for (float sample : samples)
        peak = std::max(peak, std::abs(sample));
    for (float& sample : samples)
        sample /= peak;
    return samples;
}

} // namespace

ClickTrack::ClickTrack(const Metre& metre, int sampleRate)
    : metre_(metre), accent_(ping(1760.0, sampleRate)), beat_(ping(880.0, sampleRate)) {}

std::int64_t ClickTrack::barsFrames(int bars) const {
    return metre_.beatStart(std::int64_t(bars) * metre_.beatsPerBar);
}

void ClickTrack::addClicks(std::int64_t from, int count, float gain, float* left,
                           float* right) const noexcept {
    if (accent_.empty() || gain <= 0.0f)
        return;
    const auto clickFrames = std::int64_t(accent_.size());
    // Clicks that began before `from` may still be sounding: start from the beat `from` is in.
    for (std::int64_t beat = metre_.beatAt(from);; ++beat) {
        const std::int64_t start = metre_.beatStart(beat);
        if (start >= from + count)
            break;
        const std::vector<float>& click = beat % metre_.beatsPerBar == 0 ? accent_ : beat_;
        const std::int64_t first = std::max(start, from);
        // At very fast tempos a click stops where the next one begins.
        const std::int64_t last =
            std::min({start + clickFrames, from + count, metre_.beatStart(beat + 1)});
        for (std::int64_t t = first; t < last; ++t) {
            const float sample = gain * click[std::size_t(t - start)];
            left[t - from] += sample;
            right[t - from] += sample;
        }
    }
}

} // namespace accord::audio::detail

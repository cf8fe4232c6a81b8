#include "track_eq.h"

#include <juce_dsp/juce_dsp.h>

#include <algorithm>
#include <cmath>

namespace accord::audio::detail {
namespace {

using Coefficients = juce::dsp::IIR::Coefficients<float>;

constexpr EqCoefficients identityEq() {
    EqCoefficients identity{};
    for (int b = 0; b < kMaxEqBands; ++b)
        identity[std::size_t(b * kBiquadCoefficients)] = 1.0f;
    return identity;
}

} // namespace

EqCoefficients designEq(const std::optional<TrackEq>& eq, int sampleRate) {
    EqCoefficients result = identityEq();
    if (!eq || !eq->on)
        return result;
    const double rate = double(sampleRate);
    const std::size_t count = std::min(eq->bands.size(), std::size_t(kMaxEqBands));
    for (std::size_t b = 0; b < count; ++b) {
        const EqBand& band = eq->bands[b];
        const float frequency = float(std::min(band.frequencyHz, 0.45 * rate));
        const float q = float(band.q);
        const float gain = float(std::pow(10.0, band.gainDb / 20.0));
        Coefficients::Ptr designed;
        switch (band.type) {
        case EqBandType::LowShelf:
            designed = Coefficients::makeLowShelf(rate, frequency, q, gain);
            break;
        case EqBandType::Peak:
            designed = Coefficients::makePeakFilter(rate, frequency, q, gain);
            break;
        case EqBandType::HighShelf:
            designed = Coefficients::makeHighShelf(rate, frequency, q, gain);
            break;
        }
        const float* raw = designed->getRawCoefficients(); // b0 b1 b2 a1 a2, normalised
        std::copy_n(raw, kBiquadCoefficients, result.begin() + b * kBiquadCoefficients);
    }
    return result;
}

// One biquad, both sides sharing its coefficients; `current` is what the filters hold.
struct TrackEqNode::Band {
    Coefficients::Ptr coefficients{new Coefficients(1.0f, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f)};
    juce::dsp::IIR::Filter<float> left{coefficients}, right{coefficients};
    std::array<float, kBiquadCoefficients> target{}, step{};
    int remaining = 0;
    // Zero state, from either of two facts about the last two frames (transposed direct form
    // II): inputs and outputs exactly zero on both sides, or steady identity coefficients.
    int quietFrames = 2;
    int steadyFrames = 2;

    float* current() { return coefficients->getRawCoefficients(); }
    bool passesThrough() const {
        const float* c = coefficients->getRawCoefficients();
        return remaining == 0 && steadyFrames >= 2 && c[0] == 1.0f && c[1] == 0.0f &&
               c[2] == 0.0f && c[3] == 0.0f && c[4] == 0.0f;
    }
    void jumpTo(const float* values) {
        std::copy_n(values, kBiquadCoefficients, current());
        std::copy_n(values, kBiquadCoefficients, target.begin());
        remaining = 0;
        steadyFrames = 0;
    }
    void aim(const float* values, int frames) {
        if (std::equal(values, values + kBiquadCoefficients, target.begin()))
            return;
        std::copy_n(values, kBiquadCoefficients, target.begin());
        remaining = frames;
        const float* c = current();
        for (int k = 0; k < kBiquadCoefficients; ++k)
            step[std::size_t(k)] = (target[std::size_t(k)] - c[k]) / float(frames);
    }
    void advance() {
        float* c = current();
        if (--remaining == 0)
            std::copy(target.begin(), target.end(), c);
        else
            for (int k = 0; k < kBiquadCoefficients; ++k)
                c[k] += step[std::size_t(k)];
    }
    void process(float* l, float* r, int frames) {
        for (int i = 0; i < frames; ++i) {
            if (remaining > 0) {
                advance();
                steadyFrames = 0;
            } else if (steadyFrames < 2) {
                ++steadyFrames;
            }
            const float inL = l[i];
            const float inR = r[i];
            l[i] = left.processSample(inL);
            r[i] = right.processSample(inR);
            const bool quiet = inL == 0.0f && inR == 0.0f && l[i] == 0.0f && r[i] == 0.0f;
            quietFrames = quiet ? std::min(quietFrames + 1, 2) : 0;
        }
    }
};

TrackEqNode::TrackEqNode(const EqCoefficients& initial) {
    for (int b = 0; b < kMaxEqBands; ++b) {
        bands_[std::size_t(b)] = std::make_unique<Band>();
        bands_[std::size_t(b)]->jumpTo(initial.data() + b * kBiquadCoefficients);
        bands_[std::size_t(b)]->steadyFrames = 2; // and the filters' state is zero
    }
    publish(initial);
    seen_ = version_.load();
}

TrackEqNode::~TrackEqNode() = default;

void TrackEqNode::publish(const EqCoefficients& target) {
    const std::uint32_t version = version_.load(std::memory_order_relaxed);
    version_.store(version + 1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    for (std::size_t k = 0; k < target.size(); ++k)
        mailbox_[k].store(target[k], std::memory_order_relaxed);
    version_.store(version + 2, std::memory_order_release);
}

void TrackEqNode::takeTarget(int rampFrames) noexcept {
    const std::uint32_t before = version_.load(std::memory_order_acquire);
    if (before == seen_ || (before & 1u) != 0)
        return; // nothing new, or the writer is in between: next block
    EqCoefficients target;
    for (std::size_t k = 0; k < target.size(); ++k)
        target[k] = mailbox_[k].load(std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_acquire);
    if (version_.load(std::memory_order_relaxed) != before)
        return;
    seen_ = before;
    for (int b = 0; b < kMaxEqBands; ++b) {
        Band& band = *bands_[std::size_t(b)];
        if (rampFrames > 0)
            band.aim(target.data() + b * kBiquadCoefficients, rampFrames);
        else
            band.jumpTo(target.data() + b * kBiquadCoefficients);
    }
}

bool TrackEqNode::process(float* left, float* right, int frames, bool silent,
                          int rampFrames) noexcept {
    takeTarget(rampFrames);
    bool sounding = !silent;
    for (const auto& slot : bands_) {
        Band& band = *slot;
        // The identity with zero state passes its input through unchanged: nothing to run.
        if (band.passesThrough())
            continue;
        // Silence into a band whose state is zero stays silence.
        if (!sounding && band.quietFrames >= 2)
            continue;
        if (!sounding) {
            std::fill_n(left, frames, 0.0f);
            std::fill_n(right, frames, 0.0f);
            sounding = true;
        }
        band.process(left, right, frames);
    }
    return sounding;
}

void TrackEqNode::jump() noexcept {
    takeTarget(0);
    for (const auto& slot : bands_) {
        Band& band = *slot;
        if (band.remaining > 0)
            band.jumpTo(band.target.data());
        band.left.reset();
        band.right.reset();
        band.quietFrames = 2;
        band.steadyFrames = 2;
    }
}

} // namespace accord::audio::detail

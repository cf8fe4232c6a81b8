#include "track_eq.h"

#include <juce_dsp/juce_dsp.h>

#include <algorithm>
#include <cmath>

namespace accord::audio::detail {
namespace {

using Coefficients = juce::dsp::IIR::Coefficients<float>;
using Designer = juce::dsp::IIR::ArrayCoefficients<float>;
constexpr int kBiquadCoefficients = 5; // b0 b1 b2 a1 a2, normalised by a0

// Writes the normalised coefficients of `band` at `rate` to `to` (no allocation).
void design(const EqBandTarget& band, int rate, float* to) noexcept {
    if (band.gainDb == 0.0f) {
        const float identity[kBiquadCoefficients] = {1.0f, 0.0f, 0.0f, 0.0f, 0.0f};
        std::copy_n(identity, kBiquadCoefficients, to);
        return;
    }
    const float gain = std::pow(10.0f, band.gainDb / 20.0f);
    std::array<float, 6> raw{}; // b0 b1 b2 a0 a1 a2
    switch (band.type) {
    case EqBandType::LowShelf:
        raw = Designer::makeLowShelf(double(rate), band.frequencyHz, band.q, gain);
        break;
    case EqBandType::Peak:
        raw = Designer::makePeakFilter(double(rate), band.frequencyHz, band.q, gain);
        break;
    case EqBandType::HighShelf:
        raw = Designer::makeHighShelf(double(rate), band.frequencyHz, band.q, gain);
        break;
    }
    const float a0 = raw[3];
    to[0] = raw[0] / a0;
    to[1] = raw[1] / a0;
    to[2] = raw[2] / a0;
    to[3] = raw[4] / a0;
    to[4] = raw[5] / a0;
}

} // namespace

EqTargets eqTargets(const std::optional<TrackEq>& eq, int sampleRate) {
    EqTargets targets{};
    if (!eq || !eq->on)
        return targets;
    const std::size_t count = std::min(eq->bands.size(), std::size_t(kMaxEqBands));
    for (std::size_t b = 0; b < count; ++b) {
        const EqBand& band = eq->bands[b];
        targets[b].type = band.type;
        targets[b].frequencyHz = float(std::min(band.frequencyHz, 0.45 * sampleRate));
        targets[b].gainDb = float(band.gainDb);
        targets[b].q = float(band.q);
    }
    return targets;
}

// One biquad, both sides sharing its coefficients (written in place: the JUCE object is made
// once, on the message thread).
struct TrackEqNode::Band {
    Coefficients::Ptr coefficients{new Coefficients(1.0f, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f)};
    juce::dsp::IIR::Filter<float> left{coefficients}, right{coefficients};
    int rate = 48000;
    EqBandTarget from, to; // a move from `from` to `to`
    int moveFrames = 0;
    int moved = 0; // frames of the move done; moveFrames when at rest
    // Zero state, from either of two facts about the last two frames (transposed direct form
    // II): inputs and outputs exactly zero on both sides, or steady identity coefficients.
    int quietFrames = 2;
    int steadyFrames = 2;

    bool moving() const { return moved < moveFrames; }
    bool passesThrough() const { return !moving() && steadyFrames >= 2 && to.gainDb == 0.0f; }
    void jumpTo(const EqBandTarget& target) {
        from = to = target;
        moveFrames = moved = 0;
        design(to, rate, coefficients->getRawCoefficients());
        steadyFrames = 0;
    }
    void aim(EqBandTarget target, int frames) {
        // A flat band is the identity whatever its kind: going flat (the EQ switched off or
        // removed) moves only the gain, and a flat band takes another kind at once, unheard.
        if (target.gainDb == 0.0f) {
            target.type = to.type;
            target.frequencyHz = to.frequencyHz;
            target.q = to.q;
        }
        if (target.type != to.type) {
            if (moving() || to.gainDb != 0.0f) {
                jumpTo(target); // no path between two kinds of band under gain
                return;
            }
            to.type = target.type;
            to.frequencyHz = target.frequencyHz;
            to.q = target.q;
        }
        if (target.frequencyHz == to.frequencyHz && target.gainDb == to.gainDb && target.q == to.q)
            return;
        from = current();
        to = target;
        moveFrames = std::max(1, frames);
        moved = 0;
    }
    // The parameters `moved` frames into the move.
    EqBandTarget current() const {
        if (!moving())
            return to;
        const float t = float(moved) / float(moveFrames);
        EqBandTarget now = to;
        now.gainDb = from.gainDb + (to.gainDb - from.gainDb) * t;
        now.frequencyHz = from.frequencyHz * std::pow(to.frequencyHz / from.frequencyHz, t);
        now.q = from.q * std::pow(to.q / from.q, t);
        return now;
    }
    void process(float* l, float* r, int frames) {
        if (moving())
            processMoving(l, r, frames);
        else
            processSteady(l, r, frames);
    }
    // Updates quietFrames with frame i's input and output (in order, frame by frame).
    void noteQuiet(float inL, float inR, float outL, float outR) {
        const bool quiet = inL == 0.0f && inR == 0.0f && outL == 0.0f && outR == 0.0f;
        quietFrames = quiet ? std::min(quietFrames + 1, 2) : 0;
    }
    void processSteady(float* l, float* r, int frames) {
        // Only the last two frames decide quietFrames: note just those.
        const int tail = std::max(0, frames - 2);
        float inL[2] = {}, inR[2] = {};
        for (int i = tail; i < frames; ++i) {
            inL[i - tail] = l[i];
            inR[i - tail] = r[i];
        }
        for (int i = 0; i < frames; ++i) {
            l[i] = left.processSample(l[i]);
            r[i] = right.processSample(r[i]);
        }
        for (int i = tail; i < frames; ++i)
            noteQuiet(inL[i - tail], inR[i - tail], l[i], r[i]);
        steadyFrames = std::min(2, steadyFrames + frames);
    }
    void processMoving(float* l, float* r, int frames) {
        for (int i = 0; i < frames; ++i) {
            if (moving()) {
                // Every kEqUpdateFrames frames of the move (counted from its start, so the result
                // does not depend on the block size), and at its end.
                if (moved % kEqUpdateFrames == 0)
                    design(current(), rate, coefficients->getRawCoefficients());
                if (++moved == moveFrames)
                    design(to, rate, coefficients->getRawCoefficients());
                steadyFrames = 0;
            } else if (steadyFrames < 2) {
                ++steadyFrames;
            }
            const float inL = l[i];
            const float inR = r[i];
            l[i] = left.processSample(inL);
            r[i] = right.processSample(inR);
            noteQuiet(inL, inR, l[i], r[i]);
        }
    }
};

TrackEqNode::TrackEqNode(const EqTargets& initial, int sampleRate) {
    for (std::size_t b = 0; b < bands_.size(); ++b) {
        bands_[b] = std::make_unique<Band>();
        bands_[b]->rate = sampleRate;
        bands_[b]->jumpTo(initial[b]);
        bands_[b]->steadyFrames = 2; // and the filters' state is zero
    }
    publish(initial, sampleRate);
    seen_ = version_.load();
}

TrackEqNode::~TrackEqNode() = default;

void TrackEqNode::publish(const EqTargets& targets, int sampleRate) {
    const std::uint32_t version = version_.load(std::memory_order_relaxed);
    version_.store(version + 1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    for (std::size_t b = 0; b < targets.size(); ++b) {
        std::atomic<float>* fields = &mailbox_[b * kFieldsPerBand];
        fields[0].store(float(int(targets[b].type)), std::memory_order_relaxed);
        fields[1].store(targets[b].frequencyHz, std::memory_order_relaxed);
        fields[2].store(targets[b].gainDb, std::memory_order_relaxed);
        fields[3].store(targets[b].q, std::memory_order_relaxed);
    }
    mailboxRate_.store(sampleRate, std::memory_order_relaxed);
    version_.store(version + 2, std::memory_order_release);
}

void TrackEqNode::takeTargets(int rampFrames) noexcept {
    const std::uint32_t before = version_.load(std::memory_order_acquire);
    if (before == seen_ || (before & 1u) != 0)
        return; // nothing new, or the writer is in between: next block
    EqTargets targets;
    for (std::size_t b = 0; b < targets.size(); ++b) {
        const std::atomic<float>* fields = &mailbox_[b * kFieldsPerBand];
        targets[b].type = EqBandType(int(fields[0].load(std::memory_order_relaxed)));
        targets[b].frequencyHz = fields[1].load(std::memory_order_relaxed);
        targets[b].gainDb = fields[2].load(std::memory_order_relaxed);
        targets[b].q = fields[3].load(std::memory_order_relaxed);
    }
    const int rate = mailboxRate_.load(std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_acquire);
    if (version_.load(std::memory_order_relaxed) != before)
        return;
    seen_ = before;
    for (std::size_t b = 0; b < targets.size(); ++b) {
        Band& band = *bands_[b];
        if (rate != band.rate) {
            band.rate = rate;
            band.jumpTo(targets[b]);
        } else if (rampFrames > 0) {
            band.aim(targets[b], rampFrames);
        } else {
            band.jumpTo(targets[b]);
        }
    }
}

bool TrackEqNode::process(float* left, float* right, int frames, bool silent,
                          int rampFrames) noexcept {
    takeTargets(rampFrames);
    bool sounding = !silent;
    for (const auto& slot : bands_) {
        Band& band = *slot;
        // The identity with zero state passes its input through unchanged: nothing to run.
        if (band.passesThrough())
            continue;
        // Silence into a band whose state is zero stays silence.
        if (!sounding && band.quietFrames >= 2 && !band.moving())
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
    takeTargets(0);
    for (const auto& slot : bands_) {
        Band& band = *slot;
        if (band.moving())
            band.jumpTo(band.to);
        band.left.reset();
        band.right.reset();
        band.quietFrames = 2;
        band.steadyFrames = 2;
    }
}

} // namespace accord::audio::detail

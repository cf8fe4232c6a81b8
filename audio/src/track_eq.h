#pragma once

// A track's EQ node (docs/ARCHITECTURE.md "Signal flow"): up to kMaxEqBands biquads (low shelf,
// peaking bell, high shelf) in series, in place on the track bus before the fader.
//
// Coefficients are designed on the message thread (JUCE's IIR::Coefficients, the RBJ cookbook
// formulas) into plain floats and published through a seqlock of atomics; the audio thread picks
// them up without locking or allocating and moves every coefficient linearly to its new value
// over the ramp (10 ms while playing, at once while stopped): no click. A linear path between two
// stable biquads stays stable (the stable (a1, a2) region is a convex triangle). A band that is
// absent or off is the identity (b0 = 1, the rest 0), so switching the EQ on or off ramps too.
//
// The filters are juce::dsp::IIR::Filter run sample by sample (processSample: its block process
// rounds tiny state values to zero at block ends, which would make the output depend on the block
// size). The JUCE filter's state is private, yet a silent track should cost nothing: a band whose
// last two inputs and outputs were exactly zero holds exactly zero state (transposed direct form
// II), so a silent block through quiet bands is skipped, with exactly the result running them
// would give. No latency: IIR filters are causal with zero delay.

#include "accord/core/project.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

namespace accord::audio::detail {

constexpr int kBiquadCoefficients = 5; // b0, b1, b2, a1, a2 (a0 = 1)
using EqCoefficients = std::array<float, kMaxEqBands * kBiquadCoefficients>;

// The coefficients of `eq` (none, or off: the identity) at `sampleRate`. Message thread (JUCE's
// designers allocate). Frequencies are kept below 0.45 x the sample rate.
EqCoefficients designEq(const std::optional<TrackEq>& eq, int sampleRate);

class TrackEqNode {
public:
    // Message thread; starts at `initial` exactly.
    explicit TrackEqNode(const EqCoefficients& initial);
    ~TrackEqNode();
    TrackEqNode(const TrackEqNode&) = delete;
    TrackEqNode& operator=(const TrackEqNode&) = delete;

    // Message thread: the coefficients to move to.
    void publish(const EqCoefficients& target);

    // Thread running the graph. Filters `frames` frames of `left`/`right` in place; `silent`: the
    // input is all zeros. Returns whether the output may be non-zero.
    bool process(float* left, float* right, int frames, bool silent, int rampFrames) noexcept;
    // Transport stopped: the coefficients take their target at once, the filters forget.
    void jump() noexcept;

private:
    void takeTarget(int rampFrames) noexcept;
    struct Band;
    std::array<std::unique_ptr<Band>, kMaxEqBands> bands_;
    // The mailbox: `version` is odd while the message thread writes.
    std::atomic<std::uint32_t> version_{0};
    std::array<std::atomic<float>, kMaxEqBands * kBiquadCoefficients> mailbox_{};
    std::uint32_t seen_ = 0; // thread running the graph
};

} // namespace accord::audio::detail

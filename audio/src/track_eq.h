#pragma once

// A track's EQ node (docs/ARCHITECTURE.md "Signal flow"): up to kMaxEqBands biquads (low shelf,
// peaking bell, high shelf) in series, in place on the track bus before the fader.
//
// The message thread publishes each band's parameters (type, frequency, gain, Q) through a
// seqlock of atomics; the audio thread picks them up without locking. While playing, a change
// moves the parameters over 10 ms (gain linearly in dB, frequency and Q geometrically) and the
// coefficients are redesigned from them every kEqUpdateFrames frames of the move with JUCE's
// IIR::ArrayCoefficients (the RBJ cookbook formulas into a std::array: no allocation, unlike
// IIR::Coefficients::make*, whose ref-counted objects the audio thread must not create or free).
// Moving coefficients linearly instead would reach most of a boost within the first cycle (the
// denominator is small near a resonance), heard as a click. A band that is absent or off is a
// 0 dB band, which is the identity whatever its kind: switching the EQ on or off glides only the
// gains, and a 0 dB band at rest is exactly the identity (b0 = 1, the rest 0). Only a change of
// a band's kind while it boosts or cuts (another project loaded while playing) jumps. While
// stopped changes apply at once.
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

constexpr int kEqUpdateFrames = 16; // coefficient redesigns during a move, every this many frames

// One band's parameters as the graph uses them; a 0 dB band is the identity.
struct EqBandTarget {
    EqBandType type = EqBandType::Peak;
    float frequencyHz = 1000.0f;
    float gainDb = 0.0f;
    float q = 0.71f;
};
using EqTargets = std::array<EqBandTarget, kMaxEqBands>;

// The bands of `eq` (none, or off: 0 dB bands) at `sampleRate`: frequencies kept below
// 0.45 x the sample rate.
EqTargets eqTargets(const std::optional<TrackEq>& eq, int sampleRate);

class TrackEqNode {
public:
    // Message thread; starts at `initial` exactly.
    TrackEqNode(const EqTargets& initial, int sampleRate);
    ~TrackEqNode();
    TrackEqNode(const TrackEqNode&) = delete;
    TrackEqNode& operator=(const TrackEqNode&) = delete;

    // Message thread: the bands to move to, at `sampleRate` (a new rate applies at once).
    void publish(const EqTargets& targets, int sampleRate);

    // Thread running the graph. Filters `frames` frames of `left`/`right` in place; `silent`: the
    // input is all zeros. Returns whether the output may be non-zero.
    bool process(float* left, float* right, int frames, bool silent, int rampFrames) noexcept;
    // Transport stopped: the bands take their targets at once, the filters forget.
    void jump() noexcept;

private:
    static constexpr int kFieldsPerBand = 4;
    void takeTargets(int rampFrames) noexcept;
    struct Band;
    std::array<std::unique_ptr<Band>, kMaxEqBands> bands_;
    // The mailbox: `version` is odd while the message thread writes.
    std::atomic<std::uint32_t> version_{0};
    std::array<std::atomic<float>, kMaxEqBands * kFieldsPerBand> mailbox_{};
    std::atomic<int> mailboxRate_{0};
    std::uint32_t seen_ = 0; // thread running the graph
};

} // namespace accord::audio::detail

#pragma once

// The reverb bus node (docs/ARCHITECTURE.md "Signal flow"): every track's post-fader send sums
// into it, juce::Reverb (Freeverb: 8 parallel combs and 4 series all-passes per side) makes the
// wet signal only, and the return, at its level, joins the master bus. No latency: the reverb's
// first output sample depends on the current input (its delays only shape the tail).
//
// Room size, damping and width reach the audio thread as atomics; juce::Reverb smooths their
// changes over 10 ms sample by sample, the return level ramps over the graph's 10 ms like a
// fader: no click, and the result does not depend on the block size. Survives graph rebuilds
// (owned by Engine, one per sample rate) so a tail rings on through an edit.

#include "graph.h"

#include "accord/core/project.h"

#include <atomic>
#include <memory>

namespace juce {
class Reverb;
}

namespace accord::audio::detail {

class ReverbBusNode {
public:
    // Message thread (allocates the delay lines): starts at `settings` exactly.
    ReverbBusNode(const ReverbSettings& settings, int sampleRate);
    ~ReverbBusNode();
    ReverbBusNode(const ReverbBusNode&) = delete;
    ReverbBusNode& operator=(const ReverbBusNode&) = delete;

    // Message thread.
    void set(const ReverbSettings& settings);

    // Thread running the graph: turns the summed sends in `left`/`right` into the return
    // (overwritten in place).
    void process(float* left, float* right, int frames, int rampFrames) noexcept;
    // Transport stopped: the tail is dropped and the settings apply at once.
    void jump() noexcept;
    // Nothing processed since the last jump: its state is zero, so silence in gives silence out
    // and the graph need not run it.
    bool dormant() const { return clean_; }

private:
    void applySettings() noexcept;
    std::unique_ptr<juce::Reverb> reverb_;
    const int sampleRate_;
    std::atomic<float> roomSize_, damping_, width_, returnGain_;
    // Thread running the graph.
    float appliedRoom_ = -1.0f, appliedDamping_ = -1.0f, appliedWidth_ = -1.0f;
    Ramp return_;
    bool clean_ = true; // nothing processed since the last jump
};

} // namespace accord::audio::detail

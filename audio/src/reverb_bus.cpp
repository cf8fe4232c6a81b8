#include "reverb_bus.h"

#include <juce_audio_basics/juce_audio_basics.h>

#include <cmath>

namespace accord::audio::detail {
namespace {

// juce::Reverb scales its wet level by 3: 1/3 gives a wet gain of 1 (the return level is ours).
constexpr float kUnityWetLevel = 1.0f / 3.0f;

float gainOf(double decibels) {
    return float(std::pow(10.0, decibels / 20.0));
}

} // namespace

ReverbBusNode::ReverbBusNode(const ReverbSettings& settings, int sampleRate)
    : reverb_(std::make_unique<juce::Reverb>()), sampleRate_(sampleRate) {
    set(settings);
    applySettings();
    // After the parameters: setSampleRate starts the smoothed values at them, not ramping.
    reverb_->setSampleRate(double(sampleRate));
    return_.jump(returnGain_.load());
}

ReverbBusNode::~ReverbBusNode() = default;

void ReverbBusNode::set(const ReverbSettings& settings) {
    roomSize_.store(float(settings.roomSize));
    damping_.store(float(settings.damping));
    width_.store(float(settings.width));
    returnGain_.store(gainOf(settings.returnDb));
}

void ReverbBusNode::applySettings() noexcept {
    const float room = roomSize_.load(std::memory_order_relaxed);
    const float damping = damping_.load(std::memory_order_relaxed);
    const float width = width_.load(std::memory_order_relaxed);
    if (room == appliedRoom_ && damping == appliedDamping_ && width == appliedWidth_)
        return;
    juce::Reverb::Parameters parameters;
    parameters.roomSize = room;
    parameters.damping = damping;
    parameters.width = width;
    parameters.wetLevel = kUnityWetLevel;
    parameters.dryLevel = 0.0f;
    parameters.freezeMode = 0.0f;
    reverb_->setParameters(parameters); // sets targets of smoothed values: no allocation
    appliedRoom_ = room;
    appliedDamping_ = damping;
    appliedWidth_ = width;
}

void ReverbBusNode::process(float* left, float* right, int frames, int rampFrames) noexcept {
    clean_ = false;
    applySettings();
    return_.aim(returnGain_.load(std::memory_order_relaxed), rampFrames);
    reverb_->processStereo(left, right, frames);
    if (return_.steady()) {
        const float gain = return_.current;
        for (int i = 0; i < frames; ++i) {
            left[i] *= gain;
            right[i] *= gain;
        }
    } else {
        for (int i = 0; i < frames; ++i) {
            const float gain = return_.next();
            left[i] *= gain;
            right[i] *= gain;
        }
    }
}

void ReverbBusNode::jump() noexcept {
    return_.jump(returnGain_.load(std::memory_order_relaxed));
    if (clean_ && roomSize_.load(std::memory_order_relaxed) == appliedRoom_ &&
        damping_.load(std::memory_order_relaxed) == appliedDamping_ &&
        width_.load(std::memory_order_relaxed) == appliedWidth_)
        return; // called every stopped block: only once per stop or change
    applySettings();
    // At the same rate this clears the delay lines (no allocation) and lands the smoothed
    // values on their targets.
    reverb_->setSampleRate(double(sampleRate_));
    clean_ = true;
}

} // namespace accord::audio::detail

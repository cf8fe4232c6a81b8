#pragma once

// The voice features of the offline analysis (voice_features.h) computed causally, one frame per
// hop from the samples up to now: what the live node (models::LiveVoice) drives a voice model
// with (docs/ARCHITECTURE.md, "Live node"). Frame n is complete once (n + 1) * kHop samples are
// in, and is placed kPlacementLag samples before the newest of them:
// - level: an 8 ms Hann window ending at the newest sample, zero-padded to the offline FFT size
//   and its power scaled by the two windows' energy ratio, so levelDb reads it as the offline
//   32 ms window would;
// - f0 and periodicity: CausalYin on the last 8 ms of the pitch low-passed signal
//   (CausalPitchLowpass: the offline pre-filter, run forwards only); voiced by the offline
//   thresholds and a periodicity that lasts (CausalYin's over 24 ms, weighted towards the newest),
//   with hysteresis (kSustainedVoicingThreshold and the thresholds beside it), a run kept through
//   a frame whose own reading went astray while the voice repeats at its held period; octave errors
//   repaired by the offline rule against the kOctaveRepairFrames frames before (no look-ahead,
//   so no single-frame blip fix); the f0 sung followed through the measurements' jitter and
//   carried along its slope from the middle of yin's span to the placement (CausalF0Follower; the
//   measurement itself kept in measuredF0Hz); an unvoiced frame holds the last voiced f0;
// - MFCCs: exactly the offline ones of the 32 ms window ending at the newest sample (the
//   offline frame n - 1), so timbre lags its placement by 14 ms.
// The level and the measured pitch describe a few ms before the placement
// (tests/dsp/test_offline_vs_causal.cpp measures how closely all of it agrees with the offline
// features).
//
// Threads: construct off the real-time thread (it allocates and initialises the shared tables);
// push() never allocates, locks or frees.

#include "accord/dsp/analysis_constants.h"
#include "accord/dsp/fft.h"
#include "accord/dsp/pitch.h"

#include <array>
#include <cstdint>
#include <vector>

namespace accord::dsp {

class CausalVoiceAnalyser {
public:
    static constexpr int kLevelWindow = 128; // samples (8 ms)
    static constexpr int kPlacementLag = 32; // samples (2 ms) before the newest one

    struct Frame {
        std::int64_t index = -1;
        std::int64_t instant = 0; // the sample it is placed at: (index + 1) * kHop - kPlacementLag
        float levelDb = static_cast<float>(analysis::kSilenceDb);
        float f0Hz = 0; // voiced: the followed f0; unvoiced: the last voiced f0 (0 before any)
        float measuredF0Hz = 0; // voiced: the repaired f0 this frame measured, before following
        float periodicity = 0;
        bool voiced = false;
        std::array<float, analysis::kMfccCount> mfcc{};
    };

    explicit CausalVoiceAnalyser(const PitchOptions& options = {});
    CausalVoiceAnalyser(const CausalVoiceAnalyser&) = delete;
    CausalVoiceAnalyser& operator=(const CausalVoiceAnalyser&) = delete;

    // One sample at analysis::kSampleRate; true when it completes a frame, then in frame().
    bool push(float sample);
    const Frame& frame() const { return frame_; }
    // The power spectrum (analysis::kSpectrumBins) of the 32 ms window ending at the newest
    // sample, the one the frame's MFCCs come from (the offline frame index - 1's spectrum).
    const std::vector<float>& windowPower() const { return power_; }
    // The power spectrum (analysis::kSpectrumBins) of the 8 ms level window ending at the newest
    // sample, scaled as the 32 ms window's: centred 2 ms before the frame's placement where
    // windowPower() is centred 14 ms before it, so it follows a sibilant's onset and end (the live
    // node's unvoiced frames: docs/ARCHITECTURE.md "Voice model", "Quiet and unvoiced frames").
    const std::vector<float>& recentPower() const { return recentPower_; }
    std::int64_t samplesPushed() const { return pushed_; }

private:
    float sampleAt(const std::vector<float>& ring, std::int64_t index) const;
    void analyseFrame();
    float levelOfLastWindow();
    void mfccOfLastWindow();

    PitchOptions options_;
    CausalPitchLowpass lowpass_;
    CausalYin yin_;
    RealFft fft_{analysis::kSpectrumSize};
    std::vector<float> levelWindow_, power_, recentPower_, pitchHistory_;
    double levelScale_ = 1;
    int ringMask_ = 0;
    std::vector<float> signal_, lowpassed_; // rings by absolute sample index
    std::int64_t pushed_ = 0;
    std::array<float, kOctaveRepairFrames> recentLogF0_{};
    std::array<bool, kOctaveRepairFrames> recentVoiced_{};
    CausalF0Follower f0Follower_;
    float heldF0_ = 0;
    Frame frame_;
};

} // namespace accord::dsp

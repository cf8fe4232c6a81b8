#pragma once

// The master bus's true-peak limiter (docs/ARCHITECTURE.md "Master limiter"): a gain (an export's
// loudness target; 0 dB in playback), then a look-ahead true-peak limiter, at the end of the
// playback graph. Real-time safe once made: process(), reset() and setCeiling() neither allocate
// nor lock. Written here rather than
// taken from a library: JUCE's dsp::Limiter and the other packaged limiters detect sample peaks,
// not true peaks, so a mix they pass still overshoots the ceiling between samples (and more so
// once encoded as MP3). Private to the audio library.

#include "loudness.h"

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace accord::audio::detail {

class TruePeakLimiter {
public:
    // `gainDb` is applied first; the true peak of the result (libebur128's interpolator,
    // loudness.h) is then kept at or below `ceilingDbtp`.
    TruePeakLimiter(int sampleRate, double gainDb, double ceilingDbtp);

    // Frames between a frame going in and coming out: the look-ahead.
    int latency() const { return latency_; }

    // Takes `frames` stereo frames; writes `frames` frames of output, each latency() frames
    // behind its input (zeros come out first).
    void process(const float* left, const float* right, int frames, float* outLeft,
                 float* outRight);

    // The deepest gain reduction so far, in dB (0 or negative).
    double deepestReductionDb() const;

    // Forgets all input, as if just made (a transport start: playback then equals a render).
    void reset() noexcept;
    // A new ceiling, from the next frame on (the gain moves to it with the usual attack/release).
    void setCeiling(double ceilingDbtp) noexcept;

private:
    double detect(std::int64_t n); // the largest true peak around input n, both channels
    double& stored(int channel, std::int64_t n) {
        return input_[std::size_t(channel)][std::size_t(n) & mask_];
    }

    TruePeakInterpolator interpolator_;
    double gain_;
    double ceiling_;
    int smoothing_; // frames the gain takes to fall to a peak's level (a moving average)
    int window_;    // frames the minimum looks ahead: the interpolator's span and the smoothing
    int latency_;
    double release_;               // per frame, the share of the way back to unity gain
    std::vector<double> input_[2]; // gained input, a ring of mask_ + 1 frames
    std::size_t mask_ = 0;
    std::int64_t in_ = 0; // frames taken
    // Needed gains by input frame, increasing (a monotonic queue for the running minimum): a
    // fixed ring, as it never holds more than window_ entries.
    std::vector<std::pair<std::int64_t, double>> minimum_;
    std::size_t minimumMask_ = 0;
    std::size_t minimumHead_ = 0; // the oldest entry
    std::size_t minimumSize_ = 0;
    double released_ = 1.0;      // the minimum after the release
    std::vector<double> recent_; // the last smoothing_ released gains, a ring
    double recentSum_ = 0;
    double deepest_ = 1.0;
};

} // namespace accord::audio::detail

#pragma once

// The compiled playback graph (Tracktion's EditNodeBuilder idea): a pure function turns an
// immutable project snapshot into flat, preallocated nodes the audio thread runs without
// locking or allocating. Shared by Engine (real time) and renderProject (offline), so a render
// is sample-for-sample what playback produces.
//
// Per track: clip players (position, source offset, length, clip gain, linear fades) sum into
// a stereo track bus -> fader (gain and pan) -> mute/solo -> meter -> master bus.
//
// Pan law: balance with a sine/cosine curve, 0 dB at the centre: pan p in [-1, 1] gives
// left = (p <= 0 ? 1 : cos(p * pi/2)), right = (p >= 0 ? 1 : cos(-p * pi/2)); hard left
// silences the right side. A mono clip feeds both sides of its track equally, so a centred
// track plays every clip at unity and the mix of centred tracks is their plain sum.
//
// Fades are linear in amplitude: with k the frame index inside the clip (0 .. length-1),
// gain(k) = clipGain * (k < fadeIn ? k / fadeIn : 1) * (k >= length - fadeOut ?
// (length - k) / fadeOut : 1). Media shorter than offset + length is silent past its end.
//
// Audible: a track sounds when it is not muted and either no track is soloed or it is
// soloed (mute wins over solo). Gain, pan, mute and solo come from atomics; a change while
// playing ramps linearly over 10 ms (no zipper noise), a change while stopped applies at once;
// with no change the values are applied exactly.

#include "accord/audio/media.h"
#include "accord/core/project.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace accord::audio::detail {

constexpr int kMaxChunkFrames = 1024; // the graph renders at most this many frames per call

// A linear parameter ramp, advanced only by the thread that runs the graph.
struct Ramp {
    float current = 1.0f;
    float target = 1.0f;
    float step = 0.0f;
    int remaining = 0;
    void jump(float value) {
        current = target = value;
        step = 0.0f;
        remaining = 0;
    }
    void aim(float value, int frames) {
        if (value == target)
            return;
        target = value;
        remaining = frames;
        step = (target - current) / float(frames);
    }
    bool steady() const { return remaining == 0; }
    float next() {
        if (remaining == 0)
            return current;
        if (--remaining == 0)
            current = target;
        else
            current += step;
        return current;
    }
    void skip(int frames) {
        if (remaining == 0)
            return;
        if (frames >= remaining) {
            current = target;
            remaining = 0;
        } else {
            current += step * float(frames);
            remaining -= frames;
        }
    }
};

static_assert(std::atomic<float>::is_always_lock_free, "meters and controls need lock-free float");

// One track's controls: written by the message thread, read by the audio thread; meters the
// other way round. Survives graph rebuilds (keyed by track id in Engine).
struct TrackControls {
    std::atomic<float> gain{1.0f}; // linear
    std::atomic<float> pan{0.0f};
    std::atomic<bool> mute{false};
    std::atomic<bool> solo{false};
    std::atomic<float> peakLeft{0.0f}; // since the last read (the reader resets them)
    std::atomic<float> peakRight{0.0f};
    // Smoothing state, used only by the thread running the graph; set before first publication.
    Ramp left, right, audible;
};

// Raises `peak` to `value` (lock-free; the reader resets it with exchange(0)).
inline void raisePeak(std::atomic<float>& peak, float value) {
    float seen = peak.load(std::memory_order_relaxed);
    while (value > seen && !peak.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
    }
}

float panLeft(float pan);
float panRight(float pan);
float decibelsToGain(double decibels);

struct ClipNode {
    const float* left = nullptr;
    const float* right = nullptr; // nullptr: mono media, feeds both sides
    std::int64_t mediaFrames = 0;
    std::int64_t position = 0;
    std::int64_t offset = 0;
    std::int64_t length = 0;
    std::int64_t fadeIn = 0;
    std::int64_t fadeOut = 0;
    float gain = 1.0f;
};

struct TrackNode {
    TrackControls* controls = nullptr;
    std::vector<ClipNode> clips; // sorted by position
};

class PlaybackGraph {
public:
    int sampleRate = 0;
    std::int64_t length = 0; // end of the last clip
    int rampFrames = 1;
    std::vector<TrackNode> tracks;
    // Ownership, released on the message thread with the graph.
    std::vector<std::shared_ptr<const DecodedMedia>> media;
    std::vector<std::shared_ptr<TrackControls>> controls;

    // Renders `frames` (<= kMaxChunkFrames) frames of the timeline from `position` into
    // `left`/`right` (overwritten). `stemLeft`/`stemRight`, when given, get one buffer per track:
    // the track after its fader, before mute/solo. Real-time safe.
    void process(std::int64_t position, int frames, float* left, float* right,
                 float* const* stemLeft = nullptr, float* const* stemRight = nullptr) noexcept;
    // Transport stopped: controls jump to their values (nothing sounds, so nothing clicks).
    void idle() noexcept;

private:
    friend std::unique_ptr<PlaybackGraph>
    buildPlaybackGraph(const Project&,
                       const std::function<std::shared_ptr<const DecodedMedia>(const Clip&)>&,
                       const std::function<std::shared_ptr<TrackControls>(const Track&)>&);
    bool mixClips(const TrackNode& track, std::int64_t position, int frames) noexcept;
    void aimTargets(bool anySolo) noexcept;
    std::vector<float> busLeft_, busRight_;
};

// Builds the graph of `project` (pure: reads only its arguments). `mediaFor` gives the decoded
// media of an online clip at the project rate; `controlsFor` the controls of a track (their
// atomics already hold the track's values).
std::unique_ptr<PlaybackGraph>
buildPlaybackGraph(const Project& project,
                   const std::function<std::shared_ptr<const DecodedMedia>(const Clip&)>& mediaFor,
                   const std::function<std::shared_ptr<TrackControls>(const Track&)>& controlsFor);

// Sets the controls' atomics from a track, and (for new controls) their smoothing state, so the
// first block plays the values exactly.
void loadControls(TrackControls& controls, const Track& track, bool anySolo, bool fresh);

} // namespace accord::audio::detail

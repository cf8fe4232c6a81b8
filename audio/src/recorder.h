#pragma once

// Recording (docs/ARCHITECTURE.md "Recording path"). The audio thread copies each armed track's
// input into a preallocated lock-free ring and notes, in a second ring, the timeline position
// whenever it stops following on from the last frame (a start, a loop wrap, a seek); it never
// allocates, locks or touches a file. A worker thread (TakeWriter) drains both, shifts every
// frame back by the round-trip latency (what the performer heard at timeline t comes back
// `latency` frames later) and writes takes to disk; a break in the timeline starts a new take.
//
// Monitoring adds an armed track's input to the master through the track's gain and pan (their
// atomics, unramped) and raises the track's meter. Switching it on or off, muting the track or
// soloing another one (which silences it as playback does) ramps it over the graph's 10 ms, so
// a click on the monitor button is not a click in the speakers (docs/STUDIO.md "Recording"); a
// monitored track disarmed keeps a lane that neither records nor monitors until the next arms,
// so it fades out too.

#include "accord/audio/recording.h"

#include "graph.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace accord::audio::detail {

// Single producer, single consumer, fixed capacity (a power of two), lock-free.
template <typename T> class SpscRing {
public:
    explicit SpscRing(std::size_t capacity) : slots_(capacity), mask_(capacity - 1) {}
    std::size_t capacity() const { return slots_.size(); }
    // Producer.
    std::size_t freeSpace() const {
        return slots_.size() -
               (head_.load(std::memory_order_relaxed) - tail_.load(std::memory_order_acquire));
    }
    T& slot(std::size_t ahead) {
        return slots_[(head_.load(std::memory_order_relaxed) + ahead) & mask_];
    }
    void commit(std::size_t count) {
        head_.store(head_.load(std::memory_order_relaxed) + count, std::memory_order_release);
    }
    // Consumer.
    std::size_t available() const {
        return head_.load(std::memory_order_acquire) - tail_.load(std::memory_order_relaxed);
    }
    const T& peek(std::size_t ahead) const {
        return slots_[(tail_.load(std::memory_order_relaxed) + ahead) & mask_];
    }
    void consume(std::size_t count) {
        tail_.store(tail_.load(std::memory_order_relaxed) + count, std::memory_order_release);
    }

private:
    std::vector<T> slots_;
    std::size_t mask_;
    std::atomic<std::size_t> head_{0};
    std::atomic<std::size_t> tail_{0};
};

// From this captured frame on, the timeline runs on from `position`.
struct CaptureSegment {
    std::int64_t frame = 0;
    std::int64_t position = 0;
};

// The armed tracks as the audio thread sees them: published by pointer swap like the graph,
// immutable but for the rings and counters.
class InputRouting {
public:
    // Per armed track with `record`: 2^19 samples, ~5 s of stereo at 48 kHz, far more than the
    // worker's 10 ms between drains.
    static constexpr std::size_t kRingSamples = std::size_t(1) << 19;
    static constexpr std::size_t kSegments = 1024;

    struct Lane {
        RecordArm arm;
        std::shared_ptr<TrackControls> controls;
        std::unique_ptr<SpscRing<float>> ring; // interleaved frames; null unless arm.record
        // Not armed in the routing before: its monitoring ramps in from silence, whatever level
        // an earlier arm of the track left.
        bool newlyArmed = false;
    };
    explicit InputRouting(std::vector<Lane> lanes);

    // ---- audio thread ----
    // Adds the monitored lanes' inputs (frames [offset, offset + frames) of `inputs`) to
    // `left`/`right`, each ramping over `rampFrames` to on (monitored and sounding as `anySolo`
    // rules) or off.
    void monitor(const float* const* inputs, int inputChannels, int offset, int frames, float* left,
                 float* right, bool anySolo, int rampFrames) noexcept;
    // While capturing: appends the recorded lanes' inputs, heard while the timeline played
    // `position`.. onwards. Missing input channels record silence; a full ring drops the block
    // for every lane (counted), so lanes stay in step.
    void capture(const float* const* inputs, int inputChannels, int offset, int frames,
                 std::int64_t position) noexcept;

    // ---- message thread ----
    // Off: returns once a capture in progress on the audio thread has ended.
    void setCapturing(bool on);
    bool recordsAnything() const;

    std::vector<Lane> lanes;
    SpscRing<CaptureSegment> segments{kSegments};
    std::atomic<std::int64_t> captured{0}; // frames pushed into every recorded lane's ring
    std::atomic<std::uint64_t> dropped{0};

private:
    std::atomic<bool> capturing_{false};
    std::atomic<bool> inCapture_{false};
    std::int64_t nextPosition_ = -1; // audio thread: where the last captured block ended
    std::int64_t frame_ = 0;         // audio thread: frames captured so far
    bool monitorStarted_ = false;    // audio thread: newly armed lanes were set silent
};

// The engine's side of the routing: handed to the audio thread by pointer swap and retired to
// the message thread to be freed, as the graph is (docs/ARCHITECTURE.md "Audio engine").
class InputPublisher {
public:
    // Message thread.
    void publish(std::shared_ptr<InputRouting> routing);
    void collectGarbage();
    // Audio thread: the newest routing (null before the first).
    InputRouting* adopt() noexcept;

private:
    std::atomic<InputRouting*> pending_{nullptr};
    RetireQueue<InputRouting> retired_;
    std::vector<std::shared_ptr<InputRouting>> alive_; // message thread: published, not retired
    InputRouting* current_ = nullptr;                  // audio thread
    void release(InputRouting* routing);
};

// The output fed back as input `latency` frames later, for the offline clock's test input (a
// loopback cable without a device). Preallocated; real-time safe.
class LoopbackDelay {
public:
    // `latency` >= `maxBlock`: like a device, what is played cannot come back within its block.
    LoopbackDelay(int latency, int maxBlock);
    // Fills `inputs` (2 channels) with what was played `latency` frames ago.
    void read(float* const* inputs, int frames) noexcept;
    // Remembers what this block played.
    void write(const float* const* outputs, int frames) noexcept;
    int latency() const { return latency_; }

private:
    int latency_;
    std::vector<float> history_[2];
    std::size_t read_ = 0;    // frames read so far
    std::size_t written_ = 0; // frames written so far
};

// The worker that turns captured input into take files (one thread per recording).
class TakeWriter {
public:
    // `latency`: round-trip frames to compensate (>= 0). `punch`: only frames heard inside
    // [start, end) are kept. Takes go to `folder` (created if missing).
    TakeWriter(std::shared_ptr<InputRouting> routing, std::string folder, int sampleRate,
               std::int64_t latency, std::optional<LoopSpan> punch);
    ~TakeWriter();
    TakeWriter(const TakeWriter&) = delete;
    TakeWriter& operator=(const TakeWriter&) = delete;
    // Call after capturing stopped: drains what is left, finishes every file, joins the thread.
    RecordingResult finish();

    struct OpenTake; // a take being written (JUCE writer, temporary file)

private:
    void run();
    void drain();
    void write(std::size_t laneIndex, std::int64_t position, const float* interleaved,
               std::int64_t frames);
    void closeTake(std::size_t laneIndex);

    std::shared_ptr<InputRouting> routing_;
    std::string folder_;
    int sampleRate_;
    std::int64_t latency_;
    std::optional<LoopSpan> punch_;
    std::vector<CaptureSegment> known_;           // segments drained so far
    std::int64_t consumed_ = 0;                   // captured frames handled
    std::vector<std::unique_ptr<OpenTake>> open_; // per lane
    std::vector<int> passes_;                     // per lane: takes started
    std::vector<float> scratch_;
    RecordingResult result_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

} // namespace accord::audio::detail

#pragma once

// A live node on a stream that arrives as it is played: the Accord Voice plugin's input
// (docs/PLUGIN.md). The same machinery as a live track of the engine (docs/ARCHITECTURE.md
// "Audio engine", "Live node"): the node runs on the process's inference worker, with a standby
// replica on a second core when there is one, and the audio thread meets them in fixed-size
// lock-free rings. The output is the node's, `latencyFrames()` after its input: the node's own
// latency plus the output the worker is given to keep in hand (one block, at least 8 ms).
//
// Threads: construct and destroy on the message thread; process() on the audio thread, where it
// never locks, allocates or frees.

#include "accord/dsp/stream_processor.h"

#include <memory>

namespace accord::audio {

class LiveStream {
public:
    // Prepares `processor` (and its standby clone) at `sampleRate`; process() takes at most
    // `maxBlock` frames per call.
    LiveStream(std::shared_ptr<dsp::StreamProcessor> processor, int sampleRate, int maxBlock);
    ~LiveStream();
    LiveStream(const LiveStream&) = delete;
    LiveStream& operator=(const LiveStream&) = delete;

    int latencyFrames() const;

    // `frames` (<= maxBlock) mono frames in; the node's output for them `latencyFrames()` later
    // out (the stream starts silent and fades in over 5 ms). `realtime` false (a host's offline
    // bounce): waits for the worker when it is late instead of playing silence, so the output is
    // what real time plays when the worker keeps up.
    void process(const float* in, float* out, int frames, bool realtime) noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Which LiveStream the audio thread plays, changed while it plays: the message thread publishes a
// stream (or none: silence), the audio thread takes it at its next call and hands the one it
// leaves back to be freed on the message thread (the engine's way, lock-free, docs/ARCHITECTURE.md
// "Audio engine"). The stream left fades out over 5 ms (the engine's kLiveFadeSeconds) while the
// new one starts, silent until its latency and then fading in: no click.
class LiveStreamSlot {
public:
    LiveStreamSlot();
    ~LiveStreamSlot(); // message thread, when the audio thread has stopped
    LiveStreamSlot(const LiveStreamSlot&) = delete;
    LiveStreamSlot& operator=(const LiveStreamSlot&) = delete;

    // Message thread, while the audio thread does not play: process() takes at most `maxBlock`
    // frames per call at `sampleRate`.
    void prepare(int sampleRate, int maxBlock);
    // Message thread: `stream` (null: none) plays from the audio thread's next call. Frees the
    // streams the audio thread has left.
    void publish(std::unique_ptr<LiveStream> stream);
    // Audio thread: the current stream's output for `frames` (<= maxBlock) frames of `in` into
    // `out` (overwritten; silence when there is none), with the stream just left fading out.
    // Returns whether a stream is current. `realtime` as LiveStream::process.
    bool process(const float* in, float* out, int frames, bool realtime) noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace accord::audio

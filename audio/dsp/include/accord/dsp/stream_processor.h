#pragma once

// A mono stream processor a track can run through (a live voice model; docs/ARCHITECTURE.md,
// "Live node"). Plain C++ in the dsp library: the audio engine runs it without knowing what it is,
// and models/ implements it without linking the engine.
//
// Threads: prepare() and latencyFrames() on the message thread before the processor is handed
// to the engine (or to renderProject); process() afterwards only on one worker thread at a time,
// never on the audio thread, so it may take its time per call (within real time on average),
// but it must not block on the message thread. A processor belongs to one engine or one render.

#include <memory>

namespace accord::dsp {

class StreamProcessor {
public:
    virtual ~StreamProcessor() = default;

    // Allocates everything process() needs; `maxBlock` is the most frames one process() call
    // gets. Called once.
    virtual void prepare(int sampleRate, int maxBlock) = 0;

    // Output frame n is the processed input frame n - latencyFrames() (frames before the stream's
    // start read as silence). Fixed once prepared.
    virtual int latencyFrames() const = 0;

    // Exactly `frames` (<= maxBlock) frames in and out. The output must not depend on how the
    // stream is cut into calls, so a render (one cut) equals playback (another cut).
    virtual void process(const float* in, float* out, int frames) = 0;

    // A new, unprepared instance that turns the same input into the same output, sample for
    // sample, or null (the default) when there is none. The engine runs it as a standby on a
    // second worker and core and plays each frame from whichever of the two has it, so a stall
    // of one core (a virtual machine's, a busy system's) costs no dropout. Message thread.
    virtual std::shared_ptr<StreamProcessor> clone() const { return nullptr; }
};

} // namespace accord::dsp

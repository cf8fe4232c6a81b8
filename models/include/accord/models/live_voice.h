#pragma once

// A voice model as a live node (docs/ARCHITECTURE.md, "Live node"): a dsp::StreamProcessor
// (accord/dsp/stream_processor.h) that re-sings a mono stream with a VoiceModel in real time, for a
// track running "through" the model in the engine (Engine::setTrackProcessor) or in a render
// (RenderRequest::processorFor).
//
// How it keeps the latency low (offline conversion looks ~45 ms ahead); at 48 kHz its own
// latency is 525 frames, 10.9 ms: resampling 1 ms, one model frame 8 ms, placement 2 ms.
// - The stream is resampled to the model's 16 kHz and back with short windowed-sinc filters
//   (0.5 ms each way).
// - Every 128 samples (8 ms, the model's frame) dsp::CausalVoiceAnalyser analyses one frame
//   from the samples up to now and places it 2 ms before the newest one: level from an 8 ms
//   window, f0 by a causal yin, MFCCs of the training extractor's 32 ms window ending now
//   (timbre inputs lag ~14 ms). Level and pitch describe a few ms before their placement: the
//   output's envelope trails the input's by ~1.5 ms (bench_live_voice).
// - The per-file normalisation of the offline path becomes a running one over everything the
//   stream has heard (digital silence left out): the 95th-percentile level, the median voiced
//   f0 and the MFCC means and deviations, all from the stream's start.
// - The causal dilated-convolution network runs one frame per hop in plain C++ on weights
//   copied from the model at construction, with each layer's past inputs in a ring buffer: no
//   Torch on the worker, a constant ~0.3 M multiply-adds per frame.
// - The offline path's harmonic-plus-noise synthesiser, run frame by frame.
// Differences from offline conversion (voice_model.h): causal f0 (octave repair looks back
// only, unvoiced gaps hold the last f0, no single-frame voicing fix), running normalisation,
// the 8 ms level window, no peak limiter (the track's fader follows).
//
// Threads: construct off the audio thread (it copies the weights: a UI worker is fine), prepare
// on the message thread (allocates), process() on one worker; process() does not allocate.

#include "accord/dsp/stream_processor.h"
#include "accord/models/voice_model.h"

#include <memory>

namespace accord::models {

class LiveVoice final : public dsp::StreamProcessor {
public:
    // Copies the model's weights; the model may go away afterwards.
    explicit LiveVoice(const VoiceModel& model, double transposeSemitones = 0);
    ~LiveVoice() override;
    LiveVoice(const LiveVoice&) = delete;
    LiveVoice& operator=(const LiveVoice&) = delete;

    void prepare(int sampleRate, int maxBlock) override;
    int latencyFrames() const override;
    void process(const float* in, float* out, int frames) override;
    // The same weights and transposition, a fresh stream: the same output for the same input.
    std::shared_ptr<dsp::StreamProcessor> clone() const override;

private:
    struct Impl;
    explicit LiveVoice(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace accord::models

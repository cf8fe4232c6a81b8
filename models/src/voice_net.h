#pragma once

// The voice model's network and its training step, behind plain types: the only Torch
// translation unit of the voice model is voice_net.cpp.
//
// Network: frame-rate, causal. A linear embedding of the conditioning (kConditioningSize ->
// channels), then `layers` residual blocks of a dilated causal convolution (kernel taps at
// t, t - d, t - 2d ..., d = 1, 2, 4, ...; computed as one matrix product over the stacked taps)
// with a leaky ReLU, then a linear head to the synthesiser controls (log power of the harmonic
// and noise envelopes; zero-initialised, so an untrained model is spectrally flat).

#include "model_file.h"
#include "voice_dsp.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace accord::models::voice {

// The dataset, every array over the same `frames` (the training assets' frames concatenated,
// with zero frames before the first crop's context and after the last crop).
struct TrainingData {
    std::int64_t frames = 0;
    std::vector<float> conditioning;           // frames x kConditioningSize
    std::vector<float> comb;                   // frames x kBins: C_t (0 on unvoiced frames)
    std::vector<float> target;                 // frames x kBins: |X_t(k)|^2
    std::vector<float> level;                  // frames: A-weighted mean square (linear)
    std::vector<std::uint8_t> trainFrame;      // carries training loss
    std::vector<std::uint8_t> validationFrame; // carries validation loss
};

struct Evaluation {
    double loss = 0;          // the training objective on these frames
    double logSpectralDb = 0; // mean over frames of the RMS dB difference of P and |X|^2
    std::int64_t frames = 0;
};

class VoiceNetwork {
public:
    // Initialises the weights from `seed` (its own generator: no global state).
    VoiceNetwork(const VoiceConfig& config, std::uint64_t seed);
    ~VoiceNetwork();
    VoiceNetwork(const VoiceNetwork&) = delete;
    VoiceNetwork& operator=(const VoiceNetwork&) = delete;

    const VoiceConfig& config() const;
    std::vector<NamedArray> weights() const;
    // Throws BadInput naming `what` when the names or shapes differ from this network's.
    void setWeights(const std::vector<NamedArray>& weights, const std::string& what);

    // Controls for every frame: frames x config().outputs(), row-major.
    std::vector<float> run(const std::vector<float>& conditioning, std::int64_t frames) const;

private:
    friend class VoiceTrainer;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

class VoiceTrainer {
public:
    VoiceTrainer(VoiceNetwork& network, const TrainingData& data);
    ~VoiceTrainer();
    VoiceTrainer(const VoiceTrainer&) = delete;
    VoiceTrainer& operator=(const VoiceTrainer&) = delete;

    // One Adam step (0-based `step`, for the learning-rate schedule) on crops whose loss frames
    // start at `cropStarts` (each >= contextFrames, + cropFrames + 2 <= frames). Returns the loss.
    double step(int step, const std::vector<std::int64_t>& cropStarts);
    // The objective and the log-spectral distance over the frames marked in `which`.
    Evaluation evaluate(bool validationFrames) const;

    // Adam's moments (for checkpoints).
    std::vector<NamedArray> optimizerState() const;
    void setOptimizerState(const std::vector<NamedArray>& state, const std::string& what);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace accord::models::voice

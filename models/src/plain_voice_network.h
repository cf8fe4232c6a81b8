#pragma once

// The voice network in plain C++ (no Torch), for everything that only runs a trained model:
// offline conversion (VoiceModel::convert) and the live node (live_voice.cpp). The layers are
// voice_net.h's; the weights are read from a model file's tensor block, checked by name and
// shape, and kept transposed (inputs x outputs) so one frame is a run of axpy loops and many
// frames are one matrix product (OpenBLAS sgemm) per layer. Training stays in voice_net.cpp:
// LibTorch costs ~0.4 s to load per process, more than re-singing a minute of audio.

#include "model_file.h"
#include "voice_dsp.h"

#include <cstdint>
#include <string>
#include <vector>

namespace accord::models::voice {

struct DenseLayer {
    int inputs = 0, outputs = 0;
    std::vector<float> weights; // inputs x outputs, row-major
    std::vector<float> bias;
    // y = bias + x W for one row x (no allocation: the live node calls it every frame).
    void apply(const float* x, float* y) const;
};

class PlainVoiceNetwork {
public:
    // Throws BadInput naming `what` when a tensor is missing or has another shape than `config`
    // gives it.
    PlainVoiceNetwork(const VoiceConfig& config, const std::vector<NamedArray>& weights,
                      const std::string& what);

    const VoiceConfig& config() const { return config_; }
    const DenseLayer& input() const { return input_; }
    const std::vector<DenseLayer>& convs() const { return convs_; }
    const DenseLayer& head() const { return head_; }

    // Controls for every frame: frames x config().outputs(), row-major; causal, as training's.
    std::vector<float> run(const std::vector<float>& conditioning, std::int64_t frames) const;

private:
    VoiceConfig config_;
    DenseLayer input_;
    std::vector<DenseLayer> convs_;
    DenseLayer head_;
};

} // namespace accord::models::voice

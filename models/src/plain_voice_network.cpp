#include "plain_voice_network.h"

#include "accord/core/errors.h"

#include <cblas.h>

#include <algorithm>
#include <mutex>

namespace accord::models::voice {
namespace {

// The layer `name` of `weights` (PyTorch's Linear layout: outputs x inputs), transposed.
DenseLayer layerFrom(const std::vector<NamedArray>& weights, const std::string& name, int inputs,
                     int outputs, const std::string& what) {
    const auto find = [&](const std::string& tensor) -> const NamedArray& {
        for (const NamedArray& array : weights)
            if (array.name == tensor)
                return array;
        throw BadInput(what + ": the weights have no tensor '" + tensor + "'");
    };
    const NamedArray& weight = find(name + ".weight");
    const NamedArray& bias = find(name + ".bias");
    if (weight.shape != std::vector<std::int64_t>{outputs, inputs} ||
        weight.values.size() != std::size_t(outputs) * std::size_t(inputs))
        throw BadInput(what + ": tensor '" + weight.name + "' has the wrong shape for this model");
    if (bias.shape != std::vector<std::int64_t>{outputs} ||
        bias.values.size() != std::size_t(outputs))
        throw BadInput(what + ": tensor '" + bias.name + "' has the wrong shape for this model");
    DenseLayer layer;
    layer.inputs = inputs;
    layer.outputs = outputs;
    layer.weights.resize(weight.values.size());
    for (int o = 0; o < outputs; ++o)
        for (int i = 0; i < inputs; ++i)
            layer.weights[std::size_t(i) * std::size_t(outputs) + std::size_t(o)] =
                weight.values[std::size_t(o) * std::size_t(inputs) + std::size_t(i)];
    layer.bias = bias.values;
    return layer;
}

// rows x layer.outputs of y (stride ldy) += rows of x (stride ldx) times the layer's weights
// starting at input row `firstInput` (`inputs` of them).
void multiplyAdd(const float* x, int rows, int ldx, const DenseLayer& layer, int firstInput,
                 int inputs, float* y, int ldy) {
    if (rows <= 0)
        return;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, layer.outputs, inputs, 1.0f, x,
                ldx, layer.weights.data() + std::size_t(firstInput) * std::size_t(layer.outputs),
                layer.outputs, 1.0f, y, ldy);
}

void fillBias(const DenseLayer& layer, std::int64_t frames, float* y) {
    for (std::int64_t t = 0; t < frames; ++t)
        std::copy(layer.bias.begin(), layer.bias.end(), y + t * layer.outputs);
}

} // namespace

void DenseLayer::apply(const float* x, float* y) const {
    std::copy(bias.begin(), bias.end(), y);
    for (int i = 0; i < inputs; ++i) {
        const float v = x[i];
        const float* w = weights.data() + std::size_t(i) * std::size_t(outputs);
        for (int o = 0; o < outputs; ++o)
            y[o] += v * w[o];
    }
}

PlainVoiceNetwork::PlainVoiceNetwork(const VoiceConfig& config,
                                     const std::vector<NamedArray>& weights,
                                     const std::string& what)
    : config_(config) {
    const int channels = config.channels;
    const std::size_t expected = 2 * std::size_t(config.layers + 2);
    if (weights.size() != expected)
        throw BadInput(what + ": the weights hold " + std::to_string(weights.size()) +
                       " tensors, this model has " + std::to_string(expected));
    input_ = layerFrom(weights, "input", kConditioningSize, channels, what);
    for (int l = 0; l < config.layers; ++l)
        convs_.push_back(layerFrom(weights, "conv" + std::to_string(l), config.kernel * channels,
                                   channels, what));
    head_ = layerFrom(weights, "head", channels, config.outputs(), what);
    // One core per conversion (the product's default, docs/ARCHITECTURE.md "Voice model"):
    // OpenBLAS's own threads would compete with the engine and the studio for a laptop's cores.
    static std::once_flag singleThreaded;
    std::call_once(singleThreaded, [] { openblas_set_num_threads(1); });
}

std::vector<float> PlainVoiceNetwork::run(const std::vector<float>& conditioning,
                                          std::int64_t frames) const {
    if (frames <= 0)
        return {};
    const int channels = config_.channels;
    const int rows = int(frames);
    std::vector<float> hidden(std::size_t(frames) * std::size_t(channels));
    std::vector<float> convolved(hidden.size());
    fillBias(input_, frames, hidden.data());
    multiplyAdd(conditioning.data(), rows, kConditioningSize, input_, 0, kConditioningSize,
                hidden.data(), channels);
    for (int l = 0; l < config_.layers; ++l) {
        const DenseLayer& conv = convs_[std::size_t(l)];
        fillBias(conv, frames, convolved.data());
        // Tap i reads the frame i * 2^l back (zeros before the first frame: causal padding).
        for (int i = 0; i < config_.kernel; ++i) {
            const int shift = i * (1 << l);
            multiplyAdd(hidden.data(), rows - shift, channels, conv, i * channels, channels,
                        convolved.data() + std::size_t(shift) * std::size_t(channels), channels);
        }
        for (std::size_t j = 0; j < hidden.size(); ++j)
            hidden[j] += leakyRelu(convolved[j]);
    }
    for (float& h : hidden)
        h = leakyRelu(h);
    std::vector<float> controls(std::size_t(frames) * std::size_t(config_.outputs()));
    fillBias(head_, frames, controls.data());
    multiplyAdd(hidden.data(), rows, channels, head_, 0, channels, controls.data(),
                config_.outputs());
    return controls;
}

} // namespace accord::models::voice

#pragma once

// The style model's network and its training step, behind plain types: style_net.cpp is the
// style model's only Torch translation unit.
//
// Network: the sum of four embeddings of the latest note (its event, bar position, key degree,
// register band; style_tokens.h) feeds a one-layer GRU whose state two heads turn into the next
// note's event (interval x gap, kEventClasses): log p(gap) and log p(interval | gap)
// (docs/STYLE.md "Network and training"); files from before them hold one joint head.

#include "model_file.h"
#include "style_tokens.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace accord::models::style {

struct StyleConfig {
    int embedding = 64;
    int hidden = 64;
    int steps = 300;
    int batchWindows = 32;
    int windowNotes = 64;
    double learningRate = 3e-3;
    double finalLearningRate = 2e-4;
    int validationEvery = 25;
    double dropout = 0.3;        // of the GRU's input and output, while training
    double labelSmoothing = 0.1; // of the training targets
    // Two heads, log p(gap) and log p(interval | gap), instead of one over the joint events: the
    // interval's statistics are shared across gaps (docs/STYLE.md "Network and training").
    bool factorised = true;

    nlohmann::json toJson() const;
    // Throws BadInput naming `file` for a config of the wrong shape or out of range.
    static StyleConfig fromJson(const nlohmann::json& json, const std::string& file);
};

class StyleNetwork {
public:
    StyleNetwork(const StyleConfig& config, std::uint64_t seed); // its own generator
    ~StyleNetwork();
    StyleNetwork(const StyleNetwork&) = delete;
    StyleNetwork& operator=(const StyleNetwork&) = delete;

    const StyleConfig& config() const;
    std::vector<NamedArray> weights() const;
    // Throws BadInput naming `what` when the names or shapes differ from this network's.
    void setWeights(const std::vector<NamedArray>& weights, const std::string& what);

    // The log-probabilities of every next event (kEventClasses values) at each step of `melody`
    // (teacher forcing): one row per target.
    std::vector<std::vector<float>> eventLogProbabilities(const EncodedMelody& melody) const;

private:
    friend class StyleTrainer;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Windows of at most config.windowNotes steps, for training and validation.
class StyleTrainer {
public:
    StyleTrainer(StyleNetwork& network, const std::vector<EncodedMelody>& trainWindows,
                 const std::vector<EncodedMelody>& validationWindows);
    ~StyleTrainer();
    StyleTrainer(const StyleTrainer&) = delete;
    StyleTrainer& operator=(const StyleTrainer&) = delete;

    // One Adam step (0-based `step`) on the training windows `batch`; the mean loss per note.
    double step(int step, const std::vector<std::int64_t>& batch);
    // Mean negative log-likelihood per note over the training or the validation windows.
    double evaluate(bool validation) const;

    std::vector<NamedArray> optimizerState() const;
    void setOptimizerState(const std::vector<NamedArray>& state, const std::string& what);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace accord::models::style

// The only Torch translation unit of the style model (see style_net.h).

#include "style_net.h"

#include "torch_training.h"

#include "accord/core/errors.h"
#include "accord/core/json_input.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>

namespace accord::models::style {
namespace {

constexpr double kClipNorm = 1.0;
constexpr int kWarmupSteps = 20;
constexpr std::int64_t kIgnored = -100;
constexpr std::int64_t kEvaluationBatch = 256;

struct Net : torch::nn::Module {
    torch::nn::Embedding token{nullptr}, position{nullptr}, key{nullptr}, band{nullptr};
    torch::nn::GRU gru{nullptr};
    torch::nn::Linear head{nullptr};
    // Factorised heads (StyleConfig::factorised): `head` the gap's from the state, the interval's
    // from the state and that gap.
    torch::nn::Embedding gapIn{nullptr};
    torch::nn::Linear intervalHead{nullptr};

    Net(const StyleConfig& c, std::uint64_t seed) {
        token = register_module("token", torch::nn::Embedding(kInputTokens, c.embedding));
        position = register_module("position", torch::nn::Embedding(kPositions, c.embedding));
        key = register_module("key", torch::nn::Embedding(kKeyDegrees, c.embedding));
        band = register_module("register", torch::nn::Embedding(kRegisters, c.embedding));
        gru = register_module(
            "gru", torch::nn::GRU(torch::nn::GRUOptions(c.embedding, c.hidden).batch_first(true)));
        if (c.factorised) {
            head = register_module("gapHead", torch::nn::Linear(c.hidden, kGapClasses));
            gapIn = register_module("gapIn", torch::nn::Embedding(kGapClasses, c.hidden));
            intervalHead =
                register_module("intervalHead", torch::nn::Linear(c.hidden, kIntervalClasses));
        } else {
            head = register_module("head", torch::nn::Linear(c.hidden, kEventClasses));
        }
        // Deterministic initialisation from our own generator: U(-1/sqrt(fan_in), +) matrices,
        // zero biases.
        at::Generator generator = at::detail::createCPUGenerator(seed);
        torch::NoGradGuard noGrad;
        for (auto& parameter : named_parameters()) {
            torch::Tensor& p = parameter.value();
            if (p.dim() == 1) {
                p.zero_();
                continue;
            }
            const double bound = 1.0 / std::sqrt(static_cast<double>(p.size(1)));
            p.uniform_(-bound, bound, generator);
        }
    }

    // inputs: [batch, steps, 4] (token, position, key degree, register band) -> logits over the
    // events (log-probabilities when factorised), state.
    // With `dropout` (training), the GRU's input and output are dropped out with `dropout`'s
    // probability, the masks drawn from its generator.
    struct Dropout {
        double probability = 0;
        at::Generator generator;
    };
    std::tuple<torch::Tensor, torch::Tensor>
    forward(const torch::Tensor& inputs, const torch::Tensor& state, Dropout* dropout = nullptr) {
        const auto drop = [&](const torch::Tensor& x) {
            if (!dropout)
                return x;
            const double keep = 1.0 - dropout->probability;
            return x * torch::empty_like(x).bernoulli_(keep, dropout->generator) / keep;
        };
        const torch::Tensor x = token(inputs.select(2, 0)) + position(inputs.select(2, 1)) +
                                key(inputs.select(2, 2)) + band(inputs.select(2, 3));
        auto [out, next] = state.defined() ? gru(drop(x), state) : gru(drop(x));
        const torch::Tensor h = drop(out);
        if (!intervalHead)
            return {head(h), next};
        // log p(gap) + log p(interval | gap), laid out interval-major as eventClass.
        const torch::Tensor gap = torch::log_softmax(head(h), -1);                     // [b, t, G]
        const torch::Tensor conditioned = torch::tanh(h.unsqueeze(2) + gapIn->weight); // [b,t,G,H]
        const torch::Tensor interval = torch::log_softmax(intervalHead(conditioned), -1);
        const torch::Tensor joint = (interval + gap.unsqueeze(3)).transpose(2, 3);
        return {joint.reshape({h.size(0), h.size(1), kEventClasses}), next};
    }
};

// Windows as padded tensors: inputs [n, steps, 4], targets [n, steps] (kIgnored past the end).
struct Batchable {
    torch::Tensor inputs, targets;
    std::int64_t notes = 0;
};

Batchable batchable(const std::vector<EncodedMelody>& windows) {
    std::int64_t steps = 1;
    for (const EncodedMelody& w : windows)
        steps = std::max<std::int64_t>(steps, static_cast<std::int64_t>(w.targets.size()));
    const auto n = static_cast<std::int64_t>(windows.size());
    Batchable b;
    b.inputs = torch::zeros({n, steps, 4}, torch::kLong);
    b.targets = torch::full({n, steps}, kIgnored, torch::kLong);
    auto in = b.inputs.accessor<std::int64_t, 3>();
    auto out = b.targets.accessor<std::int64_t, 2>();
    for (std::int64_t i = 0; i < n; ++i) {
        const EncodedMelody& w = windows[static_cast<size_t>(i)];
        for (size_t t = 0; t < w.targets.size(); ++t) {
            const StepInput& s = w.inputs[t];
            const auto j = static_cast<std::int64_t>(t);
            in[i][j][0] = s.token;
            in[i][j][1] = s.position;
            in[i][j][2] = s.keyDegree;
            in[i][j][3] = s.registerBand;
            out[i][j] = w.targets[t];
        }
        b.notes += static_cast<std::int64_t>(w.targets.size());
    }
    return b;
}

} // namespace

nlohmann::json StyleConfig::toJson() const {
    return {{"network", "gru"},
            {"embedding", embedding},
            {"hidden", hidden},
            {"steps", steps},
            {"batchWindows", batchWindows},
            {"windowNotes", windowNotes},
            {"learningRate", learningRate},
            {"finalLearningRate", finalLearningRate},
            {"validationEvery", validationEvery},
            {"dropout", dropout},
            {"labelSmoothing", labelSmoothing},
            {"factorised", factorised},
            {"intervalClasses", kIntervalClasses},
            {"gapClasses", kGapClasses}};
}

StyleConfig StyleConfig::fromJson(const nlohmann::json& json, const std::string& file) {
    const JsonFields fields(json, file + ": the style model's config");
    StyleConfig c;
    const auto size = [&](const char* name, int low, int high) {
        const auto value = fields.integer(name);
        if (value < low || value > high)
            throw BadInput(fields.where() + ": \"" + name + "\" out of range");
        return static_cast<int>(value);
    };
    c.embedding = size("embedding", 1, 4096);
    c.hidden = size("hidden", 1, 4096);
    c.steps = size("steps", 1, 10000000);
    c.batchWindows = size("batchWindows", 1, 100000);
    c.windowNotes = size("windowNotes", 2, 100000);
    c.validationEvery = size("validationEvery", 1, 10000000);
    if (size("intervalClasses", 1, 1000) != kIntervalClasses ||
        size("gapClasses", 1, 1000) != kGapClasses)
        throw BadInput(fields.where() + ": tokens of another version of the style model");
    c.learningRate = fields.number("learningRate", c.learningRate);
    c.finalLearningRate = fields.number("finalLearningRate", c.finalLearningRate);
    c.dropout = fields.number("dropout", c.dropout);
    c.labelSmoothing = fields.number("labelSmoothing", c.labelSmoothing);
    c.factorised = fields.flag("factorised", false); // files from before it: one joint head
    return c;
}

struct StyleNetwork::Impl {
    StyleConfig config;
    std::shared_ptr<Net> net;
};

StyleNetwork::StyleNetwork(const StyleConfig& config, std::uint64_t seed)
    : impl_(std::make_unique<Impl>()) {
    impl_->config = config;
    impl_->net = std::make_shared<Net>(config, seed);
}
StyleNetwork::~StyleNetwork() = default;

const StyleConfig& StyleNetwork::config() const {
    return impl_->config;
}

std::vector<NamedArray> StyleNetwork::weights() const {
    return moduleWeights(*impl_->net);
}

void StyleNetwork::setWeights(const std::vector<NamedArray>& weights, const std::string& what) {
    setModuleWeights(*impl_->net, weights, what);
}

std::vector<std::vector<float>>
StyleNetwork::eventLogProbabilities(const EncodedMelody& melody) const {
    if (melody.targets.empty())
        return {};
    torch::NoGradGuard noGrad;
    const Batchable b = batchable({melody});
    const torch::Tensor logits = std::get<0>(impl_->net->forward(b.inputs, {}));
    const torch::Tensor rows = torch::log_softmax(logits, -1).squeeze(0).contiguous();
    std::vector<std::vector<float>> out;
    for (std::int64_t t = 0; t < rows.size(0); ++t) {
        const float* row = rows[t].data_ptr<float>();
        out.emplace_back(row, row + kEventClasses);
    }
    return out;
}

struct StyleTrainer::Impl {
    StyleNetwork& network;
    StyleConfig config;
    Batchable train, validation;
    ClippedAdam adam;

    Impl(StyleNetwork& n, const std::vector<EncodedMelody>& t, const std::vector<EncodedMelody>& v)
        : network(n), config(n.config()), train(batchable(t)), validation(batchable(v)),
          adam(n.impl_->net->parameters(), kClipNorm) {}

    double learningRate(int step) const {
        const double progress =
            std::min(1.0, static_cast<double>(step) / std::max(1, config.steps));
        double rate = config.finalLearningRate + (config.learningRate - config.finalLearningRate) *
                                                     0.5 *
                                                     (1.0 + std::cos(3.14159265358979 * progress));
        const int warmup = std::max(1, std::min(kWarmupSteps, config.steps / 5));
        if (step < warmup)
            rate *= static_cast<double>(step + 1) / warmup;
        return rate;
    }

    torch::Tensor loss(const torch::Tensor& inputs, const torch::Tensor& targets,
                       torch::nn::functional::CrossEntropyFuncOptions::reduction_t reduction,
                       Net::Dropout* dropout = nullptr, double labelSmoothing = 0) {
        const torch::Tensor logits = std::get<0>(network.impl_->net->forward(inputs, {}, dropout));
        return torch::nn::functional::cross_entropy(logits.reshape({-1, kEventClasses}),
                                                    targets.flatten(),
                                                    torch::nn::functional::CrossEntropyFuncOptions()
                                                        .ignore_index(kIgnored)
                                                        .reduction(reduction)
                                                        .label_smoothing(labelSmoothing));
    }
};

StyleTrainer::StyleTrainer(StyleNetwork& network, const std::vector<EncodedMelody>& trainWindows,
                           const std::vector<EncodedMelody>& validationWindows)
    : impl_(std::make_unique<Impl>(network, trainWindows, validationWindows)) {}
StyleTrainer::~StyleTrainer() = default;

double StyleTrainer::step(int step, const std::vector<std::int64_t>& batch) {
    Impl& m = *impl_;
    const torch::Tensor index = torch::tensor(batch, torch::kLong);
    // The masks follow from the step and its batch, so a resumed run draws the same ones.
    std::uint64_t maskSeed = static_cast<std::uint64_t>(step) * 0x9E3779B97F4A7C15ull;
    for (const std::int64_t window : batch)
        maskSeed = (maskSeed ^ static_cast<std::uint64_t>(window)) * 0x100000001B3ull;
    Net::Dropout dropout{m.config.dropout, at::detail::createCPUGenerator(maskSeed)};
    const torch::Tensor loss =
        m.loss(m.train.inputs.index_select(0, index), m.train.targets.index_select(0, index),
               torch::kMean, &dropout, m.config.labelSmoothing);
    loss.backward();
    m.adam.step(step, m.learningRate(step));
    return loss.item<double>();
}

double StyleTrainer::evaluate(bool validation) const {
    Impl& m = *impl_;
    const Batchable& set = validation ? m.validation : m.train;
    if (set.notes == 0)
        return -1;
    torch::NoGradGuard noGrad;
    double sum = 0;
    const std::int64_t n = set.inputs.size(0);
    for (std::int64_t at = 0; at < n; at += kEvaluationBatch) {
        const std::int64_t end = std::min(n, at + kEvaluationBatch);
        sum += m.loss(set.inputs.slice(0, at, end), set.targets.slice(0, at, end), torch::kSum)
                   .item<double>();
    }
    return sum / static_cast<double>(set.notes);
}

std::vector<NamedArray> StyleTrainer::optimizerState() const {
    return impl_->adam.state();
}

void StyleTrainer::setOptimizerState(const std::vector<NamedArray>& state,
                                     const std::string& what) {
    impl_->adam.setState(state, what);
}

} // namespace accord::models::style

// The only Torch translation unit of the voice model (see voice_net.h).

#include "voice_net.h"

#include "torch_training.h"

#include "accord/core/errors.h"
#include "accord/dsp/level.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace accord::models::voice {
namespace {

constexpr double kClipNorm = 2.0;
constexpr int kWarmupSteps = 20;
constexpr double kRelativeFloor = 1e-4; // log-spectral floor: -40 dB under the frame's mean power
constexpr double kAbsoluteFloor = 1e-12;
constexpr std::int64_t kEvaluationChunk = 2048;

torch::Tensor tensorFrom(const std::vector<float>& values, std::vector<std::int64_t> shape) {
    return torch::from_blob(const_cast<float*>(values.data()), shape, torch::kFloat).clone();
}

torch::Tensor maskFrom(const std::vector<std::uint8_t>& values) {
    return torch::from_blob(const_cast<std::uint8_t*>(values.data()),
                            {static_cast<std::int64_t>(values.size())}, torch::kUInt8)
        .to(torch::kFloat);
}

struct Net : torch::nn::Module {
    VoiceConfig config;
    torch::nn::Linear input{nullptr};
    std::vector<torch::nn::Linear> convs;
    torch::nn::Linear head{nullptr};

    Net(const VoiceConfig& c, std::uint64_t seed) : config(c) {
        input = register_module("input", torch::nn::Linear(kConditioningSize, c.channels));
        for (int l = 0; l < c.layers; ++l)
            convs.push_back(register_module("conv" + std::to_string(l),
                                            torch::nn::Linear(c.kernel * c.channels, c.channels)));
        head = register_module("head", torch::nn::Linear(c.channels, c.outputs()));
        // Deterministic initialisation from our own generator: U(-1/sqrt(fan_in), +) weights,
        // zero biases, zero head (an untrained model predicts flat envelopes).
        at::Generator generator = at::detail::createCPUGenerator(seed);
        torch::NoGradGuard noGrad;
        for (auto& parameter : named_parameters()) {
            torch::Tensor& p = parameter.value();
            if (parameter.key().rfind("head.", 0) == 0 || p.dim() == 1) {
                p.zero_();
                continue;
            }
            const double bound = 1.0 / std::sqrt(static_cast<double>(p.size(1)));
            p.uniform_(-bound, bound, generator);
        }
    }

    // x: (batch, time, kConditioningSize) -> (batch, time, outputs); causal in time.
    torch::Tensor forward(const torch::Tensor& x) {
        const std::int64_t time = x.size(1);
        torch::Tensor h = input->forward(x);
        for (int l = 0; l < config.layers; ++l) {
            const std::int64_t dilation = std::int64_t{1} << l;
            std::vector<torch::Tensor> taps;
            taps.reserve(static_cast<size_t>(config.kernel));
            for (int i = 0; i < config.kernel; ++i) {
                const std::int64_t shift = i * dilation;
                taps.push_back(
                    shift == 0 ? h : torch::constant_pad_nd(h, {0, 0, shift, 0}).slice(1, 0, time));
            }
            h = h + torch::leaky_relu(convs[static_cast<size_t>(l)]->forward(torch::cat(taps, -1)),
                                      kLeakySlope);
        }
        return head->forward(torch::leaky_relu(h, kLeakySlope));
    }
};

// The fixed tables of the differentiable synthesiser (voice_dsp.h).
struct Tables {
    torch::Tensor harmonicToBins; // (envelopeBands, kBins)
    torch::Tensor noiseToBins;    // (noiseBands, kBins)
    torch::Tensor loudness;       // (kBins)
    std::array<float, kSmoothTaps> smoothing{};
    double windowPower = 0;
    int envelopeBands = 0, noiseBands = 0;

    explicit Tables(const VoiceConfig& config)
        : envelopeBands(config.envelopeBands), noiseBands(config.noiseBands) {
        harmonicToBins =
            tensorFrom(bandsToBins(envelopeBands), {kBins, envelopeBands}).t().contiguous();
        noiseToBins = tensorFrom(bandsToBins(noiseBands), {kBins, noiseBands}).t().contiguous();
        loudness = tensorFrom(dsp::loudnessWeights(), {kBins});
        smoothing = smoothingKernel();
        windowPower = dsp::spectrumWindowPower();
    }

    // controls (B, T + 4, outputs), comb (B, T + 4, kBins), level (B, T + 4) for frames
    // s - 2 .. s + T + 1 -> expected STFT power P (B, T, kBins) of frames s .. s + T - 1.
    torch::Tensor predict(const torch::Tensor& controls, const torch::Tensor& comb,
                          const torch::Tensor& level) const {
        const torch::Tensor logE =
            torch::matmul(controls.slice(-1, 0, envelopeBands), harmonicToBins);
        const torch::Tensor logN = torch::matmul(
            controls.slice(-1, envelopeBands, envelopeBands + noiseBands), noiseToBins);
        // Both envelopes relative to the noise's peak (the level gain absorbs any common factor).
        const torch::Tensor reference = logN.amax(-1, true).detach();
        const torch::Tensor envelope = (logE - reference).clamp_max(kMaxLogRatio).exp();
        const torch::Tensor noise = (logN - reference).exp();
        const torch::Tensor raw = envelope * comb + noise * windowPower;
        const torch::Tensor predicted = (raw * loudness).sum(-1, true).clamp_min(1e-30);
        const torch::Tensor scaled = raw * (level.unsqueeze(-1) / predicted);
        const std::int64_t time = scaled.size(1) - (kSmoothTaps - 1);
        torch::Tensor power = scaled.slice(1, 0, time) * smoothing[0];
        for (int i = 1; i < kSmoothTaps; ++i)
            power = power + scaled.slice(1, i, i + time) * smoothing[static_cast<size_t>(i)];
        return power;
    }
};

torch::Tensor frameFloor(const torch::Tensor& target) {
    return target.mean(-1, true) * kRelativeFloor + kAbsoluteFloor;
}

// Per-frame objective: mean over bins of |log(P + e) - log(X + e)|.
torch::Tensor frameLoss(const torch::Tensor& power, const torch::Tensor& target) {
    const torch::Tensor floor = frameFloor(target);
    return ((power + floor).log() - (target + floor).log()).abs().mean(-1);
}

torch::Tensor frameLogSpectralDb(const torch::Tensor& power, const torch::Tensor& target) {
    const torch::Tensor floor = frameFloor(target);
    const torch::Tensor db = 10.0 * ((power + floor).log10() - (target + floor).log10());
    return db.square().mean(-1).sqrt();
}

// Chunks of at most kEvaluationChunk frames, within 2 .. frames - 2 (the synthesiser's spread),
// covering every frame `carries` marks. A gap shorter than the network's receptive field stays
// inside a chunk: running the network over it costs no more than the context a new chunk needs.
std::vector<std::pair<std::int64_t, std::int64_t>>
chunksCarrying(const std::vector<std::uint8_t>& carries, int receptiveField) {
    std::vector<std::pair<std::int64_t, std::int64_t>> chunks;
    const auto frames = static_cast<std::int64_t>(carries.size());
    for (std::int64_t t = 2; t < frames - 2; ++t) {
        if (!carries[static_cast<std::size_t>(t)])
            continue;
        if (!chunks.empty() && t - chunks.back().second < receptiveField &&
            t + 1 - chunks.back().first <= kEvaluationChunk)
            chunks.back().second = t + 1;
        else
            chunks.emplace_back(t, t + 1);
    }
    return chunks;
}

} // namespace

// ---- VoiceNetwork -----------------------------------------------------------------------------

struct VoiceNetwork::Impl {
    VoiceConfig config;
    std::shared_ptr<Net> net;
};

VoiceNetwork::VoiceNetwork(const VoiceConfig& config, std::uint64_t seed)
    : impl_(std::make_unique<Impl>()) {
    impl_->config = config;
    impl_->net = std::make_shared<Net>(config, seed);
}

VoiceNetwork::~VoiceNetwork() = default;

const VoiceConfig& VoiceNetwork::config() const {
    return impl_->config;
}

std::vector<NamedArray> VoiceNetwork::weights() const {
    return moduleWeights(*impl_->net);
}

void VoiceNetwork::setWeights(const std::vector<NamedArray>& weights, const std::string& what) {
    setModuleWeights(*impl_->net, weights, what);
}

std::vector<float> VoiceNetwork::run(const std::vector<float>& conditioning,
                                     std::int64_t frames) const {
    if (frames == 0)
        return {};
    torch::NoGradGuard noGrad;
    const torch::Tensor x = torch::from_blob(const_cast<float*>(conditioning.data()),
                                             {1, frames, kConditioningSize}, torch::kFloat);
    const torch::Tensor y = impl_->net->forward(x).contiguous();
    return std::vector<float>(y.data_ptr<float>(), y.data_ptr<float>() + y.numel());
}

// ---- VoiceTrainer -----------------------------------------------------------------------------

struct VoiceTrainer::Impl {
    VoiceNetwork& network;
    VoiceConfig config;
    Tables tables;
    std::int64_t frames = 0;
    torch::Tensor conditioning, comb, target, level, trainFrame, validationFrame;
    // Where evaluate() runs: [from, to) chunks covering the frames that carry each loss.
    std::vector<std::pair<std::int64_t, std::int64_t>> trainChunks, validationChunks;
    ClippedAdam adam;

    Impl(VoiceNetwork& n, const TrainingData& data)
        : network(n), config(n.config()), tables(n.config()), frames(data.frames),
          adam(n.impl_->net->parameters(), kClipNorm) {
        conditioning = tensorFrom(data.conditioning, {frames, kConditioningSize});
        comb = tensorFrom(data.comb, {frames, kBins});
        target = tensorFrom(data.target, {frames, kBins});
        level = tensorFrom(data.level, {frames});
        trainFrame = maskFrom(data.trainFrame);
        validationFrame = maskFrom(data.validationFrame);
        trainChunks = chunksCarrying(data.trainFrame, config.receptiveField());
        validationChunks = chunksCarrying(data.validationFrame, config.receptiveField());
    }

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
};

VoiceTrainer::VoiceTrainer(VoiceNetwork& network, const TrainingData& data)
    : impl_(std::make_unique<Impl>(network, data)) {}

VoiceTrainer::~VoiceTrainer() = default;

double VoiceTrainer::step(int step, const std::vector<std::int64_t>& cropStarts) {
    Impl& m = *impl_;
    const std::int64_t batch = static_cast<std::int64_t>(cropStarts.size());
    const std::int64_t crop = m.config.cropFrames, context = m.config.contextFrames;
    const std::int64_t span = context + crop + 2; // network input frames per crop
    torch::Tensor starts = torch::empty({batch, 1}, torch::kLong);
    for (std::int64_t b = 0; b < batch; ++b)
        starts[b][0] = cropStarts[static_cast<size_t>(b)];
    const torch::Tensor inputIndex =
        (starts - context + torch::arange(span).unsqueeze(0)).flatten();
    const torch::Tensor synthIndex = (starts - 2 + torch::arange(crop + 4).unsqueeze(0)).flatten();
    const torch::Tensor lossIndex = (starts + torch::arange(crop).unsqueeze(0)).flatten();

    const torch::Tensor x =
        m.conditioning.index_select(0, inputIndex).view({batch, span, kConditioningSize});
    const torch::Tensor controls = m.network.impl_->net->forward(x).slice(1, context - 2, span);
    const torch::Tensor power = m.tables.predict(
        controls, m.comb.index_select(0, synthIndex).view({batch, crop + 4, kBins}),
        m.level.index_select(0, synthIndex).view({batch, crop + 4}));
    const torch::Tensor target = m.target.index_select(0, lossIndex).view({batch, crop, kBins});
    const torch::Tensor mask = m.trainFrame.index_select(0, lossIndex).view({batch, crop});
    const torch::Tensor loss = (frameLoss(power, target) * mask).sum() / mask.sum().clamp_min(1.0);
    loss.backward();
    m.adam.step(step, m.learningRate(step));
    return loss.item<double>();
}

Evaluation VoiceTrainer::evaluate(bool validationFrames) const {
    const Impl& m = *impl_;
    torch::NoGradGuard noGrad;
    const torch::Tensor& which = validationFrames ? m.validationFrame : m.trainFrame;
    // The network runs over each chunk and the receptive field before it only: the held-out tenth
    // of the frames no longer pays for a pass over all of them (docs/ARCHITECTURE.md "Voice
    // model"). The causal network's output there is the whole set's, to float rounding.
    const std::int64_t context = m.config.receptiveField() - 1;
    double lossSum = 0, lsdSum = 0, count = 0;
    for (const auto& [from, to] : validationFrames ? m.validationChunks : m.trainChunks) {
        const torch::Tensor mask = which.slice(0, from, to);
        const double n = mask.sum().item<double>();
        const std::int64_t first = std::max<std::int64_t>(0, from - 2 - context);
        const torch::Tensor controls =
            m.network.impl_->net->forward(m.conditioning.slice(0, first, to + 2).unsqueeze(0))
                .squeeze(0)
                .slice(0, from - 2 - first);
        const torch::Tensor power =
            m.tables
                .predict(controls.unsqueeze(0), m.comb.slice(0, from - 2, to + 2).unsqueeze(0),
                         m.level.slice(0, from - 2, to + 2).unsqueeze(0))
                .squeeze(0);
        const torch::Tensor target = m.target.slice(0, from, to);
        lossSum += (frameLoss(power, target) * mask).sum().item<double>();
        lsdSum += (frameLogSpectralDb(power, target) * mask).sum().item<double>();
        count += n;
    }
    Evaluation result;
    result.frames = static_cast<std::int64_t>(count);
    result.loss = count > 0 ? lossSum / count : 0;
    result.logSpectralDb = count > 0 ? lsdSum / count : 0;
    return result;
}

std::vector<NamedArray> VoiceTrainer::optimizerState() const {
    return impl_->adam.state();
}

void VoiceTrainer::setOptimizerState(const std::vector<NamedArray>& state,
                                     const std::string& what) {
    impl_->adam.setState(state, what);
}

} // namespace accord::models::voice

#include "torch_training.h"

#include "accord/core/errors.h"

#include <cmath>

namespace accord::models {
namespace {

constexpr double kAdamBeta1 = 0.9;
constexpr double kAdamBeta2 = 0.999;
constexpr double kAdamEpsilon = 1e-8;

} // namespace

NamedArray toArray(const std::string& name, const torch::Tensor& tensor) {
    NamedArray array;
    array.name = name;
    array.shape = tensor.sizes().vec();
    const torch::Tensor data = tensor.detach().contiguous().to(torch::kFloat);
    array.values.assign(data.data_ptr<float>(), data.data_ptr<float>() + data.numel());
    return array;
}

std::vector<NamedArray> moduleWeights(const torch::nn::Module& module) {
    std::vector<NamedArray> out;
    for (const auto& parameter : module.named_parameters())
        out.push_back(toArray(parameter.key(), parameter.value()));
    return out;
}

void setModuleWeights(torch::nn::Module& module, const std::vector<NamedArray>& weights,
                      const std::string& what) {
    auto parameters = module.named_parameters();
    if (parameters.size() != weights.size())
        throw BadInput(what + ": the weights hold " + std::to_string(weights.size()) +
                       " tensors, this model has " + std::to_string(parameters.size()));
    std::size_t i = 0;
    for (auto& parameter : parameters) {
        const NamedArray& array = weights[i++];
        if (array.name != parameter.key())
            throw BadInput(what + ": unexpected tensor '" + array.name + "' (expected '" +
                           parameter.key() + "')");
        copyInto(parameter.value(), array, what);
    }
}

void copyInto(torch::Tensor& tensor, const NamedArray& array, const std::string& what) {
    if (tensor.sizes().vec() != array.shape ||
        static_cast<std::int64_t>(array.values.size()) != tensor.numel())
        throw BadInput(what + ": tensor '" + array.name + "' has the wrong shape for this model");
    torch::NoGradGuard noGrad;
    tensor.copy_(
        torch::from_blob(const_cast<float*>(array.values.data()), tensor.sizes(), torch::kFloat));
}

ClippedAdam::ClippedAdam(std::vector<torch::Tensor> parameters, double clipNorm)
    : parameters_(std::move(parameters)), clipNorm_(clipNorm) {
    for (const torch::Tensor& p : parameters_) {
        firstMoment_.push_back(torch::zeros_like(p));
        secondMoment_.push_back(torch::zeros_like(p));
    }
}

void ClippedAdam::step(int step, double learningRate) {
    torch::NoGradGuard noGrad;
    double squaredNorm = 0;
    for (auto& p : parameters_)
        if (p.grad().defined())
            squaredNorm += p.grad().square().sum().item<double>();
    const double norm = std::sqrt(squaredNorm);
    const double clip = norm > clipNorm_ ? clipNorm_ / norm : 1.0;
    const double t = step + 1;
    const double rate =
        learningRate * std::sqrt(1.0 - std::pow(kAdamBeta2, t)) / (1.0 - std::pow(kAdamBeta1, t));
    for (size_t i = 0; i < parameters_.size(); ++i) {
        torch::Tensor& p = parameters_[i];
        if (!p.grad().defined())
            continue;
        const torch::Tensor g = p.grad() * clip;
        firstMoment_[i].mul_(kAdamBeta1).add_(g, 1.0 - kAdamBeta1);
        secondMoment_[i].mul_(kAdamBeta2).addcmul_(g, g, 1.0 - kAdamBeta2);
        p.addcdiv_(firstMoment_[i], secondMoment_[i].sqrt().add_(kAdamEpsilon), -rate);
        p.grad().zero_();
    }
}

std::vector<NamedArray> ClippedAdam::state() const {
    std::vector<NamedArray> out;
    for (size_t i = 0; i < parameters_.size(); ++i) {
        out.push_back(toArray("m" + std::to_string(i), firstMoment_[i]));
        out.push_back(toArray("v" + std::to_string(i), secondMoment_[i]));
    }
    return out;
}

void ClippedAdam::setState(const std::vector<NamedArray>& state, const std::string& what) {
    if (state.size() != 2 * parameters_.size())
        throw BadInput(what + ": optimizer state does not match the model");
    for (size_t i = 0; i < parameters_.size(); ++i) {
        copyInto(firstMoment_[i], state[2 * i], what);
        copyInto(secondMoment_[i], state[2 * i + 1], what);
    }
}

} // namespace accord::models

#include "style_stepper.h"

#include "accord/core/errors.h"

#include <algorithm>
#include <cmath>

namespace accord::models::style {
namespace {

const std::vector<float>& weightNamed(const std::vector<NamedArray>& weights,
                                      const std::string& name) {
    for (const NamedArray& array : weights)
        if (array.name == name)
            return array.values;
    throw BadInput("the style network has no weights named " + name);
}

// out[r] = bias[r] + sum over c of matrix[r][c] * x[c]
void affine(const std::vector<float>& matrix, const std::vector<float>& bias, const float* x,
            int columns, float* out) {
    const auto rows = static_cast<int>(bias.size());
    for (int r = 0; r < rows; ++r) {
        const float* row = matrix.data() + static_cast<std::size_t>(r) * columns;
        float sum = 0;
        for (int c = 0; c < columns; ++c)
            sum += row[c] * x[c];
        out[r] = bias[static_cast<std::size_t>(r)] + sum;
    }
}

void logSoftmax(float* values, int count) {
    const float highest = *std::max_element(values, values + count);
    double total = 0;
    for (int i = 0; i < count; ++i)
        total += std::exp(static_cast<double>(values[i] - highest));
    const auto shift = static_cast<float>(highest + std::log(total));
    for (int i = 0; i < count; ++i)
        values[i] -= shift;
}

float sigmoid(float x) {
    return 1.0f / (1.0f + std::exp(-x));
}

} // namespace

StyleStepper::StyleStepper(const StyleNetwork& network)
    : embedding_(network.config().embedding), hidden_(network.config().hidden),
      factorised_(network.config().factorised) {
    const std::vector<NamedArray> weights = network.weights();
    token_ = weightNamed(weights, "token.weight");
    position_ = weightNamed(weights, "position.weight");
    key_ = weightNamed(weights, "key.weight");
    band_ = weightNamed(weights, "register.weight");
    inputWeights_ = weightNamed(weights, "gru.weight_ih_l0");
    stateWeights_ = weightNamed(weights, "gru.weight_hh_l0");
    inputBias_ = weightNamed(weights, "gru.bias_ih_l0");
    stateBias_ = weightNamed(weights, "gru.bias_hh_l0");
    if (factorised_) {
        headWeights_ = weightNamed(weights, "gapHead.weight");
        headBias_ = weightNamed(weights, "gapHead.bias");
        gapIn_ = weightNamed(weights, "gapIn.weight");
        intervalWeights_ = weightNamed(weights, "intervalHead.weight");
        intervalBias_ = weightNamed(weights, "intervalHead.bias");
    } else {
        headWeights_ = weightNamed(weights, "head.weight");
        headBias_ = weightNamed(weights, "head.bias");
    }
}

std::vector<float> StyleStepper::step(const StepInput& input, std::vector<float>& hidden) const {
    const auto e = static_cast<std::size_t>(embedding_);
    const auto h = static_cast<std::size_t>(hidden_);
    std::vector<float> x(e);
    for (std::size_t i = 0; i < e; ++i)
        x[i] = token_[static_cast<std::size_t>(input.token) * e + i] +
               position_[static_cast<std::size_t>(input.position) * e + i] +
               key_[static_cast<std::size_t>(input.keyDegree) * e + i] +
               band_[static_cast<std::size_t>(input.registerBand) * e + i];
    if (hidden.empty())
        hidden.assign(h, 0.0f);
    std::vector<float> fromInput(3 * h), fromState(3 * h);
    affine(inputWeights_, inputBias_, x.data(), embedding_, fromInput.data());
    affine(stateWeights_, stateBias_, hidden.data(), hidden_, fromState.data());
    for (std::size_t i = 0; i < h; ++i) {
        const float reset = sigmoid(fromInput[i] + fromState[i]);
        const float update = sigmoid(fromInput[h + i] + fromState[h + i]);
        const float candidate = std::tanh(fromInput[2 * h + i] + reset * fromState[2 * h + i]);
        hidden[i] = (1.0f - update) * candidate + update * hidden[i];
    }

    std::vector<float> events(kEventClasses);
    if (!factorised_) {
        affine(headWeights_, headBias_, hidden.data(), hidden_, events.data());
        logSoftmax(events.data(), kEventClasses);
        return events;
    }
    // log p(gap) + log p(interval | gap), the interval's head reading tanh(state + the gap's
    // embedding), laid out as eventClass.
    std::vector<float> gaps(kGapClasses), conditioned(h), intervals(kIntervalClasses);
    affine(headWeights_, headBias_, hidden.data(), hidden_, gaps.data());
    logSoftmax(gaps.data(), kGapClasses);
    for (int gap = 0; gap < kGapClasses; ++gap) {
        for (std::size_t i = 0; i < h; ++i)
            conditioned[i] = std::tanh(hidden[i] + gapIn_[static_cast<std::size_t>(gap) * h + i]);
        affine(intervalWeights_, intervalBias_, conditioned.data(), hidden_, intervals.data());
        logSoftmax(intervals.data(), kIntervalClasses);
        for (int interval = 0; interval < kIntervalClasses; ++interval)
            events[static_cast<std::size_t>(eventClass(interval, gap))] =
                intervals[static_cast<std::size_t>(interval)] + gaps[static_cast<std::size_t>(gap)];
    }
    return events;
}

} // namespace accord::models::style

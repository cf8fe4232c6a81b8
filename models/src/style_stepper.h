#pragma once

// The style network one step at a time in plain loops, for generation (docs/STYLE.md "Speed of
// variations"): a Torch call per operation cost more than the arithmetic of a 64-wide GRU step,
// and a variation takes one step per note it tries. The same network as style_net.h's (the sum of
// four embeddings, a GRU with PyTorch's gates r, z, n, the heads), read from its weights.

#include "style_net.h"

#include <vector>

namespace accord::models::style {

class StyleStepper {
public:
    // Copies the network's weights: later training does not reach this stepper.
    explicit StyleStepper(const StyleNetwork& network);

    // Reads `input`, advances `hidden` (empty: the initial state) and returns the
    // log-probabilities of the next event (kEventClasses values).
    std::vector<float> step(const StepInput& input, std::vector<float>& hidden) const;

private:
    int embedding_ = 0, hidden_ = 0;
    bool factorised_ = false;
    std::vector<float> token_, position_, key_, band_;                       // [rows][embedding]
    std::vector<float> inputWeights_, stateWeights_, inputBias_, stateBias_; // GRU: [3 hidden][..]
    std::vector<float> headWeights_, headBias_; // the gap's (factorised) or the joint event's
    std::vector<float> gapIn_;                  // [gaps][hidden]
    std::vector<float> intervalWeights_, intervalBias_;
};

} // namespace accord::models::style

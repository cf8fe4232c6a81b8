#pragma once

// Torch pieces the voice and style networks share (include only from their Torch translation
// units): tensors to and from model_file.h arrays, and Adam with gradient-norm clipping whose
// moments go into checkpoints, so a resumed run continues bit for bit.

#include "model_file.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace accord::models {

NamedArray toArray(const std::string& name, const torch::Tensor& tensor);
// Throws BadInput naming `what` when the array's shape is not the tensor's.
void copyInto(torch::Tensor& tensor, const NamedArray& array, const std::string& what);

// A module's parameters as model-file arrays, by name, in the module's order.
std::vector<NamedArray> moduleWeights(const torch::nn::Module& module);
// Loads `weights` (as moduleWeights wrote them) into `module`; throws BadInput naming `what` when
// their number, names or shapes are not the module's.
void setModuleWeights(torch::nn::Module& module, const std::vector<NamedArray>& weights,
                      const std::string& what);

class ClippedAdam {
public:
    ClippedAdam(std::vector<torch::Tensor> parameters, double clipNorm);
    // One update (0-based `step`) at learning rate `rate`; clears the gradients.
    void step(int step, double rate);
    std::vector<NamedArray> state() const;
    void setState(const std::vector<NamedArray>& state, const std::string& what);

private:
    std::vector<torch::Tensor> parameters_, firstMoment_, secondMoment_;
    double clipNorm_;
};

} // namespace accord::models

#pragma once

// A training run's state between calls, shared by the voice and style models: the step, the
// sampler's generator, recent losses, metrics, the weights (latest and best) and the optimiser's
// moments, in a model_file.h container written atomically. A checkpoint belongs to one training
// request (its fingerprint); anything else found at the path is ignored and replaced.

#include "model_file.h"

#include <nlohmann/json.hpp>

#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace accord::models {

struct TrainingCheckpoint {
    int step = 0;
    std::string random; // the std::mt19937_64 that draws the batches, as streamed
    std::deque<double> recentLosses;
    nlohmann::json metrics = nlohmann::json::object(); // untrained, latest and best validation
    std::vector<NamedArray> weights;
    std::vector<NamedArray> best; // the weights with the lowest validation loss so far
    std::vector<NamedArray> optimizer;
};

// Where the checkpoint is and which kind of file it is ("ACCVCKPT", "an Accord voice-model
// checkpoint").
struct CheckpointFile {
    std::string path;
    const char* magic = nullptr;
    std::string kind;
};

void writeTrainingCheckpoint(const CheckpointFile& file, const std::string& fingerprint,
                             const TrainingCheckpoint& checkpoint);

// The checkpoint for this exact request, or nothing (missing, unreadable, or another request's);
// `note` says why one was not used.
std::optional<TrainingCheckpoint> readTrainingCheckpoint(const CheckpointFile& file,
                                                         const std::string& fingerprint,
                                                         std::string& note);

} // namespace accord::models

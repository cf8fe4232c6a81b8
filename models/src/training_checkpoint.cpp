#include "training_checkpoint.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"

namespace accord::models {
namespace {

constexpr int kCheckpointVersion = 1;

} // namespace

void writeTrainingCheckpoint(const CheckpointFile& file, const std::string& fingerprint,
                             const TrainingCheckpoint& c) {
    const nlohmann::json meta = {
        {"fingerprint", fingerprint},
        {"step", c.step},
        {"random", c.random},
        {"recentLosses", std::vector<double>(c.recentLosses.begin(), c.recentLosses.end())},
        {"metrics", c.metrics},
        {"weightTensors", c.weights.size()},
        {"bestTensors", c.best.size()}};
    std::vector<NamedArray> tensors = c.weights;
    tensors.insert(tensors.end(), c.best.begin(), c.best.end());
    tensors.insert(tensors.end(), c.optimizer.begin(), c.optimizer.end());
    writeFileAtomically(file.path, encodeContainer(file.magic, kCheckpointVersion, meta.dump(),
                                                   encodeTensors(tensors)));
}

std::optional<TrainingCheckpoint> readTrainingCheckpoint(const CheckpointFile& file,
                                                         const std::string& fingerprint,
                                                         std::string& note) {
    if (!fileExists(file.path))
        return std::nullopt;
    try {
        const Container container = decodeContainer(readWholeFile(file.path), file.magic,
                                                    kCheckpointVersion, file.path, file.kind);
        const nlohmann::json meta = nlohmann::json::parse(container.json);
        if (meta.value("fingerprint", "") != fingerprint) {
            note = "a checkpoint of another training request was found and is replaced";
            return std::nullopt;
        }
        TrainingCheckpoint c;
        c.step = meta.at("step").get<int>();
        c.random = meta.at("random").get<std::string>();
        for (const double loss : meta.at("recentLosses").get<std::vector<double>>())
            c.recentLosses.push_back(loss);
        c.metrics = meta.at("metrics");
        std::vector<NamedArray> tensors = decodeTensors(container.blob, file.path);
        const auto weightCount = meta.at("weightTensors").get<size_t>();
        const auto bestCount = meta.at("bestTensors").get<size_t>();
        if (weightCount + bestCount > tensors.size())
            throw BadInput(file.path + ": corrupt checkpoint");
        const auto at = [&](size_t i) { return tensors.begin() + static_cast<std::ptrdiff_t>(i); };
        c.weights.assign(at(0), at(weightCount));
        c.best.assign(at(weightCount), at(weightCount + bestCount));
        c.optimizer.assign(at(weightCount + bestCount), tensors.end());
        return c;
    } catch (const std::exception& error) {
        note = std::string("the checkpoint could not be used and training starts over: ") +
               error.what();
        return std::nullopt;
    }
}

} // namespace accord::models

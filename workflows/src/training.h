#pragma once

// What training a model of any kind shares (docs/CONSENT.md "Training"): the request checked,
// consent for every asset before anything is read and again before the model is kept, the model
// registered with the grant each asset was trained under. Private to the workflows library.

#include "accord/core/files.h"
#include "accord/core/policy.h"
#include "accord/core/registry.h"
#include "accord/core/time.h"
#include "accord/workflows/train.h"

#include <functional>
#include <string>
#include <vector>

namespace accord::workflows::detail {

struct TrainingSubject {
    Holder owner;
    std::vector<Asset> assets; // each once, in the order asked
    std::string actor;         // who trains: the owner unless another holder acts
};

// Checks the owner, the assets and the output folder (BadInput naming what is wrong), then asks
// `scope` on every asset for the actor: refused, nothing is read (ConsentDenied listing every
// missing grant). `what`: "voice model", "style model".
TrainingSubject prepareTraining(const Registry& registry, Scope scope, const std::string& owner,
                                const std::vector<std::string>& assetIds,
                                const std::string& outFile, const std::string& actor,
                                const std::string& what);

// `scope` on every asset of `subject` now; every missing grant and every grant relied on.
Decision judgeTraining(const Registry& registry, Scope scope, const TrainingSubject& subject);

// Asks again after training (a grant revoked meanwhile registers nothing: ConsentDenied, and
// `checkpointFile` is removed), then writes the model file (`write(modelId)`, first with an empty
// id so the registry never names a missing file, then with the id it gave) and registers it.
Model registerTrainedModel(
    Registry& registry, Scope scope, const TrainingSubject& subject, NewModel model,
    const std::string& checkpointFile, const std::string& what,
    const std::function<void(const std::string& modelId, const Decision& consent)>& write);

void removeFileIfAny(const std::string& path);

// What a training request and a model's options share, for either kind: where the checkpoint
// goes ("<out file>.checkpoint"), whose model, seed, budget, schedule, threads.
template <typename Request, typename Options> Options trainingOptionsOf(const Request& request) {
    Options options;
    options.checkpointFile = request.outFile + ".checkpoint";
    options.owner = request.owner;
    options.seed = request.seed;
    options.maxMinutes = request.maxMinutes;
    options.maxSteps = request.maxSteps;
    options.threads = request.threads;
    return options;
}

// A model card's origin before it is registered: its owner and when it was made.
template <typename Origin> Origin originOf(const TrainingSubject& subject) {
    Origin origin;
    origin.owner = subject.owner.id;
    origin.ownerName = subject.owner.name;
    origin.createdAt = formatIsoTime(currentTime());
    return origin;
}

// Everything after a model of either kind has trained: the outcome reported, and unless training
// was cancelled, the model registered (registerTrainedModel) from `outFile`, `write(file,
// modelId, consent)` writing its file, and the checkpoint removed once the schedule completed.
template <typename Trained>
TrainedModel
keepTrainedModel(Registry& registry, Scope scope, ModelKind kind, const TrainingSubject& subject,
                 const std::string& outFile, const std::string& checkpointFile,
                 const std::string& what, const Trained& trained,
                 const std::function<void(const std::string& file, const std::string& modelId,
                                          const Decision& consent)>& write) {
    TrainedModel result;
    result.checkpoint = checkpointFile;
    result.cancelled = trained.cancelled;
    result.steps = trained.steps;
    result.resumedFromStep = trained.resumedFromStep;
    result.stoppedByTimeLimit = trained.stoppedByTimeLimit;
    if (trained.cancelled)
        return result;
    NewModel added;
    added.kind = kind;
    added.file = absolutePath(outFile);
    added.weightsSha256 = trained.weightsSha256;
    added.configJson = trained.configJson;
    added.metricsJson = trained.metricsJson;
    const Model model =
        registerTrainedModel(registry, scope, subject, added, checkpointFile, what,
                             [&](const std::string& modelId, const Decision& consent) {
                                 write(added.file, modelId, consent);
                             });
    if (!trained.stoppedByTimeLimit)
        removeFileIfAny(checkpointFile);
    result.file = added.file;
    result.modelId = model.id;
    result.weightsSha256 = trained.weightsSha256;
    result.metricsJson = trained.metricsJson;
    return result;
}

// The grant `consent` relied on for `asset`, or empty.
std::string grantFor(const Decision& consent, const std::string& asset);

} // namespace accord::workflows::detail

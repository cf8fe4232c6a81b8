#include "training.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/core/time.h"

#include <algorithm>
#include <filesystem>

namespace accord::workflows::detail {

namespace {

namespace fs = std::filesystem;

std::string idsOf(const TrainingSubject& subject) {
    std::string out;
    for (const Asset& asset : subject.assets)
        out += (out.empty() ? "" : ", ") + asset.id;
    return out;
}

} // namespace

TrainingSubject prepareTraining(const Registry& registry, Scope scope, const std::string& owner,
                                const std::vector<std::string>& assetIds,
                                const std::string& outFile, const std::string& actor,
                                const std::string& what) {
    TrainingSubject subject;
    const std::optional<Holder> holder = registry.holder(owner);
    if (!holder)
        throw BadInput("unknown rights holder '" + owner + "'");
    subject.owner = *holder;
    if (assetIds.empty())
        throw BadInput("no assets to train on: name at least one registered asset");
    if (outFile.empty())
        throw BadInput("no output file for the " + what);
    const fs::path folder = fs::absolute(fs::path(outFile)).parent_path();
    std::error_code error;
    if (!fs::is_directory(folder, error))
        throw BadInput(outFile + ": the folder " + folder.string() + " does not exist");
    for (const std::string& id : assetIds) {
        if (std::any_of(subject.assets.begin(), subject.assets.end(),
                        [&](const Asset& known) { return known.id == id; }))
            continue;
        const std::optional<Asset> asset = registry.asset(id);
        if (!asset)
            throw BadInput("unknown asset '" + id + "'");
        subject.assets.push_back(*asset);
    }
    subject.actor = actor.empty() ? owner : actor;
    const Decision decision = judgeTraining(registry, scope, subject);
    if (!decision.allowed)
        throw ConsentDenied("train a " + what + " of " + owner + " on " + idsOf(subject), decision);
    return subject;
}

Decision judgeTraining(const Registry& registry, Scope scope, const TrainingSubject& subject) {
    Decision merged;
    merged.allowed = true;
    for (const Asset& asset : subject.assets) {
        PolicyRequest request;
        request.scope = scope;
        request.subject = {InputKind::Asset, asset.id};
        request.actor = subject.actor;
        request.at = currentTime();
        const Decision d = registry.decide(request);
        merged.allowed = merged.allowed && d.allowed;
        merged.missing.insert(merged.missing.end(), d.missing.begin(), d.missing.end());
        merged.relied.insert(merged.relied.end(), d.relied.begin(), d.relied.end());
        merged.closureAssets.insert(merged.closureAssets.end(), d.closureAssets.begin(),
                                    d.closureAssets.end());
    }
    return merged;
}

Model registerTrainedModel(
    Registry& registry, Scope scope, const TrainingSubject& subject, NewModel model,
    const std::string& checkpointFile, const std::string& what,
    const std::function<void(const std::string& modelId, const Decision& consent)>& write) {
    // Consent again, now: a grant revoked while training must not yield a registered model
    // (the registry marks models source-revoked on revocation, but this one did not exist yet).
    const Decision still = judgeTraining(registry, scope, subject);
    if (!still.allowed) {
        removeFileIfAny(checkpointFile);
        throw ConsentDenied("register the " + what + " of " + subject.owner.id + " trained on " +
                                idsOf(subject) + " (consent was revoked during training)",
                            still);
    }
    model.owner = subject.owner.id;
    model.training.clear();
    for (const Asset& asset : subject.assets)
        model.training.push_back({asset.id, grantFor(still, asset.id)});
    write("", still);
    Model registered;
    try {
        registered = registry.addModel(model);
    } catch (...) {
        removeFileIfAny(model.file); // no unregistered model file left behind
        throw;
    }
    write(registered.id, still);
    return registered;
}

std::string grantFor(const Decision& consent, const std::string& asset) {
    std::string grant;
    for (const ReliedGrant& relied : consent.relied)
        if (relied.asset == asset)
            grant = relied.grant;
    return grant;
}

void removeFileIfAny(const std::string& path) {
    std::error_code ignored;
    fs::remove(path, ignored);
}

} // namespace accord::workflows::detail

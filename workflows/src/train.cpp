#include "accord/workflows/train.h"

#include "accord/audio/audio_file.h"
#include "accord/audio/audio_io.h"
#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/core/time.h"

#include <algorithm>
#include <filesystem>

namespace accord::workflows {

namespace {

namespace fs = std::filesystem;

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& item : items)
        out += (out.empty() ? "" : ", ") + item;
    return out;
}

Decision judgeAll(const Registry& registry, const std::vector<std::string>& assets,
                  const std::string& actor) {
    Decision merged;
    merged.allowed = true;
    for (const std::string& asset : assets) {
        const Decision d = judgeVoiceTraining(registry, asset, actor);
        merged.allowed = merged.allowed && d.allowed;
        merged.missing.insert(merged.missing.end(), d.missing.begin(), d.missing.end());
        merged.relied.insert(merged.relied.end(), d.relied.begin(), d.relied.end());
        merged.closureAssets.insert(merged.closureAssets.end(), d.closureAssets.begin(),
                                    d.closureAssets.end());
    }
    return merged;
}

// The registered recording of `asset`, read when training reaches it: its file must still hold
// exactly what was registered.
models::VoiceRecording readRegisteredRecording(const Asset& asset) {
    if (asset.path.empty() || !fileExists(asset.path))
        throw BadInput("asset " + asset.id + ": its recording is not at '" + asset.path +
                       "' any more; register the file again");
    if (audio::identifyAudioFile(asset.path).pcmSha256 != asset.pcmSha256)
        throw BadInput("asset " + asset.id + ": " + asset.path +
                       " no longer holds the registered recording (its audio differs)");
    audio::MonoAudio mono = audio::readMonoAudio(asset.path);
    return {std::move(mono.samples), mono.sampleRate};
}

void removeFile(const std::string& path) {
    std::error_code ignored;
    fs::remove(path, ignored);
}

} // namespace

Decision judgeVoiceTraining(const Registry& registry, const std::string& asset,
                            const std::string& actor) {
    PolicyRequest request;
    request.scope = Scope::TrainVoice;
    request.subject = {InputKind::Asset, asset};
    request.actor = actor;
    request.at = currentTime();
    return registry.decide(request);
}

TrainedVoiceModel
trainVoiceModel(Registry& registry, const VoiceTrainingRequest& request,
                const std::function<void(const models::VoiceTrainingProgress&)>& progress,
                const std::atomic<bool>* cancel) {
    const std::optional<Holder> owner = registry.holder(request.owner);
    if (!owner)
        throw BadInput("unknown rights holder '" + request.owner + "'");
    if (request.assets.empty())
        throw BadInput("no assets to train on: name at least one registered recording");
    if (request.outFile.empty())
        throw BadInput("no output file for the voice model");
    {
        const fs::path folder = fs::absolute(fs::path(request.outFile)).parent_path();
        std::error_code error;
        if (!fs::is_directory(folder, error))
            throw BadInput(request.outFile + ": the folder " + folder.string() + " does not exist");
    }
    std::vector<std::string> assetIds;
    for (const std::string& id : request.assets)
        if (std::find(assetIds.begin(), assetIds.end(), id) == assetIds.end())
            assetIds.push_back(id);
    std::vector<Asset> assets;
    for (const std::string& id : assetIds) {
        const std::optional<Asset> asset = registry.asset(id);
        if (!asset)
            throw BadInput("unknown asset '" + id + "'");
        assets.push_back(*asset);
    }
    const std::string actor = request.actor.empty() ? request.owner : request.actor;

    // Consent before anything is read: every asset needs train-voice.
    const Decision decision = judgeAll(registry, assetIds, actor);
    if (!decision.allowed)
        throw ConsentDenied("train a voice model of " + request.owner + " on " + joined(assetIds),
                            decision);

    std::vector<models::VoiceTrainingSource> sources;
    for (const Asset& asset : assets)
        sources.push_back(
            {asset.id, asset.pcmSha256, [asset] { return readRegisteredRecording(asset); }});
    models::VoiceTrainingOptions options;
    options.checkpointFile = request.outFile + ".checkpoint";
    options.owner = request.owner;
    options.seed = request.seed;
    options.maxMinutes = request.maxMinutes;
    options.maxSteps = request.maxSteps;
    options.threads = request.threads;
    options.channels = request.channels;
    const models::TrainedVoice trained = models::trainVoice(sources, options, progress, cancel);

    TrainedVoiceModel result;
    result.checkpoint = options.checkpointFile;
    result.cancelled = trained.cancelled;
    result.steps = trained.steps;
    result.resumedFromStep = trained.resumedFromStep;
    result.stoppedByTimeLimit = trained.stoppedByTimeLimit;
    if (trained.cancelled)
        return result;

    // Consent again, now: a grant revoked while training must not yield a registered model
    // (the registry marks models source-revoked on revocation, but this one did not exist yet).
    const Decision still = judgeAll(registry, assetIds, actor);
    if (!still.allowed) {
        removeFile(options.checkpointFile);
        throw ConsentDenied("register the voice model of " + request.owner + " trained on " +
                                joined(assetIds) + " (consent was revoked during training)",
                            still);
    }

    models::VoiceModelOrigin origin;
    origin.owner = owner->id;
    origin.ownerName = owner->name;
    origin.createdAt = formatIsoTime(currentTime());
    std::vector<TrainingSource> lineage;
    for (std::size_t i = 0; i < assets.size(); ++i) {
        std::string grant;
        for (const ReliedGrant& relied : still.relied)
            if (relied.asset == assets[i].id)
                grant = relied.grant;
        lineage.push_back({assets[i].id, grant});
        origin.training.push_back(
            {assets[i].id, grant, assets[i].pcmSha256, trained.sourceSeconds[i]});
    }
    const std::string file = absolutePath(request.outFile);
    // Written before registering (so the registry never names a file that does not exist), then
    // rewritten with the id the registry gave it.
    models::writeVoiceModel(file, trained, origin);
    NewModel added;
    added.kind = ModelKind::Voice;
    added.owner = owner->id;
    added.file = file;
    added.weightsSha256 = trained.weightsSha256;
    added.configJson = trained.configJson;
    added.metricsJson = trained.metricsJson;
    added.training = lineage;
    Model model;
    try {
        model = registry.addModel(added);
    } catch (...) {
        removeFile(file); // no unregistered model file left behind
        throw;
    }
    origin.modelId = model.id;
    models::writeVoiceModel(file, trained, origin);
    if (!trained.stoppedByTimeLimit)
        removeFile(options.checkpointFile);

    result.file = file;
    result.modelId = model.id;
    result.weightsSha256 = trained.weightsSha256;
    result.metricsJson = trained.metricsJson;
    return result;
}

} // namespace accord::workflows

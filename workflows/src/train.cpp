#include "accord/workflows/train.h"

#include "accord/audio/audio_file.h"
#include "accord/audio/audio_io.h"
#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/core/time.h"
#include "training.h"

namespace accord::workflows {

namespace {

// The registered recording of `asset`, read when training reaches it: its file must still hold
// exactly what was registered.
models::VoiceRecording readRegisteredRecording(const Asset& asset) {
    if (asset.path.empty() || !fileExists(asset.path))
        throw BadInput("asset " + asset.id + ": its recording is not at '" + asset.path +
                       "' any more; register the file again");
    // One decoding both checks the content and gives the samples (it was two, one per file).
    audio::MultichannelAudio decoded;
    if (audio::identifyAudioFile(asset.path, decoded).pcmSha256 != asset.pcmSha256)
        throw BadInput("asset " + asset.id + ": " + asset.path +
                       " no longer holds the registered recording (its audio differs)");
    audio::MonoAudio mono = audio::mixToMono(std::move(decoded));
    return {std::move(mono.samples), mono.sampleRate};
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

TrainedModel
trainVoiceModel(Registry& registry, const VoiceTrainingRequest& request,
                const std::function<void(const models::VoiceTrainingProgress&)>& progress,
                const std::atomic<bool>* cancel) {
    const detail::TrainingSubject subject =
        detail::prepareTraining(registry, Scope::TrainVoice, request.owner, request.assets,
                                request.outFile, request.actor, "voice model");

    std::vector<models::VoiceTrainingSource> sources;
    for (const Asset& asset : subject.assets)
        sources.push_back(
            {asset.id, asset.pcmSha256, [asset] { return readRegisteredRecording(asset); }});
    auto options =
        detail::trainingOptionsOf<VoiceTrainingRequest, models::VoiceTrainingOptions>(request);
    options.channels = request.channels;
    const models::TrainedVoice trained = models::trainVoice(sources, options, progress, cancel);

    auto origin = detail::originOf<models::VoiceModelOrigin>(subject);
    return detail::keepTrainedModel(
        registry, Scope::TrainVoice, ModelKind::Voice, subject, request.outFile,
        options.checkpointFile, "voice model", trained,
        [&](const std::string& file, const std::string& modelId, const Decision& consent) {
            origin.modelId = modelId;
            origin.training.clear();
            for (std::size_t i = 0; i < subject.assets.size(); ++i) {
                const Asset& asset = subject.assets[i];
                origin.training.push_back({asset.id, detail::grantFor(consent, asset.id),
                                           asset.pcmSha256, trained.sourceSeconds[i]});
            }
            models::writeVoiceModel(file, trained, origin);
        });
}

} // namespace accord::workflows

#include "accord/workflows/live_model.h"

#include "watermark_payload.h"

#include "accord/audio/audio_io.h"
#include "accord/audio/watermark.h"
#include "accord/core/errors.h"
#include "accord/core/time.h"
#include "accord/models/live_voice.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

namespace accord::workflows {

Decision judgeGenerate(const Registry& registry, const std::string& model,
                       const std::string& actor) {
    PolicyRequest request;
    request.scope = Scope::Generate;
    request.subject = {InputKind::Model, model};
    request.actor = actor;
    request.at = currentTime();
    return registry.decide(request);
}

std::optional<Model> registeredVoiceModel(const Registry& registry,
                                          const models::VoiceModelCard& card) {
    if (!card.modelId.empty())
        if (std::optional<Model> byId = registry.model(card.modelId);
            byId && byId->weightsSha256 == card.weightsSha256)
            return byId;
    for (const Model& candidate : registry.models())
        if (candidate.kind == ModelKind::Voice && candidate.weightsSha256 == card.weightsSha256)
            return candidate;
    return std::nullopt;
}

TrackModelJudgement judgeTrackModel(const Registry& registry, const std::string& modelFile,
                                    const std::string& actor) {
    TrackModelJudgement judgement;
    const std::vector<Model> models = registry.models();
    const auto model = std::find_if(models.begin(), models.end(), [&](const Model& candidate) {
        return candidate.kind == ModelKind::Voice && candidate.file == modelFile;
    });
    if (model == models.end())
        return judgement;
    judgement.model = *model;
    if (const auto owner = registry.holder(model->owner))
        judgement.ownerName = owner->name;
    judgement.decision = judgeGenerate(registry, model->id, actor);
    return judgement;
}

LiveRender recordLiveRender(Registry& registry, const std::string& modelFile,
                            const std::string& actor) {
    const TrackModelJudgement judgement = judgeTrackModel(registry, modelFile, actor);
    if (!judgement.model)
        throw BadInput(modelFile + " is not a voice model registered in " + registry.path());
    if (!judgement.decision.allowed)
        throw ConsentDenied("generate with voice model " + judgement.model->id, judgement.decision);
    const std::string payload = newWatermarkPayload(registry);
    const Render render = registry.addRender(
        {"live",
         "",
         "",
         {{InputKind::Model, judgement.model->id}, {InputKind::LiveInput, kAccordVoiceInput}},
         payload});
    return {render.id, judgement.model->id, audio::parseWatermarkPayloadText(payload)};
}

std::shared_ptr<dsp::StreamProcessor>
loadLiveModel(const Registry& registry, const std::string& modelFile, double transposeSemitones) {
    const std::shared_ptr<const models::VoiceModel> model = models::loadVoiceModelCached(modelFile);
    const auto models = registry.models();
    const bool registered = std::any_of(models.begin(), models.end(), [&](const Model& m) {
        return m.file == modelFile && m.weightsSha256 == model->card().weightsSha256;
    });
    if (!registered)
        throw BadInput(modelFile + ": not the voice model registered for this file (its weights "
                                   "differ or it was never registered)");
    return std::make_shared<models::LiveVoice>(*model, transposeSemitones);
}

models::VoicePitchRange filesPitchRange(const std::vector<std::string>& files) {
    std::vector<audio::MonoAudio> recordings;
    for (const std::string& file : files)
        recordings.push_back(audio::readMonoAudio(file));
    std::vector<std::pair<const std::vector<float>*, int>> audio;
    for (const audio::MonoAudio& recording : recordings)
        audio.emplace_back(&recording.samples, recording.sampleRate);
    return models::measurePitchRange(audio);
}

models::VoicePitchRange trackPitchRange(const Track& track) {
    std::vector<std::string> files;
    std::set<std::string> listed;
    for (const Clip& clip : track.clips)
        if (!clip.offline && listed.insert(clip.file).second)
            files.push_back(clip.file);
    return filesPitchRange(files);
}

std::function<std::shared_ptr<dsp::StreamProcessor>(const Track&)>
liveModelsFor(const Registry& registry) {
    return [&registry](const Track& track) -> std::shared_ptr<dsp::StreamProcessor> {
        if (track.model.empty())
            return nullptr;
        return loadLiveModel(registry, track.model, track.modelTranspose);
    };
}

} // namespace accord::workflows

#include "model_info_commands.h"

#include "output.h"

#include "accord/core/entity_json.h"
#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/core/registry.h"
#include "accord/models/voice_model.h"
#include "accord/workflows/live_model.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <optional>
#include <sstream>

namespace accord::cli {

using nlohmann::json;

namespace {

// A model named by its id (m-N) or by its voice model file (found by its card and weights, as
// convert finds it).
Model namedModel(const Registry& registry, const std::string& name) {
    if (const auto byId = registry.model(name))
        return *byId;
    const std::string file = absolutePath(name);
    if (!fileExists(file))
        throw BadInput(name + ": neither a model id of this registry nor a model file");
    const auto registered =
        workflows::registeredVoiceModel(registry, models::readVoiceModelCard(file));
    if (!registered)
        throw BadInput(file + ": this voice model is not registered in " + registry.path());
    return *registered;
}

// Where a voice model's voice sang in training (its card's metrics); none for a style model or a
// voice model trained before Accord recorded it.
std::optional<models::VoicePitchRange> trainedRange(const Model& model) {
    return model.kind == ModelKind::Voice ? models::trainedPitchRange(model.metricsJson)
                                          : std::nullopt;
}

// The voice's range in words, or why there is none.
std::string rangeSentence(const std::optional<models::VoicePitchRange>& range) {
    return range ? "sings " + models::describePitchRange(*range)
                 : "range not recorded (trained by an earlier Accord)";
}

// What a voice model sings up to, and where its training recordings stopped (null when an
// earlier Accord did not record it).
json bandJson(const Model& model) {
    const models::TrainedBand band = models::trainedBand(model.metricsJson);
    return {{"sings_up_to_hz", std::lround(band.singsUpToHz)},
            {"recordings_edge_hz",
             band.recordingsEdgeHz > 0 ? json(std::lround(band.recordingsEdgeHz)) : json(nullptr)}};
}

json modelEntry(const ConsentGraph& graph, const Model& model) {
    json training = json::array();
    for (const TrainingSource& source : model.training)
        training.push_back({{"asset", source.asset}, {"grant", source.grant}});
    const auto range = trainedRange(model);
    return {{"model", model.id},
            {"kind", modelKindName(model.kind)},
            {"owner", model.owner},
            {"owner_name", holderName(graph, model.owner)},
            {"file", model.file},
            {"weights_sha256", model.weightsSha256},
            {"created_at", model.createdAt},
            {"source_revoked", model.sourceRevoked},
            {"training", training},
            {"pitch_range", range ? pitchRangeJson(*range) : json(nullptr)},
            {"band", model.kind == ModelKind::Voice ? bandJson(model) : json(nullptr)}};
}

ExitCode modelList(const Arguments& args, Registry& registry, std::ostream& out) {
    const auto owner = args.value("--owner");
    if (owner)
        registry.requireHolder(*owner, "owner");
    const ConsentGraph& graph = registry.consentGraph();
    json list = json::array();
    std::string text;
    for (const Model& model : registry.models()) {
        if (owner && model.owner != *owner)
            continue;
        list.push_back(modelEntry(graph, model));
        text += model.id + "  " + modelKindName(model.kind) + "  " + model.owner +
                (model.sourceRevoked ? "  source-revoked" : "") + "  " + model.file;
        if (model.kind == ModelKind::Voice)
            text += "\n    " + rangeSentence(trainedRange(model));
        text += "\n";
    }
    emit(args, out, {{"models", list}}, text.empty() ? "No models." : text);
    return ExitCode::Ok;
}

ExitCode modelShow(const Arguments& args, Registry& registry, std::ostream& out) {
    const Model model = namedModel(registry, args.positionals.at(0));
    const ConsentGraph& graph = registry.consentGraph();
    json result = modelEntry(graph, model);
    const auto range = trainedRange(model);
    std::ostringstream text;
    text << model.id << ": " << modelKindName(model.kind) << " model of "
         << holderName(graph, model.owner) << " (" << model.owner << "), " << model.file
         << "\nTrained " << model.createdAt << " on";
    for (const TrainingSource& source : model.training)
        text << " " << source.asset << " (grant " << source.grant << ")";
    if (model.sourceRevoked)
        text << "\nSource-revoked: a grant it was trained under was revoked; it generates nothing";
    if (model.kind == ModelKind::Voice)
        text << "\nThe model's voice " << rangeSentence(range)
             << "\nIts band: " << models::describeTrainedBand(model.metricsJson);

    const auto against = args.value("--against");
    if (args.has("--transpose") && !against)
        throw UsageError("--transpose needs --against FILE");
    if (against) {
        if (model.kind != ModelKind::Voice)
            throw BadInput(model.id + " is a style model: only a voice model has a pitch range");
        const double transpose = args.number("--transpose", 0);
        if (!(std::abs(transpose) <= 48))
            throw BadInput("--transpose: " + std::to_string(transpose) +
                           " semitones is outside -48..48");
        const std::string file = absolutePath(*against);
        const models::VoicePitchRange performance = workflows::filesPitchRange({file});
        const int octaves =
            range ? models::suggestedOctaveTranspose(*range, performance, transpose) : 0;
        result["against"] = {{"file", file},
                             {"transpose", transpose},
                             {"performance_range", pitchRangeJson(performance)},
                             {"suggested_transpose", octaves}};
        text << "\n" << *against << " sings " << models::describePitchRange(performance);
        if (octaves != 0)
            text << "\nIt lies far from the model's range: convert it with "
                 << transposeFlag(transpose + octaves);
        else if (range && performance.medianHz > 0)
            text << "\nIt lies within reach of the model's range"
                 << (transpose != 0 ? " at that transposition" : "");
    }
    emit(args, out, result, text.str());
    return ExitCode::Ok;
}

} // namespace

ExitCode runModelInfoCommand(const std::string& verb, const Arguments& args, Registry& registry,
                             std::ostream& out) {
    if (verb == "list")
        return modelList(args, registry, out);
    return modelShow(args, registry, out);
}

} // namespace accord::cli

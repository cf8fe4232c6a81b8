#include "accord/workflows/render.h"

#include "project_plan.h"
#include "watermark_payload.h"

#include "accord/audio/audio_file.h"
#include "accord/audio/watermark.h"
#include "accord/core/errors.h"
#include "accord/core/time.h"
#include "accord/workflows/identify.h"
#include "accord/workflows/project_sources.h"

#include <algorithm>
#include <filesystem>

namespace accord::workflows {

namespace {

// Rendering through a voice model generates: `generate` for every model a planned file uses.
Decision judgeModels(const ConsentGraph& graph, const std::vector<FilePlan>& plans) {
    Decision decision;
    const UnixTime now = currentTime();
    for (const FilePlan& plan : plans)
        for (const RenderInput& input : plan.inputs)
            if (input.kind == InputKind::Model)
                mergeDecision(decision,
                              decide(graph, {Scope::Generate, {input.kind, input.id}, {}, now}));
    decision.allowed = decision.missing.empty();
    return decision;
}

void removeFiles(const std::vector<audio::RenderedFile>& files) {
    for (const auto& file : files) {
        std::error_code ignored;
        std::filesystem::remove(file.path, ignored);
    }
}

} // namespace

std::vector<RecordedRender> renderProject(Registry& registry, const Project& placed,
                                          const std::string& projectPath,
                                          const audio::RenderRequest& request) {
    for (const auto& missing : placed.offlineMedia)
        throw BadInput(projectPath + ": " + missing);
    // The lineage records what this registry knows by the clips' content (project_sources.h).
    const Project project = resolveProjectSources(registry, placed, projectPath).project;
    const ConsentGraph& graph = registry.consentGraph();
    const std::vector<FilePlan> plans =
        planFiles(graph, project, !request.mixPath.empty(), !request.stemsDir.empty());
    const Decision decision = judgeModels(graph, plans);
    if (!decision.allowed)
        throw ConsentDenied("render through a voice model", decision);
    for (const Track& track : project.tracks)
        if (!track.model.empty() && !request.processorFor)
            throw BadInput(projectPath + ": track '" + track.name +
                           "' runs through the voice model " + track.model +
                           ", which only accord-cli-models and the studio load");

    std::vector<audio::RenderedFile> files = audio::renderProject(project, request);
    std::vector<RecordedRender> recorded;
    try {
        registry.inOneTransaction([&] {
            for (audio::RenderedFile& file : files) {
                const FilePlan& plan =
                    *std::find_if(plans.begin(), plans.end(),
                                  [&](const FilePlan& p) { return p.trackId == file.trackId; });
                // Re-sung parts make generated audio: marked with the render it becomes.
                std::string payload;
                if (plan.generated()) {
                    payload = newWatermarkPayload(registry);
                    file.pcmSha256 = audio::watermarkAudioFile(
                                         file.path, audio::parseWatermarkPayloadText(payload))
                                         .pcmSha256;
                }
                const Render render =
                    registry.addRender({plan.trackId.empty() ? "mix" : "stem", file.path,
                                        file.pcmSha256, plan.inputs, payload});
                recorded.push_back({file, render.id, payload});
            }
        });
    } catch (...) {
        removeFiles(files); // nothing rendered stays unrecorded
        throw;
    }
    indexNewRecordings(registry);
    return recorded;
}

} // namespace accord::workflows

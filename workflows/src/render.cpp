#include "accord/workflows/render.h"

#include "accord/core/errors.h"
#include "accord/workflows/project_sources.h"

#include <algorithm>
#include <map>

namespace accord::workflows {

namespace {

void addInput(std::vector<RenderInput>& inputs, const RenderInput& input) {
    if (std::none_of(inputs.begin(), inputs.end(), [&](const RenderInput& existing) {
            return existing.kind == input.kind && existing.id == input.id;
        }))
        inputs.push_back(input);
}

// The registry inputs of the clips on `track` (resolved: each names what its content is here).
std::vector<RenderInput> inputsOf(const Track& track) {
    std::vector<RenderInput> inputs;
    for (const auto& clip : track.clips)
        if (!clip.offline)
            addInput(inputs, clip.render.empty() ? RenderInput{InputKind::Asset, clip.asset}
                                                 : RenderInput{InputKind::Render, clip.render});
    return inputs;
}

} // namespace

std::vector<RecordedRender> renderProject(Registry& registry, const Project& placed,
                                          const std::string& projectPath,
                                          const audio::RenderRequest& request) {
    for (const auto& missing : placed.offlineMedia)
        throw BadInput(projectPath + ": " + missing);
    // The lineage records what this registry knows by the clips' content (project_sources.h).
    const Project project = resolveProjectSources(registry, placed, projectPath).project;
    std::map<std::string, std::vector<RenderInput>> inputsByTrack;
    std::vector<RenderInput> mixInputs;
    for (const auto& track : project.tracks) {
        inputsByTrack[track.id] = inputsOf(track);
        if (trackAudible(project, track))
            for (const auto& input : inputsByTrack[track.id])
                addInput(mixInputs, input);
    }

    const auto files = audio::renderProject(project, request);
    std::vector<RecordedRender> recorded;
    registry.inOneTransaction([&] {
        for (const auto& file : files) {
            const Render render =
                registry.addRender({file.trackId.empty() ? "mix" : "stem",
                                    file.path,
                                    file.pcmSha256,
                                    file.trackId.empty() ? mixInputs : inputsByTrack[file.trackId],
                                    {}});
            recorded.push_back({file, render.id});
        }
    });
    return recorded;
}

} // namespace accord::workflows

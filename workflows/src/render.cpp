#include "accord/workflows/render.h"

#include "accord/core/errors.h"

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

// The registry inputs of the clips that sound on `track`; every id must be known.
std::vector<RenderInput> inputsOf(const Registry& registry, const Track& track,
                                  const std::string& projectPath) {
    std::vector<RenderInput> inputs;
    for (const auto& clip : track.clips) {
        if (clip.offline)
            continue;
        const RenderInput input = clip.render.empty() ? RenderInput{InputKind::Asset, clip.asset}
                                                      : RenderInput{InputKind::Render, clip.render};
        const bool known = input.kind == InputKind::Asset ? registry.asset(input.id).has_value()
                                                          : registry.render(input.id).has_value();
        if (!known)
            throw BadInput(projectPath + ": clip " + clip.id + " uses " +
                           inputKindName(input.kind) + " '" + input.id +
                           "', which this registry (" + registry.path() + ") does not know");
        addInput(inputs, input);
    }
    return inputs;
}

} // namespace

std::vector<RecordedRender> renderProject(Registry& registry, const Project& project,
                                          const std::string& projectPath,
                                          const audio::RenderRequest& request) {
    for (const auto& missing : project.offlineMedia)
        throw BadInput(projectPath + ": " + missing);
    std::map<std::string, std::vector<RenderInput>> inputsByTrack;
    std::vector<RenderInput> mixInputs;
    for (const auto& track : project.tracks) {
        inputsByTrack[track.id] = inputsOf(registry, track, projectPath);
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

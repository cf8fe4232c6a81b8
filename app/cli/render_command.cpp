#include "render_command.h"

#include "accord/audio/render.h"
#include "accord/core/files.h"
#include "accord/core/project.h"
#include "accord/core/registry.h"
#include "output.h"

#include <cmath>
#include <iomanip>
#include <map>
#include <sstream>

namespace accord::cli {

using nlohmann::json;

namespace {

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
        if (std::none_of(inputs.begin(), inputs.end(), [&](const RenderInput& existing) {
                return existing.kind == input.kind && existing.id == input.id;
            }))
            inputs.push_back(input);
    }
    return inputs;
}

std::string decibels(double value) {
    if (!std::isfinite(value))
        return "-inf";
    std::ostringstream text;
    text << std::fixed << std::setprecision(1) << value;
    return text.str();
}

} // namespace

ExitCode runRenderCommand(const Arguments& args, std::ostream& out) {
    const std::string projectPath = absolutePath(args.positionals.front());
    const Project project = loadProject(projectPath);
    if (!args.has("--mix") && !args.has("--stems"))
        throw UsageError("render needs --mix OUT, --stems DIR or both");
    for (const auto& missing : project.offlineMedia)
        throw BadInput(projectPath + ": " + missing);

    auto registry = Registry::open(args.registryPath);
    std::map<std::string, std::vector<RenderInput>> inputsByTrack;
    std::vector<RenderInput> mixInputs;
    for (const auto& track : project.tracks) {
        inputsByTrack[track.id] = inputsOf(*registry, track, projectPath);
        if (audio::trackAudible(project, track))
            for (const auto& input : inputsByTrack[track.id])
                if (std::none_of(mixInputs.begin(), mixInputs.end(), [&](const RenderInput& i) {
                        return i.kind == input.kind && i.id == input.id;
                    }))
                    mixInputs.push_back(input);
    }

    audio::RenderRequest request;
    if (const auto mix = args.value("--mix"))
        request.mixPath = absolutePath(*mix);
    if (const auto stems = args.value("--stems")) {
        request.stemsDir = absolutePath(*stems);
        makeDirectories(request.stemsDir);
    }
    request.format = audio::renderFormatFor(request.mixPath.empty() ? request.stemsDir + "/x.wav"
                                                                    : request.mixPath,
                                            args.has("--float"));
    const auto files = audio::renderProject(project, request);

    json list = json::array();
    std::ostringstream text;
    registry->inOneTransaction([&] {
        for (const auto& file : files) {
            const Render render =
                registry->addRender({file.trackId.empty() ? "mix" : "stem",
                                     file.path,
                                     file.pcmSha256,
                                     file.trackId.empty() ? mixInputs : inputsByTrack[file.trackId],
                                     {}});
            list.push_back({{"path", file.path},
                            {"render", render.id},
                            {"track", file.trackId.empty() ? json(nullptr) : json(file.trackId)},
                            {"lufs", std::isfinite(file.lufs) ? json(file.lufs) : json(nullptr)},
                            {"true_peak_db", std::isfinite(file.truePeakDb) ? json(file.truePeakDb)
                                                                            : json(nullptr)},
                            {"duration", file.durationSeconds}});
            text << render.id << "  " << file.path << "  " << decibels(file.lufs) << " LUFS, "
                 << decibels(file.truePeakDb) << " dBTP\n";
        }
    });
    emit(args, out, {{"files", list}}, text.str());
    return ExitCode::Ok;
}

} // namespace accord::cli

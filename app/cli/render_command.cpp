#include "render_command.h"

#include "accord/audio/render.h"
#include "accord/core/files.h"
#include "accord/core/project.h"
#include "accord/core/registry.h"
#include "accord/workflows/live_model.h"
#include "accord/workflows/render.h"
#include "output.h"

#include <cmath>
#include <iomanip>
#include <sstream>

namespace accord::cli {

using nlohmann::json;

namespace {

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
    auto registry = Registry::open(args.registryPath);
    request.processorFor = workflows::liveModelsFor(*registry);
    json list = json::array();
    std::ostringstream text;
    for (const auto& [file, render, watermark] :
         workflows::renderProject(*registry, project, projectPath, request)) {
        list.push_back({{"path", file.path},
                        {"render", render},
                        {"watermark", watermark.empty() ? json(nullptr) : json(watermark)},
                        {"track", file.trackId.empty() ? json(nullptr) : json(file.trackId)},
                        {"lufs", std::isfinite(file.lufs) ? json(file.lufs) : json(nullptr)},
                        {"true_peak_db",
                         std::isfinite(file.truePeakDb) ? json(file.truePeakDb) : json(nullptr)},
                        {"duration", file.durationSeconds}});
        text << render << "  " << file.path << "  " << decibels(file.lufs) << " LUFS, "
             << decibels(file.truePeakDb) << " dBTP\n";
    }
    emit(args, out, {{"files", list}}, text.str());
    return ExitCode::Ok;
}

} // namespace accord::cli

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

RangeAndLoudness readRangeAndLoudness(const Arguments& args) {
    RangeAndLoudness read;
    if (args.has("--range")) {
        const auto& bounds = args.all("--range");
        if (bounds.size() != 2)
            throw BadInput("--range takes two numbers, START END in seconds");
        auto seconds = [&](const std::string& text) {
            char* end = nullptr;
            const double value = std::strtod(text.c_str(), &end);
            if (text.empty() || *end != '\0' || !std::isfinite(value) || value < 0)
                throw BadInput("--range: '" + text + "' is not a time in seconds (0 or more)");
            return value;
        };
        read.startSeconds = seconds(bounds[0]);
        read.endSeconds = seconds(bounds[1]);
        if (read.endSeconds <= read.startSeconds)
            throw BadInput("--range: the end (" + bounds[1] + " s) must come after the start (" +
                           bounds[0] + " s)");
    }
    if (args.has("--true-peak") && !args.has("--loudness"))
        throw BadInput("--true-peak is the ceiling of a loudness target: give --loudness too");
    if (args.has("--loudness")) {
        audio::LoudnessTarget target;
        target.integratedLufs = args.number("--loudness", target.integratedLufs);
        target.truePeakCeilingDb = args.number("--true-peak", target.truePeakCeilingDb);
        if (target.integratedLufs < -70 || target.integratedLufs > 0)
            throw BadInput("--loudness: " + args.required("--loudness") +
                           " LUFS is outside -70 .. 0 (streaming services ask about -14)");
        if (target.truePeakCeilingDb < -20 || target.truePeakCeilingDb > 0)
            throw BadInput("--true-peak: " + args.required("--true-peak") +
                           " dBTP is outside -20 .. 0 (-1 is usual for MP3 and AAC)");
        read.loudnessTarget = target;
    }
    return read;
}

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
    const RangeAndLoudness delivery = readRangeAndLoudness(args);
    request.rangeStart = project.secondsToSamples(delivery.startSeconds);
    request.rangeEnd = project.secondsToSamples(delivery.endSeconds);
    request.loudnessTarget = delivery.loudnessTarget;
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

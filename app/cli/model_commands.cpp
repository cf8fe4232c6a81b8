#include "model_commands.h"

#include "accord/core/files.h"
#include "accord/core/registry.h"
#include "accord/models/runtime.h"
#include "accord/models/voice_model.h"
#include "accord/workflows/convert.h"
#include "accord/workflows/train.h"
#include "output.h"

#include <csignal>
#include <cstdio>
#include <iomanip>
#include <sstream>

namespace accord::cli {

using nlohmann::json;

namespace {

std::atomic<bool> interrupted{false};
extern "C" void onInterrupt(int) {
    interrupted = true;
}

int wholeNumber(const Arguments& args, const std::string& option, int fallback) {
    const double value = args.number(option, fallback);
    if (value < 0 || value != static_cast<double>(static_cast<int>(value)))
        throw BadInput(option + ": '" + *args.value(option) + "' is not a whole number");
    return static_cast<int>(value);
}

ExitCode trainVoice(const Arguments& args, std::ostream& out, std::ostream& err) {
    workflows::VoiceTrainingRequest request;
    request.owner = args.required("--owner");
    request.assets = args.all("--asset");
    if (request.assets.empty())
        throw UsageError("train voice needs at least one --asset ID");
    request.outFile = absolutePath(args.required("--out"));
    request.maxMinutes = args.number("--max-minutes", 10);
    request.maxSteps = wholeNumber(args, "--steps", 0);
    request.seed = static_cast<std::uint64_t>(wholeNumber(args, "--seed", 1));
    models::configureRuntime();

    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    auto registry = Registry::open(args.registryPath);
    request.actor = actingHolder(args, *registry);
    int lastReported = -1;
    const auto trained = workflows::trainVoiceModel(
        *registry, request,
        [&](const models::VoiceTrainingProgress& p) {
            const int percent = p.totalSteps ? 100 * p.step / p.totalSteps : 0;
            if (p.phase != models::VoiceTrainingProgress::Phase::Training) {
                if (!p.message.empty())
                    err << "  " << p.message << "\n";
                return;
            }
            if (percent / 5 == lastReported / 5)
                return;
            lastReported = percent;
            err << std::fixed << std::setprecision(4) << "  step " << p.step << "/" << p.totalSteps
                << "  loss " << p.loss;
            if (p.validationLoss >= 0)
                err << "  validation " << p.validationLoss;
            err << std::setprecision(0) << "  eta " << p.etaSeconds << " s\n";
        },
        &interrupted);
    if (trained.cancelled) {
        err << "Training interrupted; the checkpoint " << trained.checkpoint
            << " keeps it: run the same command again to resume.\n";
        return ExitCode::Interrupted;
    }
    emit(args, out,
         {{"model", trained.modelId},
          {"file", trained.file},
          {"weights_sha256", trained.weightsSha256},
          {"steps", trained.steps},
          {"resumed_from_step", trained.resumedFromStep},
          {"stopped_by_time_limit", trained.stoppedByTimeLimit},
          {"metrics", json::parse(trained.metricsJson)}},
         "Trained voice model " + trained.modelId + " -> " + trained.file + " (" +
             std::to_string(trained.steps) + " steps" +
             (trained.stoppedByTimeLimit ? ", stopped by --max-minutes; rerun to continue" : "") +
             ")");
    return ExitCode::Ok;
}

ExitCode convert(const Arguments& args, std::ostream& out) {
    models::configureRuntime();
    auto registry = Registry::open(args.registryPath);
    const auto result = workflows::convertWithVoiceModel(
        *registry, absolutePath(args.required("--model")), absolutePath(args.positionals.at(0)),
        absolutePath(args.positionals.at(1)), args.number("--transpose", 0),
        actingHolder(args, *registry));
    std::ostringstream text;
    text << "Re-sang " << result.input.id << " with model " << result.modelId << " -> "
         << result.outPath << " (render " << result.render << ", " << std::fixed
         << std::setprecision(1) << result.seconds / std::max(result.processingSeconds, 1e-9)
         << "x real time), watermark " << result.watermark;
    emit(args, out,
         {{"render", result.render},
          {"model", result.modelId},
          {"asset", result.input.kind == InputKind::Asset ? json(result.input.id) : json(nullptr)},
          {"input", {{"kind", inputKindName(result.input.kind)}, {"id", result.input.id}}},
          {"watermark", result.watermark},
          {"file", result.outPath},
          {"seconds", result.seconds},
          {"processing_seconds", result.processingSeconds}},
         text.str());
    return ExitCode::Ok;
}

} // namespace

ExitCode runModelCommand(const Arguments& args, std::ostream& out, std::ostream& err) {
    if (args.command->words[0] == "train")
        return trainVoice(args, out, err);
    return convert(args, out);
}

} // namespace accord::cli

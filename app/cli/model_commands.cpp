#include "model_commands.h"

#include "accord/core/files.h"
#include "accord/core/registry.h"
#include "accord/models/runtime.h"
#include "accord/models/voice_model.h"
#include "accord/workflows/style.h"
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

// The flags both `train` commands share, the runtime and the interrupt handlers; the registry.
template <typename Request>
std::unique_ptr<Registry> startTraining(const Arguments& args, Request& request,
                                        const std::string& kind) {
    request.owner = args.required("--owner");
    request.assets = args.all("--asset");
    if (request.assets.empty())
        throw UsageError("train " + kind + " needs at least one --asset ID");
    request.outFile = absolutePath(args.required("--out"));
    request.maxMinutes = args.number("--max-minutes", request.maxMinutes);
    request.maxSteps = wholeNumber(args, "--steps", 0);
    request.seed = static_cast<std::uint64_t>(wholeNumber(args, "--seed", 1));
    models::configureRuntime();
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    auto registry = Registry::open(args.registryPath);
    request.actor = actingHolder(args, *registry);
    return registry;
}

// "  step 40/300  loss 3.1234  validation 3.2345" every 5% of the schedule (the caller ends the
// line); false when this step is not one of those.
bool reportStep(std::ostream& err, int& lastReported, int step, int totalSteps, double loss,
                double validationLoss) {
    const int percent = totalSteps ? 100 * step / totalSteps : 0;
    if (percent / 5 == lastReported / 5)
        return false;
    lastReported = percent;
    err << std::fixed << std::setprecision(4) << "  step " << step << "/" << totalSteps << "  loss "
        << loss;
    if (validationLoss >= 0)
        err << "  validation " << validationLoss;
    return true;
}

// "Took 85 s: preparing 1.2 s, steps 80.1 s, validation 3.1 s, saving 0.6 s" from the metrics'
// timing (each phase with its CPU seconds when it waited for a core: "steps 110.2 s (CPU
// 12.8 s)"), and how much of it waited for a core when the machine was busy; empty without
// timing.
std::string describeTiming(const json& metrics) {
    if (!metrics.contains("timing") || !metrics["timing"].is_object())
        return {};
    const json& timing = metrics["timing"];
    const auto seconds = [&](const std::string& key) { return timing.value(key, 0.0); };
    std::ostringstream text;
    text << std::fixed << std::setprecision(1) << "Took " << seconds("wallSeconds") << " s:";
    const char* const phases[4][2] = {{"preparing", "preparing"},
                                      {"stepping", "steps"},
                                      {"validating", "validation"},
                                      {"saving", "saving"}};
    for (const auto& [key, name] : phases) {
        const double wall = seconds(std::string(key) + "Seconds");
        text << (key == phases[0][0] ? " " : ", ") << name << " " << wall << " s";
        const std::string cpuKey = std::string(key) + "CpuSeconds";
        if (timing.contains(cpuKey) && wall > 1.3 * seconds(cpuKey) && wall >= 0.1)
            text << " (CPU " << seconds(cpuKey) << " s)";
    }
    // Training runs on one thread: wall time beyond its CPU time was spent waiting for a core.
    const double wall = seconds("wallSeconds"), cpu = seconds("cpuSeconds");
    if (wall > 1.3 * cpu && wall > 0)
        text << "; " << std::setprecision(0) << 100 * (wall - cpu) / wall
             << "% of it waiting for a core (the machine was busy)";
    return text.str();
}

ExitCode reportTraining(const Arguments& args, std::ostream& out, std::ostream& err,
                        const workflows::TrainedModel& trained, const std::string& kind) {
    if (trained.cancelled) {
        err << "Training interrupted; the checkpoint " << trained.checkpoint
            << " keeps it: run the same command again to resume.\n";
        return ExitCode::Interrupted;
    }
    const json metrics = json::parse(trained.metricsJson);
    const std::string timing = describeTiming(metrics);
    emit(args, out,
         {{"model", trained.modelId},
          {"file", trained.file},
          {"weights_sha256", trained.weightsSha256},
          {"steps", trained.steps},
          {"resumed_from_step", trained.resumedFromStep},
          {"stopped_by_time_limit", trained.stoppedByTimeLimit},
          {"metrics", metrics}},
         "Trained " + kind + " model " + trained.modelId + " -> " + trained.file + " (" +
             std::to_string(trained.steps) + " steps" +
             (trained.stoppedByTimeLimit ? ", stopped by --max-minutes; rerun to continue" : "") +
             ")" + (timing.empty() ? "" : "\n" + timing));
    return ExitCode::Ok;
}

ExitCode trainVoice(const Arguments& args, std::ostream& out, std::ostream& err) {
    workflows::VoiceTrainingRequest request;
    request.maxMinutes = 10;
    auto registry = startTraining(args, request, "voice");
    int lastReported = -1;
    const auto trained = workflows::trainVoiceModel(
        *registry, request,
        [&](const models::VoiceTrainingProgress& p) {
            if (p.phase != models::VoiceTrainingProgress::Phase::Training) {
                if (!p.message.empty())
                    err << "  " << p.message << "\n";
                return;
            }
            if (reportStep(err, lastReported, p.step, p.totalSteps, p.loss, p.validationLoss))
                err << std::setprecision(0) << "  eta " << p.etaSeconds << " s\n";
        },
        &interrupted);
    return reportTraining(args, out, err, trained, "voice");
}

ExitCode trainStyle(const Arguments& args, std::ostream& out, std::ostream& err) {
    workflows::StyleTrainingRequest request;
    request.maxMinutes = 5;
    auto registry = startTraining(args, request, "style");
    int lastReported = -1;
    const auto trained = workflows::trainStyleModel(
        *registry, request,
        [&](const models::StyleTrainingProgress& p) {
            if (!p.message.empty())
                err << "  " << p.message << "\n";
            if (reportStep(err, lastReported, p.step, p.totalSteps, p.loss, p.validationLoss))
                err << "\n";
        },
        &interrupted);
    return reportTraining(args, out, err, trained, "style");
}

ExitCode scoreStyle(const Arguments& args, std::ostream& out) {
    models::configureRuntime();
    auto registry = Registry::open(args.registryPath);
    std::vector<std::string> files;
    for (const std::string& file : args.positionals)
        files.push_back(absolutePath(file));
    const auto scores =
        workflows::scorePhrases(*registry, absolutePath(args.required("--model")), files);
    json list = json::array();
    std::ostringstream text;
    for (const auto& scored : scores) {
        list.push_back({{"file", scored.file},
                        {"per_note_log_likelihood", scored.score.perNoteLogLikelihood},
                        {"pitch_log_likelihood", scored.score.pitchLogLikelihood},
                        {"rhythm_log_likelihood", scored.score.rhythmLogLikelihood},
                        {"pitch_order_score", scored.pitchOrder},
                        {"notes", scored.score.notes}});
        text << std::fixed << std::setprecision(3) << scored.score.perNoteLogLikelihood
             << " per note  (" << scored.score.notes << " notes)  " << scored.file << "\n";
    }
    std::string lines = text.str();
    if (!lines.empty())
        lines.pop_back();
    emit(args, out, {{"scores", list}}, lines);
    return ExitCode::Ok;
}

ExitCode vary(const Arguments& args, std::ostream& out) {
    if (args.has("--voice") && args.has("--program"))
        throw UsageError("vary: --voice and --program exclude each other");
    auto registry = Registry::open(args.registryPath);
    workflows::VariationsRequest request;
    request.modelFile = absolutePath(args.required("--model"));
    request.input = absolutePath(args.positionals.at(0));
    request.outDir = absolutePath(args.required("--out"));
    if (args.has("--from") != args.has("--to"))
        throw UsageError("vary: --from and --to go together");
    if (args.has("--from"))
        request.region = workflows::PhraseRegion{args.number("--from", 0), args.number("--to", 0)};
    if (args.has("--voice"))
        request.voiceModelFile = absolutePath(*args.value("--voice"));
    request.gmProgram = wholeNumber(args, "--program", 0);
    if (request.gmProgram > 127)
        throw BadInput("--program: " + std::to_string(request.gmProgram) +
                       " is not a General MIDI program (0 to 127)");
    request.actor = actingHolder(args, *registry);
    models::VariationRequest& variation = request.variation;
    variation.count = wholeNumber(args, "--count", 4);
    if (variation.count < 1 || variation.count > 64)
        throw BadInput("--count: " + std::to_string(variation.count) + " (1 to 64 expected)");
    variation.seed = static_cast<std::uint64_t>(wholeNumber(args, "--seed", 1));
    variation.temperature = args.number("--temperature", 1.0);
    variation.stray = args.number("--stray", 0.5);
    variation.density = args.number("--density", 0);
    variation.registerShift = static_cast<int>(args.number("--register", 0));
    variation.keepRhythm = args.has("--keep-rhythm");
    variation.keepContour = args.has("--keep-contour");
    if (!(variation.temperature >= 0 && variation.temperature <= 5))
        throw BadInput("--temperature: 0 to 5 expected");
    if (!(variation.stray >= 0 && variation.stray <= 1))
        throw BadInput("--stray: 0 to 1 expected");
    if (!(variation.density >= -1 && variation.density <= 1))
        throw BadInput("--density: -1 to 1 expected");
    if (std::abs(variation.registerShift) > 24)
        throw BadInput("--register: -24 to 24 semitones expected");

    const auto made = workflows::makeVariations(*registry, request);
    json renders = json::array(), files = json::array(), midi = json::array(),
         originality = json::array(), scores = json::array();
    std::ostringstream text;
    for (const auto& variationFile : made.variations) {
        renders.push_back(variationFile.render);
        files.push_back(variationFile.file);
        midi.push_back(variationFile.midi);
        originality.push_back({{"longest_shared_run", variationFile.longestSharedRun.notes},
                               {"with", variationFile.longestSharedRun.source.empty()
                                            ? json(nullptr)
                                            : json(variationFile.longestSharedRun.source)}});
        scores.push_back(variationFile.score.perNoteLogLikelihood);
        text << variationFile.render << "  " << variationFile.file << "  (longest shared run "
             << variationFile.longestSharedRun.notes << " notes"
             << (variationFile.longestSharedRun.source.empty()
                     ? std::string()
                     : " with " + variationFile.longestSharedRun.source)
             << ")\n";
    }
    for (const std::string& note : made.notes)
        text << "Note: " << note << "\n";
    std::string lines = text.str();
    if (!lines.empty())
        lines.pop_back();
    emit(args, out,
         {{"renders", renders},
          {"files", files},
          {"midi", midi},
          {"originality", originality},
          {"scores", scores},
          {"notes", made.notes}},
         lines);
    return ExitCode::Ok;
}

} // namespace

ExitCode runModelCommand(const Arguments& args, std::ostream& out, std::ostream& err) {
    const auto& words = args.command->words;
    if (words[0] == "train")
        return words[1] == "voice" ? trainVoice(args, out, err) : trainStyle(args, out, err);
    if (words[0] == "style")
        return scoreStyle(args, out);
    return vary(args, out);
}

} // namespace accord::cli

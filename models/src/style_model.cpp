// Style models: training loop with checkpoints, model files, scoring, variations with the
// originality guard (docs/STYLE.md). No registry and no consent here (workflows/ asks), and no
// Torch: the network lives behind style_net.h.

#include "accord/models/style_model.h"

#include "model_file.h"
#include "style_guard.h"
#include "style_markov.h"
#include "style_model_impl.h"

#include "byte_block.h"
#include "style_net.h"
#include "style_tokens.h"
#include "training_checkpoint.h"
#include "training_loop.h"

#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/core/json_input.h"
#include "accord/core/thread_checks.h"
#include "accord/models/runtime.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <sstream>

namespace accord::models {
namespace {

using nlohmann::json;
using namespace style;

constexpr char kModelMagic[9] = "ACCSTYLE";
constexpr char kCheckpointMagic[9] = "ACCSCKPT";
constexpr const char* kModelFormatName = "accord-style-model";
constexpr const char* kModelKind = "an Accord style model";
constexpr const char* kCheckpointKind = "an Accord style-model checkpoint";
// With kWholeSequencesFrom sequences or more, every kStyleValidationSequenceEvery-th sequence is
// held out whole; with fewer, one window in kValidationWindowEvery.
constexpr int kWholeSequencesFrom = 10;
constexpr int kValidationWindowEvery = 10;
constexpr int kMinimumNotes = 16;

StyleConfig configFor(const StyleTrainingOptions& options) {
    StyleConfig config;
    if (options.hidden > 0)
        config.hidden = options.hidden;
    if (options.maxSteps > 0)
        config.steps = options.maxSteps;
    return config;
}

std::string requestFingerprint(const std::vector<StyleSequence>& sequences,
                               const StyleTrainingOptions& options, const StyleConfig& config) {
    json melodies = json::array();
    for (const StyleSequence& sequence : sequences) {
        json notes = json::array();
        for (const Note& n : sequence.melody.notes)
            notes.push_back({n.start, n.length, n.pitch});
        melodies.push_back({sequence.source, sequence.melody.beatsPerBar, sequence.melody.beatUnit,
                            sha256Hex(notes.dump())});
    }
    return sha256Hex(json({{"format", kModelFormatName},
                           {"version", kStyleModelFormatVersion},
                           {"owner", options.owner},
                           {"sequences", melodies},
                           {"seed", options.seed},
                           {"config", config.toJson()}})
                         .dump());
}

// Windows of config.windowNotes steps. With ten sequences or more, every 10th sequence is held
// out whole (a tune's repeats would otherwise hide memorising it; one in five was tried and cost
// MIDI-fed models their rhythm, docs/STYLE.md "Measured"); with fewer, every 10th window (the
// last when there are fewer, the only one doubling as its own validation).
struct Windows {
    std::vector<EncodedMelody> train, validation;
    std::int64_t notes = 0;
    bool validationIsTraining = false;
};

std::vector<EncodedMelody> windowsOf(const EncodedMelody& encoded, const StyleConfig& config) {
    std::vector<EncodedMelody> windows;
    const auto size = static_cast<size_t>(config.windowNotes);
    for (size_t at = 0; at < encoded.targets.size(); at += size) {
        const size_t end = std::min(encoded.targets.size(), at + size);
        EncodedMelody window;
        window.inputs.assign(encoded.inputs.begin() + static_cast<std::ptrdiff_t>(at),
                             encoded.inputs.begin() + static_cast<std::ptrdiff_t>(end));
        window.targets.assign(encoded.targets.begin() + static_cast<std::ptrdiff_t>(at),
                              encoded.targets.begin() + static_cast<std::ptrdiff_t>(end));
        windows.push_back(std::move(window));
    }
    return windows;
}

Windows windowsOf(const std::vector<StyleSequence>& sequences, const StyleConfig& config) {
    const bool bySequence = sequences.size() >= static_cast<size_t>(kWholeSequencesFrom);
    std::vector<EncodedMelody> all;
    Windows windows;
    for (size_t s = 0; s < sequences.size(); ++s) {
        const EncodedMelody encoded = encodeMelody(sequences[s].melody);
        windows.notes += static_cast<std::int64_t>(encoded.targets.size());
        for (EncodedMelody& window : windowsOf(encoded, config)) {
            if (bySequence)
                (isStyleValidationSequence(s) ? windows.validation : windows.train)
                    .push_back(std::move(window));
            else
                all.push_back(std::move(window));
        }
    }
    for (size_t i = 0; i < all.size(); ++i) {
        const bool heldOut = all.size() >= static_cast<size_t>(kValidationWindowEvery)
                                 ? i % kValidationWindowEvery == kValidationWindowEvery - 1
                                 : i + 1 == all.size();
        (heldOut ? windows.validation : windows.train).push_back(all[i]);
    }
    if (windows.train.empty()) {
        windows.train = windows.validation;
        windows.validationIsTraining = true;
    }
    return windows;
}

} // namespace

// ---- training -----------------------------------------------------------------------------------

TrainedStyle trainStyle(const std::vector<StyleSequence>& sequences,
                        const StyleTrainingOptions& options,
                        const std::function<void(const StyleTrainingProgress&)>& progress,
                        const std::atomic<bool>* cancel) {
    threads::assertNotInAudioCallback("models::trainStyle");
    const TrainingClock::time_point started = options.callStarted.value_or(TrainingClock::now());
    TrainingTimes times;
    const double budget = options.maxMinutes > 0 ? options.maxMinutes * 60.0 : 1e18;
    const int threads = options.threads > 0 ? options.threads : kStyleModelThreads;
    const RuntimeInfo runtime = configureRuntime(threads);
    for (const StyleSequence& sequence : sequences)
        checkMelody(sequence.melody, "training sequence " + sequence.source);

    const StyleConfig config = configFor(options);
    const Windows windows = windowsOf(sequences, config);
    if (windows.notes < kMinimumNotes)
        throw BadInput("not enough notes to learn a style from: " + std::to_string(windows.notes) +
                       " (at least " + std::to_string(kMinimumNotes) + " needed)");

    TrainedStyle result;
    result.runtime = "LibTorch " + runtime.torchVersion;
    StyleTrainingProgress report;
    report.totalSteps = config.steps;
    const auto tell = [&](const std::string& message) {
        report.message = message;
        report.elapsedSeconds = secondsSince(started);
        if (progress)
            progress(report);
    };

    const CheckpointFile checkpointFile{options.checkpointFile, kCheckpointMagic, kCheckpointKind};
    StyleNetwork network(config, options.seed);
    StyleTrainer trainer(network, windows.train, windows.validation);
    TrainingLoop<StyleNetwork, StyleTrainer> loop(network, trainer, checkpointFile,
                                                  requestFingerprint(sequences, options, config),
                                                  options.seed);
    TrainingCheckpoint& state = loop.state();
    const std::string note = loop.resume();
    result.resumedFromStep = loop.resumedFromStep();
    if (state.step == 0)
        state.metrics["untrainedValidationLoss"] = trainer.evaluate(true);
    report.step = state.step;
    if (state.metrics.contains("validationLoss"))
        report.validationLoss = state.metrics["validationLoss"].get<double>();
    tell(note.empty() ? "training" : note);

    const auto validate = [&] {
        const TrainingTimes::Phase interrupted = times.phase();
        times.enter(TrainingTimes::Phase::Validating);
        report.validationLoss = trainer.evaluate(true);
        loop.recordValidation(report.validationLoss);
        times.enter(interrupted);
    };
    std::uniform_int_distribution<std::int64_t> pickWindow(
        0, static_cast<std::int64_t>(windows.train.size()) - 1);
    times.enter(TrainingTimes::Phase::Stepping);
    const TrainingStop stop = loop.run(
        {config.steps, config.validationEvery, started, budget}, config.batchWindows,
        [&](std::mt19937_64& random) { return pickWindow(random); }, validate,
        [&](const TrainingStep& step) {
            report.step = step.step;
            report.loss = step.meanLoss;
            report.elapsedSeconds = secondsSince(started);
            report.message.clear();
            if (progress)
                progress(report);
        },
        cancel);
    if (stop == TrainingStop::Cancelled) {
        result.cancelled = true;
        result.steps = state.step;
        return result;
    }
    result.stoppedByTimeLimit = stop == TrainingStop::TimeLimit;

    tell("saving");
    times.enter(TrainingTimes::Phase::Saving);
    loop.keepBest(validate);
    // The weights kept are the best validation's, whose loss it recorded on these weights.
    const double validation = state.metrics.contains("bestValidationLoss")
                                  ? state.metrics["bestValidationLoss"].get<double>()
                                  : trainer.evaluate(true); // no step: the untrained weights
    const double training = trainer.evaluate(false);
    OriginalityIndex runs;
    MarkovCounts markov;
    for (const StyleSequence& sequence : sequences) {
        runs.add(sequence.melody, sequence.source);
        markov.add(encodeMelody(sequence.melody).targets);
        result.sources.push_back(sequence.source);
    }
    json metrics = state.metrics;
    metrics["steps"] = state.step;
    metrics["plannedSteps"] = config.steps;
    metrics["stoppedByTimeLimit"] = result.stoppedByTimeLimit;
    metrics["trainLoss"] = training;
    metrics["validationLoss"] = validation;
    metrics["trainLogLikelihoodPerNote"] = -training;
    metrics["validationLogLikelihoodPerNote"] = -validation;
    metrics["validationIsTraining"] = windows.validationIsTraining;
    metrics["notes"] = windows.notes;
    metrics["sequences"] = sequences.size();
    metrics["timing"] = times.json();
    metrics["wallSeconds"] = metrics["timing"]["wallSeconds"];
    metrics["threads"] = threads;
    metrics["seed"] = options.seed;

    result.steps = state.step;
    result.configJson = config.toJson().dump();
    result.metricsJson = metrics.dump();
    result.weights = encodeTensors(network.weights());
    result.weightsSha256 = sha256Hex(result.weights);
    result.runs = runs.impl().encode();
    result.markov = markov.encode();
    return result;
}

// ---- model files --------------------------------------------------------------------------------

void writeStyleModel(const std::string& file, const TrainedStyle& trained,
                     const StyleModelOrigin& origin) {
    json training = json::array();
    for (size_t i = 0; i < trained.sources.size(); ++i)
        training.push_back(
            {{"asset", trained.sources[i]},
             {"grant", i < origin.grants.size() ? json(origin.grants[i]) : json(nullptr)}});
    const json card = {{"format", kModelFormatName},
                       {"formatVersion", kStyleModelFormatVersion},
                       {"kind", "style"},
                       {"model", origin.modelId.empty() ? json(nullptr) : json(origin.modelId)},
                       {"owner", origin.owner},
                       {"ownerName", origin.ownerName},
                       {"createdAt", origin.createdAt},
                       {"training", training},
                       {"config", json::parse(trained.configJson)},
                       {"metrics", json::parse(trained.metricsJson)},
                       {"weightsSha256", trained.weightsSha256},
                       {"runsSha256", sha256Hex(trained.runs)},
                       {"markovSha256", sha256Hex(trained.markov)},
                       {"weightsFormat", "accord-tensors-1 (float32, little-endian)"},
                       {"runtime", trained.runtime}};
    std::string blob;
    for (const std::string* block : {&trained.weights, &trained.runs}) {
        putU64(blob, block->size());
        blob += *block;
    }
    blob += trained.markov;
    writeFileAtomically(file,
                        encodeContainer(kModelMagic, kStyleModelFormatVersion, card.dump(2), blob));
}

StyleModel::StyleModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StyleModel::~StyleModel() = default;
StyleModel::StyleModel(StyleModel&&) noexcept = default;
StyleModel& StyleModel::operator=(StyleModel&&) noexcept = default;

std::string StyleModel::cardJson() const {
    return impl_->card;
}
std::vector<std::string> StyleModel::sources() const {
    return impl_->sources;
}
const OriginalityIndex& StyleModel::trainingRuns() const {
    return impl_->runs;
}
const StyleModel::Impl& StyleModel::impl() const {
    return *impl_;
}

StyleModel loadStyleModel(const std::string& file) {
    threads::assertNotInAudioCallback("models::loadStyleModel");
    if (!fileExists(file))
        throw BadInput(file + ": no such style model file");
    const Container container = decodeContainer(readWholeFile(file), kModelMagic,
                                                kStyleModelFormatVersion, file, kModelKind);
    const json card = parseJsonInput(container.json, file + ": the style model's card");
    if (!card.is_object() || !card.contains("format") || card["format"] != kModelFormatName)
        throw BadInput(file + ": not " + std::string(kModelKind) +
                       " (its card is of another kind)");
    const JsonFields fields(card, file + ": corrupt style model card");
    // u64 weights bytes | weights | (format 2 on: u64 runs bytes) | runs | (format 2 on: Markov)
    ByteReader blob(container.blob, file + ": corrupt style model");
    const auto sized = [&](const char* what) {
        const std::uint64_t bytes = blob.u64();
        if (bytes > blob.remaining())
            blob.fail(std::string("impossible ") + what + " size");
        return blob.text(static_cast<size_t>(bytes));
    };
    const std::string weights = sized("weights");
    const bool withMarkov = container.version >= 2;
    const std::string runs = withMarkov ? sized("runs") : blob.text(blob.remaining());
    const std::string markov = withMarkov ? blob.text(blob.remaining()) : std::string();
    if (sha256Hex(weights) != fields.text("weightsSha256"))
        throw BadInput(file +
                       ": corrupt style model: the weights do not match the hash in its card");
    if (sha256Hex(runs) != fields.text("runsSha256"))
        throw BadInput(file + ": corrupt style model: the originality runs do not match the hash "
                              "in its card");
    if (withMarkov && sha256Hex(markov) != fields.text("markovSha256"))
        throw BadInput(file + ": corrupt style model: the Markov counts do not match the hash in "
                              "its card");
    auto impl = std::make_unique<StyleModel::Impl>();
    impl->card = container.json;
    impl->network = std::make_unique<StyleNetwork>(
        StyleConfig::fromJson(fields.object("config", false), file), 0);
    impl->network->setWeights(decodeTensors(weights, file), file);
    impl->runs = OriginalityIndex(OriginalityIndex::Impl::decode(runs, file));
    if (withMarkov)
        impl->markov = MarkovCounts::decode(markov, file);
    impl->sources = impl->runs.impl().sources;
    return StyleModel(std::move(impl));
}

// ---- scoring ------------------------------------------------------------------------------------

StyleScore scorePhrase(const StyleModel& model, const Melody& phrase) {
    threads::assertNotInAudioCallback("models::scorePhrase");
    checkMelody(phrase, "the phrase");
    if (phrase.notes.size() < 2)
        throw BadInput("the phrase has " + std::to_string(phrase.notes.size()) +
                       " note(s): at least 2 are needed to score it");
    const EncodedMelody encoded = encodeMelody(phrase);
    const std::vector<std::vector<float>> rows =
        model.impl().network->eventLogProbabilities(encoded);
    StyleScore score;
    score.notes = static_cast<int>(phrase.notes.size());
    std::vector<int> history;
    for (size_t t = 0; t < rows.size(); ++t) {
        std::vector<float> row = rows[t];
        mixWithMarkov(row, model.impl().markov, history, true);
        const int target = encoded.targets[t];
        const int gap = target % kGapClasses;
        double gapSum = 0; // p(gap): the events of that gap, every interval
        for (int interval = 0; interval < kIntervalClasses; ++interval)
            gapSum +=
                std::exp(static_cast<double>(row[static_cast<size_t>(eventClass(interval, gap))]));
        score.perNoteLogLikelihood += row[static_cast<size_t>(target)];
        score.rhythmLogLikelihood += std::log(gapSum);
        history.push_back(target);
    }
    const auto steps = static_cast<double>(rows.size());
    score.perNoteLogLikelihood /= steps;
    score.rhythmLogLikelihood /= steps;
    score.pitchLogLikelihood = score.perNoteLogLikelihood - score.rhythmLogLikelihood;
    return score;
}

std::vector<Melody> shuffledPitchOrders(const Melody& phrase) {
    std::vector<int> pitches;
    for (const Note& note : phrase.notes)
        pitches.push_back(note.pitch);
    // Fisher-Yates on the generator's raw output: the same orders with any standard library.
    std::mt19937_64 random(1);
    std::vector<Melody> orders(kPitchOrderShuffles, phrase);
    for (Melody& order : orders) {
        for (size_t i = pitches.size(); i > 1; --i)
            std::swap(pitches[i - 1], pitches[static_cast<size_t>(random() % i)]);
        for (size_t i = 0; i < pitches.size(); ++i)
            order.notes[i].pitch = pitches[i];
    }
    return orders;
}

double scorePitchOrder(const StyleModel& model, const Melody& phrase) {
    double shuffled = 0;
    for (const Melody& order : shuffledPitchOrders(phrase))
        shuffled += scorePhrase(model, order).pitchLogLikelihood;
    return scorePhrase(model, phrase).pitchLogLikelihood - shuffled / kPitchOrderShuffles;
}

} // namespace accord::models

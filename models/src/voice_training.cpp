// Voice models: the dataset and the training loop with checkpoints (LibTorch, through
// voice_net.h). Loading and conversion need no Torch and live in voice_model.cpp.

#include "accord/models/voice_model.h"

#include "plain_voice_network.h"
#include "training_checkpoint.h"
#include "training_loop.h"
#include "voice_dsp.h"
#include "voice_format.h"
#include "voice_model_access.h"
#include "voice_net.h"

#include "accord/core/cancelled.h"
#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/core/parallel.h"
#include "accord/core/thread_checks.h"
#include "accord/dsp/resample.h"
#include "accord/dsp/voice_features.h"
#include "accord/models/runtime.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

namespace accord::models {
namespace {

namespace an = dsp::analysis;
using nlohmann::json;
using voice::kBins;
using voice::kConditioningSize;

constexpr const char* kCheckpointKind = "an Accord voice-model checkpoint";
constexpr std::int64_t kValidationBlock = 250; // frames (2 s); every 10th block is held out
constexpr std::int64_t kValidationEvery = 10;
constexpr std::int64_t kTrimMargin = 8; // frames kept around the sound when trimming
constexpr double kMinimumSoundSeconds = 3;

voice::VoiceConfig configFor(int channels, int steps) {
    voice::VoiceConfig config;
    if (channels > 0)
        config.channels = channels;
    if (steps > 0)
        config.steps = steps;
    return config;
}

// ---- the dataset ------------------------------------------------------------------------------

struct AnalysedSource {
    std::string id;
    std::string contentHash;
    dsp::VoiceFeatures features;
    double seconds = 0;
    // The sound's frames, [first, last] (none when last < first: a silent file), with the
    // conditioning and the gliding harmonic comb of each frame there.
    std::int64_t first = 0, last = -1;
    voice::Conditioning conditioning;
    std::vector<float> comb;
};

// Trims `source`'s silence and makes the network's inputs of the frames left.
void prepareFrames(AnalysedSource& source) {
    const dsp::VoiceFeatures& f = source.features;
    source.conditioning = voice::conditioning(f);
    const std::vector<std::uint8_t>& active = source.conditioning.active;
    std::int64_t first = f.frames, last = -1;
    for (std::int64_t t = 0; t < f.frames; ++t)
        if (active[static_cast<size_t>(t)]) {
            first = std::min(first, t);
            last = t;
        }
    if (last < 0)
        return;
    source.first = std::max<std::int64_t>(0, first - kTrimMargin);
    source.last = std::min(f.frames - 1, last + kTrimMargin);
    source.comb.assign(static_cast<size_t>((source.last - source.first + 1) * kBins), 0.0f);
    for (std::int64_t t = source.first; t <= source.last; ++t)
        if (f.voiced[static_cast<size_t>(t)])
            voice::addGlidingHarmonicComb(voice::glideAround(f.f0Hz, static_cast<size_t>(t)),
                                          source.comb.data() +
                                              static_cast<size_t>((t - source.first) * kBins));
}

struct Dataset {
    voice::TrainingData data;
    std::int64_t firstFrame = 0; // first real frame (after the start padding)
    std::int64_t realFrames = 0;
    double soundSeconds = 0; // frames that carry loss (train + validation), in seconds
    double trainSeconds = 0, validationSeconds = 0;
};

Dataset buildDataset(const std::vector<AnalysedSource>& sources, const voice::VoiceConfig& config) {
    Dataset set;
    voice::TrainingData& d = set.data;
    const auto appendZeros = [&](std::int64_t count) {
        d.conditioning.insert(d.conditioning.end(), static_cast<size_t>(count * kConditioningSize),
                              0.0f);
        d.comb.insert(d.comb.end(), static_cast<size_t>(count * kBins), 0.0f);
        d.target.insert(d.target.end(), static_cast<size_t>(count * kBins), 0.0f);
        d.level.insert(d.level.end(), static_cast<size_t>(count), 0.0f);
        d.trainFrame.insert(d.trainFrame.end(), static_cast<size_t>(count), 0);
        d.validationFrame.insert(d.validationFrame.end(), static_cast<size_t>(count), 0);
    };
    appendZeros(config.contextFrames);
    set.firstFrame = config.contextFrames;

    std::vector<std::uint8_t> active; // over the real frames
    std::vector<std::int64_t> junctions;
    for (const AnalysedSource& source : sources) {
        const dsp::VoiceFeatures& f = source.features;
        const voice::Conditioning& c = source.conditioning;
        if (source.last < source.first)
            continue; // a silent file contributes nothing
        junctions.push_back(static_cast<std::int64_t>(active.size()));
        d.comb.insert(d.comb.end(), source.comb.begin(), source.comb.end());
        for (std::int64_t t = source.first; t <= source.last; ++t) {
            const auto i = static_cast<size_t>(t);
            d.conditioning.insert(
                d.conditioning.end(),
                c.values.begin() + static_cast<std::ptrdiff_t>(i * kConditioningSize),
                c.values.begin() + static_cast<std::ptrdiff_t>((i + 1) * kConditioningSize));
            d.target.insert(d.target.end(),
                            f.power.begin() + static_cast<std::ptrdiff_t>(i * kBins),
                            f.power.begin() + static_cast<std::ptrdiff_t>((i + 1) * kBins));
            d.level.push_back(static_cast<float>(std::pow(10.0, f.loudnessDb[i] / 10.0)));
            active.push_back(c.active[i]);
        }
    }
    set.realFrames = static_cast<std::int64_t>(active.size());
    // Held out: every 10th block of 2 s (the last block when there are fewer than 10).
    const std::int64_t blocks = (set.realFrames + kValidationBlock - 1) / kValidationBlock;
    const auto heldOut = [&](std::int64_t frame) {
        const std::int64_t block = frame / kValidationBlock;
        return blocks < kValidationEvery ? block == blocks - 1
                                         : block % kValidationEvery == kValidationEvery - 1;
    };
    std::vector<std::uint8_t> nearJunction(active.size(), 0);
    for (const std::int64_t j : junctions)
        for (std::int64_t t = j - 2; t < j + 2; ++t)
            if (t >= 0 && t < set.realFrames)
                nearJunction[static_cast<size_t>(t)] = 1;
    std::int64_t trainFrames = 0, validationFrames = 0;
    for (std::int64_t t = 0; t < set.realFrames; ++t) {
        const auto i = static_cast<size_t>(t);
        const bool usable = active[i] && !nearJunction[i];
        const bool validation = heldOut(t);
        d.trainFrame.push_back(usable && !validation);
        d.validationFrame.push_back(usable && validation);
        trainFrames += usable && !validation;
        validationFrames += usable && validation;
    }
    appendZeros(config.cropFrames + 2);
    d.frames = static_cast<std::int64_t>(d.level.size());
    const double frameSeconds = static_cast<double>(an::kHop) / an::kSampleRate;
    set.trainSeconds = static_cast<double>(trainFrames) * frameSeconds;
    set.validationSeconds = static_cast<double>(validationFrames) * frameSeconds;
    set.soundSeconds = set.trainSeconds + set.validationSeconds;
    return set;
}

// CPU seconds of one recording's preparation, by part (TrainingTimes::addPart).
struct PreparationCpu {
    double reading = 0, resampling = 0, analysing = 0, frames = 0, highBand = 0;
};

// Reads one recording, analyses it at 16 kHz and measures its band above 8 kHz into `highBand`.
AnalysedSource analyseSource(const VoiceTrainingSource& source, voice::HighBandFit& highBand,
                             PreparationCpu& cpu) {
    double mark = threadCpuSeconds();
    const auto lap = [&mark](double& part) {
        const double now = threadCpuSeconds();
        part += now - mark;
        mark = now;
    };
    const VoiceRecording recording = source.read();
    lap(cpu.reading);
    AnalysedSource entry;
    entry.id = source.id;
    entry.contentHash = source.contentHash;
    entry.seconds = static_cast<double>(recording.samples.size()) / recording.sampleRate;
    const std::vector<float> at16k =
        dsp::resample(recording.samples, recording.sampleRate, an::kSampleRate);
    lap(cpu.resampling);
    dsp::AnalysisOptions analysis;
    analysis.keepSpectrum = true;
    entry.features = dsp::analyseVoice(at16k, analysis);
    lap(cpu.analysing);
    prepareFrames(entry);
    lap(cpu.frames);
    highBand.add(recording.samples, recording.sampleRate, entry.features,
                 entry.conditioning.active);
    lap(cpu.highBand);
    return entry;
}

// ---- checkpoints ------------------------------------------------------------------------------

std::string requestFingerprint(const std::vector<AnalysedSource>& sources,
                               const VoiceTrainingOptions& options,
                               const voice::VoiceConfig& config) {
    json assets = json::array();
    for (const AnalysedSource& source : sources)
        assets.push_back({source.id, source.contentHash});
    const json fingerprint = {{"format", voice::kModelFormatName},
                              {"version", kVoiceModelFormatVersion},
                              {"owner", options.owner},
                              {"assets", assets},
                              {"seed", options.seed},
                              {"config", config.toJson()}};
    return sha256Hex(fingerprint.dump());
}

} // namespace

VoiceModel VoiceModel::untrained(std::uint64_t seed, int channels) {
    const voice::VoiceConfig config = configFor(channels, 0);
    const voice::VoiceNetwork network(config, seed);
    VoiceModelCard card;
    card.formatVersion = kVoiceModelFormatVersion;
    card.configJson = config.toJson().dump();
    card.metricsJson = "{}";
    return VoiceModelAccess::fromNetwork(
        std::move(card),
        std::make_unique<voice::PlainVoiceNetwork>(config, network.weights(), "untrained model"));
}

// ---- training ----------------------------------------------------------------------------------

TrainedVoice trainVoice(const std::vector<VoiceTrainingSource>& sources,
                        const VoiceTrainingOptions& options,
                        const std::function<void(const VoiceTrainingProgress&)>& progress,
                        const std::atomic<bool>* cancel) {
    threads::assertNotInAudioCallback("models::trainVoice");
    const TrainingClock::time_point started = TrainingClock::now();
    TrainingTimes times;
    const double budget = options.maxMinutes > 0 ? options.maxMinutes * 60.0 : 1e18;
    const int threads = options.threads > 0 ? options.threads : kVoiceModelThreads;
    const RuntimeInfo runtime = configureRuntime(threads);

    VoiceTrainingProgress report;
    const auto tell = [&](const std::string& message) {
        report.message = message;
        report.elapsedSeconds = secondsSince(started);
        if (progress)
            progress(report);
    };

    TrainedVoice result;
    result.runtime = "LibTorch " + runtime.torchVersion;
    // The recordings, analysed at 16 kHz one per core (a recording's analysis does not depend on
    // another's, and the fits are joined in order: the same dataset as one at a time); the band
    // above 8 kHz measured on their own samples, at their own rate.
    std::vector<AnalysedSource> analysed(sources.size());
    std::vector<voice::HighBandFit> highBandFits(sources.size());
    std::vector<PreparationCpu> preparationCpu(sources.size());
    tell("analysing " + std::to_string(sources.size()) + " recordings");
    try {
        forEachInParallel(
            sources.size(), parallelWorkersFor(sources.size()),
            [&](std::size_t i, const std::atomic<bool>&) {
                analysed[i] = analyseSource(sources[i], highBandFits[i], preparationCpu[i]);
            },
            cancel,
            [&](double done) {
                tell("analysed " + std::to_string(std::lround(done * double(sources.size()))) +
                     " of " + std::to_string(sources.size()) + " recordings");
            });
    } catch (const Cancelled&) {
        result.cancelled = true;
        return result;
    }
    double partStart = threadCpuSeconds();
    const auto partDone = [&](const std::string& part) {
        const double now = threadCpuSeconds();
        times.addPart(part, now - partStart);
        partStart = now;
    };
    voice::HighBandFit highBandFit;
    for (std::size_t i = 0; i < sources.size(); ++i) {
        highBandFit.append(highBandFits[i]);
        times.addPart("reading", preparationCpu[i].reading);
        times.addPart("resampling", preparationCpu[i].resampling);
        times.addPart("analysing", preparationCpu[i].analysing);
        times.addPart("frames", preparationCpu[i].frames);
        times.addPart("highBand", preparationCpu[i].highBand);
    }

    const voice::VoiceConfig config = configFor(options.channels, options.maxSteps);
    const Dataset dataset = buildDataset(analysed, config);
    std::vector<const dsp::VoiceFeatures*> recordings;
    for (const AnalysedSource& source : analysed)
        recordings.push_back(&source.features);
    const voice::SourceShape voiceSource = voice::sourceShapeOf(recordings, config.noiseBands);
    if (dataset.soundSeconds < kMinimumSoundSeconds)
        throw BadInput("not enough sound to learn a voice from: " +
                       std::to_string(static_cast<int>(dataset.soundSeconds)) +
                       " s after trimming silence (at least 3 s needed)");
    partDone("dataset");

    voice::VoiceNetwork network(config, options.seed);
    voice::VoiceTrainer trainer(network, dataset.data);
    TrainingLoop<voice::VoiceNetwork, voice::VoiceTrainer> loop(
        network, trainer, {options.checkpointFile, voice::kCheckpointMagic, kCheckpointKind},
        requestFingerprint(analysed, options, config), options.seed);
    TrainingCheckpoint& state = loop.state();
    const std::string note = loop.resume();
    result.resumedFromStep = loop.resumedFromStep();
    partDone("network");
    if (state.step == 0) {
        const voice::Evaluation untrained = trainer.evaluate(true);
        state.metrics["untrainedValidationLoss"] = untrained.loss;
        state.metrics["untrainedValidationLogSpectralDb"] = untrained.logSpectralDb;
    }
    partDone("untrainedValidation");
    report.phase = VoiceTrainingProgress::Phase::Training;
    report.totalSteps = config.steps;
    report.step = state.step;
    if (state.metrics.contains("validationLoss"))
        report.validationLoss = state.metrics["validationLoss"].get<double>();
    tell(note.empty() ? "training" : note);

    const auto validate = [&] {
        const TrainingTimes::Phase interrupted = times.phase();
        times.enter(TrainingTimes::Phase::Validating);
        const voice::Evaluation validation = trainer.evaluate(true);
        state.metrics["validationLogSpectralDb"] = validation.logSpectralDb;
        report.validationLoss = validation.loss;
        if (loop.recordValidation(validation.loss))
            state.metrics["bestValidationLogSpectralDb"] = validation.logSpectralDb;
        times.enter(interrupted);
    };
    // Crops whose loss frames start in the real frames (their context may reach the padding).
    const std::int64_t lastStart = std::max(
        dataset.firstFrame, dataset.firstFrame + dataset.realFrames - config.cropFrames / 2);
    std::uniform_int_distribution<std::int64_t> pickStart(dataset.firstFrame, lastStart);
    times.enter(TrainingTimes::Phase::Stepping);
    const TrainingStop stop = loop.run(
        {config.steps, config.validationEvery, started, budget, &times}, config.batchCrops,
        [&](std::mt19937_64& random) { return pickStart(random); }, validate,
        [&](const TrainingStep& step) {
            report.step = step.step;
            report.loss = step.meanLoss;
            report.elapsedSeconds = secondsSince(started);
            report.etaSeconds = step.etaSeconds;
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

    report.phase = VoiceTrainingProgress::Phase::Saving;
    tell("saving");
    times.enter(TrainingTimes::Phase::Saving);
    loop.keepBest(validate);
    // The weights kept are the best validation's, whose figures it recorded on these weights.
    voice::Evaluation validation;
    if (state.metrics.contains("bestValidationLoss")) {
        validation.loss = state.metrics["bestValidationLoss"].get<double>();
        validation.logSpectralDb = state.metrics["bestValidationLogSpectralDb"].get<double>();
    } else {
        validation = trainer.evaluate(true); // no step was taken: the untrained weights
    }
    partStart = threadCpuSeconds();
    const voice::Evaluation training = trainer.evaluate(false);
    partDone("trainingSetEvaluation");
    json metrics = state.metrics;
    metrics["steps"] = state.step;
    metrics["plannedSteps"] = config.steps;
    metrics["stoppedByTimeLimit"] = result.stoppedByTimeLimit;
    metrics["trainLoss"] = training.loss;
    metrics["trainLogSpectralDb"] = training.logSpectralDb;
    metrics["recentStepLoss"] = report.loss;
    metrics["validationLoss"] = validation.loss;
    metrics["validationLogSpectralDb"] = validation.logSpectralDb;
    metrics["trainSeconds"] = dataset.trainSeconds;
    metrics["validationSeconds"] = dataset.validationSeconds;
    metrics["pitchRange"] = {{"lowHz", voiceSource.range.lowHz},
                             {"medianHz", voiceSource.range.medianHz},
                             {"highHz", voiceSource.range.highHz},
                             {"voicedSeconds", voiceSource.range.voicedSeconds}};
    metrics["h1MinusH2BySemitone"] = voice::sourceShapeJson(voiceSource);
    if (voiceSource.quiet.present())
        metrics["quietSpectrum"] = voice::quietSpectrumJson(voiceSource.quiet);
    const voice::HighBandModel highBand = highBandFit.solve();
    metrics["bandEdgeHz"] = highBand.bandEdgeHz;
    metrics["highBand"] = highBand.toJson();
    result.weights = encodeTensors(network.weights());
    result.weightsSha256 = sha256Hex(result.weights);
    partDone("card");
    metrics["timing"] = times.json();
    metrics["wallSeconds"] = metrics["timing"]["wallSeconds"];
    metrics["threads"] = threads;
    metrics["seed"] = options.seed;

    result.steps = state.step;
    for (const AnalysedSource& source : analysed)
        result.sourceSeconds.push_back(source.seconds);
    result.configJson = config.toJson().dump();
    result.metricsJson = metrics.dump();
    return result;
}

} // namespace accord::models

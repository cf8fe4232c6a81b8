// Voice models at run time: model files, loading, conversion. No registry and no consent here
// (workflows/ asks before calling), and no Torch: the trained network runs in plain C++
// (plain_voice_network.h); training is in voice_training.cpp.

#include "accord/models/voice_model.h"

#include "plain_voice_network.h"
#include "voice_dsp.h"
#include "voice_format.h"
#include "voice_model_access.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/core/thread_checks.h"
#include "accord/dsp/pitch.h"
#include "accord/dsp/resample.h"
#include "accord/dsp/voice_features.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

namespace accord::models {
namespace {

namespace fs = std::filesystem;
namespace an = dsp::analysis;
using nlohmann::json;
using voice::kBins;
using voice::kConditioningSize;

constexpr float kPeakCeiling = 0.99f;

// ---- loading -----------------------------------------------------------------------------------

struct LoadedModel {
    VoiceModelCard card;
    std::unique_ptr<voice::PlainVoiceNetwork> network;
    voice::SourceShape source;     // from the card's metrics
    voice::HighBandModel highBand; // likewise; none for a band-limited or older model
};

LoadedModel loadModel(const std::string& file) {
    if (!fileExists(file))
        throw BadInput(file + ": no such voice model file");
    voice::VoiceModelData data = voice::decodeVoiceModel(readWholeFile(file), file);
    LoadedModel model;
    model.card = std::move(data.card);
    model.network = std::make_unique<voice::PlainVoiceNetwork>(data.config, data.weights, file);
    const json metrics = json::parse(model.card.metricsJson, nullptr, false);
    model.source = voice::sourceShapeFromMetrics(metrics);
    model.highBand = voice::HighBandModel::fromMetrics(metrics);
    return model;
}

} // namespace

// ---- VoiceModel --------------------------------------------------------------------------------

struct VoiceModel::Impl {
    LoadedModel model;
};

VoiceModel::VoiceModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VoiceModel::~VoiceModel() = default;
VoiceModel::VoiceModel(VoiceModel&&) noexcept = default;
VoiceModel& VoiceModel::operator=(VoiceModel&&) noexcept = default;

VoiceModel VoiceModel::load(const std::string& file) {
    auto impl = std::make_unique<Impl>();
    impl->model = loadModel(file);
    return VoiceModel(std::move(impl));
}

VoiceModel VoiceModelAccess::fromNetwork(VoiceModelCard card,
                                         std::unique_ptr<voice::PlainVoiceNetwork> network) {
    auto impl = std::make_unique<VoiceModel::Impl>();
    impl->model.card = std::move(card);
    impl->model.network = std::move(network);
    return VoiceModel(std::move(impl));
}

const VoiceModelCard& VoiceModel::card() const {
    return impl_->model.card;
}

const voice::PlainVoiceNetwork& VoiceModelAccess::network(const VoiceModel& model) {
    return *model.impl_->model.network;
}

const voice::SourceShape& VoiceModelAccess::source(const VoiceModel& model) {
    return model.impl_->model.source;
}

const voice::HighBandModel& VoiceModelAccess::highBand(const VoiceModel& model) {
    return model.impl_->model.highBand;
}

std::vector<float> VoiceModel::convert(const std::vector<float>& samples, int sampleRate,
                                       double transposeSemitones, VoicePitchRange* performanceRange,
                                       const SynthesisHook& atSynthesisRate) const {
    threads::assertNotInAudioCallback("VoiceModel::convert");
    if (samples.empty())
        return {};
    const std::vector<float> input = dsp::resample(samples, sampleRate, an::kSampleRate);
    dsp::AnalysisOptions analysis;
    analysis.keepSpectrum = true; // for the noise gate (voice::FrameShaper)
    const dsp::VoiceFeatures features = dsp::analyseVoice(input, analysis);
    if (performanceRange)
        *performanceRange = voice::pitchRangeOf({&features});
    const voice::Conditioning condition = voice::conditioning(features);
    const std::vector<float> controls =
        impl_->model.network->run(condition.values, features.frames);
    std::vector<float> f0 = features.f0Hz;
    const auto ratio = static_cast<float>(std::pow(2.0, transposeSemitones / 12.0));
    for (float& hz : f0)
        hz *= ratio;
    voice::PerformanceGate gate = voice::performanceGate(features);
    if (ratio != 1.0f)
        gate.combAtGatePeaks.clear(); // sung at other pitches than the gate's combs
    const voice::HighBandModel& highBand = impl_->model.highBand;
    std::vector<float> bands;
    std::vector<float> sung =
        voice::synthesise(impl_->model.network->config(), impl_->model.source, controls, f0,
                          features.voiced, features.loudnessDb, condition.referenceDb, gate,
                          features.power, input.size(), 0x5eed, highBand, &bands);
    if (atSynthesisRate)
        atSynthesisRate(sung, an::kSampleRate);
    std::vector<float> out = dsp::resample(sung, an::kSampleRate, sampleRate);
    out.resize(samples.size(), 0.0f);
    // The band above 8 kHz at the output rate, frame by frame as the live node plays it.
    voice::HighBandVoice high(highBand, sampleRate);
    if (high.active()) {
        std::int64_t done = 0;
        const auto length = std::int64_t(out.size());
        for (std::int64_t t = 0; t < features.frames; ++t) {
            high.pushFrame(t * an::kHop, bands.data() + t * voice::kHighBands,
                           features.voiced[std::size_t(t)], f0[std::size_t(t)]);
            const std::int64_t upTo = std::min(
                length,
                std::int64_t(std::ceil(double(t * an::kHop) * sampleRate / an::kSampleRate)));
            if (upTo > done) {
                high.add(out.data() + done, done, int(upTo - done));
                done = upTo;
            }
        }
        high.add(out.data() + done, done, int(length - done));
    }
    // Same frame levels as the input, but another waveform: keep its peaks inside full scale.
    voice::limitPeaks(out, sampleRate, kPeakCeiling);
    return out;
}

// ---- pitch ranges ------------------------------------------------------------------------------

std::optional<VoicePitchRange> trainedPitchRange(const std::string& metricsJson) {
    const voice::SourceShape source =
        voice::sourceShapeFromMetrics(json::parse(metricsJson, nullptr, false));
    if (!(source.range.medianHz > 0))
        return std::nullopt; // none recorded, or a voice with no voiced frame (no range)
    return source.range;
}

namespace {

std::string noteName(double hz) {
    static const char* const names[12] = {"C",  "C#", "D",  "D#", "E",  "F",
                                          "F#", "G",  "G#", "A",  "A#", "B"};
    const long midi = std::lround(dsp::midiOf(hz));
    const long octave = midi / 12 - 1;
    return std::string(names[((midi % 12) + 12) % 12]) + std::to_string(octave);
}

} // namespace

VoicePitchRange
measurePitchRange(const std::vector<std::pair<const std::vector<float>*, int>>& audio) {
    threads::assertNotInAudioCallback("models::measurePitchRange");
    std::vector<dsp::VoiceFeatures> analysed;
    for (const auto& [samples, rate] : audio)
        if (!samples->empty())
            analysed.push_back(dsp::analyseVoice(dsp::resample(*samples, rate, an::kSampleRate)));
    std::vector<const dsp::VoiceFeatures*> features;
    for (const dsp::VoiceFeatures& f : analysed)
        features.push_back(&f);
    return voice::pitchRangeOf(features);
}

std::string describePitchRange(const VoicePitchRange& range) {
    if (!(range.medianHz > 0))
        return "no pitched sound";
    return noteName(range.lowHz) + "\u2013" + noteName(range.highHz) + " (" +
           std::to_string(std::lround(range.lowHz)) + "\u2013" +
           std::to_string(std::lround(range.highHz)) + " Hz, median " + noteName(range.medianHz) +
           ")";
}

int suggestedOctaveTranspose(const VoicePitchRange& model, const VoicePitchRange& performance,
                             double transposeSemitones) {
    constexpr double kFarSemitones = 7;
    if (!(model.medianHz > 0) || !(performance.medianHz > 0))
        return 0;
    const double distance =
        12 * std::log2(performance.medianHz / model.medianHz) + transposeSemitones;
    if (std::abs(distance) <= kFarSemitones)
        return 0;
    return -12 * static_cast<int>(std::lround(distance / 12));
}

TrainedBand trainedBand(const std::string& metricsJson) {
    const voice::HighBandModel band =
        voice::HighBandModel::fromMetrics(json::parse(metricsJson, nullptr, false));
    TrainedBand trained;
    if (band.bandEdgeHz > 0)
        trained.recordingsEdgeHz = band.bandEdgeHz;
    if (band.present())
        trained.singsUpToHz = std::max(trained.singsUpToHz, band.bandHighHz(band.bands - 1));
    return trained;
}

std::string describeTrainedBand(const std::string& metricsJson) {
    const TrainedBand band = trainedBand(metricsJson);
    const auto kHz = [](double hz) {
        char text[32];
        std::snprintf(text, sizeof text, "%.1f kHz", hz / 1000);
        return std::string(text);
    };
    if (!(band.recordingsEdgeHz > 0))
        return "up to 8 kHz (band not recorded: trained by an earlier Accord)";
    if (band.singsUpToHz <= 8000)
        return "up to 8 kHz: its recordings stop at " + kHz(band.recordingsEdgeHz) +
               " (band-limited; it adds no band it never heard)";
    return "up to " + kHz(band.singsUpToHz) + ", as its recordings (band edge " +
           kHz(band.recordingsEdgeHz) + ")";
}

// ---- reading cards -----------------------------------------------------------------------------

VoiceModelCard readVoiceModelCard(const std::string& file) {
    return loadModel(file).card;
}

void writeVoiceModel(const std::string& file, const TrainedVoice& trained,
                     const VoiceModelOrigin& origin) {
    json training = json::array();
    for (const VoiceModelOrigin::Source& source : origin.training)
        training.push_back({{"asset", source.asset},
                            {"grant", source.grant},
                            {"pcmSha256", source.pcmSha256},
                            {"seconds", source.seconds}});
    const json card = {{"format", voice::kModelFormatName},
                       {"formatVersion", kVoiceModelFormatVersion},
                       {"kind", "voice"},
                       {"model", origin.modelId.empty() ? json(nullptr) : json(origin.modelId)},
                       {"owner", origin.owner},
                       {"ownerName", origin.ownerName},
                       {"createdAt", origin.createdAt},
                       {"training", training},
                       {"config", json::parse(trained.configJson)},
                       {"metrics", json::parse(trained.metricsJson)},
                       {"weightsSha256", trained.weightsSha256},
                       {"weightsFormat", "accord-tensors-1 (float32, little-endian)"},
                       {"runtime", trained.runtime}};
    writeFileAtomically(file, encodeContainer(voice::kModelMagic, kVoiceModelFormatVersion,
                                              card.dump(2), trained.weights));
}

std::shared_ptr<const VoiceModel> loadVoiceModelCached(const std::string& file) {
    threads::assertNotInAudioCallback("models::loadVoiceModelCached");
    struct Loaded {
        std::uintmax_t size = 0;
        fs::file_time_type modified;
        std::shared_ptr<const VoiceModel> model;
    };
    constexpr std::size_t kKeptModels = 4;
    static std::mutex mutex;
    static std::map<std::string, Loaded> loaded;
    std::error_code error;
    const std::uintmax_t size = fs::file_size(file, error);
    const fs::file_time_type modified = fs::last_write_time(file, error);
    if (!error) {
        std::lock_guard<std::mutex> lock(mutex);
        const auto found = loaded.find(file);
        if (found != loaded.end() && found->second.size == size &&
            found->second.modified == modified)
            return found->second.model;
    }
    auto model = std::make_shared<const VoiceModel>(VoiceModel::load(file)); // throws BadInput
    if (!error) {
        std::lock_guard<std::mutex> lock(mutex);
        if (loaded.size() >= kKeptModels)
            loaded.clear();
        loaded[file] = {size, modified, model};
    }
    return model;
}

} // namespace accord::models

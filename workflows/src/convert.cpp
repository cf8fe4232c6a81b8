#include "accord/workflows/convert.h"

#include "watermark_payload.h"

#include "accord/audio/audio_file.h"
#include "accord/audio/audio_io.h"
#include "accord/audio/watermark.h"
#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/core/time.h"
#include "accord/dsp/analysis_constants.h"
#include "accord/models/voice_model.h"
#include "accord/workflows/identify.h"
#include "accord/workflows/live_model.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

namespace accord::workflows {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

} // namespace

VoiceConversion convertWithVoiceModel(Registry& registry, const std::string& modelFile,
                                      const std::string& inPath, const std::string& outPath,
                                      double transposeSemitones, const std::string& actor) {
    const std::string extension = lowerExtension(outPath);
    if (extension != ".wav" && extension != ".flac")
        throw BadInput(outPath + ": unsupported output format '" + extension +
                       "': use .wav or .flac");
    if (!(std::abs(transposeSemitones) <= 48))
        throw BadInput("transpose of " + std::to_string(transposeSemitones) +
                       " semitones is outside -48..48");

    const std::shared_ptr<const models::VoiceModel> voiceModel =
        models::loadVoiceModelCached(modelFile);
    const std::optional<Model> model = registeredVoiceModel(registry, voiceModel->card());
    if (!model)
        throw BadInput(modelFile + ": this voice model is not registered in " + registry.path() +
                       " (weights " + voiceModel->card().weightsSha256.substr(0, 12) + "...)");

    // The performance: a registered recording, or a render of this studio (a re-sung take sung
    // again, a bounced stem) whose lineage then carries over.
    audio::MultichannelAudio decoded;
    const AudioIdentity identity = audio::identifyAudioFile(inPath, decoded);
    RenderInput performance;
    if (const auto asset = registry.assetByContent(identity.pcmSha256, identity.fileSha256))
        performance = {InputKind::Asset, asset->id};
    else if (const auto rendered = registry.renderByContent(identity.pcmSha256))
        performance = {InputKind::Render, rendered->id};
    else
        throw BadInput(inPath + ": not a registered recording; register it first "
                                "(accord-cli asset add FILE --owner HOLDER)");

    const Decision decision = judgeGenerate(registry, model->id, actor);
    if (!decision.allowed)
        throw ConsentDenied("generate with voice model " + model->id, decision);

    const Clock::time_point started = Clock::now();
    const audio::MonoAudio recording = audio::mixToMono(std::move(decoded));
    // Generated audio carries a watermark naming its render (docs/ARCHITECTURE.md "Watermark"),
    // so it is recognised after re-encoding, cutting or mixing. Marked as it is synthesised, at
    // the mark's own rate (docs/WATERMARK.md), when the output has every band of it: marking the
    // output resampled it to that rate and the mark back, 4% of a convert (docs/ARCHITECTURE.md
    // "Voice model", convert's speed).
    const std::string payload = newWatermarkPayload(registry);
    const std::uint32_t mark = audio::parseWatermarkPayloadText(payload);
    const auto markSynthesis = [&](std::vector<float>& synthesis, int rate) {
        std::vector<std::vector<float>> channels{std::move(synthesis)};
        audio::embedWatermark(channels, rate, mark);
        synthesis = std::move(channels[0]);
    };
    const bool markedAsSynthesised = recording.sampleRate >= dsp::analysis::kSampleRate;
    std::vector<std::vector<float>> sung(1);
    VoiceConversion result;
    sung[0] = voiceModel->convert(
        recording.samples, recording.sampleRate, transposeSemitones, &result.performanceRange,
        markedAsSynthesised ? markSynthesis : models::VoiceModel::SynthesisHook{});
    if (!markedAsSynthesised)
        audio::embedWatermark(sung, recording.sampleRate, mark);
    const double processing = std::chrono::duration<double>(Clock::now() - started).count();
    const std::string out = absolutePath(outPath);
    // The written file's hash as it is written: reading it back cost a convert ~2% (docs/
    // ARCHITECTURE.md "Voice model").
    const std::string writtenPcmSha256 = audio::writeMonoAudio(out, sung[0], recording.sampleRate);
    Render render;
    try {
        render = registry.addRender({"conversion",
                                     out,
                                     writtenPcmSha256,
                                     {performance, {InputKind::Model, model->id}},
                                     payload});
    } catch (...) {
        std::error_code ignored;
        fs::remove(out, ignored); // no unregistered generated audio left behind
        throw;
    }
    result.modelRange = models::trainedPitchRange(voiceModel->card().metricsJson);
    if (result.modelRange)
        result.suggestedTranspose = models::suggestedOctaveTranspose(
            *result.modelRange, result.performanceRange, transposeSemitones);
    result.render = render.id;
    result.modelId = model->id;
    result.input = performance;
    result.watermark = payload;
    result.outPath = out;
    result.seconds = static_cast<double>(recording.samples.size()) / recording.sampleRate;
    result.processingSeconds = processing;
    indexNewRecordings(registry);
    return result;
}

} // namespace accord::workflows

#pragma once

// A track running through a voice model (docs/CONSENT.md "Generating", docs/ARCHITECTURE.md
// "Live node"): whether its model may generate, and its live node for playback, renders and
// exports. The studio judges on the message thread (milliseconds) and loads on a worker.

#include "accord/core/policy.h"
#include "accord/core/project.h"
#include "accord/core/registry.h"
#include "accord/dsp/stream_processor.h"
#include "accord/models/voice_model.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace accord::workflows {

// Whether `actor` (empty: anyone in this studio) may generate with the registered model `model`
// now: `generate` from every owner of its training recordings, and not source-revoked.
Decision judgeGenerate(const Registry& registry, const std::string& model,
                       const std::string& actor = {});

// The registered model a loaded file is: by the id its card names when the weights agree, else
// by its weights hash; nullopt when this registry does not know it.
std::optional<Model> registeredVoiceModel(const Registry& registry,
                                          const models::VoiceModelCard& card);

// What a track's model file may do here, played by `actor` (empty: anyone in this studio, so only
// grants to anyone apply).
struct TrackModelJudgement {
    std::optional<Model> model; // the registered voice model with this file, if any
    std::string ownerName;      // whose voice it is, or empty when unknown
    Decision decision;          // `generate` on the model; not allowed when `model` is empty
};
TrackModelJudgement judgeTrackModel(const Registry& registry, const std::string& modelFile,
                                    const std::string& actor = {});

// The live node of a track with a model file: the file loaded (models::loadVoiceModelCached), it
// must hold the model this registry has on record for it (same file, same weights hash), else
// BadInput naming it. Consent is the caller's to have judged (judgeTrackModel; the export gate
// asks for `generate` on every model a track runs through). Runs on a worker.
// `transposeSemitones`: the track's modelTranspose.
std::shared_ptr<dsp::StreamProcessor> loadLiveModel(const Registry& registry,
                                                    const std::string& modelFile,
                                                    double transposeSemitones = 0);

// The render a voice makes live outside the studio: the Accord Voice plugin's, recorded when it
// starts sounding with a voice (docs/PLUGIN.md "What it makes is marked"). Lineage: the model and
// a live input through the plugin (InputKind::LiveInput); no file (its audio is the host's to
// keep), so its watermark payload, which the plugin marks its output with, is what names it.
// Asks `generate` on the model first, as judgeTrackModel does: ConsentDenied when refused (then
// nothing is recorded). Throws BadInput when the file is not a registered voice model.
struct LiveRender {
    std::string render;    // r-N
    std::string modelId;   // m-N
    std::uint32_t payload; // its watermark
};
LiveRender recordLiveRender(Registry& registry, const std::string& modelFile,
                            const std::string& actor = {});

// Where audio files sing: the pitch range of the recordings (each read whole, mono), for
// comparing with a model's (models::trainedPitchRange) and suggesting a transposition
// (models::suggestedOctaveTranspose) - a track's clips, or a take checked before converting
// (`accord-cli model show --against`). Reads and analyses the files: run it on a worker. Throws
// accord::BadInput naming a file that cannot be read.
models::VoicePitchRange filesPitchRange(const std::vector<std::string>& files);
// filesPitchRange of a track's clips (each clip's whole media file, as the track may trim or
// repeat it; offline clips left out).
models::VoicePitchRange trackPitchRange(const Track& track);

// For audio::RenderRequest / ExportRequest::processorFor: a fresh live node for each track with a
// model file (nullptr for the others), loaded as loadLiveModel does. Call on one thread.
std::function<std::shared_ptr<dsp::StreamProcessor>(const Track&)>
liveModelsFor(const Registry& registry);

} // namespace accord::workflows

#pragma once

// Re-singing a recording with a voice model (docs/CONSENT.md "Generating"): `generate` consent
// on the model, a watermark naming the new render, and the render recorded with its inputs.

#include "accord/core/registry.h"
#include "accord/models/voice_model.h"

#include <optional>
#include <string>

namespace accord::workflows {

struct VoiceConversion {
    std::string render; // registered render id, "r-N"
    std::string modelId;
    RenderInput input;     // the performance re-sung: a registered asset or an earlier render
    std::string watermark; // the payload embedded in the output ("acw1-...")
    std::string outPath;
    double seconds = 0;           // length of the audio
    double processingSeconds = 0; // wall clock of analysis + model + synthesis
    // Where the model's voice sang (none for a model trained before Accord recorded it) and where
    // the performance does; a transposition by octaves when that would suit the model better.
    std::optional<models::VoicePitchRange> modelRange;
    models::VoicePitchRange performanceRange;
    int suggestedTranspose = 0;
};

// Re-sings `inPath` with the voice model in `modelFile` and writes `outPath` (24-bit WAV for
// ".wav", 24-bit FLAC for ".flac"; IN's sample rate and length, mono) carrying a watermark with
// a new payload, then registers the output as a render of kind "conversion" with inputs {IN's
// asset (or the render IN is), the model} and that payload.
// The model is found in the registry by its weights hash (the card's id is checked against it);
// IN must be a registered asset or render (found by content). The policy engine is asked for
// `generate` on the model for `actor` (empty: anyone); a refusal - also when the model is
// source-revoked - throws accord::ConsentDenied and nothing is written. Throws accord::BadInput for
// a bad model file, an unregistered model or input, an unreadable input or an unsupported output
// name. Runs on the calling thread, one core (no LibTorch: models/ runs the network in plain C++).
VoiceConversion convertWithVoiceModel(Registry& registry, const std::string& modelFile,
                                      const std::string& inPath, const std::string& outPath,
                                      double transposeSemitones = 0, const std::string& actor = {});

} // namespace accord::workflows

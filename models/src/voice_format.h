#pragma once

// Voice model files as bytes (plain C++, no Torch): the container and tensor block of
// model_file.h, with the voice model's card.

#include "model_file.h"
#include "voice_dsp.h"

#include "accord/models/voice_model.h"

#include <string>
#include <vector>

namespace accord::models::voice {

inline constexpr char kModelMagic[9] = "ACCVOICE";
inline constexpr char kCheckpointMagic[9] = "ACCVCKPT";
inline constexpr const char* kModelFormatName = "accord-voice-model"; // the card's "format"
inline constexpr const char* kModelKind = "an Accord voice model";

// A model file's content without its network: the card read and checked (format, typed fields,
// the weights' hash against the card), the config and the weights decoded. No Torch here, so
// the fuzz tests read model files as the studio does. Throws BadInput "<file>: ..." naming the
// problem (truncated, corrupt, of another kind, newer, a card field of the wrong type).
struct VoiceModelData {
    VoiceModelCard card;
    VoiceConfig config;
    std::vector<NamedArray> weights;
};
VoiceModelData decodeVoiceModel(const std::string& bytes, const std::string& file);

} // namespace accord::models::voice

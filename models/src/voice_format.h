#pragma once

// Voice model files and training checkpoints as bytes (plain C++, no Torch):
//
//   container := magic[8] | u32 version | u32 0 | u64 jsonBytes | u64 blobBytes
//                | json (UTF-8) | blob | SHA-256(all the bytes before)[32]
//   blob      := "ACCTENS1" | u32 count | count x ( u32 nameBytes | name | u32 rank
//                | i64 dims[rank] | f32 values[prod(dims)] )
//
// All integers and floats little-endian. Nothing in a file is ever executed or unpickled.

#include "voice_net.h"

#include "accord/models/voice_model.h"

#include <string>
#include <vector>

namespace accord::models::voice {

inline constexpr char kModelMagic[9] = "ACCVOICE";
inline constexpr char kCheckpointMagic[9] = "ACCVCKPT";
inline constexpr const char* kModelFormatName = "accord-voice-model"; // the card's "format"
inline constexpr const char* kModelKind = "an Accord voice model";

std::string encodeTensors(const std::vector<NamedArray>& tensors);
// Throws BadInput "<what>: ..." when the blob is malformed.
std::vector<NamedArray> decodeTensors(const std::string& blob, const std::string& what);

std::string encodeContainer(const char* magic, int version, const std::string& json,
                            const std::string& blob);

struct Container {
    int version = 0;
    std::string json;
    std::string blob;
};
// Checks magic, version (<= maxVersion), lengths and checksum. Throws BadInput
// "<file>: <problem>" naming `kind` ("an Accord voice model") for a foreign file.
Container decodeContainer(const std::string& bytes, const char* magic, int maxVersion,
                          const std::string& file, const std::string& kind);

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

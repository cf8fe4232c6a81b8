// Voice model files (models/src/voice_format.h: container, card, config, weights) from arbitrary
// bytes: a clear accord::Error or a model that decodes; never a crash or another exception.

#include "voice_format.h"

#include "accord/core/errors.h"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    try {
        accord::models::voice::decodeVoiceModel(bytes, "/fuzz/voice.accordvoice");
    } catch (const accord::Error&) {
    }
    return 0;
}

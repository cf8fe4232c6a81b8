#pragma once

// The inside of a loaded VoiceModel for this library's own use: the live node copies the
// network's weights (live_voice.cpp). Not part of the public headers.

#include "voice_net.h"

#include "accord/models/voice_model.h"

namespace accord::models {

struct VoiceModelAccess {
    static const voice::VoiceNetwork& network(const VoiceModel& model);
};

} // namespace accord::models

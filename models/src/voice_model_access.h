#pragma once

// The inside of a loaded VoiceModel for this library's own use: the live node copies the
// network's weights (live_voice.cpp), training builds an untrained model (voice_training.cpp).
// Not part of the public headers.

#include "plain_voice_network.h"
#include "voice_high_band.h"

#include "accord/models/voice_model.h"

#include <memory>

namespace accord::models {

struct VoiceModelAccess {
    static const voice::PlainVoiceNetwork& network(const VoiceModel& model);
    static const voice::SourceShape& source(const VoiceModel& model);
    static const voice::HighBandModel& highBand(const VoiceModel& model);
    static VoiceModel fromNetwork(VoiceModelCard card,
                                  std::unique_ptr<voice::PlainVoiceNetwork> network);
};

} // namespace accord::models

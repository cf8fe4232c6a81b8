#pragma once

// A live node whose output carries the watermark: the Accord Voice plugin's voice, marked with the
// payload of the render the plugin recorded (docs/PLUGIN.md "What it makes is marked"). The mark
// runs where the node runs, on the live worker after it (never on the audio thread), and its
// latency is the node's plus the streaming embedder's (audio/watermark.h).

#include "accord/dsp/stream_processor.h"

#include <cstdint>
#include <memory>

namespace accord::audio {

// `voice`'s output with the mark of `payload` added. Its clone() clones `voice` and marks it the
// same way (null when `voice` has no clone), so a standby plays the same samples.
std::shared_ptr<dsp::StreamProcessor>
markedStreamProcessor(std::shared_ptr<dsp::StreamProcessor> voice, std::uint32_t payload);

} // namespace accord::audio

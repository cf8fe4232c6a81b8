#include "watermark_payload.h"

#include "accord/audio/watermark.h"

#include <random>

namespace accord::workflows {

std::string newWatermarkPayload(const Registry& registry) {
    std::random_device entropy;
    for (;;) {
        const std::string payload = audio::watermarkPayloadText(entropy());
        if (!registry.renderByWatermark(payload))
            return payload;
    }
}

} // namespace accord::workflows

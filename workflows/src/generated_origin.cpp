#include "accord/workflows/generated_origin.h"

#include "accord/audio/watermark.h"

namespace accord::workflows {

std::string GeneratedOrigin::describe(const std::string& file) const {
    if (watermark.empty())
        return file + " is the same sound as render " + render +
               ", generated in this studio: it keeps that render's lineage";
    if (render.empty())
        return file + " carries the Accord watermark " + watermark +
               ", which this registry does not know: it is generated audio from another studio";
    return file + " carries the watermark of render " + render + " (" + watermark +
           "): it is that render re-encoded, cut or mixed, and keeps its lineage";
}

std::optional<GeneratedOrigin> findGeneratedOrigin(const Registry& registry,
                                                   const std::string& pcmSha256,
                                                   const std::vector<std::vector<float>>& channels,
                                                   int sampleRate) {
    if (const auto render = registry.renderByContent(pcmSha256))
        return GeneratedOrigin{render->id, {}};
    if (sampleRate < audio::kWatermarkMinimumRate)
        return std::nullopt;
    const audio::WatermarkDetection found = audio::detectWatermark(channels, sampleRate);
    if (!found.found)
        return std::nullopt;
    GeneratedOrigin origin;
    origin.watermark = audio::watermarkPayloadText(found.payload);
    if (const auto render = registry.renderByWatermark(origin.watermark))
        origin.render = render->id;
    return origin;
}

} // namespace accord::workflows

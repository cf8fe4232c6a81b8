#include "accord/workflows/generated_origin.h"

#include "accord/audio/audio_file.h"
#include "accord/audio/watermark.h"

#include <algorithm>
#include <vector>

namespace accord::workflows {

std::string GeneratedOrigin::describe(const std::string& file) const {
    if (watermark.empty())
        return file + " is the same sound as render " + render +
               ", generated in this studio: it keeps that render's lineage";
    if (render.empty())
        return file + " carries the Accord watermark " + watermark +
               ", which this registry does not know: it is generated audio from another studio";
    return file + " carries the watermark of render " + render + " (" + watermark +
           (liveInput.empty() ? "" : ", a voice sung over " + liveInput) +
           "): it is that render re-encoded, cut or mixed, and keeps its lineage";
}

namespace {

// The render with this sound, else the mark `detect` reads (only then: detection decodes).
template <typename Detect>
std::optional<GeneratedOrigin> originOf(const Registry& registry, const std::string& pcmSha256,
                                        Detect&& detect) {
    if (const auto render = registry.renderByContent(pcmSha256))
        return GeneratedOrigin{render->id, {}, {}};
    const std::optional<std::uint32_t> payload =
        audio::readKnownPayload(detect(), [&](std::uint32_t candidate) {
            return registry.renderByWatermark(audio::watermarkPayloadText(candidate)).has_value();
        });
    if (!payload)
        return std::nullopt;
    GeneratedOrigin origin;
    origin.watermark = audio::watermarkPayloadText(*payload);
    if (const auto render = registry.renderByWatermark(origin.watermark)) {
        origin.render = render->id;
        for (const RenderInput& input : render->inputs)
            if (input.kind == InputKind::LiveInput)
                origin.liveInput = liveInputText(input.id);
    }
    return origin;
}

} // namespace

std::optional<GeneratedOrigin> findGeneratedOrigin(const Registry& registry,
                                                   const std::string& pcmSha256,
                                                   const std::string& path) {
    return originOf(registry, pcmSha256, [&] { return audio::detectWatermarkInFile(path); });
}

std::optional<GeneratedOrigin> findGeneratedOrigin(const Registry& registry,
                                                   const std::string& pcmSha256,
                                                   const audio::DecodedMedia& media) {
    return originOf(registry, pcmSha256, [&] {
        constexpr std::size_t kBlock = 1 << 16;
        audio::WatermarkDetector detector(media.sampleRate,
                                          static_cast<int>(media.channels.size()));
        std::vector<const float*> planar(media.channels.size());
        const auto frames = static_cast<std::size_t>(media.frames);
        for (std::size_t start = 0; start < frames; start += kBlock) {
            for (std::size_t c = 0; c < planar.size(); ++c)
                planar[c] = media.channels[c].data() + start;
            detector.add(planar.data(), std::min(kBlock, frames - start));
        }
        return detector.finish();
    });
}

} // namespace accord::workflows

#include "accord/audio/marked_stream.h"

#include "accord/audio/watermark.h"

#include <optional>
#include <vector>

namespace accord::audio {
namespace {

class MarkedStreamProcessor final : public dsp::StreamProcessor {
public:
    MarkedStreamProcessor(std::shared_ptr<dsp::StreamProcessor> voice, std::uint32_t payload)
        : voice_(std::move(voice)), payload_(payload) {}

    void prepare(int sampleRate, int maxBlock) override {
        voice_->prepare(sampleRate, maxBlock);
        embedder_.emplace(sampleRate, payload_);
        voiced_.assign(static_cast<std::size_t>(maxBlock), 0.0f);
    }

    int latencyFrames() const override {
        return voice_->latencyFrames() + (embedder_ ? embedder_->latencyFrames() : 0);
    }

    void process(const float* in, float* out, int frames) override {
        voice_->process(in, voiced_.data(), frames);
        embedder_->process(voiced_.data(), out, static_cast<std::size_t>(frames));
    }

    std::shared_ptr<dsp::StreamProcessor> clone() const override {
        std::shared_ptr<dsp::StreamProcessor> voice = voice_->clone();
        return voice ? std::make_shared<MarkedStreamProcessor>(std::move(voice), payload_)
                     : nullptr;
    }

private:
    std::shared_ptr<dsp::StreamProcessor> voice_;
    std::uint32_t payload_;
    std::optional<WatermarkStreamEmbedder> embedder_;
    std::vector<float> voiced_;
};

} // namespace

std::shared_ptr<dsp::StreamProcessor>
markedStreamProcessor(std::shared_ptr<dsp::StreamProcessor> voice, std::uint32_t payload) {
    return std::make_shared<MarkedStreamProcessor>(std::move(voice), payload);
}

} // namespace accord::audio

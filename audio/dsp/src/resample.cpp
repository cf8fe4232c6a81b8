#include "accord/dsp/resample.h"

#include "accord/core/errors.h"

#include <soxr.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>

namespace accord::dsp {
namespace {

void checkRates(double fromRate, double toRate) {
    if (!(fromRate > 0) || !(toRate > 0))
        throw BadInput("resample: invalid rates " + std::to_string(fromRate) + " -> " +
                       std::to_string(toRate));
}

unsigned long soxrRecipe(ResampleQuality quality) {
    switch (quality) {
    case ResampleQuality::Low:
        return SOXR_LQ;
    case ResampleQuality::VeryHigh:
        return SOXR_VHQ;
    case ResampleQuality::High:
        break;
    }
    return SOXR_HQ;
}

} // namespace

std::vector<float> resample(const std::vector<float>& samples, double fromRate, double toRate,
                            std::size_t length, ResampleQuality quality) {
    checkRates(fromRate, toRate);
    if (fromRate == toRate) {
        std::vector<float> copy(samples);
        copy.resize(length, 0.0f);
        return copy;
    }
    std::vector<float> out(length, 0.0f);
    if (samples.empty() || length == 0)
        return out;
    const soxr_quality_spec_t spec = soxr_quality_spec(soxrRecipe(quality), 0);
    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    soxr_error_t error = nullptr;
    const std::unique_ptr<soxr, decltype(&soxr_delete)> resampler(
        soxr_create(fromRate, toRate, 1, &error, &io, &spec, nullptr), &soxr_delete);
    if (error || !resampler)
        throw std::runtime_error(std::string("libsoxr: ") + (error ? error : "soxr_create"));
    // The input in chunks rather than whole (soxr_oneshot): handed a minute at once, libsoxr grows
    // its buffers to it, copying them as they grow, a quarter of the resampling's CPU
    // (docs/ARCHITECTURE.md "Voice model", convert's speed). The output does not depend on the
    // chunks. soxr may deliver a sample less at the very end: the rest stays zero.
    constexpr size_t kChunk = 16384;
    size_t consumed = 0, done = 0;
    for (;;) {
        const bool ended = consumed >= samples.size();
        const size_t given = ended ? 0 : std::min(kChunk, samples.size() - consumed);
        size_t used = 0, produced = 0;
        error = soxr_process(resampler.get(), ended ? nullptr : samples.data() + consumed, given,
                             &used, out.data() + done, length - done, &produced);
        if (error)
            throw std::runtime_error(std::string("libsoxr: ") + error);
        consumed += used;
        done += produced;
        if (done == length || (ended && produced == 0))
            return out;
    }
}

std::vector<float> resample(const std::vector<float>& samples, double fromRate, double toRate,
                            ResampleQuality quality) {
    checkRates(fromRate, toRate);
    const auto length = static_cast<std::size_t>(
        std::llround(static_cast<double>(samples.size()) * toRate / fromRate));
    return resample(samples, fromRate, toRate, length, quality);
}

struct StreamResampler::Impl {
    static constexpr std::size_t kChunk = 16384; // output frames per soxr call
    soxr_t soxr = nullptr;
    int channels = 0;
    std::vector<std::vector<float>> out; // planar output chunk

    ~Impl() { soxr_delete(soxr); }

    // Feeds `frames` frames (nullptr: the end of input) and hands every output chunk to the sink.
    void run(const float* const* planar, std::size_t frames, const Sink& sink) {
        std::array<const float*, kMaxChannels> in{};
        std::array<float*, kMaxChannels> to{};
        for (int c = 0; c < channels; ++c)
            to[std::size_t(c)] = out[std::size_t(c)].data();
        std::size_t consumed = 0;
        for (;;) {
            for (int c = 0; c < channels && planar != nullptr; ++c)
                in[std::size_t(c)] = planar[c] + consumed;
            std::size_t used = 0, produced = 0;
            const soxr_error_t error =
                soxr_process(soxr, planar != nullptr ? static_cast<soxr_in_t>(in.data()) : nullptr,
                             planar != nullptr ? frames - consumed : 0, &used,
                             static_cast<soxr_out_t>(to.data()), kChunk, &produced);
            if (error != nullptr)
                throw std::runtime_error(std::string("libsoxr: ") + error);
            consumed += used;
            if (produced > 0)
                sink(to.data(), produced);
            if (planar != nullptr ? consumed >= frames && produced < kChunk : produced == 0)
                return;
        }
    }
};

StreamResampler::StreamResampler(double fromRate, double toRate, int channels,
                                 ResampleQuality quality)
    : impl_(std::make_unique<Impl>()) {
    checkRates(fromRate, toRate);
    if (channels < 1 || channels > kMaxChannels)
        throw BadInput("resample: " + std::to_string(channels) + " channels (1 to " +
                       std::to_string(kMaxChannels) + " supported)");
    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_S, SOXR_FLOAT32_S);
    const soxr_quality_spec_t spec = soxr_quality_spec(soxrRecipe(quality), 0);
    const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
    soxr_error_t error = nullptr;
    impl_->soxr = soxr_create(fromRate, toRate, static_cast<unsigned>(channels), &error, &io, &spec,
                              &runtime);
    if (error != nullptr || impl_->soxr == nullptr)
        throw std::runtime_error(std::string("libsoxr: ") + (error ? error : "soxr_create"));
    impl_->channels = channels;
    impl_->out.assign(std::size_t(channels), std::vector<float>(Impl::kChunk));
}

StreamResampler::~StreamResampler() = default;

void StreamResampler::process(const float* const* planar, std::size_t frames, const Sink& sink) {
    if (frames > 0)
        impl_->run(planar, frames, sink);
}

void StreamResampler::finish(const Sink& sink) {
    impl_->run(nullptr, 0, sink);
}

} // namespace accord::dsp

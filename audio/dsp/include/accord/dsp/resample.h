#pragma once

// Resampling with libsoxr (linear phase, its delay removed: the result stays time-aligned with
// the input): one-shot for a whole signal, or streaming block by block in bounded memory.

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

namespace accord::dsp {

enum class ResampleQuality {
    High,     // SOXR_HQ: 20-bit, the analysis and conversion path
    Low,      // SOXR_LQ: 16-bit with a wider roll-off, several times faster
    VeryHigh, // SOXR_VHQ: 28-bit, the media cache's path to a project rate
};

// `length` output samples (the request, even where the input ends sooner: the rest is zero).
// Equal rates copy the input, cut or zero-padded to `length`. Throws accord::BadInput for a
// rate that is not positive.
std::vector<float> resample(const std::vector<float>& samples, double fromRate, double toRate,
                            std::size_t length, ResampleQuality quality = ResampleQuality::High);

// round(n * toRate / fromRate) output samples.
std::vector<float> resample(const std::vector<float>& samples, double fromRate, double toRate,
                            ResampleQuality quality = ResampleQuality::High);

// Streaming resampling of planar channels: the same filter as the one-shot resample of the whole
// signal, fed in blocks of any size, holding only the filter's state (bounded memory whatever
// the length). Output goes to `sink(planar, frames)` as soon as libsoxr has it. One object per
// thread. Throws accord::BadInput for a rate that is not positive or a channel count outside
// 1..kMaxChannels.
class StreamResampler {
public:
    static constexpr int kMaxChannels = 8;
    using Sink = std::function<void(const float* const* planar, std::size_t frames)>;

    StreamResampler(double fromRate, double toRate, int channels, ResampleQuality quality);
    ~StreamResampler();
    StreamResampler(const StreamResampler&) = delete;
    StreamResampler& operator=(const StreamResampler&) = delete;

    // `frames` input frames, one pointer per channel.
    void process(const float* const* planar, std::size_t frames, const Sink& sink);
    // The end of the input: what the filter still holds. The object is spent afterwards.
    void finish(const Sink& sink);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace accord::dsp

#include "pcm_hash.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace accord::audio::detail {
namespace {

constexpr double kPcmScale = 8388608.0;    // 2^23: full scale of a 24-bit sample
constexpr std::int32_t kPcmMax = 8388607;  // 2^23 - 1
constexpr std::int32_t kPcmMin = -8388608; // -2^23
constexpr int kChunkFrames = 4096;         // frames serialised per update

void putLe32(std::uint8_t* out, std::uint32_t value) {
    out[0] = static_cast<std::uint8_t>(value);
    out[1] = static_cast<std::uint8_t>(value >> 8);
    out[2] = static_cast<std::uint8_t>(value >> 16);
    out[3] = static_cast<std::uint8_t>(value >> 24);
}

} // namespace

std::int32_t toPcm24(float sample) {
    if (std::isnan(sample))
        return 0;
    const double scaled = std::round(static_cast<double>(sample) * kPcmScale);
    if (scaled >= kPcmMax)
        return kPcmMax;
    if (scaled <= kPcmMin)
        return kPcmMin;
    return static_cast<std::int32_t>(scaled);
}

// Four at a time, in float: x * 2^23 is exact (a power of two), so it is clamped first, then
// truncated, and the remainder (exact too) says whether to round away from zero, as std::round
// does; NaN becomes 0. Checked against the one-at-a-time form for all 2^32 floats.
void toPcm24(const float* samples, std::int32_t* out, std::size_t count) {
    using Float4 = float __attribute__((vector_size(16)));
    using Int4 = std::int32_t __attribute__((vector_size(16)));
    const Float4 scale = {8388608.0f, 8388608.0f, 8388608.0f, 8388608.0f};
    const Float4 lowest = {-8388608.0f, -8388608.0f, -8388608.0f, -8388608.0f};
    const Float4 highest = {8388607.0f, 8388607.0f, 8388607.0f, 8388607.0f};
    const Float4 half = {0.5f, 0.5f, 0.5f, 0.5f};
    const Float4 zero = {};
    std::size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        Float4 x;
        std::memcpy(&x, samples + i, sizeof x);
        Float4 y = x * scale;
        y = y == y ? y : zero; // NaN
        y = y < lowest ? lowest : y;
        y = y > highest ? highest : y;
        Int4 values = __builtin_convertvector(y, Int4); // truncates
        const Float4 rest = y - __builtin_convertvector(values, Float4);
        values -= rest >= half; // a true comparison is -1
        values += rest <= -half;
        std::memcpy(out + i, &values, sizeof values);
    }
    for (; i < count; ++i)
        out[i] = toPcm24(samples[i]);
}

CanonicalPcmHash::CanonicalPcmHash(int sampleRate, int channels)
    : channels_(channels),
      bytes_(static_cast<std::size_t>(kChunkFrames) * static_cast<std::size_t>(channels) * 4),
      pcm_(static_cast<std::size_t>(kChunkFrames) * static_cast<std::size_t>(channels)),
      pcmChannels_(static_cast<std::size_t>(channels)) {
    std::uint8_t header[8];
    putLe32(header, static_cast<std::uint32_t>(sampleRate));
    putLe32(header + 4, static_cast<std::uint32_t>(channels));
    sha_.update(header, sizeof header);
}

void CanonicalPcmHash::addFloat(const float* const* planar, int frames) {
    for (int start = 0; start < frames; start += kChunkFrames) {
        const int count = std::min(kChunkFrames, frames - start);
        for (int channel = 0; channel < channels_; ++channel) {
            std::int32_t* values = pcm_.data() + std::size_t(channel) * kChunkFrames;
            toPcm24(planar[channel] + start, values, static_cast<std::size_t>(count));
            pcmChannels_[std::size_t(channel)] = values;
        }
        addPcm24(pcmChannels_.data(), count);
    }
}

void CanonicalPcmHash::addPcm24(const std::int32_t* const* planar, int frames) {
    for (int start = 0; start < frames; start += kChunkFrames) {
        const int count = std::min(kChunkFrames, frames - start);
        std::uint8_t* out = bytes_.data();
        for (int frame = start; frame < start + count; ++frame)
            for (int channel = 0; channel < channels_; ++channel, out += 4)
                putLe32(out, static_cast<std::uint32_t>(planar[channel][frame]));
        sha_.update(bytes_.data(), static_cast<std::size_t>(out - bytes_.data()));
    }
}

std::string CanonicalPcmHash::finishHex() {
    return sha_.finishHex();
}

} // namespace accord::audio::detail

#include "pcm_hash.h"

#include <algorithm>
#include <cmath>

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

CanonicalPcmHash::CanonicalPcmHash(int sampleRate, int channels)
    : channels_(channels),
      bytes_(static_cast<std::size_t>(kChunkFrames) * static_cast<std::size_t>(channels) * 4) {
    std::uint8_t header[8];
    putLe32(header, static_cast<std::uint32_t>(sampleRate));
    putLe32(header + 4, static_cast<std::uint32_t>(channels));
    sha_.update(header, sizeof header);
}

void CanonicalPcmHash::addFloat(const float* const* planar, int frames) {
    for (int start = 0; start < frames; start += kChunkFrames) {
        const int count = std::min(kChunkFrames, frames - start);
        std::uint8_t* out = bytes_.data();
        for (int frame = start; frame < start + count; ++frame)
            for (int channel = 0; channel < channels_; ++channel, out += 4)
                putLe32(out, static_cast<std::uint32_t>(toPcm24(planar[channel][frame])));
        sha_.update(bytes_.data(), static_cast<std::size_t>(out - bytes_.data()));
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

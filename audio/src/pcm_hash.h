#pragma once

// The canonical PCM hash of accord::audio::identifyAudioFile (see audio_file.h), shared by
// identification and offline render so a rendered file's reported hash is exactly the one
// identifyAudioFile computes when the file is read back. Private to the audio library.

#include "accord/core/crypto.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace accord::audio::detail {

// A decoded sample in [-1, 1] as a 24-bit signed integer: round(x * 2^23) clamped to
// [-2^23, 2^23 - 1]; NaN becomes 0.
std::int32_t toPcm24(float sample);
// toPcm24 of `count` samples (the same values, several at a time).
void toPcm24(const float* samples, std::int32_t* out, std::size_t count);

// Canonical PCM: u32 LE sample rate, u32 LE channel count, then every frame's samples
// interleaved, each a 24-bit signed integer in 4 little-endian bytes (two's complement).
class CanonicalPcmHash {
public:
    CanonicalPcmHash(int sampleRate, int channels);
    // `frames` frames of planar float samples (one pointer per channel, `channels` of them).
    void addFloat(const float* const* planar, int frames);
    // `frames` frames of planar 24-bit integers already quantised (toPcm24 or equivalent).
    void addPcm24(const std::int32_t* const* planar, int frames);
    std::string finishHex();

private:
    Sha256 sha_;
    int channels_;
    std::vector<std::uint8_t> bytes_;
    std::vector<std::int32_t> pcm_; // addFloat's samples as 24-bit values, channel by channel
    std::vector<const std::int32_t*> pcmChannels_; // where each channel's are in pcm_
};

} // namespace accord::audio::detail

#pragma once

#include "accord/audio/audio_io.h"
#include "accord/audio/watermark.h"
#include "accord/core/consent.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace accord::audio {

// Decodes a file (WAV, AIFF, FLAC, Ogg Vorbis, MP3, told apart by content, not by name) and
// returns its identity: SHA-256 of the bytes, SHA-256 of the decoded PCM in a canonical form (so
// the same take re-encoded losslessly gets the same PCM hash), duration, rate and channels.
// Throws accord::BadInput naming the file and the problem: missing, not a regular file (a pipe,
// a device: refused at once), unreadable, not audio, truncated, no samples, a sample rate
// outside 8 kHz to 1.536 MHz.
//
// Canonical PCM (what pcmSha256 hashes): the sample rate (Hz) and channel count as two 32-bit
// little-endian unsigned integers, then every frame's samples interleaved, each decoded sample
// x in [-1, 1] as round(x * 2^23) clamped to [-2^23, 2^23 - 1], written as a 32-bit
// little-endian two's-complement integer. Sources of up to 24 bits convert exactly.
// Decodes in blocks (bounded memory) and is safe to call from several threads at once.
AudioIdentity identifyAudioFile(const std::string& path);
// The same, keeping the decoded samples in `decoded` as readAudio (audio_io.h) gives them: one
// decoding for a caller that needs both (convert reads its performance once).
AudioIdentity identifyAudioFile(const std::string& path, MultichannelAudio& decoded);

// identifyAudioFile, remembered per file while its size and modification time stay the same:
// deciding consent about a project checks every clip's content each time (docs/PROJECT.md
// "Content, not ids"), and a studio asks again at every edit. Thread-safe.
AudioIdentity identifyAudioFileCached(const std::string& path);

// Looks for the watermark (watermark.h) in the file at `path`, every channel mixed down, decoding
// it in blocks: memory stays bounded whatever its length (docs/WATERMARK.md "Streaming").
// Throws accord::BadInput naming the file as identifyAudioFile does; Cancelled when `cancel`
// is set.
WatermarkDetection detectWatermarkInFile(const std::string& path,
                                         const std::atomic<bool>* cancel = nullptr);

// Decodes the file at `path` in blocks (bounded memory whatever its length): `start(sampleRate,
// channels)` once, then `block(planar, frames)` for every block of every channel. Throws
// accord::BadInput naming the file as identifyAudioFile does; Cancelled when `cancel` is set.
void readAudioFileInBlocks(const std::string& path, const std::function<void(int, int)>& start,
                           const std::function<void(const float* const*, int)>& block,
                           const std::atomic<bool>* cancel = nullptr);
// The same for the part from `fromSeconds` to `toSeconds` (clamped to the file; decoders seek
// there); `start(sampleRate, channels, firstFrame)` gets the frame the first block starts at.
void readAudioFilePartInBlocks(const std::string& path, double fromSeconds, double toSeconds,
                               const std::function<void(int, int, std::int64_t)>& start,
                               const std::function<void(const float* const*, int)>& block);

// Marks the WAV or FLAC file at `path` in place with the watermark of `payload` (watermark.h),
// rewritten atomically as 24-bit PCM, and returns its new identity.
AudioIdentity watermarkAudioFile(const std::string& path, std::uint32_t payload);

} // namespace accord::audio

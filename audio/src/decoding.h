#pragma once

// Opening and decoding audio files with JUCE's readers, shared by identification, the media
// cache and import. Private to the audio library (JUCE types allowed here, never in include/).

#include "accord/audio/media.h"
#include "accord/core/consent.h"

#include <juce_audio_formats/juce_audio_formats.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace accord::audio::detail {

[[noreturn]] void failFile(const std::string& path, const std::string& problem);
std::string secondsText(double value);

// A reader for a file that passed the checks: readable regular file, not empty, container not
// truncated (checkContainer), decodable by JUCE, with channels, a valid rate and samples.
struct CheckedReader {
    std::unique_ptr<juce::AudioFormatReader> reader;
    std::string format; // "WAV file", "FLAC file", ...
    std::string path;   // as given (for messages)
    int sampleRate = 0;
    int channels = 0;
    std::int64_t frames = 0;
    double durationSeconds() const { return double(frames) / reader->sampleRate; }
    // Reads `count` frames at `start` into `channels` planar buffers; throws BadInput
    // ("truncated or corrupt ...: decoding stopped at ...") when the reader fails.
    void read(float* const* planar, int channelsWanted, std::int64_t start, int count) const;
};
// `formats` must have its basic formats registered and outlive the reader.
CheckedReader openCheckedReader(const std::string& path, juce::AudioFormatManager& formats);

std::string absolutePath(const std::string& path);

struct DecodeOptions {
    int targetRate = 0;    // resample to this rate (libsoxr, very high quality)
    bool identify = false; // also compute the AudioIdentity (file and PCM hashes)
    const std::atomic<bool>* cancel = nullptr;
    std::function<void(double)> progress; // 0..1
};
struct DecodeResult {
    std::shared_ptr<DecodedMedia> media;
    std::optional<AudioIdentity> identity;
};
// One pass over the file: decodes it (first two channels kept, see DecodedMedia), resamples
// to the target rate and, when asked, hashes every channel canonically. Throws BadInput naming
// the file, or Cancelled.
DecodeResult decodeFile(const std::string& path, const DecodeOptions& options);

} // namespace accord::audio::detail

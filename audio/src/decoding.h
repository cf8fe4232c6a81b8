#pragma once

// Opening and decoding audio files, shared by identification, the media cache, import, the
// watermark's file detection and readAudio: the format chosen by the file's content (never its
// name), WAV, AIFF, FLAC and Ogg Vorbis through JUCE's readers, MP3 through libmpg123
// (mp3_reader.h). Private to the audio library (JUCE types allowed here, never in include/).

#include "source_file.h"

#include "accord/audio/audio_io.h"
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

// The sample rates a recording may have. The lowest is the lowest the watermark reads
// (watermark.h): a recording at a rate it could not read would let generated audio pass as
// recorded.
constexpr int kMinSampleRate = 8000;
constexpr int kMaxSampleRate = 1536000;

// A reader for a file that passed the checks: readable regular file (SourceFile), not empty,
// container not truncated (checkContainer), decodable, with channels, a sample rate from
// kMinSampleRate to kMaxSampleRate and samples. Reads go through the file opened once.
struct CheckedReader {
    std::shared_ptr<const SourceFile> file;
    std::unique_ptr<juce::AudioFormat> juceFormat; // made the reader (none for MP3); outlives it
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
    // Reads every channel of the whole file in blocks of `blockFrames` frames, handing each to
    // `use(planar, frames)`: bounded memory whatever the length. Throws Cancelled when `cancel`
    // is set between blocks.
    void readAll(int blockFrames, const std::atomic<bool>* cancel,
                 const std::function<void(const float* const* planar, int frames)>& use) const;
    // The same for the frames from `first` (clamped to the file) up to `end`.
    void readRange(std::int64_t first, std::int64_t end, int blockFrames,
                   const std::atomic<bool>* cancel,
                   const std::function<void(const float* const* planar, int frames)>& use) const;
};
CheckedReader openCheckedReader(const std::string& path);

// readAll's handler that keeps every block in `audio`, sized for the whole of `source` (its
// rate, channels and frames): readAudio, and identifyAudioFile when asked for the samples too.
class BlockKeeper {
public:
    BlockKeeper(const CheckedReader& source, MultichannelAudio& audio);
    void operator()(const float* const* planar, int frames);

private:
    MultichannelAudio& audio_;
    std::size_t at_ = 0;
};

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

#include "accord/audio/audio_file.h"

#include "container_check.h"

#include "accord/core/crypto.h"
#include "accord/core/errors.h"

#include <juce_audio_formats/juce_audio_formats.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

namespace accord::audio {
namespace {

namespace fs = std::filesystem;

constexpr int kBlockFrames = 16384;        // frames decoded per read: bounded memory
constexpr double kPcmScale = 8388608.0;    // 2^23: full scale of a 24-bit sample
constexpr std::int32_t kPcmMax = 8388607;  // 2^23 - 1
constexpr std::int32_t kPcmMin = -8388608; // -2^23
constexpr double kMaxSampleRate = 1536000.0;

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
    throw BadInput(path + ": " + problem);
}

void putLe32(std::uint8_t* out, std::uint32_t value) {
    out[0] = static_cast<std::uint8_t>(value);
    out[1] = static_cast<std::uint8_t>(value >> 8);
    out[2] = static_cast<std::uint8_t>(value >> 16);
    out[3] = static_cast<std::uint8_t>(value >> 24);
}

// A decoded sample in [-1, 1] as a 24-bit signed integer (rounded, clamped; NaN -> 0).
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

std::string seconds(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f s", value);
    return text;
}

// Missing, not a file, unreadable, empty: each gets its own message. Returns the size.
std::uint64_t checkReadableFile(const std::string& path) {
    std::error_code error;
    const fs::path file(path);
    const fs::file_status status = fs::status(file, error);
    if (error || !fs::exists(status)) {
        if (!error || error == std::errc::no_such_file_or_directory)
            fail(path, "no such file");
        fail(path, "cannot be read: " + error.message());
    }
    if (fs::is_directory(status))
        fail(path, "is a directory, not a file");
    if (!fs::is_regular_file(status))
        fail(path, "is not a regular file");
    if (std::FILE* handle = std::fopen(path.c_str(), "rb"))
        std::fclose(handle);
    else
        fail(path, std::string("cannot be read: ") + std::strerror(errno));
    const std::uint64_t size = fs::file_size(file, error);
    if (error)
        fail(path, "cannot be read: " + error.message());
    if (size == 0)
        fail(path, "empty file (0 bytes), no audio");
    return size;
}

} // namespace

AudioIdentity identifyAudioFile(const std::string& path) {
    const std::uint64_t fileSize = checkReadableFile(path);
    // JUCE reads a WAV/AIFF/FLAC that holds less than its header promises without complaint
    // (zero-filled tail): check the container's structure first.
    const detail::ContainerInfo container = detail::checkContainer(path, fileSize);

    AudioIdentity identity;
    identity.fileSha256 = sha256OfFile(path);

    // One manager per call: identifyAudioFile runs concurrently on worker threads.
    juce::AudioFormatManager formats;
    formats.registerBasicFormats();
    const std::string absolute = fs::absolute(fs::path(path)).lexically_normal().string();
    const juce::File file(juce::String(juce::CharPointer_UTF8(absolute.c_str())));
    const std::unique_ptr<juce::AudioFormatReader> reader(formats.createReaderFor(file));
    if (reader == nullptr && !container.kind.empty())
        fail(path, container.kind + " file JUCE cannot decode" +
                       (container.encoding.empty() ? std::string()
                                                   : " (encoding: " + container.encoding + ")") +
                       "; readable: WAV, AIFF, FLAC, Ogg Vorbis, MP3");
    if (reader == nullptr)
        fail(path, "not an audio file JUCE can read (WAV, AIFF, FLAC, Ogg Vorbis, MP3)");

    const std::string format = reader->getFormatName().toStdString();
    if (reader->numChannels == 0)
        fail(path, format + " without channels");
    if (!(reader->sampleRate > 0.0 && reader->sampleRate <= kMaxSampleRate))
        fail(path, format + " with an invalid sample rate (" + std::to_string(reader->sampleRate) +
                       " Hz)");
    if (reader->lengthInSamples <= 0)
        fail(path, format + " holds no samples (zero-length audio)");

    const int channels = static_cast<int>(reader->numChannels);
    const juce::int64 frames = reader->lengthInSamples;
    identity.channels = channels;
    identity.sampleRate = static_cast<int>(std::lround(reader->sampleRate));
    identity.durationSeconds = static_cast<double>(frames) / reader->sampleRate;

    // Canonical PCM: u32 LE sample rate, u32 LE channel count, then every frame's samples
    // interleaved, each a 24-bit signed integer in 4 little-endian bytes (two's complement).
    Sha256 pcm;
    std::uint8_t header[8];
    putLe32(header, static_cast<std::uint32_t>(identity.sampleRate));
    putLe32(header + 4, static_cast<std::uint32_t>(channels));
    pcm.update(header, sizeof header);

    juce::AudioBuffer<float> block(channels, kBlockFrames);
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(kBlockFrames) *
                                    static_cast<std::size_t>(channels) * 4);
    for (juce::int64 start = 0; start < frames; start += kBlockFrames) {
        const int count = static_cast<int>(std::min<juce::int64>(kBlockFrames, frames - start));
        if (!reader->read(block.getArrayOfWritePointers(), channels, start, count))
            fail(path, "truncated or corrupt " + format + ": decoding stopped at " +
                           seconds(static_cast<double>(start) / reader->sampleRate) + " of " +
                           seconds(identity.durationSeconds));
        std::uint8_t* out = bytes.data();
        for (int frame = 0; frame < count; ++frame)
            for (int channel = 0; channel < channels; ++channel, out += 4)
                putLe32(out,
                        static_cast<std::uint32_t>(toPcm24(block.getReadPointer(channel)[frame])));
        pcm.update(bytes.data(), static_cast<std::size_t>(out - bytes.data()));
    }
    identity.pcmSha256 = pcm.finishHex();
    return identity;
}

} // namespace accord::audio

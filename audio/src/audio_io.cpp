#include "accord/audio/audio_io.h"

#include "decoding.h"
#include "pcm_hash.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"

#include <juce_audio_formats/juce_audio_formats.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>

namespace accord::audio {
namespace {

namespace fs = std::filesystem;

constexpr int kReadBlock = 16384;
constexpr int kBitsPerSample = 24;
constexpr int kFlacQualityIndex = 5; // JUCE's "5" of 0 (fastest) .. 8 (smallest)
constexpr double kMaxWrittenRate = 768000;

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
    throw BadInput(path + ": " + problem);
}

} // namespace

MultichannelAudio readAudio(const std::string& path) {
    const detail::CheckedReader source = detail::openCheckedReader(path);
    MultichannelAudio audio;
    detail::BlockKeeper keep(source, audio);
    source.readAll(kReadBlock, nullptr, std::ref(keep));
    return audio;
}

MonoAudio readMonoAudio(const std::string& path) {
    return mixToMono(readAudio(path));
}

MonoAudio mixToMono(MultichannelAudio all) {
    MonoAudio audio;
    audio.sampleRate = all.sampleRate;
    audio.channels = static_cast<int>(all.channels.size());
    audio.samples = std::move(all.channels[0]);
    const float scale = 1.0f / static_cast<float>(audio.channels);
    for (size_t c = 1; c < all.channels.size(); ++c)
        for (size_t n = 0; n < audio.samples.size(); ++n)
            audio.samples[n] += all.channels[c][n];
    if (audio.channels > 1)
        for (float& sample : audio.samples)
            sample *= scale;
    return audio;
}

std::string writeAudio(const std::string& path, const std::vector<std::vector<float>>& channels,
                       int sampleRate) {
    const std::string extension = lowerExtension(path);
    std::unique_ptr<juce::AudioFormat> format;
    if (extension == ".wav")
        format = std::make_unique<juce::WavAudioFormat>();
    else if (extension == ".flac")
        format = std::make_unique<juce::FlacAudioFormat>();
    else
        fail(path, "unsupported output format '" + extension + "': use .wav or .flac");
    if (sampleRate <= 0 || sampleRate > kMaxWrittenRate)
        fail(path, "invalid sample rate " + std::to_string(sampleRate));
    if (channels.empty())
        fail(path, "no channels to write");
    const size_t frames = channels[0].size();
    for (const auto& channel : channels)
        if (channel.size() != frames)
            fail(path, "channels of different lengths");

    juce::MemoryBlock bytes;
    std::string pcmSha256;
    {
        auto* stream = new juce::MemoryOutputStream(bytes, false);
        const int count = static_cast<int>(channels.size());
        std::unique_ptr<juce::AudioFormatWriter> writer(format->createWriterFor(
            stream, sampleRate, static_cast<unsigned>(count), kBitsPerSample, {},
            extension == ".flac" ? kFlacQualityIndex : 0));
        if (writer == nullptr) {
            delete stream;
            fail(path, "cannot encode " + std::to_string(sampleRate) + " Hz 24-bit audio");
        }
        // The file holds round(x * 2^23), clamped (detail::toPcm24), as a render's files do, so
        // the hash of those values is the one identifyAudioFile computes when it is read back.
        detail::CanonicalPcmHash hash(sampleRate, count);
        const auto channelCount = static_cast<std::size_t>(count);
        std::vector<std::vector<std::int32_t>> pcm(channelCount,
                                                   std::vector<std::int32_t>(kReadBlock));
        std::vector<std::vector<int>> justified(channelCount, std::vector<int>(kReadBlock));
        std::vector<const std::int32_t*> pcmChannels(channelCount);
        std::vector<const int*> justifiedChannels(channelCount);
        for (size_t start = 0; start < frames; start += kReadBlock) {
            const int block = static_cast<int>(std::min<size_t>(kReadBlock, frames - start));
            for (std::size_t c = 0; c < channelCount; ++c) {
                detail::toPcm24(channels[c].data() + start, pcm[c].data(), std::size_t(block));
                for (std::size_t n = 0; n < std::size_t(block); ++n) // the writer's 32-bit input
                    justified[c][n] = int(std::uint32_t(pcm[c][n]) << 8);
                pcmChannels[c] = pcm[c].data();
                justifiedChannels[c] = justified[c].data();
            }
            if (!writer->write(justifiedChannels.data(), block))
                fail(path, "encoding failed");
            hash.addPcm24(pcmChannels.data(), block);
        }
        pcmSha256 = hash.finishHex();
    } // the writer finishes the header and frees the stream here
    writeFileAtomically(path,
                        std::string(static_cast<const char*>(bytes.getData()), bytes.getSize()));
    return pcmSha256;
}

std::string writeMonoAudio(const std::string& path, const std::vector<float>& samples,
                           int sampleRate) {
    return writeAudio(path, {samples}, sampleRate);
}

} // namespace accord::audio

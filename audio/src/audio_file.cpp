#include "accord/audio/audio_file.h"

#include "decoding.h"
#include "media_cache.h"
#include "pcm_hash.h"

#include "accord/audio/audio_io.h"
#include "accord/audio/watermark.h"

#include <juce_audio_formats/juce_audio_formats.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <optional>

namespace accord::audio {
namespace {

constexpr int kBlockFrames = 16384; // frames decoded per read: bounded memory

// identifyAudioFile, handing each decoded block to `keep` too (when set).
AudioIdentity identify(const std::string& path, MultichannelAudio* keep) {
    const detail::CheckedReader source = detail::openCheckedReader(path);

    AudioIdentity identity;
    identity.fileSha256 = source.file->sha256();
    identity.channels = source.channels;
    identity.sampleRate = source.sampleRate;
    identity.durationSeconds = source.durationSeconds();

    std::optional<detail::BlockKeeper> keeper;
    if (keep)
        keeper.emplace(source, *keep);
    detail::CanonicalPcmHash pcm(identity.sampleRate, source.channels);
    source.readAll(kBlockFrames, nullptr, [&](const float* const* planar, int frames) {
        pcm.addFloat(planar, frames);
        if (keeper)
            (*keeper)(planar, frames);
    });
    identity.pcmSha256 = pcm.finishHex();
    return identity;
}

} // namespace

AudioIdentity identifyAudioFile(const std::string& path) {
    return identify(path, nullptr);
}

AudioIdentity identifyAudioFile(const std::string& path, MultichannelAudio& decoded) {
    return identify(path, &decoded);
}

WatermarkDetection detectWatermarkInFile(const std::string& path, const std::atomic<bool>* cancel) {
    std::optional<WatermarkDetector> detector;
    readAudioFileInBlocks(
        path, [&](int sampleRate, int channels) { detector.emplace(sampleRate, channels); },
        [&](const float* const* planar, int frames) { detector->add(planar, std::size_t(frames)); },
        cancel);
    return detector->finish();
}

void readAudioFileInBlocks(const std::string& path, const std::function<void(int, int)>& start,
                           const std::function<void(const float* const*, int)>& block,
                           const std::atomic<bool>* cancel) {
    const detail::CheckedReader source = detail::openCheckedReader(path);
    start(source.sampleRate, source.channels);
    source.readAll(kBlockFrames, cancel, block);
}

void readAudioFilePartInBlocks(const std::string& path, double fromSeconds, double toSeconds,
                               const std::function<void(int, int, std::int64_t)>& start,
                               const std::function<void(const float* const*, int)>& block) {
    const detail::CheckedReader source = detail::openCheckedReader(path);
    const auto first = std::clamp(std::int64_t(std::floor(fromSeconds * source.sampleRate)),
                                  std::int64_t(0), source.frames);
    const auto end = std::int64_t(std::ceil(toSeconds * source.sampleRate));
    start(source.sampleRate, source.channels, first);
    source.readRange(first, end, kBlockFrames, nullptr, block);
}

AudioIdentity identifyAudioFileCached(const std::string& path) {
    constexpr std::size_t kKeptIdentities = 4096; // ~1 MiB of hashes
    static std::mutex mutex;
    static std::map<std::string, std::pair<detail::FileStamp, AudioIdentity>> known;
    const std::string file = detail::absolutePath(path);
    // Stamped before decoding: a file changed meanwhile is identified again next time.
    const detail::FileStamp stamp = detail::stampOf(file);
    {
        const std::lock_guard<std::mutex> lock(mutex);
        const auto found = known.find(file);
        if (found != known.end() && found->second.first == stamp)
            return found->second.second;
    }
    const AudioIdentity identity = identifyAudioFile(file);
    const std::lock_guard<std::mutex> lock(mutex);
    if (known.size() >= kKeptIdentities)
        known.clear();
    known[file] = {stamp, identity};
    return identity;
}

AudioIdentity watermarkAudioFile(const std::string& path, std::uint32_t payload) {
    MultichannelAudio audio = readAudio(path);
    embedWatermark(audio.channels, audio.sampleRate, payload);
    writeAudio(path, audio.channels, audio.sampleRate);
    return identifyAudioFile(path);
}

} // namespace accord::audio

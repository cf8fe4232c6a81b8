#include "accord/audio/audio_file.h"

#include "decoding.h"
#include "media_cache.h"
#include "pcm_hash.h"

#include "accord/audio/audio_io.h"
#include "accord/audio/watermark.h"

#include <juce_audio_formats/juce_audio_formats.h>

#include <algorithm>
#include <map>
#include <mutex>

namespace accord::audio {
namespace {

constexpr int kBlockFrames = 16384; // frames decoded per read: bounded memory

} // namespace

AudioIdentity identifyAudioFile(const std::string& path) {
    const detail::CheckedReader source = detail::openCheckedReader(path);

    AudioIdentity identity;
    identity.fileSha256 = source.file->sha256();
    identity.channels = source.channels;
    identity.sampleRate = source.sampleRate;
    identity.durationSeconds = source.durationSeconds();

    detail::CanonicalPcmHash pcm(identity.sampleRate, source.channels);
    source.readAll(kBlockFrames, nullptr,
                   [&](const float* const* planar, int frames) { pcm.addFloat(planar, frames); });
    identity.pcmSha256 = pcm.finishHex();
    return identity;
}

WatermarkDetection detectWatermarkInFile(const std::string& path, const std::atomic<bool>* cancel) {
    const detail::CheckedReader source = detail::openCheckedReader(path);
    WatermarkDetector detector(source.sampleRate, source.channels);
    source.readAll(kBlockFrames, cancel, [&](const float* const* planar, int frames) {
        detector.add(planar, std::size_t(frames));
    });
    return detector.finish();
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

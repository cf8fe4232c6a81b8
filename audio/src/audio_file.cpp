#include "accord/audio/audio_file.h"

#include "decoding.h"
#include "media_cache.h"
#include "pcm_hash.h"

#include "accord/audio/audio_io.h"
#include "accord/audio/watermark.h"
#include "accord/core/crypto.h"

#include <juce_audio_formats/juce_audio_formats.h>

#include <algorithm>
#include <map>
#include <mutex>

namespace accord::audio {
namespace {

constexpr int kBlockFrames = 16384; // frames decoded per read: bounded memory

} // namespace

AudioIdentity identifyAudioFile(const std::string& path) {
    // One manager per call: identifyAudioFile runs concurrently on worker threads.
    juce::AudioFormatManager formats;
    formats.registerBasicFormats();
    const detail::CheckedReader source = detail::openCheckedReader(path, formats);

    AudioIdentity identity;
    identity.fileSha256 = sha256OfFile(path);
    identity.channels = source.channels;
    identity.sampleRate = source.sampleRate;
    identity.durationSeconds = source.durationSeconds();

    detail::CanonicalPcmHash pcm(identity.sampleRate, source.channels);
    juce::AudioBuffer<float> block(source.channels, kBlockFrames);
    for (std::int64_t start = 0; start < source.frames; start += kBlockFrames) {
        const int count =
            static_cast<int>(std::min<std::int64_t>(kBlockFrames, source.frames - start));
        source.read(block.getArrayOfWritePointers(), source.channels, start, count);
        pcm.addFloat(block.getArrayOfReadPointers(), count);
    }
    identity.pcmSha256 = pcm.finishHex();
    return identity;
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

#include "decoding.h"

#include "container_check.h"
#include "mp3_reader.h"
#include "pcm_hash.h"

#include "accord/core/errors.h"
#include "accord/dsp/resample.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

namespace accord::audio::detail {
namespace {

namespace fs = std::filesystem;

constexpr int kDecodeBlockFrames = 32768;          // frames decoded per read: bounded extra memory
constexpr int kMaxKeptChannels = 2;                // see DecodedMedia: the first two channels play
constexpr std::int64_t kResampleSlack = 2 * 65536; // output room beyond the expected length
constexpr int kStreamBuffer = 1 << 16;             // bytes JUCE's readers get per file read

bool cancelled(const std::atomic<bool>* cancel) {
    return cancel != nullptr && cancel->load(std::memory_order_relaxed);
}

// JUCE's readers read through the file opened once (SourceFile), never by its name: a file
// swapped for a pipe after the checks is not reopened, and no read goes past its size.
class SourceStream : public juce::InputStream {
public:
    explicit SourceStream(std::shared_ptr<const SourceFile> file) : file_(std::move(file)) {}
    juce::int64 getTotalLength() override { return static_cast<juce::int64>(file_->size()); }
    bool isExhausted() override { return position_ >= file_->size(); }
    int read(void* destination, int bytes) override {
        if (bytes <= 0)
            return 0;
        const std::int64_t n = file_->readAt(position_, destination, std::size_t(bytes));
        if (n <= 0)
            return 0; // a read error ends the stream: the reader reports the file as cut short
        position_ += static_cast<std::uint64_t>(n);
        return static_cast<int>(n);
    }
    juce::int64 getPosition() override { return static_cast<juce::int64>(position_); }
    bool setPosition(juce::int64 position) override {
        position_ = static_cast<std::uint64_t>(std::max<juce::int64>(0, position));
        return true;
    }

private:
    std::shared_ptr<const SourceFile> file_;
    std::uint64_t position_ = 0;
};

std::unique_ptr<juce::AudioFormat> juceFormatFor(const std::string& kind) {
    if (kind == "WAV")
        return std::make_unique<juce::WavAudioFormat>();
    if (kind == "AIFF")
        return std::make_unique<juce::AiffAudioFormat>();
    if (kind == "FLAC")
        return std::make_unique<juce::FlacAudioFormat>();
    if (kind == "Ogg")
        return std::make_unique<juce::OggVorbisAudioFormat>();
    return nullptr;
}

} // namespace

void failFile(const std::string& path, const std::string& problem) {
    throw BadInput(path + ": " + problem);
}

std::string rateText(double hertz) {
    char text[32];
    std::snprintf(text, sizeof text, "%g Hz", hertz);
    return text;
}

std::string secondsText(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f s", value);
    return text;
}

std::string absolutePath(const std::string& path) {
    return fs::absolute(fs::path(path)).lexically_normal().string();
}

void CheckedReader::read(float* const* planar, int channelsWanted, std::int64_t start,
                         int count) const {
    if (!reader->read(planar, channelsWanted, start, count))
        failFile(path, "truncated or corrupt " + format + ": decoding stopped at " +
                           secondsText(double(start) / reader->sampleRate) + " of " +
                           secondsText(durationSeconds()));
}

void CheckedReader::readAll(int blockFrames, const std::atomic<bool>* cancel,
                            const std::function<void(const float* const*, int)>& use) const {
    readRange(0, frames, blockFrames, cancel, use);
}

void CheckedReader::readRange(std::int64_t first, std::int64_t end, int blockFrames,
                              const std::atomic<bool>* cancel,
                              const std::function<void(const float* const*, int)>& use) const {
    juce::AudioBuffer<float> block(channels, blockFrames);
    end = std::min(end, frames);
    for (std::int64_t start = std::max<std::int64_t>(first, 0); start < end; start += blockFrames) {
        if (cancelled(cancel))
            throw Cancelled();
        const int count = static_cast<int>(std::min<std::int64_t>(blockFrames, end - start));
        read(block.getArrayOfWritePointers(), channels, start, count);
        use(block.getArrayOfReadPointers(), count);
    }
}

BlockKeeper::BlockKeeper(const CheckedReader& source, MultichannelAudio& audio) : audio_(audio) {
    audio_.sampleRate = source.sampleRate;
    audio_.channels.assign(static_cast<std::size_t>(source.channels),
                           std::vector<float>(static_cast<std::size_t>(source.frames)));
}

void BlockKeeper::operator()(const float* const* planar, int frames) {
    for (std::size_t c = 0; c < audio_.channels.size(); ++c)
        std::copy_n(planar[c], frames, audio_.channels[c].data() + at_);
    at_ += static_cast<std::size_t>(frames);
}

CheckedReader openCheckedReader(const std::string& path) {
    CheckedReader checked;
    checked.path = path;
    checked.file = std::make_shared<const SourceFile>(path);
    // JUCE reads a WAV/AIFF/FLAC that holds less than its header promises without complaint
    // (zero-filled tail): check the container's structure first. Its kind, found by content,
    // picks the decoder: a WAV named .mp3 is read as the WAV it is.
    const ContainerInfo container = checkContainer(*checked.file);
    if (container.kind == "MP3") {
        checked.reader = openMp3Reader(checked.file);
    } else if ((checked.juceFormat = juceFormatFor(container.kind))) {
        checked.reader.reset(checked.juceFormat->createReaderFor(
            new juce::BufferedInputStream(new SourceStream(checked.file), kStreamBuffer, true),
            true));
    }
    if (checked.reader == nullptr && !container.kind.empty())
        failFile(path,
                 container.kind + " file Accord cannot decode" +
                     (container.encoding.empty() ? std::string()
                                                 : " (encoding: " + container.encoding + ")") +
                     "; readable: WAV, AIFF, FLAC, Ogg Vorbis, MP3");
    if (checked.reader == nullptr)
        failFile(path, "not an audio file Accord can read (WAV, AIFF, FLAC, Ogg Vorbis, MP3)");

    const juce::AudioFormatReader& reader = *checked.reader;
    checked.format = reader.getFormatName().toStdString();
    if (reader.numChannels == 0)
        failFile(path, checked.format + " without channels");
    if (!(reader.sampleRate > 0.0))
        failFile(path, checked.format + " with an invalid sample rate (" +
                           std::to_string(reader.sampleRate) + " Hz)");
    if (reader.sampleRate < kMinSampleRate || reader.sampleRate > kMaxSampleRate)
        failFile(path, checked.format + " sampled at " + rateText(reader.sampleRate) +
                           ": recordings are read at " + std::to_string(kMinSampleRate) +
                           " Hz to " + std::to_string(kMaxSampleRate) + " Hz");
    if (reader.lengthInSamples <= 0)
        failFile(path, checked.format + " holds no samples (zero-length audio)");
    checked.channels = static_cast<int>(reader.numChannels);
    checked.sampleRate = static_cast<int>(std::lround(reader.sampleRate));
    checked.frames = reader.lengthInSamples;
    return checked;
}

DecodeResult decodeFile(const std::string& path, const DecodeOptions& options) {
    const CheckedReader source = openCheckedReader(path);
    if (options.targetRate <= 0 || options.targetRate > kMaxSampleRate)
        failFile(path, "cannot decode for a project rate of " + std::to_string(options.targetRate) +
                           " Hz");

    DecodeResult result;
    std::optional<CanonicalPcmHash> hash;
    if (options.identify) {
        AudioIdentity identity;
        identity.fileSha256 = source.file->sha256();
        identity.channels = source.channels;
        identity.sampleRate = source.sampleRate;
        identity.durationSeconds = source.durationSeconds();
        result.identity = identity;
        hash.emplace(source.sampleRate, source.channels);
    }

    auto media = std::make_shared<DecodedMedia>();
    media->file = absolutePath(path);
    media->sampleRate = options.targetRate;
    media->sourceRate = source.sampleRate;
    media->sourceChannels = source.channels;
    const int kept = std::min(source.channels, kMaxKeptChannels);
    const bool resample = source.reader->sampleRate != double(options.targetRate);
    const auto expected = static_cast<std::int64_t>(
        std::llround(double(source.frames) * options.targetRate / source.reader->sampleRate));
    media->frames = expected;
    media->channels.assign(std::size_t(kept), {});
    for (auto& channel : media->channels)
        channel.resize(std::size_t(resample ? expected + kResampleSlack : source.frames));

    // Decode every channel when hashing (identity covers all of them), else only those kept.
    const int decoded = hash ? source.channels : kept;
    const bool direct = !hash && !resample;
    juce::AudioBuffer<float> block(direct ? 0 : decoded, direct ? 0 : kDecodeBlockFrames);
    // libsoxr, very high quality, linear phase, straight into the media's buffers.
    std::optional<dsp::StreamResampler> resampler;
    if (resample)
        resampler.emplace(source.reader->sampleRate, double(options.targetRate), kept,
                          dsp::ResampleQuality::VeryHigh);
    std::size_t written = 0;
    const dsp::StreamResampler::Sink append = [&](const float* const* out, std::size_t frames) {
        for (int c = 0; c < kept; ++c) {
            SampleBuffer& channel = media->channels[std::size_t(c)];
            if (channel.size() < written + frames)
                channel.resize(std::max(channel.size() * 3 / 2, written + frames));
            std::copy_n(out[c], frames, channel.data() + written);
        }
        written += frames;
    };
    for (std::int64_t start = 0; start < source.frames; start += kDecodeBlockFrames) {
        if (cancelled(options.cancel))
            throw Cancelled();
        const int count =
            static_cast<int>(std::min<std::int64_t>(kDecodeBlockFrames, source.frames - start));
        if (direct) {
            // Straight into the media's buffers.
            float* destination[kMaxKeptChannels] = {};
            for (int c = 0; c < kept; ++c)
                destination[c] = media->channels[std::size_t(c)].data() + start;
            source.read(destination, kept, start, count);
        } else {
            source.read(block.getArrayOfWritePointers(), decoded, start, count);
            if (hash)
                hash->addFloat(block.getArrayOfReadPointers(), count);
            if (resampler) {
                resampler->process(block.getArrayOfReadPointers(), std::size_t(count), append);
            } else {
                for (int c = 0; c < kept; ++c)
                    std::copy_n(block.getReadPointer(c), count,
                                media->channels[std::size_t(c)].data() + start);
            }
        }
        if (options.progress)
            options.progress(double(start + count) / double(source.frames));
    }
    if (resampler) {
        resampler->finish(append);
        for (auto& channel : media->channels) {
            // soxr delivers round(frames * ratio) give or take a frame: pad (silence) or cut.
            if (written < std::size_t(expected))
                std::fill(channel.begin() + std::ptrdiff_t(written),
                          channel.begin() + std::ptrdiff_t(expected), 0.0f);
            channel.resize(std::size_t(expected));
        }
    }
    if (hash)
        result.identity->pcmSha256 = hash->finishHex();
    result.media = std::move(media);
    return result;
}

} // namespace accord::audio::detail

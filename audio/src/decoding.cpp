#include "decoding.h"

#include "container_check.h"
#include "pcm_hash.h"

#include "accord/core/crypto.h"
#include "accord/core/errors.h"

#include <soxr.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

namespace accord::audio::detail {
namespace {

namespace fs = std::filesystem;

constexpr double kMaxSampleRate = 1536000.0;
constexpr int kDecodeBlockFrames = 32768;          // frames decoded per read: bounded extra memory
constexpr int kMaxKeptChannels = 2;                // see DecodedMedia: the first two channels play
constexpr std::int64_t kResampleSlack = 2 * 65536; // output room beyond the expected length

// Missing, not a file, unreadable, empty: each gets its own message. Returns the size.
std::uint64_t checkReadableFile(const std::string& path) {
    std::error_code error;
    const fs::path file(path);
    const fs::file_status status = fs::status(file, error);
    if (error || !fs::exists(status)) {
        if (!error || error == std::errc::no_such_file_or_directory)
            failFile(path, "no such file");
        failFile(path, "cannot be read: " + error.message());
    }
    if (fs::is_directory(status))
        failFile(path, "is a directory, not a file");
    if (!fs::is_regular_file(status))
        failFile(path, "is not a regular file");
    if (std::FILE* handle = std::fopen(path.c_str(), "rb"))
        std::fclose(handle);
    else
        failFile(path, std::string("cannot be read: ") + std::strerror(errno));
    const std::uint64_t size = fs::file_size(file, error);
    if (error)
        failFile(path, "cannot be read: " + error.message());
    if (size == 0)
        failFile(path, "empty file (0 bytes), no audio");
    return size;
}

bool cancelled(const std::atomic<bool>* cancel) {
    return cancel != nullptr && cancel->load(std::memory_order_relaxed);
}

// libsoxr, streaming, planar float in and out, very high quality, linear phase.
class Resampler {
public:
    Resampler(const std::string& path, double inRate, double outRate, int channels)
        : channels_(channels) {
        const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_S, SOXR_FLOAT32_S);
        const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_VHQ, 0);
        const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
        soxr_error_t error = nullptr;
        soxr_ = soxr_create(inRate, outRate, static_cast<unsigned>(channels), &error, &io, &quality,
                            &runtime);
        if (error != nullptr || soxr_ == nullptr)
            failFile(path, std::string("cannot resample: ") + (error ? error : "soxr_create"));
    }
    ~Resampler() { soxr_delete(soxr_); }
    Resampler(const Resampler&) = delete;
    Resampler& operator=(const Resampler&) = delete;

    // Feeds `frames` frames (nullptr: end of input, flushes) and appends the output to `out`
    // starting at `written`, growing it as needed.
    void process(const float* const* in, std::size_t frames, std::vector<SampleBuffer>& out,
                 std::size_t& written) {
        std::size_t consumed = 0;
        for (;;) {
            for (auto& channel : out)
                if (channel.size() < written + kChunk)
                    channel.resize(std::max(channel.size() * 3 / 2, written + kChunk));
            float* outPointers[kMaxKeptChannels] = {};
            const float* inPointers[kMaxKeptChannels] = {};
            for (int c = 0; c < channels_; ++c) {
                outPointers[c] = out[std::size_t(c)].data() + written;
                if (in != nullptr)
                    inPointers[c] = in[c] + consumed;
            }
            std::size_t used = 0;
            std::size_t produced = 0;
            const soxr_error_t error =
                soxr_process(soxr_, in != nullptr ? static_cast<soxr_in_t>(inPointers) : nullptr,
                             in != nullptr ? frames - consumed : 0, &used,
                             static_cast<soxr_out_t>(outPointers), kChunk, &produced);
            if (error != nullptr)
                throw BadInput(std::string("resampling failed: ") + error);
            consumed += used;
            written += produced;
            if (in != nullptr ? consumed >= frames && produced < kChunk : produced == 0)
                return;
        }
    }

private:
    static constexpr std::size_t kChunk = 65536;
    soxr_t soxr_ = nullptr;
    int channels_;
};

} // namespace

void failFile(const std::string& path, const std::string& problem) {
    throw BadInput(path + ": " + problem);
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

CheckedReader openCheckedReader(const std::string& path, juce::AudioFormatManager& formats) {
    const std::uint64_t fileSize = checkReadableFile(path);
    // JUCE reads a WAV/AIFF/FLAC that holds less than its header promises without complaint
    // (zero-filled tail): check the container's structure first.
    const ContainerInfo container = checkContainer(path, fileSize);

    const std::string absolute = absolutePath(path);
    const juce::File file(juce::String(juce::CharPointer_UTF8(absolute.c_str())));
    CheckedReader checked;
    checked.path = path;
    checked.reader.reset(formats.createReaderFor(file));
    if (checked.reader == nullptr && !container.kind.empty())
        failFile(path,
                 container.kind + " file JUCE cannot decode" +
                     (container.encoding.empty() ? std::string()
                                                 : " (encoding: " + container.encoding + ")") +
                     "; readable: WAV, AIFF, FLAC, Ogg Vorbis, MP3");
    if (checked.reader == nullptr)
        failFile(path, "not an audio file JUCE can read (WAV, AIFF, FLAC, Ogg Vorbis, MP3)");

    const juce::AudioFormatReader& reader = *checked.reader;
    checked.format = reader.getFormatName().toStdString();
    if (reader.numChannels == 0)
        failFile(path, checked.format + " without channels");
    if (!(reader.sampleRate > 0.0 && reader.sampleRate <= kMaxSampleRate))
        failFile(path, checked.format + " with an invalid sample rate (" +
                           std::to_string(reader.sampleRate) + " Hz)");
    if (reader.lengthInSamples <= 0)
        failFile(path, checked.format + " holds no samples (zero-length audio)");
    checked.channels = static_cast<int>(reader.numChannels);
    checked.sampleRate = static_cast<int>(std::lround(reader.sampleRate));
    checked.frames = reader.lengthInSamples;
    return checked;
}

DecodeResult decodeFile(const std::string& path, const DecodeOptions& options) {
    juce::AudioFormatManager formats;
    formats.registerBasicFormats();
    const CheckedReader source = openCheckedReader(path, formats);
    if (options.targetRate <= 0 || options.targetRate > kMaxSampleRate)
        failFile(path, "cannot decode for a project rate of " + std::to_string(options.targetRate) +
                           " Hz");

    DecodeResult result;
    std::optional<CanonicalPcmHash> hash;
    if (options.identify) {
        AudioIdentity identity;
        identity.fileSha256 = sha256OfFile(path);
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
    std::optional<Resampler> resampler;
    if (resample)
        resampler.emplace(path, source.reader->sampleRate, double(options.targetRate), kept);
    std::size_t written = 0;
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
                resampler->process(block.getArrayOfReadPointers(), std::size_t(count),
                                   media->channels, written);
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
        resampler->process(nullptr, 0, media->channels, written);
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

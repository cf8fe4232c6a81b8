#include "mp3_reader.h"

#include <mpg123.h>

#include <sys/types.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <mutex>
#include <vector>

namespace accord::audio::detail {
namespace {

// libmpg123 reads through these, from the file opened once (SourceFile): bounded by its size.
struct Stream {
    std::shared_ptr<const SourceFile> file;
    std::uint64_t position = 0;
};

ssize_t readStream(void* handle, void* into, size_t count) {
    auto* stream = static_cast<Stream*>(handle);
    const std::int64_t n = stream->file->readAt(stream->position, into, count);
    if (n < 0)
        return -1;
    stream->position += static_cast<std::uint64_t>(n);
    return static_cast<ssize_t>(n);
}

off_t seekStream(void* handle, off_t offset, int whence) {
    auto* stream = static_cast<Stream*>(handle);
    const auto size = static_cast<std::int64_t>(stream->file->size());
    const std::int64_t base = whence == SEEK_SET   ? 0
                              : whence == SEEK_CUR ? static_cast<std::int64_t>(stream->position)
                              : whence == SEEK_END ? size
                                                   : -1;
    if (base < 0 || base + offset < 0) {
        errno = EINVAL;
        return -1;
    }
    stream->position = static_cast<std::uint64_t>(base + offset);
    return static_cast<off_t>(stream->position);
}

class Mp3Reader : public juce::AudioFormatReader {
public:
    explicit Mp3Reader(std::shared_ptr<const SourceFile> file)
        : juce::AudioFormatReader(nullptr, "MP3 file") {
        stream_.file = std::move(file);
    }
    ~Mp3Reader() override {
        if (handle_ != nullptr) {
            mpg123_close(handle_);
            mpg123_delete(handle_);
        }
    }
    Mp3Reader(const Mp3Reader&) = delete;
    Mp3Reader& operator=(const Mp3Reader&) = delete;

    // Opens the stream, fixes the output format (float, the stream's rate and channels) and
    // scans every frame for the exact length. False when libmpg123 cannot.
    bool open() {
        static std::once_flag initialised;
        std::call_once(initialised, [] { mpg123_init(); });
        int error = MPG123_OK;
        handle_ = mpg123_new(nullptr, &error);
        if (handle_ == nullptr)
            return false;
        mpg123_param(handle_, MPG123_FLAGS, MPG123_GAPLESS | MPG123_QUIET, 0.0);
        // A frame index of fixed size (thinned as the scan goes), not one entry per frame:
        // memory stays bounded whatever the length; a seek decodes from the nearest entry.
        mpg123_param(handle_, MPG123_INDEX_SIZE, kIndexEntries, 0.0);
        mpg123_format_none(handle_);
        const long* rates = nullptr;
        size_t count = 0;
        mpg123_rates(&rates, &count);
        for (size_t i = 0; i < count; ++i)
            mpg123_format(handle_, rates[i], MPG123_MONO | MPG123_STEREO, MPG123_ENC_FLOAT_32);
        if (mpg123_replace_reader_handle(handle_, readStream, seekStream, nullptr) != MPG123_OK ||
            mpg123_open_handle(handle_, &stream_) != MPG123_OK)
            return false;
        long rate = 0;
        int channels = 0, encoding = 0;
        if (mpg123_getformat(handle_, &rate, &channels, &encoding) != MPG123_OK || rate <= 0 ||
            channels < 1 || encoding != MPG123_ENC_FLOAT_32)
            return false;
        if (mpg123_scan(handle_) != MPG123_OK)
            return false;
        const off_t length = mpg123_length(handle_);
        if (length < 0)
            return false;
        sampleRate = double(rate);
        numChannels = static_cast<unsigned int>(channels);
        lengthInSamples = static_cast<juce::int64>(length);
        bitsPerSample = 32;
        usesFloatingPointData = true;
        position_ = 0;
        // Scanning moved the stream: back to the first sample.
        return mpg123_seek(handle_, 0, SEEK_SET) == 0;
    }

    bool readSamples(int* const* destChannels, int numDestChannels, int startOffsetInDestBuffer,
                     juce::int64 startSampleInFile, int numSamples) override {
        const int channels = static_cast<int>(numChannels);
        if (startSampleInFile != position_) {
            const off_t at = mpg123_seek(handle_, static_cast<off_t>(startSampleInFile), SEEK_SET);
            if (at < 0)
                return false;
            position_ = at;
            if (position_ != startSampleInFile)
                return false;
        }
        int done = 0;
        while (done < numSamples) {
            const int want = std::min(numSamples - done, kBlockFrames);
            scratch_.resize(std::size_t(want) * std::size_t(channels));
            size_t bytes = 0;
            const int status =
                mpg123_read(handle_, reinterpret_cast<unsigned char*>(scratch_.data()),
                            scratch_.size() * sizeof(float), &bytes);
            const int frames = static_cast<int>(bytes / (sizeof(float) * std::size_t(channels)));
            for (int c = 0; c < numDestChannels; ++c) {
                if (destChannels[c] == nullptr)
                    continue;
                float* out =
                    reinterpret_cast<float*>(destChannels[c]) + startOffsetInDestBuffer + done;
                if (c < channels)
                    for (int i = 0; i < frames; ++i)
                        out[i] = scratch_[std::size_t(i) * std::size_t(channels) + std::size_t(c)];
                else
                    std::fill(out, out + frames, 0.0f);
            }
            done += frames;
            position_ += frames;
            if (status == MPG123_NEW_FORMAT && !sameFormat())
                return false; // a stream changing rate or channels half-way: not one recording
            if (status != MPG123_OK && status != MPG123_NEW_FORMAT && frames == 0)
                break; // the end (MPG123_DONE) or an error
        }
        if (done < numSamples) {
            for (int c = 0; c < numDestChannels; ++c)
                if (destChannels[c] != nullptr) {
                    float* out =
                        reinterpret_cast<float*>(destChannels[c]) + startOffsetInDestBuffer;
                    std::fill(out + done, out + numSamples, 0.0f);
                }
            return false;
        }
        return true;
    }

private:
    bool sameFormat() {
        long rate = 0;
        int channels = 0, encoding = 0;
        return mpg123_getformat(handle_, &rate, &channels, &encoding) == MPG123_OK &&
               double(rate) == sampleRate && channels == static_cast<int>(numChannels) &&
               encoding == MPG123_ENC_FLOAT_32;
    }

    static constexpr int kBlockFrames = 8192;
    static constexpr long kIndexEntries = 1000;
    Stream stream_;
    mpg123_handle* handle_ = nullptr;
    juce::int64 position_ = 0; // the decoder's next sample
    std::vector<float> scratch_;
};

} // namespace

std::unique_ptr<juce::AudioFormatReader> openMp3Reader(std::shared_ptr<const SourceFile> file) {
    auto reader = std::make_unique<Mp3Reader>(std::move(file));
    if (!reader->open())
        return nullptr;
    return reader;
}

} // namespace accord::audio::detail

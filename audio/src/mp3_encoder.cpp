#include "accord/audio/mp3_encoder.h"

#include "loudness.h"
#include "pcm_hash.h"

#include "accord/audio/audio_file.h"
#include "accord/core/errors.h"
#include "accord/core/files.h"

#include <lame/lame.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

namespace accord::audio {
namespace {

constexpr int kLameQuality = 2; // 0 best .. 9 worst; 2 is LAME's recommended "high quality"

struct LameDeleter {
    void operator()(lame_global_flags* flags) const { lame_close(flags); }
};
using Lame = std::unique_ptr<lame_global_flags, LameDeleter>;

// LAME's worst-case output for `frames` input frames (lame.h: 1.25 * frames + 7200).
std::size_t mp3BufferBytes(int frames) {
    return std::size_t(frames) * 5 / 4 + 7200;
}

} // namespace

bool isMp3ExportBitrate(int kbps) {
    for (int allowed : {96, 112, 128, 160, 192, 224, 256, 320})
        if (kbps == allowed)
            return true;
    return false;
}

bool isMp3SampleRate(int sampleRate) {
    return sampleRate == 32000 || sampleRate == 44100 || sampleRate == 48000;
}

RenderedFile encodeMp3(const std::string& from, const std::string& to, int bitrateKbps,
                       const std::atomic<bool>* cancel) {
    if (!isMp3ExportBitrate(bitrateKbps))
        throw BadInput(to + ": " + std::to_string(bitrateKbps) +
                       " kbit/s is not an MP3 export bitrate (96, 112, 128, 160, 192, 224, 256 "
                       "or 320)");
    Lame lame;
    AtomicFileWriter out(to);
    std::vector<unsigned char> encoded;
    auto check = [&](int result) {
        if (result < 0)
            throw BadInput(to + ": the MP3 encoder failed (libmp3lame error " +
                           std::to_string(result) + ")");
        out.write(encoded.data(), std::size_t(result));
    };
    readAudioFileInBlocks(
        from,
        [&](int sampleRate, int channels) {
            if (!isMp3SampleRate(sampleRate))
                throw BadInput(to + ": MP3 holds 32, 44.1 or 48 kHz, not " +
                               std::to_string(sampleRate) +
                               " Hz: export this project as WAV or FLAC");
            if (channels != 2)
                throw BadInput(from + ": MP3 export encodes stereo renders, not " +
                               std::to_string(channels) + " channels");
            lame.reset(lame_init());
            if (!lame)
                throw std::bad_alloc();
            lame_set_in_samplerate(lame.get(), sampleRate);
            lame_set_out_samplerate(lame.get(), sampleRate);
            lame_set_num_channels(lame.get(), 2);
            lame_set_mode(lame.get(), JOINT_STEREO);
            lame_set_VBR(lame.get(), vbr_off);
            lame_set_brate(lame.get(), bitrateKbps);
            lame_set_quality(lame.get(), kLameQuality);
            lame_set_bWriteVbrTag(lame.get(), 1); // the Info frame: delay and padding
            lame_set_write_id3tag_automatic(lame.get(), 0);
            if (lame_init_params(lame.get()) < 0)
                throw BadInput(to + ": the MP3 encoder refused " + std::to_string(sampleRate) +
                               " Hz at " + std::to_string(bitrateKbps) + " kbit/s");
        },
        [&](const float* const* planar, int frames) {
            encoded.resize(mp3BufferBytes(frames));
            check(lame_encode_buffer_ieee_float(lame.get(), planar[0], planar[1], frames,
                                                encoded.data(), int(encoded.size())));
        },
        cancel);
    if (!lame)
        throw BadInput(from + ": no audio to encode");
    encoded.resize(mp3BufferBytes(0));
    check(lame_encode_flush(lame.get(), encoded.data(), int(encoded.size())));
    // The Info frame is final only now; LAME wrote a placeholder of the same size first.
    encoded.resize(lame_get_lametag_frame(lame.get(), nullptr, 0));
    const std::size_t tag = lame_get_lametag_frame(lame.get(), encoded.data(), encoded.size());
    if (tag > 0)
        out.writeAt(0, encoded.data(), tag);
    out.commit();

    // What a reader of the MP3 gets: measured on the decoded samples.
    RenderedFile file;
    file.path = to;
    std::unique_ptr<detail::LoudnessMeter> loudness;
    std::unique_ptr<detail::CanonicalPcmHash> hash;
    std::vector<float> interleaved;
    std::int64_t frames = 0;
    int rate = 0;
    readAudioFileInBlocks(
        to,
        [&](int sampleRate, int channels) {
            rate = sampleRate;
            loudness = std::make_unique<detail::LoudnessMeter>(channels, sampleRate);
            hash = std::make_unique<detail::CanonicalPcmHash>(sampleRate, channels);
        },
        [&](const float* const* planar, int count) {
            interleaved.resize(std::size_t(count) * 2);
            for (int i = 0; i < count; ++i) {
                interleaved[2 * std::size_t(i)] = planar[0][i];
                interleaved[2 * std::size_t(i) + 1] = planar[1][i];
            }
            if (!loudness->add(interleaved.data(), std::size_t(count)))
                throw std::bad_alloc();
            hash->addFloat(planar, count);
            frames += count;
        },
        cancel);
    file.pcmSha256 = hash->finishHex();
    file.lufs = loudness->integratedLoudness();
    const double peak = loudness->truePeak();
    file.truePeakDb =
        peak > 0.0 ? 20.0 * std::log10(peak) : -std::numeric_limits<double>::infinity();
    file.durationSeconds = double(frames) / rate;
    return file;
}

} // namespace accord::audio

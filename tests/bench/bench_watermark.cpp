// Watermark robustness, false positives, transparency and speed on real material
// (docs/WATERMARK.md).
//
// Hosts: 20 s stereo clips of the hyperrogue soundtrack (44.1 kHz Ogg Vorbis) and 20 s voice
// tracks built from the fillets-cs speech clips (one speaker folder each, 0.5 s pauses between
// lines, resampled to 44.1 kHz as a render would be). Every clip gets its own payload. Each
// condition reports how often the mark was found, how often the payload read back was the one
// embedded, and any wrong payload reported as found (must be 0). Conditions below 16 kHz are
// read at their own rate (15, 12, 11.025 and 8 kHz; lame at 8 kHz is MPEG-2.5); the false
// positives are counted at 44.1 kHz and at each of those rates. Transparency: the mark's SNR and
// its noise-to-mask ratio beside that of lame's 128 kbit/s coding noise on the same clips.
//
// Run: ACCORD_MATERIAL_DIR=~/.cache/accord/material build/tests/bench/bench_watermark
//      [--clips N]  (music clips; default 48) [--voice N] (voice tracks; default 24)
//      [--quick]    (robustness only: no false-positive scan, no timing)
//      [--speed]    (timing only)
//      [--stream]   (marked as the Accord Voice plugin marks, WatermarkStreamEmbedder in 128-frame
//                    blocks on the mono downmix, the mark added to every channel; beside a run
//                    without it, the file's mark: docs/WATERMARK.md "Streaming embedding")
//      [--files DIR] (only: every WAV/FLAC in DIR, e.g. real conversions, read at its own rate
//                    and resampled to each rate below 16 kHz)

#include "accord/audio/audio_io.h"
#include "accord/audio/media.h"
#include "accord/audio/watermark.h"
#include "accord/dsp/fft.h"
#include "accord/dsp/resample.h"

#include "bench_common.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace accord::audio;
using accord::dsp::resample;
using Channels = std::vector<std::vector<float>>;

namespace {

constexpr int kRate = 44100;
constexpr double kClipSeconds = 20;

using accord::bench::materialRoot;

std::vector<std::string> filesIn(const std::string& folder, const std::string& extension,
                                 bool recursive) {
    std::vector<std::string> files;
    if (!fs::is_directory(folder))
        return files;
    const auto take = [&](const fs::directory_entry& entry) {
        if (entry.is_regular_file() && entry.path().extension() == extension)
            files.push_back(entry.path().string());
    };
    if (recursive)
        for (const auto& entry : fs::recursive_directory_iterator(folder))
            take(entry);
    else
        for (const auto& entry : fs::directory_iterator(folder))
            take(entry);
    std::sort(files.begin(), files.end());
    return files;
}

Channels stereoAt44k(const std::string& path) {
    const auto media = loadMedia(path, kRate);
    Channels channels;
    for (const auto& channel : media->channels)
        channels.emplace_back(channel.begin(), channel.end());
    clearMediaCache();
    return channels;
}

Channels slice(const Channels& audio, size_t from, size_t count) {
    Channels out;
    for (const auto& channel : audio)
        out.emplace_back(channel.begin() + long(from), channel.begin() + long(from + count));
    return out;
}

double energy(const Channels& audio) {
    double sum = 0;
    for (const auto& channel : audio)
        for (float x : channel)
            sum += double(x) * x;
    return sum;
}

double rms(const Channels& audio) {
    const size_t n = audio.empty() ? 0 : audio.size() * audio.front().size();
    return n ? std::sqrt(energy(audio) / double(n)) : 0.0;
}

// Voice "renders": the lines of one speaker, 0.5 s apart, until the clip is full.
std::vector<Channels> voiceTracks(const std::string& root, size_t wanted) {
    std::vector<Channels> tracks;
    const std::string base = root + "/fillets-cs";
    if (!fs::is_directory(base))
        return tracks;
    std::vector<std::string> folders;
    for (const auto& entry : fs::directory_iterator(base))
        if (entry.is_directory())
            folders.push_back(entry.path().string());
    std::sort(folders.begin(), folders.end());
    const auto length = size_t(kClipSeconds * kRate);
    for (const auto& folder : folders) {
        if (tracks.size() >= wanted)
            break;
        std::vector<float> track;
        for (const auto& file : filesIn(folder, ".ogg", true)) {
            const MonoAudio line = readMonoAudio(file);
            const auto at44 = resample(line.samples, line.sampleRate, kRate);
            track.insert(track.end(), at44.begin(), at44.end());
            track.insert(track.end(), size_t(kRate / 2), 0.0f);
            if (track.size() >= length)
                break;
        }
        if (track.size() >= length) {
            track.resize(length);
            tracks.push_back({track});
        }
    }
    return tracks;
}

void writeWav16(const std::string& path, const Channels& audio) {
    const auto channels = std::uint16_t(audio.size());
    const auto frames = std::uint32_t(audio.front().size());
    const std::uint32_t bytes = frames * channels * 2;
    std::ofstream out(path, std::ios::binary);
    const auto u32 = [&](std::uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
    const auto u16 = [&](std::uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
    out.write("RIFF", 4);
    u32(36 + bytes);
    out.write("WAVEfmt ", 8);
    u32(16);
    u16(1);
    u16(channels);
    u32(kRate);
    u32(kRate * channels * 2u);
    u16(std::uint16_t(channels * 2));
    u16(16);
    out.write("data", 4);
    u32(bytes);
    std::vector<std::int16_t> interleaved(size_t(frames) * channels);
    for (size_t i = 0; i < frames; ++i)
        for (size_t c = 0; c < channels; ++c)
            interleaved[i * channels + c] =
                std::int16_t(std::lround(std::clamp(audio[c][i], -1.0f, 1.0f) * 32767.0f));
    out.write(reinterpret_cast<const char*>(interleaved.data()),
              std::streamsize(interleaved.size() * 2));
}

// Audio at some rate: how a laundered copy reaches the detector.
struct AtRate {
    Channels audio;
    int rate = kRate;
};

// Through lame and back, at the rate lame decodes to (`options`: e.g. "--resample 8").
MonoAudio mp3Decoded(const Channels& audio, int kbps, const std::string& scratch,
                     const std::string& options = "") {
    const std::string wav = scratch + "/in.wav", mp3 = scratch + "/x.mp3",
                      back = scratch + "/back.wav";
    writeWav16(wav, audio);
    const std::string encode =
        "lame --quiet " + options + " -b " + std::to_string(kbps) + " '" + wav + "' '" + mp3 + "'";
    const std::string decode = "lame --quiet --decode '" + mp3 + "' '" + back + "'";
    if (std::system(encode.c_str()) != 0 || std::system(decode.c_str()) != 0) {
        std::fprintf(stderr, "lame failed\n");
        std::exit(1);
    }
    return readMonoAudio(back);
}

Channels mp3RoundTrip(const Channels& audio, int kbps, const std::string& scratch) {
    // lame resamples low bit rates (64 kbit/s stereo: 24 kHz); compare at the original rate.
    const MonoAudio decoded = mp3Decoded(audio, kbps, scratch);
    return {resample(decoded.samples, decoded.sampleRate, kRate)};
}

// Every channel resampled to `rate` (libsoxr's high quality, as sox or an editor would).
AtRate resampledTo(const Channels& audio, int rate) {
    AtRate out{{}, rate};
    for (const auto& channel : audio)
        out.audio.push_back(resample(channel, kRate, rate));
    return out;
}

AtRate backTo44k(const AtRate& low) {
    AtRate out{{}, kRate};
    for (const auto& channel : low.audio)
        out.audio.push_back(resample(channel, low.rate, kRate));
    return out;
}

// The sample rates below 16 kHz measured (docs/WATERMARK.md "Rates").
constexpr int kLowRates[] = {15000, 12000, 11025, 8000};

Channels resampledRoundTrip(const Channels& audio) {
    Channels out;
    for (const auto& channel : audio)
        out.push_back(resample(resample(channel, kRate, 22050), 22050, kRate));
    return out;
}

Channels scaled(Channels audio, double gain) {
    for (auto& channel : audio)
        for (float& x : channel)
            x = float(x * gain);
    return audio;
}

// `audio` plus `other` brought to `db` relative to audio's RMS (mono downmix of other).
Channels mixedUnder(const Channels& audio, const Channels& other, double db) {
    const double gain = rms(audio) / std::max(1e-9, rms(other)) * std::pow(10.0, db / 20.0);
    Channels out = audio;
    for (size_t c = 0; c < out.size(); ++c) {
        const auto& source = other[std::min(c, other.size() - 1)];
        for (size_t i = 0; i < out[c].size() && i < source.size(); ++i)
            out[c][i] += float(gain * source[i]);
    }
    return out;
}

// Pink noise (Paul Kellet's filter on white noise) at `snrDb` under the audio's RMS.
Channels withPinkNoise(const Channels& audio, double snrDb, std::mt19937& random) {
    std::normal_distribution<double> white(0.0, 1.0);
    Channels noise = audio;
    for (auto& channel : noise) {
        double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
        for (float& x : channel) {
            const double w = white(random);
            b0 = 0.99886 * b0 + w * 0.0555179;
            b1 = 0.99332 * b1 + w * 0.0750759;
            b2 = 0.96900 * b2 + w * 0.1538520;
            b3 = 0.86650 * b3 + w * 0.3104856;
            b4 = 0.55000 * b4 + w * 0.5329522;
            b5 = -0.7616 * b5 - w * 0.0168980;
            x = float(b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362);
            b6 = w * 0.115926;
        }
    }
    const double gain = rms(audio) / rms(noise) * std::pow(10.0, -snrDb / 20.0);
    Channels out = audio;
    for (size_t c = 0; c < out.size(); ++c)
        for (size_t i = 0; i < out[c].size(); ++i)
            out[c][i] += float(gain * noise[c][i]);
    return out;
}

// Noise-to-mask ratio (dB) of `altered` against `reference` (mono downmixes at kRate): a
// simplified version of PEAQ's FFT ear model. 2048-point Hann frames (hop 1024); host and error
// powers summed into 1-Bark bands; the host's excitation spread over bands with Schroeder's
// spreading function and lowered by PEAQ's mask offset (3 dB up to 12 Bark, 0.25 z dB above),
// never below the threshold in quiet (Terhardt, a 0 dBFS sine played at 92 dB SPL). Per frame
// the mean over bands of error / mask; over the clip the mean over frames whose host is above
// the threshold in quiet, in dB, and the share of those frames in which some band's error is
// over its mask by 1.5 dB (PEAQ's "disturbed frames"). lame's coding noise, measured alike, is
// the reference.
class MaskingModel {
public:
    MaskingModel() : power_(kSize / 2 + 1) {
        for (int n = 0; n < kSize; ++n)
            window_.push_back(float(0.5 - 0.5 * std::cos(2 * 3.14159265358979 * n / kSize)));
        for (int k = 0; k <= kSize / 2; ++k) {
            const double hz = double(k) * kRate / kSize;
            bandOf_.push_back(std::min(kBarks - 1, int(bark(hz))));
        }
        for (int z = 0; z < kBarks; ++z) {
            const double khz = std::max(0.02, barkToHz(z + 0.5) / 1000.0);
            const double quietDb = 3.64 * std::pow(khz, -0.8) -
                                   6.5 * std::exp(-0.6 * (khz - 3.3) * (khz - 3.3)) +
                                   1e-3 * std::pow(khz, 4);
            quiet_[size_t(z)] = std::pow(10.0, quietDb / 10.0);
            const double offsetDb = z <= 12 ? 3.0 : 0.25 * z;
            for (int j = 0; j < kBarks; ++j)
                spreading_[size_t(z * kBarks + j)] =
                    std::pow(10.0, (spreadingDb(z - j) - offsetDb) / 10.0);
        }
        // Calibration: a 0 dBFS 1 kHz sine reads 92 dB SPL in its band.
        std::vector<float> sine(kSize);
        for (int n = 0; n < kSize; ++n)
            sine[size_t(n)] = float(std::sin(2 * 3.14159265358979 * 1000.0 * n / kRate));
        std::array<double, kBarks> bands{};
        bandPowers(sine.data(), bands);
        splScale_ = std::pow(10.0, 9.2) / bands[size_t(bark(1000.0))];
    }
    struct Result {
        double totalDb = -300;      // 10 log10 of the mean over frames of the band mean
        double disturbedFrames = 0; // share of frames with a band over the mask by 1.5 dB
    };
    Result measure(const std::vector<float>& reference, const std::vector<float>& altered) {
        std::vector<float> error(reference.size());
        for (size_t i = 0; i < reference.size(); ++i)
            error[i] = altered[i] - reference[i];
        double sum = 0;
        int frames = 0, disturbed = 0;
        std::array<double, kBarks> host{}, noise{};
        for (size_t at = 0; at + kSize <= reference.size(); at += kSize / 2) {
            bandPowers(reference.data() + at, host);
            bandPowers(error.data() + at, noise);
            double ratio = 0, worst = 0;
            bool audible = false;
            for (int z = 0; z < kBarks; ++z) {
                double spread = 0; // the excitation reaching band z from every band
                for (int j = 0; j < kBarks; ++j)
                    spread += host[size_t(j)] * spreading_[size_t(z * kBarks + j)];
                const double mask = std::max(spread, quiet_[size_t(z)]);
                ratio += noise[size_t(z)] / mask;
                worst = std::max(worst, noise[size_t(z)] / mask);
                audible = audible || host[size_t(z)] > quiet_[size_t(z)];
            }
            if (audible) {
                sum += ratio / kBarks;
                ++frames;
                disturbed += worst > std::pow(10.0, 0.15) ? 1 : 0;
            }
        }
        Result result;
        if (frames > 0) {
            result.totalDb = 10 * std::log10(std::max(1e-30, sum / frames));
            result.disturbedFrames = double(disturbed) / frames;
        }
        return result;
    }

private:
    static constexpr int kSize = 2048;
    static constexpr int kBarks = 25;
    static double bark(double hz) {
        return 13 * std::atan(0.00076 * hz) + 3.5 * std::atan((hz / 7500) * (hz / 7500));
    }
    static double barkToHz(double z) {
        double lo = 0, hi = kRate / 2.0;
        for (int i = 0; i < 60; ++i)
            (bark(0.5 * (lo + hi)) < z ? lo : hi) = 0.5 * (lo + hi);
        return 0.5 * (lo + hi);
    }
    static double spreadingDb(int dz) {
        const double x = dz + 0.474;
        return 15.81 + 7.5 * x - 17.5 * std::sqrt(1 + x * x);
    }
    // Band powers in units of dB SPL (after calibration: 10^(dB/10)).
    void bandPowers(const float* x, std::array<double, kBarks>& bands) {
        fft_.loadWindowed(x, kSize, 0, window_.data());
        fft_.forward();
        accord::dsp::powerSpectrum(fft_.spectrum(), fft_.bins(), power_.data());
        bands.fill(0.0);
        for (int k = 0; k <= kSize / 2; ++k)
            bands[size_t(bandOf_[size_t(k)])] += power_[size_t(k)];
        if (splScale_ > 0)
            for (double& b : bands)
                b *= splScale_;
    }
    accord::dsp::RealFft fft_{kSize};
    std::vector<float> power_;
    std::vector<float> window_; // Hann
    std::vector<int> bandOf_;
    std::array<double, kBarks> quiet_{};              // threshold in quiet per band
    std::array<double, kBarks * kBarks> spreading_{}; // band j's share of band z's mask
    double splScale_ = 0; // band power to 10^(dB SPL / 10); 0 while calibrating
};

// The mono downmix of `audio` (what the masking model hears).
std::vector<float> monoOf(const Channels& audio) {
    std::vector<float> mono(audio.front().size(), 0.0f);
    for (const auto& channel : audio)
        for (size_t i = 0; i < mono.size(); ++i)
            mono[i] += channel[i] / float(audio.size());
    return mono;
}

// `decoded` shifted to line up with `reference` (a codec's delay), by cross-correlation.
std::vector<float> alignedTo(const std::vector<float>& reference,
                             const std::vector<float>& decoded) {
    int bestLag = 0;
    double best = -1e300;
    for (int lag = -2500; lag <= 2500; ++lag) {
        double sum = 0;
        for (size_t i = 4000; i + 4000 < reference.size(); i += 13) {
            const auto j = std::int64_t(i) + lag;
            if (j >= 0 && size_t(j) < decoded.size())
                sum += double(reference[i]) * decoded[size_t(j)];
        }
        if (sum > best) {
            best = sum;
            bestLag = lag;
        }
    }
    std::vector<float> out(reference.size(), 0.0f);
    for (size_t i = 0; i < out.size(); ++i) {
        const auto j = std::int64_t(i) + bestLag;
        if (j >= 0 && size_t(j) < decoded.size())
            out[i] = decoded[size_t(j)];
    }
    return out;
}

struct Tally {
    int clips = 0, found = 0, correct = 0, wrong = 0, withheld = 0;
    double confidence = 0;
    void add(const WatermarkDetection& d, std::uint32_t payload) {
        ++clips;
        confidence += d.confidence;
        // The strongest codewords scored above the threshold but no payload was read (none
        // whose CRC matches scored enough, or two came too close): the symbols, not the overall
        // evidence, were the limit.
        if (!d.found && d.confidence >= kWatermarkThreshold)
            ++withheld;
        if (d.found) {
            ++found;
            (d.payload == payload ? correct : wrong) += 1;
        }
    }
};

double percent(int part, int whole) {
    return whole ? 100.0 * part / whole : 0.0;
}

std::string rateText(int hertz) {
    char text[16];
    std::snprintf(text, sizeof text, "%g", hertz / 1000.0);
    return text;
}

// Marked files (e.g. real conversions, marked by `convert`): each read at its own rate gives the
// payload, which must come back resampled to every rate below 16 kHz.
int measureFiles(const std::string& folder) {
    std::vector<std::string> files = filesIn(folder, ".wav", false);
    for (const auto& file : filesIn(folder, ".flac", false))
        files.push_back(file);
    std::vector<Tally> tally(std::size(kLowRates) + 1); // the last: 8 kHz and back
    int marked = 0;
    for (const auto& file : files) {
        const MultichannelAudio audio = readAudio(file);
        const WatermarkDetection own = detectWatermark(audio.channels, audio.sampleRate);
        if (!own.found) {
            std::printf("  %s: no mark at its own rate (confidence %.1f): left out\n",
                        fs::path(file).filename().c_str(), own.confidence);
            continue;
        }
        ++marked;
        for (size_t r = 0; r < std::size(kLowRates); ++r) {
            Channels low;
            for (const auto& channel : audio.channels)
                low.push_back(resample(channel, audio.sampleRate, kLowRates[r]));
            tally[r].add(detectWatermark(low, kLowRates[r]), own.payload);
        }
        Channels back;
        for (const auto& channel : audio.channels)
            back.push_back(
                resample(resample(channel, audio.sampleRate, 8000), 8000, audio.sampleRate));
        tally.back().add(detectWatermark(back, audio.sampleRate), own.payload);
    }
    std::printf("%d marked files of %zu in %s\n", marked, files.size(), folder.c_str());
    std::printf("  %-36s %9s %9s %7s %9s %9s\n", "condition", "detected", "payload", "wrong",
                "mean conf", "withheld");
    for (size_t r = 0; r < tally.size(); ++r) {
        const std::string condition = r < std::size(kLowRates)
                                          ? "resampled to " + rateText(kLowRates[r]) + " kHz"
                                          : std::string("8 kHz and back to its rate");
        std::printf("  %-36s %8.1f%% %8.1f%% %7d %9.1f %9d\n", condition.c_str(),
                    percent(tally[r].found, tally[r].clips),
                    percent(tally[r].correct, tally[r].clips), tally[r].wrong,
                    tally[r].clips ? tally[r].confidence / tally[r].clips : 0.0, tally[r].withheld);
    }
    return 0;
}

// The plugin's way (docs/PLUGIN.md): the mono downmix streamed through the embedder in 128-frame
// blocks, its mark (output less the input it delays) added to every channel.
void streamEmbed(Channels& channels, int rate, std::uint32_t payload) {
    constexpr std::size_t kBlock = 128;
    std::vector<float> mono = monoOf(channels);
    const std::size_t frames = mono.size();
    WatermarkStreamEmbedder embedder(rate, payload);
    const auto latency = std::size_t(embedder.latencyFrames());
    mono.resize(frames + latency, 0.0f);
    std::vector<float> out(mono.size());
    for (std::size_t at = 0; at < mono.size(); at += kBlock)
        embedder.process(mono.data() + at, out.data() + at, std::min(kBlock, mono.size() - at));
    for (auto& channel : channels)
        for (std::size_t n = 0; n < frames; ++n)
            channel[n] += out[n + latency] - mono[n];
}

} // namespace

int main(int argc, char** argv) {
    size_t musicClips = 48, voiceClips = 24;
    bool quick = false, speedOnly = false, streamed = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--quick")
            quick = true;
        else if (arg == "--speed")
            speedOnly = true;
        else if (arg == "--stream")
            streamed = true;
        else if (arg == "--clips" && i + 1 < argc)
            musicClips = size_t(std::atoi(argv[++i]));
        else if (arg == "--voice" && i + 1 < argc)
            voiceClips = size_t(std::atoi(argv[++i]));
        else if (arg == "--files" && i + 1 < argc)
            return measureFiles(argv[++i]);
    }
    const std::string root = materialRoot();
    const auto music = filesIn(root + "/hyperrogue", ".ogg", false);
    if (music.size() < 2) {
        std::printf(
            "bench_watermark: no hyperrogue music under %s: run scripts/fetch-material.sh\n",
            root.c_str());
        return 0;
    }
    const std::string scratch = accord::bench::scratchFolder("bench-watermark");
    const auto clipLength = size_t(kClipSeconds * kRate);

    // Hosts: clips spread over every track (several per track, from different places).
    std::vector<Channels> tracks;
    for (const auto& file : music)
        tracks.push_back(stereoAt44k(file));
    std::vector<Channels> musicHosts;
    for (size_t round = 0; musicHosts.size() < musicClips && round < 8; ++round)
        for (const auto& track : tracks) {
            const size_t start = size_t(5 * kRate) + round * clipLength;
            if (musicHosts.size() < musicClips && start + clipLength <= track.front().size())
                musicHosts.push_back(slice(track, start, clipLength));
        }
    const auto voiceHosts = voiceTracks(root, voiceClips);

    std::printf("Watermark benchmark: %zu music clips (hyperrogue, stereo) and %zu voice tracks "
                "(fillets-cs), %.0f s each, 44.1 kHz; %s\n",
                musicHosts.size(), voiceHosts.size(), kClipSeconds,
                streamed ? "marked as a stream (the plugin's)" : "marked as files");

    const char* conditions[] = {"unmodified",
                                "MP3 128 kbit/s (lame)",
                                "MP3 64 kbit/s (lame)",
                                "resample 22.05 kHz and back",
                                "gain -12 dB",
                                "5 s excerpt, random offset",
                                "mixed under music, equal loudness",
                                "mixed under music, other +6 dB",
                                "pink noise, 20 dB SNR",
                                "resampled to 15 kHz",
                                "resampled to 12 kHz",
                                "resampled to 11.025 kHz",
                                "resampled to 8 kHz",
                                "8 kHz and back to 44.1 kHz",
                                "MP3 8 kHz 24 kbit/s (MPEG-2.5)"};
    constexpr int kConditions = 15;
    std::mt19937 random(2024);
    std::uint32_t nextPayload = 0x2a;

    MaskingModel masking;
    for (int set = 0; set < (speedOnly ? 0 : 2); ++set) {
        const auto& hosts = set == 0 ? musicHosts : voiceHosts;
        if (hosts.empty())
            continue;
        std::vector<Tally> tally(kConditions);
        std::vector<double> snr, markNmr, mp3Nmr;
        double markDisturbed = 0, mp3Disturbed = 0; // mean share of disturbed frames
        for (size_t h = 0; h < hosts.size(); ++h) {
            const std::uint32_t payload = nextPayload = nextPayload * 2654435761u + 12345u;
            Channels marked = hosts[h];
            if (streamed)
                streamEmbed(marked, kRate, payload);
            else
                embedWatermark(marked, kRate, payload);
            Channels difference = marked;
            for (size_t c = 0; c < marked.size(); ++c)
                for (size_t i = 0; i < marked[c].size(); ++i)
                    difference[c][i] -= hosts[h][c][i];
            snr.push_back(10 * std::log10(energy(hosts[h]) / std::max(1e-30, energy(difference))));
            // The other music in a mix: a clip of a different track.
            const Channels& other = musicHosts[(h * 7 + 3 + size_t(set)) % musicHosts.size()];
            std::uniform_int_distribution<size_t> excerptStart(0, clipLength - 5 * kRate);
            const size_t from = excerptStart(random);
            const Channels mp3High = mp3RoundTrip(marked, 128, scratch);
            const std::vector<float> markedMono = monoOf(marked);
            const auto mark = masking.measure(monoOf(hosts[h]), markedMono);
            const auto coding = masking.measure(markedMono, alignedTo(markedMono, mp3High.front()));
            markNmr.push_back(mark.totalDb);
            mp3Nmr.push_back(coding.totalDb);
            markDisturbed += mark.disturbedFrames / double(hosts.size());
            mp3Disturbed += coding.disturbedFrames / double(hosts.size());
            const MonoAudio mp3Low = mp3Decoded(marked, 24, scratch, "--resample 8");
            const AtRate at8k = resampledTo(marked, 8000);
            const AtRate variants[kConditions] = {{marked},
                                                  {mp3High},
                                                  {mp3RoundTrip(marked, 64, scratch)},
                                                  {resampledRoundTrip(marked)},
                                                  {scaled(marked, std::pow(10.0, -12 / 20.0))},
                                                  {slice(marked, from, 5 * kRate)},
                                                  {mixedUnder(marked, other, 0)},
                                                  {mixedUnder(marked, other, 6)},
                                                  {withPinkNoise(marked, 20, random)},
                                                  resampledTo(marked, kLowRates[0]),
                                                  resampledTo(marked, kLowRates[1]),
                                                  resampledTo(marked, kLowRates[2]),
                                                  at8k,
                                                  backTo44k(at8k),
                                                  {{mp3Low.samples}, mp3Low.sampleRate}};
            for (int c = 0; c < kConditions; ++c)
                tally[c].add(detectWatermark(variants[c].audio, variants[c].rate), payload);
        }
        std::sort(snr.begin(), snr.end());
        std::sort(markNmr.begin(), markNmr.end());
        std::sort(mp3Nmr.begin(), mp3Nmr.end());
        std::printf("\n%s (%zu clips; mark SNR min %.1f dB, median %.1f dB)\n",
                    set == 0 ? "Music" : "Voice", hosts.size(), snr.front(), snr[snr.size() / 2]);
        std::printf("  noise-to-mask ratio: mark median %.1f dB, worst %.1f dB, disturbed frames "
                    "%.1f%%; lame 128 kbit/s coding noise median %.1f dB, worst %.1f dB, "
                    "disturbed frames %.1f%%\n",
                    markNmr[markNmr.size() / 2], markNmr.back(), 100 * markDisturbed,
                    mp3Nmr[mp3Nmr.size() / 2], mp3Nmr.back(), 100 * mp3Disturbed);
        std::printf("  %-36s %9s %9s %7s %9s %9s\n", "condition", "detected", "payload", "wrong",
                    "mean conf", "withheld");
        for (int c = 0; c < kConditions; ++c)
            std::printf("  %-36s %8.1f%% %8.1f%% %7d %9.1f %9d\n", conditions[c],
                        percent(tally[c].found, tally[c].clips),
                        percent(tally[c].correct, tally[c].clips), tally[c].wrong,
                        tally[c].confidence / tally[c].clips, tally[c].withheld);
    }

    if (quick) {
        fs::remove_all(scratch);
        return 0;
    }

    // False positives: unmarked real audio cut into 10 s clips (music, voice, loops, and the
    // unmarked mixes of two tracks).
    std::vector<Channels> unmarked;
    for (const auto& track : tracks)
        for (size_t start = 0; start + size_t(10 * kRate) <= track.front().size();
             start += size_t(10 * kRate))
            unmarked.push_back(slice(track, start, size_t(10 * kRate)));
    for (const auto& voice : voiceTracks(root, 1000))
        for (size_t start = 0; start + size_t(10 * kRate) <= voice.front().size();
             start += size_t(10 * kRate))
            unmarked.push_back(slice(voice, start, size_t(10 * kRate)));
    for (const auto& file : filesIn(root + "/sonic-pi", ".flac", false)) {
        const MonoAudio loop = readMonoAudio(file);
        if (loop.samples.size() >= size_t(2 * loop.sampleRate))
            unmarked.push_back({resample(loop.samples, loop.sampleRate, kRate)});
    }
    for (size_t i = 0; i + 1 < musicHosts.size(); i += 2)
        unmarked.push_back(mixedUnder(musicHosts[i], musicHosts[i + 1], 0));
    if (speedOnly)
        unmarked.clear();
    // At 44.1 kHz and resampled to each rate below 16 kHz.
    for (int r = -1; r < int(std::size(kLowRates)); ++r) {
        const int rate = r < 0 ? kRate : kLowRates[r];
        int falsePositives = 0;
        double highest = 0;
        for (const auto& clip : unmarked) {
            const auto d = r < 0 ? detectWatermark(clip, kRate)
                                 : detectWatermark(resampledTo(clip, rate).audio, rate);
            falsePositives += d.found ? 1 : 0;
            highest = std::max(highest, d.confidence);
        }
        std::printf("%sFalse detections on unmarked real audio at %g kHz: %d / %zu clips "
                    "(highest confidence %.2f, threshold %.1f)\n",
                    r < 0 ? "\n" : "", rate / 1000.0, falsePositives, unmarked.size(), highest,
                    kWatermarkThreshold);
    }

    // Speed, one core: a 20 s stereo clip, against reading+writing it with sox and encoding it
    // with lame.
    const Channels& host = musicHosts.front();
    Channels work;
    const auto embedTime = accord::bench::repeat(7, [&] {
        work = host;
        embedWatermark(work, kRate, 0x2a);
    });
    const auto detectTime = accord::bench::repeat(7, [&] { detectWatermark(work, kRate); });
    writeWav16(scratch + "/speed.wav", host);
    const auto soxTime = accord::bench::repeat(3, [&] {
        if (std::system(("sox '" + scratch + "/speed.wav' '" + scratch + "/copy.wav'").c_str()))
            std::exit(1);
    });
    const auto lameTime = accord::bench::repeat(3, [&] {
        if (std::system(
                ("lame --quiet -b 128 '" + scratch + "/speed.wav' '" + scratch + "/speed.mp3'")
                    .c_str()))
            std::exit(1);
    });
    std::printf("\nSpeed on %.0f s of 44.1 kHz stereo, one thread (x real time, median of runs):\n",
                kClipSeconds);
    std::printf("  embed    %8.0fx   (%.1f ms)\n", kClipSeconds / embedTime.median,
                embedTime.median * 1e3);
    std::printf("  detect   %8.0fx   (%.1f ms)\n", kClipSeconds / detectTime.median,
                detectTime.median * 1e3);
    std::printf("  sox read+write WAV (floor) %8.0fx   (%.1f ms)\n", kClipSeconds / soxTime.median,
                soxTime.median * 1e3);
    std::printf("  lame -b 128 encode         %8.0fx   (%.1f ms)\n", kClipSeconds / lameTime.median,
                lameTime.median * 1e3);
    fs::remove_all(scratch);
    return 0;
}

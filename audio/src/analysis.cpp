#include "accord/audio/analysis.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"

#include <aubio/aubio.h>
#include <juce_audio_formats/juce_audio_formats.h>
#include <soxr.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <memory>
#include <mutex>

namespace accord::audio {
namespace {

namespace fs = std::filesystem;
using namespace analysis;

constexpr double kPi = 3.14159265358979323846;
constexpr int kReadBlock = 16384;
constexpr int kBitsPerSample = 24;
constexpr int kFlacQualityIndex = 5; // JUCE's "5" of 0 (fastest) .. 8 (smallest)
constexpr double kMaxSampleRate = 768000;
constexpr double kLogFloor = 1e-10; // added to energies before a logarithm

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
    throw BadInput(path + ": " + problem);
}

juce::File juceFile(const std::string& path) {
    const std::string absolute = fs::absolute(fs::path(path)).lexically_normal().string();
    return juce::File(juce::String(juce::CharPointer_UTF8(absolute.c_str())));
}

std::string lowerExtension(const std::string& path) {
    std::string extension = fs::path(path).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension;
}

// FFTW's planner (aubio's FFT back end here) is not thread-safe: create and destroy aubio
// objects under one lock; running them is safe.
std::mutex& aubioLock() {
    static std::mutex lock;
    return lock;
}

struct AubioDeleter {
    void operator()(aubio_pitch_t* p) const {
        const std::lock_guard<std::mutex> guard(aubioLock());
        del_aubio_pitch(p);
    }
    void operator()(aubio_fft_t* p) const {
        const std::lock_guard<std::mutex> guard(aubioLock());
        del_aubio_fft(p);
    }
    void operator()(fvec_t* p) const { del_fvec(p); }
};
template <typename T> using AubioPtr = std::unique_ptr<T, AubioDeleter>;

std::vector<float> makeHann(int size) {
    std::vector<float> window(static_cast<size_t>(size));
    for (int n = 0; n < size; ++n)
        window[static_cast<size_t>(n)] =
            static_cast<float>(0.5 - 0.5 * std::cos(2.0 * kPi * n / size));
    return window;
}

double hzToMel(double hz) {
    return 2595.0 * std::log10(1.0 + hz / 700.0);
}
double melToHz(double mel) {
    return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
}

// Triangular HTK-mel filters on the STFT bins (kMelBands x kSpectrumBins).
const std::vector<float>& melFilters() {
    static const std::vector<float> filters = [] {
        std::vector<float> weights(static_cast<size_t>(kMelBands * kSpectrumBins), 0.0f);
        const double top = hzToMel(kSampleRate / 2.0);
        std::vector<double> edges(kMelBands + 2);
        for (int i = 0; i < kMelBands + 2; ++i)
            edges[static_cast<size_t>(i)] = melToHz(top * i / (kMelBands + 1));
        for (int band = 0; band < kMelBands; ++band) {
            const double lo = edges[static_cast<size_t>(band)];
            const double mid = edges[static_cast<size_t>(band + 1)];
            const double hi = edges[static_cast<size_t>(band + 2)];
            for (int k = 0; k < kSpectrumBins; ++k) {
                const double hz = static_cast<double>(k) * kSampleRate / kSpectrumSize;
                double w = 0;
                if (hz > lo && hz <= mid)
                    w = (hz - lo) / (mid - lo);
                else if (hz > mid && hz < hi)
                    w = (hi - hz) / (hi - mid);
                weights[static_cast<size_t>(band * kSpectrumBins + k)] = static_cast<float>(w);
            }
        }
        return weights;
    }();
    return filters;
}

// Orthonormal DCT-II rows c0..c(kMfccCount-1) over kMelBands log energies.
const std::vector<float>& dctRows() {
    static const std::vector<float> rows = [] {
        std::vector<float> table(static_cast<size_t>(kMfccCount * kMelBands));
        for (int n = 0; n < kMfccCount; ++n) {
            const double scale = std::sqrt((n == 0 ? 1.0 : 2.0) / kMelBands);
            for (int m = 0; m < kMelBands; ++m)
                table[static_cast<size_t>(n * kMelBands + m)] =
                    static_cast<float>(scale * std::cos(kPi * n * (m + 0.5) / kMelBands));
        }
        return table;
    }();
    return rows;
}

// Zero-phase low-pass (a 2nd-order Butterworth biquad run forwards then backwards, twice) for
// the pitch tracker only: yin then follows the lower harmonics, where a voice is most periodic,
// rather than fricatives and breath above 2 kHz; zero phase keeps the track aligned in time.
std::vector<float> lowpassForPitch(const std::vector<float>& samples) {
    constexpr double kPitchLowpassHz = 2000.0;
    const double w = 2 * kPi * kPitchLowpassHz / kSampleRate;
    const double alpha = std::sin(w) / (2 * std::sqrt(0.5));
    const double a0 = 1 + alpha;
    const double b0 = (1 - std::cos(w)) / 2 / a0, b1 = (1 - std::cos(w)) / a0, b2 = b0;
    const double a1 = -2 * std::cos(w) / a0, a2 = (1 - alpha) / a0;
    std::vector<double> x(samples.begin(), samples.end());
    const auto pass = [&](bool backwards) {
        double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
        const size_t n = x.size();
        for (size_t i = 0; i < n; ++i) {
            double& v = x[backwards ? n - 1 - i : i];
            const double y = b0 * v + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
            x2 = x1;
            x1 = v;
            y2 = y1;
            y1 = y;
            v = y;
        }
    };
    for (int round = 0; round < 2; ++round) {
        pass(false);
        pass(true);
    }
    return std::vector<float>(x.begin(), x.end());
}

// aubio interpolates the minimum of yin's *normalised* difference d'(tau) = d(tau) tau / sum d,
// whose normalisation slopes across the dip when the dip does not reach zero (a periodicity of
// 0.8). The raw difference d(tau) = sum_j (x_j - x_{j+tau})^2 over the same span has no such
// slope (white noise adds a constant), so its parabola around yin's period refines the period.
float refinePeriod(const std::vector<float>& samples, std::int64_t start, float f0) {
    constexpr int W = kPitchWindow / 2;
    const auto length = static_cast<std::int64_t>(samples.size());
    const auto at = [&](std::int64_t i) {
        return (i >= 0 && i < length) ? samples[static_cast<size_t>(i)] : 0.0f;
    };
    const auto difference = [&](int tau) {
        double sum = 0;
        for (int j = 0; j < W; ++j) {
            const double d = static_cast<double>(at(start + j)) - at(start + j + tau);
            sum += d * d;
        }
        return sum;
    };
    const int guess = static_cast<int>(std::lround(kSampleRate / static_cast<double>(f0)));
    if (guess < 3 || guess + 2 >= W)
        return f0;
    std::array<double, 5> d{};
    for (int i = 0; i < 5; ++i)
        d[static_cast<size_t>(i)] = difference(guess - 2 + i);
    const auto best = static_cast<int>(std::min_element(d.begin() + 1, d.end() - 1) - d.begin());
    const double left = d[static_cast<size_t>(best - 1)], middle = d[static_cast<size_t>(best)],
                 right = d[static_cast<size_t>(best + 1)];
    const double curvature = left - 2 * middle + right;
    const double shift =
        curvature > 0 ? std::clamp(0.5 * (left - right) / curvature, -0.5, 0.5) : 0.0;
    const double period = guess - 2 + best + shift;
    return static_cast<float>(kSampleRate / period);
}

// One aubio output: a pitch estimate for the instant `centre` (in samples of the signal).
struct PitchPoint {
    double centre = 0;
    float f0 = 0;
    float confidence = 0;
};

// Runs aubio yinfast over the signal and returns each estimate with the instant it describes.
// aubio's pitch object keeps the last kPitchWindow samples and, for a call that brings samples up
// to position e, analyses [e - N, e). Yin compares x[j] with x[j + T] for j < N/2, so it looks at
// [e - N, e - N/2 + T): its estimate describes the middle of that span, (N/2 + T)/2 after the
// buffer's start. Using that instant (rather than the call time, which lags by ~N - (N/2+T)/2,
// about 45 ms or 5-6 frames here) is what keeps resynthesis in tune (DESIGN.md measured 72 vs
// 7 cents; tests/audio/test_analysis.cpp checks the alignment with a chirp).
std::vector<PitchPoint> trackPitch(const std::vector<float>& samples, const AnalysisOptions& opt) {
    constexpr int N = kPitchWindow;
    constexpr int lead = N / 2; // zeros before the signal so the first estimates centre before 0
    AubioPtr<aubio_pitch_t> pitch;
    {
        const std::lock_guard<std::mutex> guard(aubioLock());
        pitch.reset(new_aubio_pitch("yinfast", N, kPitchHop, kSampleRate));
    }
    if (!pitch)
        throw std::runtime_error("aubio: cannot create a yinfast pitch tracker");
    aubio_pitch_set_unit(pitch.get(), "Hz");
    aubio_pitch_set_silence(pitch.get(), -200.0f); // voicing is decided here, not by aubio
    aubio_pitch_set_tolerance(pitch.get(), static_cast<float>(opt.pitchTolerance));
    AubioPtr<fvec_t> block(new_fvec(kPitchHop));
    AubioPtr<fvec_t> out(new_fvec(1));

    const auto length = static_cast<std::int64_t>(samples.size());
    const std::int64_t total = lead + length + N; // trailing zeros flush the last frames
    std::vector<PitchPoint> points;
    points.reserve(static_cast<size_t>(total / kPitchHop + 1));
    double previousCentre = -1e18;
    for (std::int64_t end = kPitchHop; end <= total; end += kPitchHop) {
        for (int n = 0; n < kPitchHop; ++n) {
            const std::int64_t at = end - kPitchHop + n - lead;
            block->data[n] = (at >= 0 && at < length) ? samples[static_cast<size_t>(at)] : 0.0f;
        }
        aubio_pitch_do(pitch.get(), block.get(), out.get());
        PitchPoint point;
        point.f0 = out->data[0];
        point.confidence = std::clamp(aubio_pitch_get_confidence(pitch.get()), 0.0f, 1.0f);
        const bool plausible = point.f0 >= opt.minF0 && point.f0 <= opt.maxF0;
        if (plausible)
            point.f0 = refinePeriod(samples, end - N - lead, point.f0);
        const double period = plausible ? kSampleRate / static_cast<double>(point.f0) : N / 4.0;
        const double start = static_cast<double>(end - N - lead);
        point.centre =
            std::max(start + (N / 2.0 + std::min(period, N / 2.0)) / 2.0, previousCentre + 1.0);
        previousCentre = point.centre;
        points.push_back(point);
    }
    return points;
}

// Yin's typical failure is a whole-number multiple of the period (f0/2, f0/3...) or, less often,
// half of it (2 f0), on a few frames. A voiced frame more than kJumpOctaves away from the median
// of the voiced frames within kContinuityFrames on either side is brought back by the integer
// ratio that lands nearest that median (if within kSnapOctaves), else marked unvoiced. A real
// leap (an octave in a song) survives: past its first frames the median is on the new note.
void repairOctaveErrors(std::vector<float>& f0, std::vector<std::uint8_t>& voiced) {
    constexpr int kContinuityFrames = 6;
    constexpr double kJumpOctaves = 0.35;
    constexpr double kSnapOctaves = 0.2;
    const auto frames = static_cast<std::int64_t>(f0.size());
    const std::vector<float> original = f0;
    const std::vector<std::uint8_t> wasVoiced = voiced;
    std::vector<double> window;
    for (std::int64_t t = 0; t < frames; ++t) {
        if (!wasVoiced[static_cast<size_t>(t)])
            continue;
        window.clear();
        for (std::int64_t u = std::max<std::int64_t>(0, t - kContinuityFrames);
             u <= std::min(frames - 1, t + kContinuityFrames); ++u)
            if (wasVoiced[static_cast<size_t>(u)])
                window.push_back(std::log2(original[static_cast<size_t>(u)]));
        if (window.size() < 3)
            continue;
        std::nth_element(window.begin(),
                         window.begin() + static_cast<std::ptrdiff_t>(window.size() / 2),
                         window.end());
        const double median = window[window.size() / 2];
        const double here = std::log2(original[static_cast<size_t>(t)]);
        if (std::abs(here - median) <= kJumpOctaves)
            continue;
        double best = 1e9, bestRatio = 1;
        for (const double ratio : {2.0, 3.0, 4.0, 5.0, 0.5, 1.0 / 3.0}) {
            const double distance = std::abs(here + std::log2(ratio) - median);
            if (distance < best) {
                best = distance;
                bestRatio = ratio;
            }
        }
        if (best <= kSnapOctaves)
            f0[static_cast<size_t>(t)] =
                static_cast<float>(original[static_cast<size_t>(t)] * bestRatio);
        else
            voiced[static_cast<size_t>(t)] = 0;
    }
}

void fillUnvoicedPitch(std::vector<float>& f0, const std::vector<std::uint8_t>& voiced) {
    const auto frames = static_cast<std::int64_t>(f0.size());
    std::int64_t previous = -1;
    for (std::int64_t t = 0; t <= frames; ++t) {
        if (t < frames && !voiced[static_cast<size_t>(t)])
            continue;
        // Frames previous+1 .. t-1 are unvoiced.
        for (std::int64_t u = previous + 1; u < t; ++u) {
            float value = 0;
            if (previous >= 0 && t < frames) {
                const double a = std::log(f0[static_cast<size_t>(previous)]);
                const double b = std::log(f0[static_cast<size_t>(t)]);
                const double x =
                    static_cast<double>(u - previous) / static_cast<double>(t - previous);
                value = static_cast<float>(std::exp(a + (b - a) * x));
            } else if (previous >= 0) {
                value = f0[static_cast<size_t>(previous)];
            } else if (t < frames) {
                value = f0[static_cast<size_t>(t)];
            }
            f0[static_cast<size_t>(u)] = value;
        }
        previous = t;
    }
}

} // namespace

// ---- files --------------------------------------------------------------------------------------

MultichannelAudio readAudio(const std::string& path) {
    std::error_code error;
    if (!fs::exists(fs::path(path), error))
        fail(path, "no such file");
    if (!fs::is_regular_file(fs::path(path), error))
        fail(path, "is not a regular file");
    juce::AudioFormatManager formats;
    formats.registerBasicFormats();
    const std::unique_ptr<juce::AudioFormatReader> reader(formats.createReaderFor(juceFile(path)));
    if (reader == nullptr)
        fail(path, "not an audio file JUCE can read (WAV, AIFF, FLAC, Ogg Vorbis, MP3)");
    if (reader->numChannels == 0 ||
        !(reader->sampleRate > 0 && reader->sampleRate <= kMaxSampleRate))
        fail(path, "audio without channels or with an invalid sample rate");
    if (reader->lengthInSamples <= 0)
        fail(path, "holds no samples (zero-length audio)");

    MultichannelAudio audio;
    audio.sampleRate = static_cast<int>(std::lround(reader->sampleRate));
    const int channels = static_cast<int>(reader->numChannels);
    const juce::int64 frames = reader->lengthInSamples;
    audio.channels.assign(static_cast<size_t>(channels),
                          std::vector<float>(static_cast<size_t>(frames)));
    std::vector<float*> at(static_cast<size_t>(channels));
    for (juce::int64 start = 0; start < frames; start += kReadBlock) {
        const int count = static_cast<int>(std::min<juce::int64>(kReadBlock, frames - start));
        for (int c = 0; c < channels; ++c)
            at[static_cast<size_t>(c)] = audio.channels[static_cast<size_t>(c)].data() + start;
        if (!reader->read(at.data(), channels, start, count))
            fail(path, "truncated or corrupt audio: decoding stopped at sample " +
                           std::to_string(start) + " of " + std::to_string(frames));
    }
    return audio;
}

MonoAudio readMonoAudio(const std::string& path) {
    MultichannelAudio all = readAudio(path);
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

void writeAudio(const std::string& path, const std::vector<std::vector<float>>& channels,
                int sampleRate) {
    const std::string extension = lowerExtension(path);
    std::unique_ptr<juce::AudioFormat> format;
    if (extension == ".wav")
        format = std::make_unique<juce::WavAudioFormat>();
    else if (extension == ".flac")
        format = std::make_unique<juce::FlacAudioFormat>();
    else
        fail(path, "unsupported output format '" + extension + "': use .wav or .flac");
    if (sampleRate <= 0 || sampleRate > kMaxSampleRate)
        fail(path, "invalid sample rate " + std::to_string(sampleRate));
    if (channels.empty())
        fail(path, "no channels to write");
    const size_t frames = channels[0].size();
    for (const auto& channel : channels)
        if (channel.size() != frames)
            fail(path, "channels of different lengths");

    juce::MemoryBlock bytes;
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
        juce::AudioBuffer<float> buffer(count, kReadBlock);
        for (size_t start = 0; start < frames; start += kReadBlock) {
            const int block = static_cast<int>(std::min<size_t>(kReadBlock, frames - start));
            for (int c = 0; c < count; ++c) {
                float* out = buffer.getWritePointer(c);
                const float* in = channels[static_cast<size_t>(c)].data() + start;
                for (int n = 0; n < block; ++n)
                    out[n] = std::clamp(in[n], -1.0f, 1.0f);
            }
            if (!writer->writeFromAudioSampleBuffer(buffer, 0, block))
                fail(path, "encoding failed");
        }
    } // the writer finishes the header and frees the stream here
    writeFileAtomically(path,
                        std::string(static_cast<const char*>(bytes.getData()), bytes.getSize()));
}

void writeMonoAudio(const std::string& path, const std::vector<float>& samples, int sampleRate) {
    writeAudio(path, {samples}, sampleRate);
}

std::vector<float> resample(const std::vector<float>& samples, double fromRate, double toRate) {
    if (!(fromRate > 0) || !(toRate > 0))
        throw BadInput("resample: invalid rates " + std::to_string(fromRate) + " -> " +
                       std::to_string(toRate));
    if (fromRate == toRate || samples.empty())
        return samples;
    const auto outLength =
        static_cast<size_t>(std::llround(static_cast<double>(samples.size()) * toRate / fromRate));
    std::vector<float> out(outLength);
    const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    size_t done = 0;
    const soxr_error_t error =
        soxr_oneshot(fromRate, toRate, 1, samples.data(), samples.size(), nullptr, out.data(),
                     outLength, &done, &io, &quality, nullptr);
    if (error)
        throw std::runtime_error(std::string("libsoxr: ") + error);
    out.resize(outLength, 0.0f); // soxr may deliver a sample less at the very end
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(std::min(done, outLength)), out.end(),
              0.0f);
    return out;
}

// ---- features -----------------------------------------------------------------------------------

double aWeightingPower(double hz) {
    const double f2 = hz * hz;
    const double num = 12194.0 * 12194.0 * f2 * f2;
    const double den = (f2 + 20.6 * 20.6) * std::sqrt((f2 + 107.7 * 107.7) * (f2 + 737.9 * 737.9)) *
                       (f2 + 12194.0 * 12194.0);
    const double ra = num / den;
    return ra * ra * std::pow(10.0, 2.0 / 10.0); // +2.00 dB: 0 dB at 1 kHz
}

const std::vector<float>& spectrumWindow() {
    static const std::vector<float> window = makeHann(kSpectrumSize);
    return window;
}

const std::vector<float>& loudnessWeights() {
    static const std::vector<float> weights = [] {
        double windowPower = 0;
        for (const float w : spectrumWindow())
            windowPower += static_cast<double>(w) * w;
        std::vector<float> table(kSpectrumBins);
        for (int k = 0; k < kSpectrumBins; ++k) {
            const double hz = static_cast<double>(k) * kSampleRate / kSpectrumSize;
            const double edge = (k == 0 || k == kSpectrumBins - 1) ? 0.5 : 1.0;
            table[static_cast<size_t>(k)] = static_cast<float>(
                edge * 2.0 / (kSpectrumSize * windowPower) * aWeightingPower(hz));
        }
        return table;
    }();
    return weights;
}

float levelDb(const float* power) {
    const std::vector<float>& weights = loudnessWeights();
    double sum = 0;
    for (int k = 0; k < kSpectrumBins; ++k)
        sum += static_cast<double>(weights[static_cast<size_t>(k)]) * power[k];
    const double db = 10.0 * std::log10(sum + 1e-30);
    return static_cast<float>(std::max(db, kSilenceDb));
}

VoiceFeatures analyseVoice(const std::vector<float>& samples, const AnalysisOptions& options) {
    VoiceFeatures features;
    const auto length = static_cast<std::int64_t>(samples.size());
    const std::int64_t frames = (length + kHop - 1) / kHop;
    features.frames = frames;
    const auto count = static_cast<size_t>(frames);
    features.f0Hz.assign(count, 0.0f);
    features.periodicity.assign(count, 0.0f);
    features.voiced.assign(count, 0);
    features.loudnessDb.assign(count, static_cast<float>(kSilenceDb));
    features.mfcc.assign(count * kMfccCount, 0.0f);
    if (options.keepSpectrum)
        features.power.assign(count * kSpectrumBins, 0.0f);
    if (frames == 0)
        return features;

    // Pitch: aubio's estimates re-timed onto the frame centres by linear interpolation in time
    // (f0 only between two plausible neighbours; otherwise the nearer estimate).
    const std::vector<PitchPoint> points = trackPitch(lowpassForPitch(samples), options);
    size_t next = 0;
    for (std::int64_t t = 0; t < frames; ++t) {
        const double at = static_cast<double>(t * kHop);
        while (next < points.size() && points[next].centre < at)
            ++next;
        const PitchPoint& right = points[std::min(next, points.size() - 1)];
        const PitchPoint& left = points[next == 0 ? 0 : next - 1];
        const double span = right.centre - left.centre;
        const double x = span > 0 ? std::clamp((at - left.centre) / span, 0.0, 1.0) : 0.0;
        const auto plausible = [&](const PitchPoint& p) {
            return p.f0 >= options.minF0 && p.f0 <= options.maxF0;
        };
        float f0;
        if (plausible(left) && plausible(right))
            f0 = static_cast<float>(std::exp(std::log(left.f0) * (1 - x) + std::log(right.f0) * x));
        else
            f0 = x < 0.5 ? left.f0 : right.f0;
        const auto i = static_cast<size_t>(t);
        features.f0Hz[i] = f0;
        features.periodicity[i] =
            static_cast<float>(left.confidence * (1 - x) + right.confidence * x);
        features.voiced[i] = f0 >= options.minF0 && f0 <= options.maxF0 &&
                             features.periodicity[i] >= options.voicingThreshold;
    }
    // Single-frame blips take their neighbours' state.
    for (size_t i = 1; i + 1 < count; ++i)
        if (features.voiced[i - 1] == features.voiced[i + 1] &&
            features.voiced[i] != features.voiced[i - 1])
            features.voiced[i] = features.voiced[i - 1];
    // Octave errors repaired; frames out of range (also ones voiced by the blip rule) unvoiced.
    repairOctaveErrors(features.f0Hz, features.voiced);
    for (size_t i = 0; i < count; ++i)
        if (features.f0Hz[i] < options.minF0 || features.f0Hz[i] > options.maxF0)
            features.voiced[i] = 0;
    fillUnvoicedPitch(features.f0Hz, features.voiced);

    // STFT frames centred on t * kHop: level, MFCCs, optionally the power spectrum.
    AubioPtr<aubio_fft_t> fft;
    {
        const std::lock_guard<std::mutex> guard(aubioLock());
        fft.reset(new_aubio_fft(kSpectrumSize));
    }
    if (!fft)
        throw std::runtime_error("aubio: cannot create an FFT of " + std::to_string(kSpectrumSize));
    AubioPtr<fvec_t> frame(new_fvec(kSpectrumSize));
    AubioPtr<fvec_t> spectrum(new_fvec(kSpectrumSize)); // aubio's packed real/imaginary layout
    const std::vector<float>& window = spectrumWindow();
    const std::vector<float>& mel = melFilters();
    const std::vector<float>& dct = dctRows();
    // The bins where each triangular filter is not zero.
    std::vector<std::pair<int, int>> melSpan(kMelBands, {0, 0});
    for (int band = 0; band < kMelBands; ++band) {
        const float* w = mel.data() + static_cast<size_t>(band) * kSpectrumBins;
        int first = kSpectrumBins, last = -1;
        for (int k = 0; k < kSpectrumBins; ++k)
            if (w[k] != 0.0f) {
                first = std::min(first, k);
                last = k;
            }
        melSpan[static_cast<size_t>(band)] = {first, last + 1};
    }
    std::vector<float> power(kSpectrumBins);
    std::vector<float> logMel(kMelBands);
    for (std::int64_t t = 0; t < frames; ++t) {
        const std::int64_t start = t * kHop - kSpectrumSize / 2;
        for (int n = 0; n < kSpectrumSize; ++n) {
            const std::int64_t at = start + n;
            frame->data[n] = (at >= 0 && at < length)
                                 ? samples[static_cast<size_t>(at)] * window[static_cast<size_t>(n)]
                                 : 0.0f;
        }
        aubio_fft_do_complex(fft.get(), frame.get(), spectrum.get());
        const float* z = spectrum->data; // re[0..N/2], then im[N/2-1..1] at z[N - k]
        power[0] = z[0] * z[0];
        for (int k = 1; k < kSpectrumBins - 1; ++k)
            power[static_cast<size_t>(k)] =
                z[k] * z[k] + z[kSpectrumSize - k] * z[kSpectrumSize - k];
        power[kSpectrumBins - 1] = z[kSpectrumSize / 2] * z[kSpectrumSize / 2];
        const auto i = static_cast<size_t>(t);
        features.loudnessDb[i] = levelDb(power.data());
        for (int band = 0; band < kMelBands; ++band) {
            double energy = 0;
            const float* w = mel.data() + static_cast<size_t>(band) * kSpectrumBins;
            for (int k = melSpan[static_cast<size_t>(band)].first;
                 k < melSpan[static_cast<size_t>(band)].second; ++k)
                energy += static_cast<double>(w[k]) * power[static_cast<size_t>(k)];
            logMel[static_cast<size_t>(band)] = static_cast<float>(std::log(energy + kLogFloor));
        }
        for (int c = 0; c < kMfccCount; ++c) {
            double sum = 0;
            for (int band = 0; band < kMelBands; ++band)
                sum += static_cast<double>(dct[static_cast<size_t>(c * kMelBands + band)]) *
                       logMel[static_cast<size_t>(band)];
            features.mfcc[i * kMfccCount + static_cast<size_t>(c)] = static_cast<float>(sum);
        }
        if (options.keepSpectrum)
            std::copy(power.begin(), power.end(),
                      features.power.begin() + static_cast<std::ptrdiff_t>(i * kSpectrumBins));
    }
    return features;
}

double medianCentsError(const VoiceFeatures& a, const VoiceFeatures& b) {
    std::vector<double> errors;
    const auto frames = static_cast<size_t>(std::min(a.frames, b.frames));
    for (size_t t = 0; t < frames; ++t)
        if (a.voiced[t] && b.voiced[t] && a.f0Hz[t] > 0 && b.f0Hz[t] > 0)
            errors.push_back(
                std::abs(1200.0 * std::log2(static_cast<double>(a.f0Hz[t]) / b.f0Hz[t])));
    if (errors.empty())
        return -1;
    const auto middle = errors.begin() + static_cast<std::ptrdiff_t>(errors.size() / 2);
    std::nth_element(errors.begin(), middle, errors.end());
    return *middle;
}

} // namespace accord::audio

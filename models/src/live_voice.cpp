// The live voice node (live_voice.h): streaming analysis, network and synthesis at 16 kHz, and the
// band above it at the host rate (voice_high_band.h).
// No Torch here: the weights are copied out of the network once.

#include "accord/models/live_voice.h"

#include "plain_voice_network.h"
#include "voice_dsp.h"
#include "voice_model_access.h"

#include "accord/core/errors.h"
#include "accord/core/thread_checks.h"
#include "accord/dsp/causal_voice_analyser.h"
#include "accord/dsp/fft.h"
#include "accord/dsp/no_denormals.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace accord::models {
namespace {

namespace an = dsp::analysis;
using voice::kBins;
using voice::kConditioningSize;

constexpr double kPi = 3.14159265358979323846;
constexpr int kRate = an::kSampleRate;                             // 16 kHz
constexpr int kHop = an::kHop;                                     // 128 samples, 8 ms
constexpr int kFrameLag = dsp::CausalVoiceAnalyser::kPlacementLag; // 2 ms
constexpr double kCutoffHz = 7000.0;                               // of both resamplers
constexpr int kUpHalfWidth = 8;             // taps each side at 16 kHz (0.5 ms)
constexpr double kDownHalfSeconds = 0.0005; // the same half width at the host rate
constexpr double kKaiserBeta = 6.0;
constexpr int kKernelSteps = 512; // kernel table resolution per sample
constexpr double kMinF0 = dsp::PitchOptions{}.minF0;
constexpr double kSilentInputDb = -100; // digital silence: not part of the statistics
constexpr double kLevelLowDb = -120, kLevelBinDb = 0.5;
constexpr int kLevelBins = 300; // -120 .. +30 dB
constexpr int kF0BinsPerOctave = 48;
constexpr int kF0Bins = 216;             // 50 Hz .. > 1100 Hz
constexpr double kDefaultMedianF0 = 150; // as the offline conditioning without voice
constexpr double kSilentMarginDb = 50, kSilentFloorDb = -75;
constexpr int kCepstra = kConditioningSize - 4; // c1..c12
constexpr int kNoiseFrame = voice::kNoiseFrame; // 256
constexpr int kNoiseBins = voice::kNoiseBins;
constexpr int kRing16 = 2048; // 16 kHz output history (the upsampler reads behind synthesis)

int ringSizeFor(int frames) {
    int size = 1;
    while (size < frames)
        size <<= 1;
    return size;
}

double besselI0(double x) {
    double sum = 1, term = 1;
    for (int k = 1; k < 50; ++k) {
        term *= (x / (2 * k)) * (x / (2 * k));
        sum += term;
    }
    return sum;
}

// sinc(2 fc t) Kaiser-windowed over |t| < halfWidth, t in samples of `rate`, tabulated.
std::vector<float> kernelTable(double rate, double halfWidth) {
    const int size = int(std::ceil(halfWidth * kKernelSteps)) + 2;
    std::vector<float> table(std::size_t(size), 0.0f);
    for (int i = 0; i < size; ++i) {
        const double t = double(i) / kKernelSteps;
        if (t >= halfWidth)
            continue;
        const double x = 2 * kCutoffHz / rate * t;
        const double sinc = x == 0 ? 1.0 : std::sin(kPi * x) / (kPi * x);
        const double r = t / halfWidth;
        table[std::size_t(i)] =
            float(sinc * besselI0(kKaiserBeta * std::sqrt(1 - r * r)) / besselI0(kKaiserBeta));
    }
    return table;
}

float lookup(const std::vector<float>& table, double t) {
    const double x = std::abs(t) * kKernelSteps;
    const auto i = std::size_t(x);
    if (i + 1 >= table.size())
        return 0.0f;
    const double f = x - double(i);
    return float(table[i] * (1 - f) + table[i + 1] * f);
}

// Synthesiser parameters of one frame.
struct FrameParameters {
    float f0 = 0;
    std::vector<float> amplitudes; // per harmonic (capacity reserved: no allocation per frame)
    int harmonics = 0;
};

} // namespace

struct LiveVoice::Impl {
    // ---- the model (copied at construction) ----
    voice::VoiceConfig config;
    voice::DenseLayer input, head;
    std::vector<voice::DenseLayer> convs;
    voice::SourceShape source;
    voice::HighBandModel highBandModel;
    double transpose = 1;

    // ---- fixed tables ----
    const std::vector<float>& noiseTable = voice::noiseSpectra(); // as the offline synthesiser's
    const std::vector<float>& synthesisWindow = voice::noiseGrainWindow();
    dsp::RealFft noiseFft{kNoiseFrame};

    // ---- prepared for the host rate ----
    int rate = 0;
    int downHalf = 0; // taps each side at the host rate
    int latency = 0;
    std::vector<float> downKernel, upKernel;
    int hostMask = 0, outMask = 0;
    std::vector<float> hostIn;  // host input by absolute index
    std::vector<float> hostOut; // host output by absolute index (content time)
    std::int64_t hostCount = 0; // host frames received
    std::int64_t hostMade = 0;  // host output frames computed

    // ---- 16 kHz streams (rings by absolute index) ----
    dsp::CausalVoiceAnalyser analyser; // the 16 kHz input and its frames
    std::vector<float> y16, noiseTail;
    std::int64_t made16 = 0; // 16 kHz output samples made (content-aligned with the input)

    // ---- running normalisation ----
    std::array<double, kLevelBins> levelHistogram{};
    double levelFrames = 0;
    std::array<double, kF0Bins> f0Histogram{};
    double f0Frames = 0;
    std::array<double, kCepstra> mfccMean{}, mfccSquare{};
    double mfccFrames = 0;

    // ---- network state ----
    std::vector<std::vector<float>> history; // per layer: its past inputs, a ring of frames
    std::vector<int> historyFrames;
    std::vector<float> conditioning, hidden, taps, convOut, activated, controls;

    // ---- synthesis state ----
    voice::FrameShaper shaper;
    FrameParameters previous, current;
    std::array<float, voice::kGlideFrames> recentF0{};      // synthesised f0, frames t - 4 .. t
    std::array<float, voice::kGlideFrames> recentHeardF0{}; // the input's (0: unvoiced)
    std::vector<float> noisePsd;
    std::array<float, voice::kHighBands> highBandDensities{};
    voice::TypicalBrightness typicalBrightness;   // the input's voiced frames' so far
    std::optional<voice::HighBandVoice> highBand; // at the host rate, made by prepare()
    voice::HarmonicOscillators oscillators;
    std::mt19937_64 random{0x5eed};

    static std::unique_ptr<Impl> fromModel(const VoiceModel& model) {
        const voice::PlainVoiceNetwork& network = VoiceModelAccess::network(model);
        return std::make_unique<Impl>(network.config(), network.input(), network.convs(),
                                      network.head(), VoiceModelAccess::source(model),
                                      VoiceModelAccess::highBand(model));
    }

    // A fresh stream on these weights.
    Impl(const voice::VoiceConfig& networkConfig, voice::DenseLayer inputLayer,
         std::vector<voice::DenseLayer> convLayers, voice::DenseLayer headLayer,
         voice::SourceShape sourceShape, voice::HighBandModel highBandShape)
        : config(networkConfig), input(std::move(inputLayer)), head(std::move(headLayer)),
          convs(std::move(convLayers)), source(std::move(sourceShape)),
          highBandModel(highBandShape), shaper(config, source, highBandModel) {
        y16.assign(kRing16, 0.0f);
        noiseTail.assign(kNoiseFrame, 0.0f);
        const int channels = config.channels;
        for (int l = 0; l < config.layers; ++l) {
            const int span = (config.kernel - 1) * (1 << l) + 1;
            historyFrames.push_back(span);
            history.emplace_back(std::size_t(span * channels), 0.0f);
        }
        conditioning.resize(kConditioningSize);
        hidden.resize(std::size_t(channels));
        taps.resize(std::size_t(channels * config.kernel));
        convOut.resize(std::size_t(channels));
        activated.resize(std::size_t(channels));
        controls.resize(std::size_t(config.outputs()));
        previous.amplitudes.assign(std::size_t(voice::FrameShaper::maxHarmonics()), 0.0f);
        current.amplitudes.assign(std::size_t(voice::FrameShaper::maxHarmonics()), 0.0f);
        noisePsd.resize(kNoiseBins);
    }

    // ---- resampling (positions as exact rationals: no drift) ----

    // 16 kHz sample m sits at host position m * rate / kRate.
    bool canDownsample(std::int64_t m) const { return (m * rate) / kRate + downHalf < hostCount; }
    float downsample(std::int64_t m) const {
        const std::int64_t base = (m * rate) / kRate;
        const double fraction = double((m * rate) % kRate) / kRate;
        double sum = 0, weights = 0;
        for (std::int64_t k = base - downHalf + 1; k <= base + downHalf; ++k) {
            const double w = lookup(downKernel, double(base - k) + fraction);
            weights += w;
            if (k >= 0)
                sum += w * hostIn[std::size_t(k & hostMask)];
        }
        return float(sum / weights);
    }
    // Host output n sits at 16 kHz position n * kRate / rate.
    bool canUpsample(std::int64_t n) const { return (n * kRate) / rate + kUpHalfWidth < made16; }
    float upsample(std::int64_t n) const {
        const std::int64_t base = (n * kRate) / rate;
        const double fraction = double((n * kRate) % rate) / rate;
        double sum = 0, weights = 0;
        for (std::int64_t j = base - kUpHalfWidth + 1; j <= base + kUpHalfWidth; ++j) {
            const double w = lookup(upKernel, double(base - j) + fraction);
            weights += w;
            if (j >= 0)
                sum += w * y16[std::size_t(j & (kRing16 - 1))];
        }
        return float(sum / weights);
    }

    // The host frames out that a given number of host frames in allows (for the latency).
    static std::int64_t outputsAllowed(std::int64_t hostFrames, int hostRate, int half) {
        // 16 kHz samples m with m * rate / kRate + half < hostFrames.
        const std::int64_t limit = hostFrames - half; // (m * rate) / kRate < limit
        const std::int64_t samples16 = limit <= 0 ? 0 : (limit * kRate - 1) / hostRate + 1;
        const std::int64_t hops = samples16 / kHop;
        const std::int64_t made = hops > 0 ? hops * kHop - kFrameLag : 0;
        // Host n with n * kRate / rate + kUpHalfWidth < made.
        const std::int64_t upLimit = made - kUpHalfWidth;
        return upLimit <= 0 ? 0 : (upLimit * hostRate - 1) / kRate + 1;
    }

    void prepare(int sampleRate, int maxBlock) {
        if (sampleRate < 8000 || sampleRate > 768000)
            throw BadInput("live voice: unsupported sample rate " + std::to_string(sampleRate));
        rate = sampleRate;
        downHalf = int(std::ceil(kDownHalfSeconds * rate));
        downKernel = kernelTable(rate, downHalf);
        upKernel = kernelTable(kRate, kUpHalfWidth);
        // The latency: the most any output frame has to wait for, over many hops.
        std::int64_t worst = 0;
        for (std::int64_t n = 0; n < 40 * std::int64_t(rate) / 100; ++n) {
            // Output frame n + L needs host output n made with input up to frame n + L.
            std::int64_t lo = 0, hi = 4 * rate;
            while (lo < hi) { // smallest input count that allows output n
                const std::int64_t mid = (lo + hi) / 2;
                if (outputsAllowed(mid, rate, downHalf) > n)
                    hi = mid;
                else
                    lo = mid + 1;
            }
            worst = std::max(worst, lo - 1 - n);
        }
        latency = int(worst);
        const int ring = ringSizeFor(latency + 2 * std::max(maxBlock, 1) + 4 * downHalf + 64);
        hostIn.assign(std::size_t(ring), 0.0f);
        hostOut.assign(std::size_t(ring), 0.0f);
        hostMask = ring - 1;
        outMask = ring - 1;
        highBand.emplace(highBandModel, rate);
    }

    // ---- one frame every hop ----

    double levelPercentile(double fraction) const {
        double seen = 0;
        const double wanted = fraction * levelFrames;
        for (int i = 0; i < kLevelBins; ++i) {
            seen += levelHistogram[std::size_t(i)];
            if (seen >= wanted && seen > 0)
                return kLevelLowDb + (i + 0.5) * kLevelBinDb;
        }
        return kLevelLowDb + kLevelBins * kLevelBinDb;
    }

    double medianF0() const {
        if (f0Frames <= 0)
            return kDefaultMedianF0;
        double seen = 0;
        for (int i = 0; i < kF0Bins; ++i) {
            seen += f0Histogram[std::size_t(i)];
            if (seen >= 0.5 * f0Frames)
                return kMinF0 * std::pow(2.0, (i + 0.5) / kF0BinsPerOctave);
        }
        return kDefaultMedianF0;
    }

    // Runs the network on the conditioning of frame `index` (0, 1, ...).
    void runNetwork(std::int64_t index) {
        const int channels = config.channels;
        input.apply(conditioning.data(), hidden.data());
        for (int l = 0; l < config.layers; ++l) {
            std::vector<float>& ring = history[std::size_t(l)];
            const int span = historyFrames[std::size_t(l)];
            const std::int64_t slot = index % span;
            std::copy(hidden.begin(), hidden.end(), ring.begin() + std::ptrdiff_t(slot * channels));
            const int dilation = 1 << l;
            for (int i = 0; i < config.kernel; ++i) {
                const std::int64_t past = ((index - i * dilation) % span + span) % span;
                std::copy_n(ring.begin() + std::ptrdiff_t(past * channels), channels,
                            taps.begin() + std::ptrdiff_t(i * channels));
            }
            convs[std::size_t(l)].apply(taps.data(), convOut.data());
            for (int c = 0; c < channels; ++c) {
                const float z = convOut[std::size_t(c)];
                hidden[std::size_t(c)] += voice::leakyRelu(z);
            }
        }
        for (int c = 0; c < channels; ++c) {
            const float h = hidden[std::size_t(c)];
            activated[std::size_t(c)] = voice::leakyRelu(h);
        }
        head.apply(activated.data(), controls.data());
    }

    // This frame's harmonic amplitudes and noise PSD (voice::FrameShaper, as offline). The
    // noise gate reads the performance's 32 ms window ending now, centred ~2 frames back (it
    // needs the harmonics resolved), and so does the share of each band above 3 kHz that is not
    // harmonic; an unvoiced frame's shape, a voiced frame's brightness and the aperiodic power
    // those shares take read the 8 ms window ending now, centred 2 ms before the frame, so a
    // sibilant is followed as it starts and ends (docs/ARCHITECTURE.md "Voice model", "Quiet and
    // unvoiced frames", "Voiced fricatives").
    // `heardF0`: the input's own f0 as measured (not followed: the gate's comb reads the harmonics
    // where they are; the followed f0 there made the output noisier, docs/ARCHITECTURE.md "Voice
    // model", "Live voicing"), 0 when unvoiced; `referenceDb`: the running 95th percentile of its
    // level.
    void frameParameters(float f0, bool voiced, float levelDb, float heardF0, double referenceDb) {
        std::rotate(recentF0.begin(), recentF0.begin() + 1, recentF0.end());
        recentF0.back() = f0;
        std::rotate(recentHeardF0.begin(), recentHeardF0.begin() + 1, recentHeardF0.end());
        recentHeardF0.back() = heardF0;
        voice::FrameShaper::Frame shape;
        shape.controls = controls.data();
        // Frames t - 2 .. t + 2 as the synthesiser will move: the future held.
        shape.glide = {recentF0[2], recentF0[3], f0, f0, f0};
        shape.voiced = voiced;
        shape.loudnessDb = levelDb;
        shape.belowReferenceDb = float(referenceDb - levelDb);
        shape.performancePower = analyser.recentPower().data();
        if (voiced && highBandModel.present()) {
            const double brightness = voice::lowBandShape(analyser.recentPower().data()).brightness;
            typicalBrightness.add(brightness);
            shape.brightnessDeviation = typicalBrightness.deviation(brightness);
        }
        const float windowCentreF0 = recentHeardF0[2];
        shape.performanceExcess =
            windowCentreF0 > 0
                ? voice::betweenHarmonicExcess(analyser.windowPower().data(), recentHeardF0)
                : -1.0;
        if (windowCentreF0 > 0) {
            shape.resolvedPerformancePower = analyser.windowPower().data();
            shape.performanceGlide = recentHeardF0;
        }
        current.f0 = f0;
        current.harmonics = shaper.shape(shape, current.amplitudes.data(), noisePsd.data(),
                                         highBandDensities.data());
    }

    // Output samples [centre - kHop, centre): harmonics moving from the previous frame to this
    // one, plus the noise grains overlapping them.
    void synthesise(std::int64_t centre) {
        const std::int64_t start = centre - kHop;
        std::array<float, kHop> out{};
        oscillators.addHop(previous.f0, current.f0, previous.amplitudes.data(), previous.harmonics,
                           current.amplitudes.data(), current.harmonics, kHop, out.data());

        // This frame's noise grain spans [centre - kHop, centre + kHop): its first half completes
        // these samples, its second half waits in noiseTail for the next frame.
        voice::makeNoiseGrain(noisePsd.data(),
                              noiseTable.data() +
                                  (random() % voice::kNoiseSpectra) * std::size_t(kNoiseBins) * 2,
                              noiseFft);
        const float* grain = noiseFft.samples();
        for (int n = 0; n < kHop; ++n) {
            out[std::size_t(n)] += noiseTail[std::size_t(n)] +
                                   synthesisWindow[std::size_t(n)] * grain[n] / kNoiseFrame;
            noiseTail[std::size_t(n)] =
                synthesisWindow[std::size_t(n + kHop)] * grain[n + kHop] / kNoiseFrame;
        }
        for (int n = 0; n < kHop; ++n)
            if (start + n >= 0)
                y16[std::size_t((start + n) & (kRing16 - 1))] = out[std::size_t(n)];
        made16 = centre;
        std::swap(previous, current);
    }

    // One analysed frame (placed kFrameLag before the newest 16 kHz sample): running
    // normalisation, network, synthesis of the hop before its placement.
    void frame(const dsp::CausalVoiceAnalyser::Frame& analysed) {
        const float levelDb = analysed.levelDb;
        const float f0 = analysed.f0Hz;
        const bool voiced = analysed.voiced;
        const float* mfcc = analysed.mfcc.data();

        // Running statistics over what the stream has heard (digital silence left out).
        if (levelDb > kSilentInputDb) {
            const int bin =
                std::clamp(int((levelDb - kLevelLowDb) / kLevelBinDb), 0, kLevelBins - 1);
            levelHistogram[std::size_t(bin)] += 1;
            levelFrames += 1;
        }
        const double referenceDb = levelFrames > 0 ? levelPercentile(0.95) : levelDb;
        if (voiced) {
            const int bin =
                std::clamp(int(std::log2(f0 / kMinF0) * kF0BinsPerOctave), 0, kF0Bins - 1);
            f0Histogram[std::size_t(bin)] += 1;
            f0Frames += 1;
        }
        const double median = medianF0();
        const bool active = levelDb > std::max(referenceDb - kSilentMarginDb, kSilentFloorDb);
        if (active && levelDb > kSilentInputDb) {
            mfccFrames += 1;
            for (int c = 0; c < kCepstra; ++c) {
                const double v = mfcc[c + 1];
                mfccMean[std::size_t(c)] += v;
                mfccSquare[std::size_t(c)] += v * v;
            }
        }

        conditioning[0] = float(std::clamp((levelDb - referenceDb) / 20.0, -4.0, 1.0));
        const double heard = f0 > 0 ? double(f0) : median;
        conditioning[1] = float(std::clamp(std::log2(heard / median), -2.0, 2.0));
        conditioning[2] = voiced ? 1.0f : 0.0f;
        conditioning[3] = analysed.periodicity;
        for (int c = 0; c < kCepstra; ++c) {
            double mean = 0, scale = 1;
            if (mfccFrames > 0) {
                mean = mfccMean[std::size_t(c)] / mfccFrames;
                const double variance = mfccSquare[std::size_t(c)] / mfccFrames - mean * mean;
                scale = 1.0 / std::sqrt(std::max(variance, 1e-6));
            }
            conditioning[std::size_t(4 + c)] =
                float(std::clamp((mfcc[c + 1] - mean) * scale, -5.0, 5.0));
        }
        runNetwork(analysed.index);
        frameParameters(float(f0 * transpose), voiced, levelDb, analysed.measuredF0Hz, referenceDb);
        synthesise(analysed.instant);
        highBand->pushFrame(analysed.instant, highBandDensities.data(), voiced,
                            float(f0 * transpose));
    }

    void process(const float* in, float* out, int count) {
        for (int i = 0; i < count; ++i)
            hostIn[std::size_t((hostCount + i) & hostMask)] = in[i];
        hostCount += count;
        while (canDownsample(analyser.samplesPushed()))
            if (analyser.push(downsample(analyser.samplesPushed())))
                frame(analyser.frame());
        while (canUpsample(hostMade)) {
            float& made = hostOut[std::size_t(hostMade & outMask)];
            made = upsample(hostMade);
            highBand->add(&made, hostMade, 1); // the band above 8 kHz, as offline
            ++hostMade;
        }
        for (int i = 0; i < count; ++i) {
            const std::int64_t n = hostCount - count + i - latency;
            out[i] = n >= 0 && n < hostMade ? hostOut[std::size_t(n & outMask)] : 0.0f;
        }
    }
};

LiveVoice::LiveVoice(const VoiceModel& model, double transposeSemitones)
    : impl_(Impl::fromModel(model)) {
    if (!(std::abs(transposeSemitones) <= 48))
        throw BadInput("transpose of " + std::to_string(transposeSemitones) +
                       " semitones is outside -48..48");
    impl_->transpose = std::pow(2.0, transposeSemitones / 12.0);
}

LiveVoice::LiveVoice(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

LiveVoice::~LiveVoice() = default;

std::shared_ptr<dsp::StreamProcessor> LiveVoice::clone() const {
    auto copy = std::make_unique<Impl>(impl_->config, impl_->input, impl_->convs, impl_->head,
                                       impl_->source, impl_->highBandModel);
    copy->transpose = impl_->transpose;
    return std::shared_ptr<LiveVoice>(new LiveVoice(std::move(copy)));
}

void LiveVoice::prepare(int sampleRate, int maxBlock) {
    impl_->prepare(sampleRate, maxBlock);
}

int LiveVoice::latencyFrames() const {
    return impl_->latency;
}

void LiveVoice::process(const float* in, float* out, int frames) {
    threads::assertNotInAudioCallback(
        "LiveVoice::process"); // an engine worker's, never the callback's
    const dsp::NoDenormals noDenormals;
    impl_->process(in, out, frames);
}

} // namespace accord::models

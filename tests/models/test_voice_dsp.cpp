// The voice model's signal side (models/src/voice_dsp.h) on synthetic voices whose truth is known:
// the gliding comb predicts what the analysis window sees of a harmonic tone whose pitch moves,
// betweenHarmonicExcess measures how much noise lies between a voice's harmonics, and the noise
// gate keeps a re-sung clean voice as clean as the performance (docs/ARCHITECTURE.md "Voice
// model"). Internal headers: linked like the library's own code.

#include "exp_of_each.h"
#include "test_support.h"
#include "voice_dsp.h"

#include "accord/dsp/analysis_constants.h"
#include "accord/dsp/fft.h"
#include "accord/dsp/level.h"
#include "accord/dsp/voice_features.h"
#include "accord/models/voice_model.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <complex>
#include <random>
#include <vector>

using namespace accord;
using namespace accord::models;

namespace {

namespace an = dsp::analysis;
constexpr double kPi = 3.14159265358979323846;
constexpr int kRate = an::kSampleRate;

// A harmonic tone whose f0 moves linearly from `from` to `to` Hz over `seconds`, every harmonic
// with the amplitude the comb assumes (a_h^2 = f0 / 100 Hz, faded towards the top), plus white
// noise of standard deviation `noise`.
std::vector<float> glidingTone(double from, double to, double seconds, double noise,
                               std::uint64_t seed = 1) {
    const auto length = std::size_t(seconds * kRate);
    std::vector<float> x(length);
    std::mt19937_64 random(seed);
    std::normal_distribution<double> gauss(0.0, noise > 0 ? noise : 1.0);
    double phase = 0;
    for (std::size_t n = 0; n < length; ++n) {
        const double f0 = from + (to - from) * double(n) / double(length);
        phase += 2 * kPi * f0 / kRate;
        double sum = 0;
        for (int h = 1; h * f0 < voice::kTopHz; ++h)
            sum += std::sqrt(voice::harmonicDensity(f0)) * voice::harmonicFade(h * f0) *
                   std::sin(h * phase);
        x[n] = float(0.05 * sum + (noise > 0 ? gauss(random) : 0.0));
    }
    return x;
}

// |X|^2 of the 32 ms analysis window centred on sample `centre`, scaled by `scale`.
std::vector<float> powerAt(const std::vector<float>& x, std::size_t centre, double scale = 1) {
    dsp::RealFft fft(an::kSpectrumSize);
    const std::vector<float>& w = dsp::spectrumWindow();
    for (int n = 0; n < an::kSpectrumSize; ++n)
        fft.samples()[n] =
            float(x[centre - an::kSpectrumSize / 2 + std::size_t(n)] * w[std::size_t(n)] / scale);
    fft.forward();
    std::vector<float> power(an::kSpectrumBins);
    dsp::powerSpectrum(fft.spectrum(), an::kSpectrumBins, power.data());
    return power;
}

double decibels(double ratio) {
    return 10 * std::log10(std::max(ratio, 1e-30));
}

double median(std::vector<double> values) {
    std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(values.size() / 2),
                     values.end());
    return values[values.size() / 2];
}

// The median betweenHarmonicExcess over a signal's voiced frames, from its own analysis.
double medianExcess(const std::vector<float>& x) {
    dsp::AnalysisOptions options;
    options.keepSpectrum = true;
    const dsp::VoiceFeatures features = dsp::analyseVoice(x, options);
    std::vector<double> excess;
    for (const float e : voice::performanceGate(features).excess)
        if (e >= 0)
            excess.push_back(std::max(double(e), 1e-6));
    return excess.empty() ? -1 : median(excess);
}

} // namespace

class TestVoiceDsp : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // The comb, computed harmonic by harmonic from a table of the window's response (1/64 bin,
    // interpolated), equals that response evaluated directly at every harmonic and image within
    // 6 bins of each bin: from a low voice whose images reach the first bins to a high one whose
    // harmonics fade out towards the top.
    void combIsTheWindowsResponseAtEveryHarmonic() {
        const std::vector<float>& w = dsp::spectrumWindow();
        const auto response = [&](double bins) { // |W(nu)|^2 of the analysis window
            std::complex<double> sum = 0;
            for (int n = 0; n < an::kSpectrumSize; ++n)
                sum += double(w[std::size_t(n)]) *
                       std::polar(1.0, -2 * kPi * bins * n / an::kSpectrumSize);
            return std::norm(sum);
        };
        for (const double f0 : {55.0, 97.3, 150.0, 233.7, 440.0, 1210.0}) {
            std::vector<float> comb(an::kSpectrumBins, 0.0f);
            voice::addHarmonicComb(f0, comb.data());
            const double spacing = f0 * an::kSpectrumSize / kRate;
            double worst = 0, peak = 0;
            for (int k = 0; k < an::kSpectrumBins; ++k) {
                double direct = 0;
                for (int h = 1; h * f0 < voice::kTopHz; ++h)
                    for (const double distance : {k - h * spacing, k + h * spacing})
                        if (std::abs(distance) <= 6)
                            direct += std::pow(voice::harmonicFade(h * f0), 2) * response(distance);
                direct *= voice::harmonicDensity(f0) / 4;
                worst = std::max(worst, std::abs(comb[std::size_t(k)] - direct));
                peak = std::max(peak, direct);
            }
            QVERIFY2(
                worst <= 2e-3 * peak,
                qPrintable(
                    QString("f0 %1 Hz: off by %2 of a peak of %3").arg(f0).arg(worst).arg(peak)));
        }
    }

    // A 150 -> 180 Hz glide over 50 ms (an ordinary sung slide): the stationary comb leaves the
    // upper harmonics' smeared energy unexplained between them; the gliding comb predicts it.
    void glidingCombPredictsAGlide() {
        const double seconds = 0.05, from = 150, to = 180;
        const std::vector<float> x = glidingTone(from, to, seconds, 0);
        const std::size_t centre = x.size() / 2;
        const std::vector<float> measured = powerAt(x, centre, 0.05);
        // The frame grid's f0 around the centre (frames 8 ms apart), as the analysis gives it.
        std::array<float, voice::kGlideFrames> glide{};
        for (int i = 0; i < voice::kGlideFrames; ++i) {
            const double at = double(centre) + (i - 2) * an::kHop;
            glide[std::size_t(i)] = float(from + (to - from) * at / double(x.size()));
        }
        std::vector<float> gliding(an::kSpectrumBins, 0.0f), stationary(an::kSpectrumBins, 0.0f);
        voice::addGlidingHarmonicComb(glide, gliding.data());
        voice::addHarmonicComb(glide[2], stationary.data());
        // Between the 10th and 20th harmonics (1.6-3.3 kHz): midway bins and peak bins.
        double glidingError = 0, stationaryError = 0;
        int bins = 0;
        const double f0 = glide[2];
        for (int h = 10; h < 20; ++h)
            for (const double at : {double(h), h + 0.5}) {
                const auto k = std::size_t(std::lround(at * f0 * an::kSpectrumSize / kRate));
                glidingError += std::abs(decibels(gliding[k] / measured[k]));
                stationaryError += std::abs(decibels(stationary[k] / measured[k]));
                ++bins;
            }
        glidingError /= bins;
        stationaryError /= bins;
        qInfo("mean |error| at peaks and midway: gliding comb %.1f dB, stationary %.1f dB",
              glidingError, stationaryError);
        QVERIFY2(glidingError < 3.0, qPrintable(QString::number(glidingError)));
        QVERIFY2(stationaryError > 2 * glidingError, qPrintable(QString::number(stationaryError)));
    }

    // Noise at a known level between the harmonics of a gliding voice is measured as such, and a
    // clean one reads (nearly) none: the comb accounts for the glide's own smear.
    void excessMeasuresTheNoiseBetweenHarmonics() {
        const double clean = medianExcess(glidingTone(140, 170, 2.0, 0));
        QVERIFY2(clean < 0.003, qPrintable(QString::number(clean))); // under -25 dB
        for (const double noise : {0.006, 0.02, 0.06}) {
            const double measured = medianExcess(glidingTone(140, 170, 2.0, noise, 7));
            // Expected: noise power at a bin (sigma^2 S) over a harmonic's peak ((0.05 a)^2 / 4
            // (sum w)^2, a^2 = f0 / 100 Hz at ~155 Hz).
            const std::vector<float>& w = dsp::spectrumWindow();
            double sum = 0;
            for (const float v : w)
                sum += v;
            const double peak = 0.05 * 0.05 * 1.55 / 4 * sum * sum;
            const double expected = noise * noise * dsp::spectrumWindowPower() / peak;
            qInfo("noise %.3f: excess %.1f dB, expected %.1f dB", noise, decibels(measured),
                  decibels(expected));
            QVERIFY2(std::abs(decibels(measured / expected)) < 2.5,
                     qPrintable(QString("%1 vs %2").arg(measured).arg(expected)));
        }
    }

    // An untrained model predicts flat envelopes: between the harmonics its noise alone would
    // read -21 dB. The gate brings a re-sung voice back to the performance's own noise: a breathy
    // one keeps its breath, a clean one comes out as clean as the synthesiser gets (about -31 dB
    // here: its oscillators follow the pitch tracker's frame-to-frame jitter).
    void theGateKeepsACleanVoiceClean() {
        const VoiceModel model = VoiceModel::untrained(1, 16);
        const auto resung = [&](double noise) {
            const std::vector<float> performance = glidingTone(140, 170, 2.0, noise, 3);
            const double in = decibels(medianExcess(performance));
            const double out = decibels(medianExcess(model.convert(performance, kRate)));
            qInfo("noise %.3f: between-harmonic excess in %.1f dB, out %.1f dB", noise, in, out);
            return std::make_pair(in, out);
        };
        // Ungated, the output would read about -20 dB; the synthesiser's own floor adds a little.
        const auto [breathyIn, breathyOut] = resung(0.02);
        QVERIFY2(std::abs(breathyOut - breathyIn) < 4, qPrintable(QString::number(breathyOut)));
        const auto [cleanIn, cleanOut] = resung(0.004);
        QVERIFY2(cleanIn < -38 && cleanOut < -28, qPrintable(QString::number(cleanOut)));
    }

    // A voice that starts after a silence, re-sung: the 32 ms before its onset are no louder than
    // the input's. The analysed levels there already reach into the onset; synthesised as they
    // were, the synthesiser's spread over neighbouring frames carried the onset earlier again
    // (+6 dB on real takes, docs/ARCHITECTURE.md "Voice model"; +9 dB here).
    void anOnsetIsNotHeardBeforeItStarts() {
        const VoiceModel model = VoiceModel::untrained(1, 16);
        std::vector<float> performance(std::size_t(0.5 * kRate));
        std::mt19937_64 random(5);
        std::normal_distribution<double> hiss(0.0, 1e-4);
        for (float& sample : performance)
            sample = float(hiss(random));
        const std::vector<float> voice = glidingTone(150, 150, 1.0, 1e-4, 6);
        performance.insert(performance.end(), voice.begin(), voice.end());
        const std::vector<float> in = dsp::analyseVoice(performance).loudnessDb;
        const std::vector<float> out =
            dsp::analyseVoice(model.convert(performance, kRate)).loudnessDb;
        // The onset: the first frame within 20 dB of the voice's level.
        const float voiceDb = in[in.size() - 20];
        std::size_t onset = 0;
        while (onset < in.size() && in[onset] < voiceDb - 20)
            ++onset;
        QVERIFY(onset >= 8 && onset + 8 < in.size());
        // Their energy (a level in dB per frame; the loudest frame, half into the onset, rules).
        double before = 0, inputBefore = 0;
        for (std::size_t t = onset - 4; t < onset; ++t) {
            before += std::pow(10.0, out[t] / 10.0);
            inputBefore += std::pow(10.0, in[t] / 10.0);
        }
        const double louder = decibels(before / inputBefore);
        qInfo("the 32 ms before the onset: output %.1f dB over the input's", louder);
        QVERIFY2(louder < 1.0, qPrintable(QString::number(louder)));
    }

    // Outside the voice's range H1 stands to H2 as the voice's own did at its nearest semitone;
    // inside, the network's envelope is left alone; the frame's loudness is kept either way.
    void theSourceKeepsTheVoicesH1H2OutsideItsRange() {
        voice::VoiceConfig config;
        const std::vector<float> flat(std::size_t(config.outputs()), 0.0f); // flat envelopes
        voice::SourceShape source;
        source.range = {100, 140, 200, 60};
        source.h1MinusH2 = {{45, 3.0f}, {50, 1.0f}, {55, 4.5f}}; // A2, D3, G3
        voice::FrameShaper plain(config, {}), shaped(config, source);
        std::vector<float> a(std::size_t(voice::FrameShaper::maxHarmonics())), b(a.size());
        std::vector<float> psd(voice::kNoiseBins);
        const auto run = [&](voice::FrameShaper& shaper, double f0, std::vector<float>& out) {
            voice::FrameShaper::Frame frame;
            frame.controls = flat.data();
            frame.glide.fill(float(f0));
            frame.voiced = true;
            frame.loudnessDb = -20;
            return shaper.shape(frame, out.data(), psd.data());
        };
        const auto h1h2 = [](const std::vector<float>& x) {
            return 20 * std::log10(double(x[0]) / x[1]);
        };
        const auto weighted = [&](const std::vector<float>& x, int harmonics, double f0) {
            const std::vector<float>& w = dsp::loudnessWeights();
            double sum = 0;
            for (int h = 0; h < harmonics; ++h)
                sum += double(x[std::size_t(h)]) * x[std::size_t(h)] *
                       w[std::size_t(std::lround((h + 1) * f0 * an::kSpectrumSize / kRate))];
            return sum;
        };
        // An octave above the top (400 Hz): G3's +4.5 dB.
        int n = run(shaped, 400, b);
        run(plain, 400, a);
        QVERIFY2(std::abs(h1h2(b) - 4.5) < 0.05, qPrintable(QString::number(h1h2(b))));
        QVERIFY(std::abs(weighted(a, n, 400) / weighted(b, n, 400) - 1) < 1e-3);
        // An octave below the bottom (50 Hz): A2's +3 dB.
        n = run(shaped, 50, b);
        QVERIFY2(std::abs(h1h2(b) - 3.0) < 0.05, qPrintable(QString::number(h1h2(b))));
        // Inside the range: untouched.
        n = run(shaped, 150, b);
        run(plain, 150, a);
        for (int h = 0; h < n; ++h)
            QCOMPARE(b[std::size_t(h)], a[std::size_t(h)]);
        // One semitone outside: a third of the way.
        run(shaped, 200 * std::pow(2.0, 1 / 12.0), b);
        run(plain, 200 * std::pow(2.0, 1 / 12.0), a);
        const double partial = h1h2(b) - h1h2(a);
        QVERIFY2(std::abs(partial - (4.5 - h1h2(a)) / 3) < 0.05,
                 qPrintable(QString::number(partial)));
    }

    // A tracker that reports a voice's second harmonic as its f0 is caught by the odd harmonics
    // that then sit where the reported f0 leaves valleys; the right f0 is not flagged, nor the
    // right f0 of a voice with a weak fundamental.
    void anOctaveTooHighIsRecognised() {
        const std::vector<float> x = glidingTone(140, 140, 0.1, 0.001);
        const std::vector<float> power = powerAt(x, x.size() / 2, 0.05);
        QVERIFY(!voice::trackedAnOctaveHigh(power.data(), 140));
        QVERIFY(voice::trackedAnOctaveHigh(power.data(), 280));
        QVERIFY(!voice::trackedAnOctaveHigh(power.data(), 70)); // too low is another matter
    }

    // Lowering H1 stops level with H2: a fundamental under its octave makes the pitch ambiguous.
    void h1IsNotLoweredUnderH2() {
        voice::VoiceConfig config;
        std::vector<float> sloped(std::size_t(config.outputs()), 0.0f);
        for (int j = 0; j < config.envelopeBands; ++j)
            sloped[std::size_t(j)] = -0.3f * float(j); // the envelope falls with frequency
        voice::SourceShape source;
        source.range = {100, 140, 200, 60};
        source.h1MinusH2 = {{55, -8.0f}}; // a voice whose H1 sits 8 dB under H2 at its top
        voice::FrameShaper plain(config, {}), shaped(config, source);
        std::vector<float> a(std::size_t(voice::FrameShaper::maxHarmonics())), b(a.size());
        std::vector<float> psd(voice::kNoiseBins);
        voice::FrameShaper::Frame frame;
        frame.controls = sloped.data();
        frame.glide.fill(400.0f);
        frame.voiced = true;
        frame.loudnessDb = -20;
        plain.shape(frame, a.data(), psd.data());
        shaped.shape(frame, b.data(), psd.data());
        const double before = 20 * std::log10(double(a[0]) / a[1]);
        const double after = 20 * std::log10(double(b[0]) / b[1]);
        QVERIFY2(before > 1, qPrintable(QString::number(before)));
        QVERIFY2(std::abs(after) < 0.05, qPrintable(QString::number(after)));
    }

    // The synthesiser's exponentials (shape() takes hundreds a frame) are std::exp's to a
    // float's rounding, capped and floored as shape() needs, for every value it can see.
    void exponentialsAreStdExpToAFloatsRounding() {
        std::mt19937_64 random(7);
        std::uniform_real_distribution<double> value(-800, 80);
        std::vector<double> x(100000);
        for (double& v : x)
            v = value(random);
        const double offset = 3.25, cap = 50;
        std::vector<float> single(x.size());
        std::vector<double> doubles(x.size());
        voice::expOfEach(x.data(), x.size(), offset, cap, single.data());
        voice::expOfEach(x.data(), x.size(), offset, cap, doubles.data());
        int differing = 0;
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double exact = std::exp(std::min(x[i] - offset, cap));
            if (single[i] != float(exact)) {
                ++differing;
                QVERIFY2(std::abs(single[i] / float(exact) - 1) < 1.2e-7,
                         qPrintable(QString::number(x[i])));
            }
            if (x[i] - offset > -700)
                QVERIFY2(std::abs(doubles[i] / exact - 1) < 1e-12,
                         qPrintable(QString::number(x[i])));
            else
                QVERIFY(doubles[i] < 1e-300);
        }
        QVERIFY2(differing < 10, qPrintable(QString::number(differing)));
    }

    // limitPeaks works run of peaks by run of peaks; it gives what the gain computed over the
    // whole take gives (the minimum of the needed gains over +-2 ms, then its mean over +-2 ms):
    // lone peaks, runs close enough to share windows, and peaks at both ends.
    void peaksAreLimitedAsOverTheWholeTake() {
        constexpr int kTakeRate = 22050;
        constexpr float kCeiling = 0.99f;
        std::mt19937_64 random(11);
        std::normal_distribution<float> gauss(0.0f, 0.25f);
        std::vector<float> take(kTakeRate);
        for (float& x : take)
            x = gauss(random);
        for (const std::size_t at :
             {std::size_t(0), std::size_t(3), std::size_t(1000), std::size_t(1100),
              std::size_t(1300), std::size_t(5000), std::size_t(5001), std::size_t(5200),
              std::size_t(9000), take.size() - 2, take.size() - 1})
            take[at] = (at % 2 ? -1.0f : 1.0f) * (1.0f + float(at % 7) / 10);
        const std::size_t n = take.size(), half = kTakeRate / 500;
        std::vector<float> needed(n, 1.0f), lowest(n, 1.0f);
        for (std::size_t i = 0; i < n; ++i)
            if (std::abs(take[i]) > kCeiling)
                needed[i] = kCeiling / std::abs(take[i]);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = i >= half ? i - half : 0; j <= std::min(n - 1, i + half); ++j)
                lowest[j] = std::min(lowest[j], needed[i]);
        std::vector<float> expected(take);
        for (std::size_t i = 0; i < n; ++i) {
            double sum = 0;
            const std::size_t from = i >= half ? i - half : 0, to = std::min(n - 1, i + half);
            for (std::size_t j = from; j <= to; ++j)
                sum += lowest[j];
            expected[i] = float(take[i] * std::min(sum / double(to + 1 - from), double(needed[i])));
        }
        std::vector<float> limited(take);
        voice::limitPeaks(limited, kTakeRate, kCeiling);
        for (std::size_t i = 0; i < n; ++i) {
            QVERIFY2(std::abs(limited[i]) <= kCeiling, qPrintable(QString::number(i)));
            QVERIFY2(std::abs(limited[i] - expected[i]) <= 1e-6f * std::abs(expected[i]),
                     qPrintable(QString::number(i)));
        }
        QVERIFY(limited[2000] == take[2000]); // far from every peak: untouched
    }

    // A recording's DC offset is no sound of the artist's: the quiet spectrum learned from a
    // real take is the same with an interface's offset added (docs/ARCHITECTURE.md "Voice model",
    // "Quiet frames"). Before, the offset filled the lowest band, which the synthesiser, keeping
    // the A-weighted level, raised into a loud rumble in the output's silences.
    void aDcOffsetLeavesTheQuietSpectrumAlone() {
        // Twelve of the low voice's takes, end to end: enough pauses for a quiet spectrum.
        std::vector<float> take;
        for (const char* clip :
             {"airplane/cs/let-v-budrada", "airplane/cs/let-v-oko", "airplane/cs/let-v-vrak0",
              "airplane/cs/let-v-vrak1", "airplane/cs/let-v-vrak2", "alibaba/cs/kni-v-amforstvi",
              "alibaba/cs/kni-v-ber", "alibaba/cs/kni-v-padavko", "alibaba/cs/kni-v-proc",
              "alibaba/cs/kni-v-prolezt", "alibaba/cs/kni-v-vypni", "atlantis/cs/sp-v-centrala"}) {
            const std::vector<float> samples =
                test::soxFloats(test::materialFile(QString("fillets-cs/%1.ogg").arg(clip)),
                                {"remix", "1", "rate", "16000"});
            take.insert(take.end(), samples.begin(), samples.end());
        }
        QVERIFY(take.size() > std::size_t(an::kSampleRate));
        std::vector<float> offset = take;
        for (float& x : offset)
            x -= 0.013f; // fillets-cs's "hs" speaker's files carry -0.008 to -0.014
        dsp::AnalysisOptions options;
        options.keepSpectrum = true;
        const dsp::VoiceFeatures clean = dsp::analyseVoice(take, options);
        const dsp::VoiceFeatures shifted = dsp::analyseVoice(offset, options);
        const voice::VoiceConfig config;
        const voice::QuietSpectrum a = voice::sourceShapeOf({&clean}, config.noiseBands).quiet;
        const voice::QuietSpectrum b = voice::sourceShapeOf({&shifted}, config.noiseBands).quiet;
        QCOMPARE(a.noiseBandsDb.size(), std::size_t(config.noiseBands));
        QCOMPARE(b.noiseBandsDb.size(), a.noiseBandsDb.size());
        for (std::size_t band = 0; band < a.noiseBandsDb.size(); ++band)
            QVERIFY2(std::abs(a.noiseBandsDb[band] - b.noiseBandsDb[band]) < 2.0,
                     qPrintable(QString("band %1: %2 dB clean, %3 dB with the offset")
                                    .arg(band)
                                    .arg(a.noiseBandsDb[band])
                                    .arg(b.noiseBandsDb[band])));
    }

    void octaveSuggestions() {
        const VoicePitchRange model{180, 250, 340, 60};
        const auto at = [](double median) { return VoicePitchRange{median, median, median, 1}; };
        QCOMPARE(suggestedOctaveTranspose(model, at(250), 0), 0);
        QCOMPARE(suggestedOctaveTranspose(model, at(125), 0), 12);   // an octave under
        QCOMPARE(suggestedOctaveTranspose(model, at(170), 0), 0);    // 6.7 semitones: close enough
        QCOMPARE(suggestedOctaveTranspose(model, at(500), 0), -12);  // an octave above
        QCOMPARE(suggestedOctaveTranspose(model, at(62.5), 0), 24);  // two under
        QCOMPARE(suggestedOctaveTranspose(model, at(125), 12), 0);   // already transposed up
        QCOMPARE(suggestedOctaveTranspose(model, at(250), -12), 12); // transposed away
        QCOMPARE(suggestedOctaveTranspose(model, VoicePitchRange{}, 0), 0); // no pitch heard
        QCOMPARE(QString::fromStdString(describePitchRange({98, 131, 294, 10})),
                 QString("G2\u2013D4 (98\u2013294 Hz, median C3)"));
        QCOMPARE(QString::fromStdString(describePitchRange({})), QString("no pitched sound"));
    }

    // A card written before Accord recorded ranges (its metrics have no "pitchRange") still
    // loads and has no range: the CLI and the studio say so instead of guessing one.
    void rangesFromCards() {
        QVERIFY(!trainedPitchRange("{}").has_value());
        QVERIFY(!trainedPitchRange("not json").has_value());
        QVERIFY(!trainedPitchRange(R"({"pitchRange": {"lowHz": 0, "medianHz": 0, "highHz": 0}})")
                     .has_value()); // a voice that was never pitched
        const auto range = trainedPitchRange(
            R"({"pitchRange": {"lowHz": 98, "medianHz": 131, "highHz": 294, "voicedSeconds": 10}})");
        QVERIFY(range.has_value());
        QCOMPARE(range->lowHz, 98.0);
        QCOMPARE(range->medianHz, 131.0);
        QCOMPARE(range->highHz, 294.0);
        QCOMPARE(range->voicedSeconds, 10.0);
    }
};

QTEST_GUILESS_MAIN(TestVoiceDsp)
#include "test_voice_dsp.moc"

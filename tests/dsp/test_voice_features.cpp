// The offline voice analysis (accord/dsp/voice_features.h): f0 on real recordings, its alignment
// with the audio (a chirp with a known pitch curve, and a real voice resynthesised from its own
// f0), a dominant harmonic not taken for the fundamental (offline and live), the A-weighted level,
// MFCC and spectrum shapes, libsoxr resampling, concurrent analyses.

#include "accord/audio/audio_io.h"
#include "accord/dsp/causal_voice_analyser.h"
#include "accord/dsp/level.h"
#include "accord/dsp/resample.h"
#include "accord/dsp/voice_features.h"

#include "test_support.h"
#include "voice_measures.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>
#include <thread>
#include <vector>

using namespace accord::dsp;
using accord::audio::MonoAudio;
using accord::audio::readMonoAudio;
namespace an = accord::dsp::analysis;

namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<float> at16k(const QString& path) {
    const MonoAudio audio = readMonoAudio(path.toStdString());
    return resample(audio.samples, audio.sampleRate, an::kSampleRate);
}

double median(std::vector<double> values) {
    if (values.empty())
        return std::nan("");
    std::nth_element(values.begin(), values.begin() + static_cast<long>(values.size() / 2),
                     values.end());
    return values[values.size() / 2];
}

// Median |cents| between the analysed f0 and a known curve, over voiced frames whose index is in
// [from, to), comparing frame t with the curve at frame t + shift.
double centsAgainst(const VoiceFeatures& f, const std::vector<double>& truth, int from, int to,
                    int shift) {
    std::vector<double> errors;
    for (int t = from; t < to; ++t) {
        const int u = t + shift;
        if (u < 0 || u >= static_cast<int>(truth.size()) || !f.voiced[static_cast<size_t>(t)])
            continue;
        errors.push_back(std::abs(
            1200.0 * std::log2(f.f0Hz[static_cast<size_t>(t)] / truth[static_cast<size_t>(u)])));
    }
    return median(errors);
}

// A sum of harmonics following f0 per frame (linear interpolation between frame centres), for
// voiced frames only: the simplest resynthesis of a pitch track.
std::vector<float> harmonicResynthesis(const VoiceFeatures& f, size_t length) {
    std::vector<float> out(length, 0.0f);
    double phase = 0;
    for (size_t n = 0; n < length; ++n) {
        const double position = static_cast<double>(n) / an::kHop;
        const auto t = std::min(static_cast<size_t>(position), static_cast<size_t>(f.frames - 1));
        const size_t u = std::min(t + 1, static_cast<size_t>(f.frames - 1));
        const double x = position - static_cast<double>(t);
        const double f0 = f.f0Hz[t] * (1 - x) + f.f0Hz[u] * x;
        const double gate = f.voiced[t] * (1 - x) + f.voiced[u] * x;
        phase += 2 * kPi * f0 / an::kSampleRate;
        double sample = 0;
        for (int h = 1; h <= 6 && h * f0 < an::kSampleRate / 2; ++h)
            sample += std::sin(h * phase) / h;
        out[n] = static_cast<float>(0.3 * gate * sample);
    }
    return out;
}

} // namespace

class TestVoiceFeatures : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void pianoA4IsA440() {
        ACCORD_REQUIRE_MATERIAL(path, "npm/piano-velocity10/audio/A4v10.ogg");
        const VoiceFeatures f = analyseVoice(at16k(path));
        std::vector<double> pitches;
        for (int64_t t = 0; t < std::min<int64_t>(f.frames, 125); ++t) // the first second
            if (f.voiced[static_cast<size_t>(t)])
                pitches.push_back(f.f0Hz[static_cast<size_t>(t)]);
        QVERIFY2(pitches.size() > 60, qPrintable(QString::number(pitches.size())));
        const double cents = 1200.0 * std::log2(median(pitches) / 440.0);
        qInfo("A4v10.ogg: median f0 %.2f Hz (%.1f cents from 440), %zu voiced frames",
              median(pitches), cents, pitches.size());
        QVERIFY2(std::abs(cents) < 25, qPrintable(QString::number(median(pitches))));
    }

    // An exponential chirp 110 -> 440 Hz over 2 s moves 12 cents per frame: the f0 track must sit
    // on the frame centres (best integer frame shift 0) and be within a few cents there.
    void chirpIsAlignedWithFrameCentres() {
        const double seconds = 2.0, lo = 110, hi = 440;
        const auto length = static_cast<size_t>(seconds * an::kSampleRate);
        std::vector<float> signal(length);
        double phase = 0;
        const auto f0At = [&](double time) { return lo * std::pow(hi / lo, time / seconds); };
        for (size_t n = 0; n < length; ++n) {
            const double f0 = f0At(static_cast<double>(n) / an::kSampleRate);
            phase += 2 * kPi * f0 / an::kSampleRate;
            signal[n] = static_cast<float>(0.4 * std::sin(phase) + 0.2 * std::sin(2 * phase) +
                                           0.1 * std::sin(3 * phase));
        }
        const VoiceFeatures f = analyseVoice(signal);
        QCOMPARE(f.frames, static_cast<int64_t>((length + an::kHop - 1) / an::kHop));
        std::vector<double> truth(static_cast<size_t>(f.frames));
        for (size_t t = 0; t < truth.size(); ++t)
            truth[t] = f0At(static_cast<double>(t * an::kHop) / an::kSampleRate);
        const int from = 20, to = static_cast<int>(f.frames) - 20;
        int bestShift = 99;
        double best = 1e9;
        for (int shift = -8; shift <= 8; ++shift) {
            const double cents = centsAgainst(f, truth, from, to, shift);
            if (cents < best) {
                best = cents;
                bestShift = shift;
            }
        }
        const double aligned = centsAgainst(f, truth, from, to, 0);
        qInfo("chirp: median error %.2f cents at the frame centres; best shift %d frames", aligned,
              bestShift);
        QCOMPARE(bestShift, 0);
        QVERIFY2(aligned < 4.0, qPrintable(QString::number(aligned)));
    }

    // A voice whose second or third harmonic dominates (a formant on it, as a singer's or a low
    // male voice's often is) is tracked at its fundamental, offline and live: yin alone dips first
    // at the strong harmonic's period and read such notes an octave or a twelfth high.
    void aDominantHarmonicIsNotTakenForTheFundamental() {
        const auto tone = [](double f0, const std::vector<double>& amplitudes) {
            std::vector<float> x(size_t(an::kSampleRate)); // 1 s, with a 5 Hz vibrato of 1%
            double phase = 0;
            for (size_t n = 0; n < x.size(); ++n) {
                phase += 2 * kPi * f0 * (1 + 0.01 * std::sin(2 * kPi * 5.0 * n / an::kSampleRate)) /
                         an::kSampleRate;
                double sum = 0;
                for (size_t h = 0; h < amplitudes.size(); ++h)
                    sum += amplitudes[h] * std::sin(double(h + 1) * phase);
                x[n] = float(0.3 * sum);
            }
            return x;
        };
        const auto medianOf = [](const std::vector<double>& f0) {
            return f0.empty() ? 0.0 : median(f0);
        };
        struct Case {
            double f0;
            std::vector<double> amplitudes;
        };
        for (const Case& c : {Case{250, {0.08, 0.18, 1.0, 0.18, 0.02}}, // a soprano's low note
                              Case{120, {0.15, 1.0, 0.25, 0.1, 0.05, 0.03}}}) {
            const std::vector<float> x = tone(c.f0, c.amplitudes);
            const VoiceFeatures offline = analyseVoice(x);
            std::vector<double> offlineF0, liveF0;
            for (int64_t t = 10; t < offline.frames - 10; ++t)
                if (offline.voiced[size_t(t)])
                    offlineF0.push_back(offline.f0Hz[size_t(t)]);
            CausalVoiceAnalyser live;
            for (size_t n = 0; n < x.size(); ++n)
                if (live.push(x[n]) && live.frame().index > 10 && live.frame().voiced)
                    liveF0.push_back(live.frame().f0Hz);
            const double offlineCents = 1200 * std::log2(medianOf(offlineF0) / c.f0);
            const double liveCents = 1200 * std::log2(medianOf(liveF0) / c.f0);
            qInfo("%.0f Hz, harmonic %d strongest: offline %.0f cents (%zu frames voiced), live "
                  "%.0f cents (%zu)",
                  c.f0,
                  int(std::max_element(c.amplitudes.begin(), c.amplitudes.end()) -
                      c.amplitudes.begin()) +
                      1,
                  offlineCents, offlineF0.size(), liveCents, liveF0.size());
            QVERIFY2(offlineF0.size() > 80 && std::abs(offlineCents) < 25,
                     qPrintable(QString::number(offlineCents)));
            QVERIFY2(liveF0.size() > 80 && std::abs(liveCents) < 25,
                     qPrintable(QString::number(liveCents)));
        }
    }

    // A singer's low notes whose third harmonic dominates (lena's ~250 Hz notes: the fundamental
    // ~20 dB under it) are tracked at the fundamental, offline and live: the period read on the
    // strong harmonic is pulled off a third of the true one by the weaker harmonics, and the check
    // for a longer period looked exactly three times it, missing the true period's narrow dip, so
    // whole notes were sung a twelfth high (docs/ARCHITECTURE.md "Voice model", "Every
    // register"). Judged by the frame's own 64 ms spectrum (voice_measures.h supportedF0): the
    // share of voiced frames whose f0 the spectrum shows to be a harmonic (f0 / 2 or f0 / 3 has
    // harmonics of its own) or a subharmonic (f0's own harmonics are missing) of the voice's.
    // Measured (2026-12-07): a harmonic on 5.6% offline and 5.1% live before, 3.3% and 3.5%
    // after; a subharmonic on 2.2-2.8% both times (its bound keeps it from growing).
    void aSingersDominantHarmonicIsNotTakenForTheFundamental() {
        ACCORD_REQUIRE_MATERIAL(path, "npm/audio-lena/lena.flac");
        const std::vector<float> voice = at16k(path);
        struct Judged {
            double voiced = 0, harmonic = 0, subharmonic = 0;
            void add(const std::vector<double>& power, double f0) {
                ++voiced;
                for (const double k : {2.0, 3.0}) {
                    harmonic += accord::test::supportedF0(power, accord::test::kYinBuffer, f0 / k,
                                                          f0) == f0 / k;
                    subharmonic += accord::test::supportedF0(power, accord::test::kYinBuffer, f0,
                                                             f0 * k) == f0 * k;
                }
            }
        } offline, live;
        accord::test::HannSpectrum spectrum(accord::test::kYinBuffer);
        const VoiceFeatures features = analyseVoice(voice);
        for (int64_t t = 0; t < features.frames; ++t)
            if (features.voiced[size_t(t)])
                offline.add(spectrum.frame(voice, t * an::kHop), features.f0Hz[size_t(t)]);
        CausalVoiceAnalyser analyser; // its frame n is placed at frame n + 1's centre
        for (const float sample : voice)
            if (analyser.push(sample) && analyser.frame().voiced)
                live.add(spectrum.frame(voice, (analyser.frame().index + 1) * an::kHop),
                         analyser.frame().f0Hz);
        for (const auto& [name, judged] : {std::pair<const char*, Judged>{"offline", offline},
                                           std::pair<const char*, Judged>{"live", live}}) {
            const double harmonic = 100 * judged.harmonic / judged.voiced;
            const double subharmonic = 100 * judged.subharmonic / judged.voiced;
            qInfo("lena.flac %s: %.0f voiced frames, a harmonic taken for f0 on %.1f%%, a "
                  "subharmonic on %.1f%%",
                  name, judged.voiced, harmonic, subharmonic);
            QVERIFY2(judged.voiced > 900, name);
            QVERIFY2(harmonic < 4.5, qPrintable(QString::number(harmonic)));
            QVERIFY2(subharmonic < 4, qPrintable(QString::number(subharmonic)));
        }
    }

    // A leap of an octave (a singer's, or a tracker's reading that halves on one estimate and not
    // the next) is no glide: every voiced frame reads one note or the other, never a pitch between
    // that neither estimate read (lena's 390 Hz notes came out at 250-370 Hz, docs/ARCHITECTURE.md
    // "Voice model", "An octave is not interpolated").
    void anOctaveLeapIsNotInterpolated() {
        std::vector<float> leap(an::kSampleRate);
        double phase = 0;
        for (size_t n = 0; n < leap.size(); ++n) {
            phase += 2 * kPi * (n < leap.size() / 2 ? 220.0 : 440.0) / an::kSampleRate;
            double sample = 0;
            for (int h = 1; h <= 6; ++h)
                sample += std::sin(h * phase) / h;
            leap[n] = static_cast<float>(0.3 * sample);
        }
        const PitchTrack track = trackPitch(leap);
        int voiced = 0, between = 0;
        for (size_t t = 0; t < track.f0Hz.size(); ++t) {
            if (!track.voiced[t])
                continue;
            ++voiced;
            const double fromLow = std::abs(1200 * std::log2(track.f0Hz[t] / 220.0));
            const double fromHigh = std::abs(1200 * std::log2(track.f0Hz[t] / 440.0));
            if (std::min(fromLow, fromHigh) > 50) {
                ++between;
                qInfo("frame %zu: %.1f Hz", t, static_cast<double>(track.f0Hz[t]));
            }
        }
        QVERIFY2(voiced > 100, qPrintable(QString::number(voiced)));
        QCOMPARE(between, 0);
    }

    // A real voice resynthesised from its own f0 track is analysed back to the same pitch.
    void realVoiceResynthesisKeepsPitch() {
        ACCORD_REQUIRE_MATERIAL(path, "fillets-cs/airplane/cs/let-v-oko.ogg");
        const std::vector<float> voice = at16k(path);
        const VoiceFeatures original = analyseVoice(voice);
        const int voiced = static_cast<int>(
            std::count(original.voiced.begin(), original.voiced.end(), std::uint8_t{1}));
        QVERIFY2(voiced > original.frames / 5, qPrintable(QString::number(voiced)));
        const VoiceFeatures again = analyseVoice(harmonicResynthesis(original, voice.size()));
        const double cents = medianCentsError(original, again);
        qInfo("let-v-oko.ogg: %d of %lld frames voiced, resynthesis median error %.2f cents",
              voiced, static_cast<long long>(original.frames), cents);
        QVERIFY2(cents >= 0 && cents < 10, qPrintable(QString::number(cents)));
    }

    void levelIsAWeightedMeanSquare() {
        const auto sine = [](double hz, double amplitude) {
            std::vector<float> s(an::kSampleRate);
            for (size_t n = 0; n < s.size(); ++n)
                s[n] = static_cast<float>(amplitude * std::sin(2 * kPi * hz * n / an::kSampleRate));
            return s;
        };
        const auto middleLevel = [](const std::vector<float>& s) {
            const VoiceFeatures f = analyseVoice(s);
            return static_cast<double>(f.loudnessDb[static_cast<size_t>(f.frames / 2)]);
        };
        // A 1 kHz sine of amplitude 0.5: mean square 0.125 = -9.03 dB; A(1 kHz) = 0 dB.
        QVERIFY2(std::abs(middleLevel(sine(1000, 0.5)) + 9.03) < 0.1,
                 qPrintable(QString::number(middleLevel(sine(1000, 0.5)))));
        // A(500 Hz) = -3.2 dB (lower, the curve bends within the window's main lobe).
        const double low = middleLevel(sine(500, 0.5));
        QVERIFY2(std::abs(low - (-9.03 - 3.2)) < 0.2, qPrintable(QString::number(low)));
        QVERIFY(std::abs(aWeightingPower(1000) - 1.0) < 1e-3);
        // Silence sits at the floor and is unvoiced.
        const VoiceFeatures quiet = analyseVoice(std::vector<float>(8000, 0.0f));
        QCOMPARE(static_cast<double>(quiet.loudnessDb[10]), an::kSilenceDb);
        QCOMPARE(std::count(quiet.voiced.begin(), quiet.voiced.end(), std::uint8_t{1}), 0L);
    }

    void mfccAndSpectrumHaveTheirShapes() {
        std::mt19937 random(7);
        std::normal_distribution<float> noise(0.0f, 0.1f);
        std::vector<float> s(4000);
        for (float& x : s)
            x = noise(random);
        AnalysisOptions options;
        options.keepSpectrum = true;
        const VoiceFeatures f = analyseVoice(s, options);
        QCOMPARE(f.frames, int64_t{32}); // ceil(4000 / 128)
        QCOMPARE(f.mfcc.size(), static_cast<size_t>(32 * an::kMfccCount));
        QCOMPARE(f.power.size(), static_cast<size_t>(32 * an::kSpectrumBins));
        // The level computed from the kept spectrum is the reported one.
        QCOMPARE(levelDb(f.power.data() + 16 * an::kSpectrumBins), f.loudnessDb[16]);
        QVERIFY(analyseVoice(s).power.empty());
    }

    // libsoxr: the requested length, and a click stays where it was in time.
    void resamplingKeepsTimeAndLength() {
        std::vector<float> click(22050, 0.0f);
        click[11025] = 1.0f; // 0.5 s
        const std::vector<float> out = resample(click, 22050, 16000);
        QCOMPARE(out.size(), size_t{16000});
        const auto peak = std::max_element(out.begin(), out.end()) - out.begin();
        QVERIFY2(std::abs(peak - 8000) <= 1, qPrintable(QString::number(peak)));
        QCOMPARE(resample(click, 22050, 44100).size(), size_t{44100});
    }

    void concurrentAnalysesAgree() {
        ACCORD_REQUIRE_MATERIAL(path, "fillets-cs/airplane/cs/let-m-oko.ogg");
        const std::vector<float> voice = at16k(path);
        const VoiceFeatures alone = analyseVoice(voice);
        std::vector<VoiceFeatures> results(3);
        std::vector<std::thread> threads;
        for (auto& result : results)
            threads.emplace_back([&voice, &result] { result = analyseVoice(voice); });
        for (auto& thread : threads)
            thread.join();
        for (const auto& result : results) {
            QVERIFY(result.f0Hz == alone.f0Hz);
            QVERIFY(result.loudnessDb == alone.loudnessDb);
            QVERIFY(result.mfcc == alone.mfcc);
        }
    }
};

QTEST_GUILESS_MAIN(TestVoiceFeatures)
#include "test_voice_features.moc"

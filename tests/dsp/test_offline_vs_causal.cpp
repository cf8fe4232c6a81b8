// The live node's causal analysis (dsp::CausalVoiceAnalyser) against the offline extractor the
// voice models are trained on (dsp::analyseVoice), on the same real recordings at 16 kHz:
// Czech speech (fillets-ng-data-cs, a low and a high voice) and a sung phrase (audio-lena).
// Live frame n is placed at (n + 1) * kHop - 2 ms, so it is compared with offline frame n + 1
// (centred 2 ms later). Figures over the frames where the recording sounds (voice_measures.h):
//   - f0: median |cents| over frames voiced in both;
//   - voicing: % of frames on which both say the same;
//   - level: median |dB| difference (8 ms live window against the offline 32 ms one);
//   - MFCC c1..c12 (the network's timbre inputs): the mean over coefficients of their correlation
//     across a clip's frames at the placement (timbre lags 14 ms live; over all clips weighted by
//     frames), and identity with the offline frame of the same window (n - 1);
//   - steadiness: each track's frame-to-frame second difference of f0 in cents over three
//     consecutive voiced frames (a voice's pitch moves smoothly over 16 ms; a tracker's jitter
//     does not), live against offline;
//   - gaps: the offline voiced frames live leaves unvoiced in a gap of 1-3 frames between two
//     live voiced ones, as a share of the offline voiced frames (a voice does not stop for 8-24
//     ms inside a run offline reads voiced throughout);
//   - late starts: how many frames after offline's start a live run starts, where live enters an
//     offline voiced run from unvoiced, and those frames as a share of the offline voiced frames.

#include "accord/audio/audio_io.h"
#include "accord/dsp/causal_voice_analyser.h"
#include "accord/dsp/resample.h"
#include "accord/dsp/voice_features.h"

#include "test_support.h"
#include "voice_measures.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>
#include <vector>

using namespace accord;
namespace an = dsp::analysis;

namespace {

const char* const kClips[] = {
    "fillets-cs/airplane/cs/let-v-oko.ogg",    // low male voice
    "fillets-cs/barrel/cs/bar-v-genofond.ogg", // low male voice
    "fillets-cs/airplane/cs/let-m-oko.ogg",    // high voice
    "fillets-cs/airplane/cs/let-m-divna.ogg",  // high voice
    "npm/audio-lena/lena.flac",                // singing
};

// Low voices, whose periods are longest against the causal tracker's span.
const char* const kLowVoiceClips[] = {
    "fillets-cs/airplane/cs/let-v-oko.ogg",   "fillets-cs/barrel/cs/bar-v-genofond.ogg",
    "fillets-cs/cabin1/cs/k1-v-opatrne.ogg",  "fillets-cs/computer/cs/poc-v-dira.ogg",
    "fillets-cs/corridor/cs/ch-r-hracka.ogg", "fillets-cs/corridor/cs/ch-r-anavic0.ogg",
    "fillets-cs/corridor/cs/ch-r-ikdyz0.ogg", "fillets-cs/corridor/cs/ch-r-nevsimej0.ogg",
};

// The value a `fraction` of the way up the sorted values (the upper median at 0.5).
double percentile(std::vector<double> values, double fraction) {
    if (values.empty())
        return std::nan("");
    const auto index = std::min(values.size() - 1,
                                static_cast<size_t>(fraction * static_cast<double>(values.size())));
    const auto at = values.begin() + static_cast<std::ptrdiff_t>(index);
    std::nth_element(values.begin(), at, values.end());
    return *at;
}

double median(std::vector<double> values) {
    return percentile(std::move(values), 0.5);
}

// |second difference| of log f0 in cents at each frame whose neighbours on both sides are voiced
// and sounding, appended to `out`.
void addSecondDifferences(const std::vector<double>& cents, const std::vector<std::uint8_t>& valid,
                          std::vector<double>& out) {
    for (size_t t = 1; t + 1 < cents.size(); ++t)
        if (valid[t - 1] && valid[t] && valid[t + 1])
            out.push_back(std::abs(cents[t + 1] - 2 * cents[t] + cents[t - 1]));
}

// The frames valid in `offline` and not in `live` that lie in a run of at most kShortGap such
// frames of `live` with a frame valid in both on either side.
constexpr size_t kShortGap = 3;
double shortGapFrames(const std::vector<std::uint8_t>& live,
                      const std::vector<std::uint8_t>& offline) {
    double frames = 0;
    size_t t = 1;
    while (t < live.size()) {
        if (live[t] || !offline[t] || !live[t - 1] || !offline[t - 1]) {
            ++t;
            continue;
        }
        size_t end = t;
        while (end < live.size() && !live[end] && offline[end])
            ++end;
        if (end < live.size() && end - t <= kShortGap && live[end] && offline[end])
            frames += static_cast<double>(end - t);
        t = end;
    }
    return frames;
}

// Late starts: for each run of frames valid in `offline` that `live` does not enter already voiced
// (its frame before is not valid in `live`), the frames from the run's start to live's first valid
// frame inside it (runs live never voices are left out: they are not late, they are missed).
// Returns {late frames, runs}.
std::pair<double, double> lateStartFrames(const std::vector<std::uint8_t>& live,
                                          const std::vector<std::uint8_t>& offline) {
    double late = 0, runs = 0;
    size_t t = 0;
    while (t < offline.size()) {
        if (!offline[t]) {
            ++t;
            continue;
        }
        const size_t start = t;
        while (t < offline.size() && offline[t])
            ++t;
        if (start > 0 && live[start - 1])
            continue;
        size_t first = start;
        while (first < t && !live[first])
            ++first;
        if (first == t)
            continue;
        late += static_cast<double>(first - start);
        runs += 1;
    }
    return {late, runs};
}

// What the comparison collects, per clip and over all clips.
struct Agreement {
    std::vector<double> cents, levelDb, liveSteps, offlineSteps;
    double frames = 0, sameVoicing = 0, onlyLive = 0, onlyOffline = 0;
    double offlineVoiced = 0, shortGaps = 0, lateStarts = 0, startedRuns = 0;
    double mfccCorrelationSum = 0;  // per clip: its correlation times its frames
    double worstSameWindowMfcc = 0; // largest |difference| against the offline frame n - 1

    void add(const Agreement& other) {
        cents.insert(cents.end(), other.cents.begin(), other.cents.end());
        levelDb.insert(levelDb.end(), other.levelDb.begin(), other.levelDb.end());
        liveSteps.insert(liveSteps.end(), other.liveSteps.begin(), other.liveSteps.end());
        offlineSteps.insert(offlineSteps.end(), other.offlineSteps.begin(),
                            other.offlineSteps.end());
        frames += other.frames;
        sameVoicing += other.sameVoicing;
        onlyLive += other.onlyLive;
        onlyOffline += other.onlyOffline;
        offlineVoiced += other.offlineVoiced;
        shortGaps += other.shortGaps;
        lateStarts += other.lateStarts;
        startedRuns += other.startedRuns;
        mfccCorrelationSum += other.mfccCorrelationSum;
        worstSameWindowMfcc = std::max(worstSameWindowMfcc, other.worstSameWindowMfcc);
    }
    double medianCents() const { return median(cents); }
    double percentOver50Cents() const {
        const auto over =
            std::count_if(cents.begin(), cents.end(), [](double c) { return c > 50; });
        return 100.0 * static_cast<double>(over) / static_cast<double>(cents.size());
    }
    double voicingPercent() const { return 100.0 * sameVoicing / frames; }
    double onlyLivePercent() const { return 100.0 * onlyLive / frames; }
    double onlyOfflinePercent() const { return 100.0 * onlyOffline / frames; }
    double shortGapPercent() const { return 100.0 * shortGaps / offlineVoiced; }
    double lateStartPercent() const { return 100.0 * lateStarts / offlineVoiced; }
    double framesLatePerStart() const { return lateStarts / startedRuns; }
    double medianLevelDb() const { return median(levelDb); }
    double mfccCorrelation() const { return mfccCorrelationSum / frames; }
    void print(const char* what) const {
        qInfo("%-40s f0 %4.1f cents, %4.1f%% over 50 (%4zu frames voiced in both), voicing agrees "
              "%4.1f%% "
              "(voiced only live %4.1f%%, only offline %4.1f%%), level %4.2f dB, MFCC "
              "correlation %.3f (same window: max diff %.1e)",
              what, medianCents(), percentOver50Cents(), cents.size(), voicingPercent(),
              onlyLivePercent(), onlyOfflinePercent(), medianLevelDb(), mfccCorrelation(),
              worstSameWindowMfcc);
        qInfo("%-40s f0 second difference live %5.1f cents median, %5.1f 90th percentile; "
              "offline %4.1f, %5.1f; live gaps of 1-%zu frames %4.1f%% of offline voiced",
              "", median(liveSteps), percentile(liveSteps, 0.9), median(offlineSteps),
              percentile(offlineSteps, 0.9), kShortGap, shortGapPercent());
        qInfo("%-40s live starts %.2f frames after offline's (%.0f runs), those frames %4.1f%% of "
              "offline voiced",
              "", framesLatePerStart(), startedRuns, lateStartPercent());
    }
};

Agreement compare(const std::vector<float>& signal) {
    const dsp::VoiceFeatures offline = dsp::analyseVoice(signal);
    const std::vector<std::uint8_t> sounding = test::soundingFrames(offline);
    dsp::CausalVoiceAnalyser analyser;
    Agreement agreement;
    std::vector<std::vector<double>> liveMfcc(an::kMfccCount), offlineMfcc(an::kMfccCount);
    const auto frames = static_cast<size_t>(offline.frames);
    std::vector<double> liveCents(frames), offlineCents(frames);
    std::vector<std::uint8_t> liveValid(frames), offlineValid(frames);
    for (size_t t = 0; t < frames; ++t) {
        offlineCents[t] = 1200.0 * std::log2(std::max(offline.f0Hz[t], 1.0f));
        offlineValid[t] = sounding[t] && offline.voiced[t];
    }
    for (const float sample : signal) {
        if (!analyser.push(sample))
            continue;
        const dsp::CausalVoiceAnalyser::Frame& live = analyser.frame();
        const auto t = static_cast<size_t>(live.index + 1); // the offline frame at its placement
        if (live.index >= 1) {
            const float* same = offline.mfcc.data() + (t - 2) * an::kMfccCount;
            for (int c = 0; c < an::kMfccCount; ++c)
                agreement.worstSameWindowMfcc =
                    std::max(agreement.worstSameWindowMfcc,
                             static_cast<double>(std::abs(live.mfcc[c] - same[c])));
        }
        if (t >= static_cast<size_t>(offline.frames) || !sounding[t])
            continue;
        const bool offlineVoiced = offline.voiced[t] != 0;
        liveCents[t] = 1200.0 * std::log2(std::max(live.f0Hz, 1.0f));
        liveValid[t] = live.voiced;
        agreement.frames += 1;
        agreement.sameVoicing += live.voiced == offlineVoiced;
        agreement.onlyLive += live.voiced && !offlineVoiced;
        agreement.onlyOffline += !live.voiced && offlineVoiced;
        if (live.voiced && offlineVoiced)
            agreement.cents.push_back(
                std::abs(1200.0 * std::log2(static_cast<double>(live.f0Hz) / offline.f0Hz[t])));
        agreement.levelDb.push_back(std::abs(live.levelDb - offline.loudnessDb[t]));
        for (int c = 1; c < an::kMfccCount; ++c) {
            liveMfcc[c].push_back(live.mfcc[c]);
            offlineMfcc[c].push_back(offline.mfcc[t * an::kMfccCount + c]);
        }
    }
    agreement.offlineVoiced =
        static_cast<double>(std::count(offlineValid.begin(), offlineValid.end(), 1));
    agreement.shortGaps = shortGapFrames(liveValid, offlineValid);
    std::tie(agreement.lateStarts, agreement.startedRuns) =
        lateStartFrames(liveValid, offlineValid);
    addSecondDifferences(liveCents, liveValid, agreement.liveSteps);
    addSecondDifferences(offlineCents, offlineValid, agreement.offlineSteps);
    double correlation = 0;
    for (int c = 1; c < an::kMfccCount; ++c)
        correlation += test::correlation(liveMfcc[c], offlineMfcc[c]);
    agreement.mfccCorrelationSum = correlation / (an::kMfccCount - 1) * agreement.frames;
    return agreement;
}

// compare() on the recording at `path`, at the analysis rate.
Agreement compareClip(const QString& path) {
    const audio::MonoAudio audio = audio::readMonoAudio(path.toStdString());
    return compare(dsp::resample(audio.samples, audio.sampleRate, an::kSampleRate));
}

} // namespace

class TestOfflineVsCausal : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Bounds: about 1.5-2x the figures measured when this test was written (all clips: 14.6
    // cents, 77.0% voicing agreement, 0.85 dB, MFCC correlation 0.825; the worst clip: 24.0
    // cents, 66.7%, 1.45 dB, 0.763), and the same window's MFCCs bit for bit. Frames voiced only
    // live (sibilants and breaths sung with harmonics under them): 16.7% of all clips' before
    // the sustained-periodicity check, 9.5% with it; voiced only offline 5.7% -> 7.4%, 6.6% with
    // the voicing hysteresis (docs/ARCHITECTURE.md "Voice model", "Live voicing").
    void liveFeaturesAgreeWithTraining() {
        Agreement all;
        for (const char* clip : kClips) {
            ACCORD_REQUIRE_MATERIAL(path, clip);
            const Agreement one = compareClip(path);
            one.print(clip);
            QVERIFY2(one.medianCents() < 40, clip);
            QVERIFY2(one.voicingPercent() > 55, clip);
            QVERIFY2(one.medianLevelDb() < 3, clip);
            QVERIFY2(one.mfccCorrelation() > 0.6, clip);
            all.add(one);
        }
        all.print("all clips");
        QVERIFY2(all.medianCents() < 25, qPrintable(QString::number(all.medianCents())));
        QVERIFY2(all.voicingPercent() > 65, qPrintable(QString::number(all.voicingPercent())));
        QVERIFY2(all.medianLevelDb() < 1.5, qPrintable(QString::number(all.medianLevelDb())));
        QVERIFY2(all.mfccCorrelation() > 0.7, qPrintable(QString::number(all.mfccCorrelation())));
        QVERIFY2(all.onlyLivePercent() < 13, qPrintable(QString::number(all.onlyLivePercent())));
        QVERIFY2(all.onlyOfflinePercent() < 11,
                 qPrintable(QString::number(all.onlyOfflinePercent())));
        QCOMPARE(all.worstSameWindowMfcc, 0.0);
    }

    // Low voices (v ~147 Hz, r ~107 Hz: one period is most of the causal tracker's 8 ms) are
    // voiced live where offline says so, not in their fricatives, and tracked without the jumps
    // that noise called voiced gave (docs/ARCHITECTURE.md "Voice model", "Live voicing").
    // Measured on these clips before the sustained-periodicity check and with it: voiced only live
    // 19.0% -> 11.5%, only offline 6.3% -> 8.7%; the live f0's second difference 35.4 -> 29.5
    // cents at the median, 262 -> 154 at the 90th percentile (offline 3.6 and 15.9). With the
    // voicing hysteresis and the f0 follower (CausalF0Follower): only live 11.4%, only offline
    // 7.6%, second difference 24.5 and 124; the follower's floor set by the period and its f0
    // carried to the placement: 24.2 and 122; carried only as far as each measurement is trusted:
    // 23.9 and 119. A run kept through a frame whose reading went astray while the voice repeats
    // at the held period over 24 ms, and kept on that 24 ms evidence at the start's threshold
    // (0.55, was 0.35): only live 11.4 -> 10.7%, only offline 7.6 -> 7.1%, offline voiced frames
    // in live gaps of 1-3 frames 4.8 -> 3.7%, second difference 23.9 -> 21.4 and 119 -> 92. The
    // figures are deterministic (no timing): the bounds sit about 10% over them, under the
    // figures before. Late starts (2026-12-08): a live run starts 0.89 frames after offline's at
    // the mean (131 runs), those frames 3.6% of offline voiced; no causal reading told them from
    // unvoiced frames (docs/ARCHITECTURE.md "Voice model", "Live voicing"), so the bound guards
    // the figure only. The offline track no longer interpolating between two estimates an octave
    // apart (docs/ARCHITECTURE.md "Voice model", "An octave is not interpolated") voices frames
    // it had unvoiced, which live does not all voice: only offline 7.1 -> 7.5%, only live 10.7 ->
    // 10.0%, voicing agreeing 82.2 -> 82.4% (live unchanged); the bounds on only offline and on
    // late starts (3.6 -> 4.1%: the frames it now voices before live does) move with the
    // reference, from 7.5 to 8 and from 4.0 to 4.5.
    void lowVoicesAreVoicedAndTrackedSteadilyLive() {
        Agreement all;
        for (const char* clip : kLowVoiceClips) {
            ACCORD_REQUIRE_MATERIAL(path, clip);
            const Agreement one = compareClip(path);
            one.print(clip);
            all.add(one);
        }
        all.print("low voices");
        QVERIFY2(all.liveSteps.size() > 1000, qPrintable(QString::number(all.liveSteps.size())));
        QVERIFY2(all.onlyLivePercent() < 11.4, qPrintable(QString::number(all.onlyLivePercent())));
        QVERIFY2(all.onlyOfflinePercent() < 8,
                 qPrintable(QString::number(all.onlyOfflinePercent())));
        QVERIFY2(all.shortGapPercent() < 4.1, qPrintable(QString::number(all.shortGapPercent())));
        QVERIFY2(all.lateStartPercent() < 4.5, qPrintable(QString::number(all.lateStartPercent())));
        const double liveMedian = median(all.liveSteps);
        QVERIFY2(liveMedian < 23.5, qPrintable(QString::number(liveMedian)));
        const double liveHigh = percentile(all.liveSteps, 0.9);
        QVERIFY2(liveHigh < 102, qPrintable(QString::number(liveHigh)));
    }
};

QTEST_GUILESS_MAIN(TestOfflineVsCausal)
#include "test_offline_vs_causal.moc"

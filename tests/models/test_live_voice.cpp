// The live voice node (live_voice.h) on a real recording: its latency, that its output does not
// depend on how the stream is cut into blocks, that a clone gives the same output, that it follows
// the input's pitch and level, and that a render with it equals playback through the engine's
// worker. The model is untrained (flat envelopes): this tests the streaming machinery, not the
// timbre (tests/bench/bench_live_voice.cpp measures a trained one).

#include "accord/audio/audio_io.h"
#include "accord/audio/engine.h"
#include "accord/audio/media.h"
#include "accord/audio/render.h"
#include "accord/core/errors.h"
#include "accord/dsp/resample.h"
#include "accord/dsp/voice_features.h"
#include "accord/models/live_voice.h"
#include "accord/models/voice_model.h"

#include "test_support.h"
#include "voice_measures.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iterator>
#include <memory>
#include <numeric>
#include <random>
#include <thread>
#include <vector>

using namespace accord;

namespace {

const QString kVoice = "fillets-cs/barrel/cs/bar-v-genofond.ogg"; // low male voice, 5.5 s
const QString kOther = "fillets-cs/airplane/cs/let-m-divna.ogg";  // another voice, 2.0 s
constexpr int kRate = 48000;
constexpr int kMaxBlock = 256;
constexpr int kReserve = 4096; // slack for the worker on a loaded machine (the bench measures it)

std::vector<float> runLive(dsp::StreamProcessor& live, const std::vector<float>& input,
                           unsigned seed) {
    std::vector<float> out(input.size());
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> sizes(1, kMaxBlock);
    for (std::size_t done = 0; done < input.size();) {
        const int count =
            int(std::min<std::size_t>(seed == 0 ? kMaxBlock : sizes(random), input.size() - done));
        live.process(input.data() + done, out.data() + done, count);
        done += std::size_t(count);
    }
    return out;
}

dsp::VoiceFeatures analyse(const std::vector<float>& samples) {
    return dsp::analyseVoice(dsp::resample(samples, kRate, dsp::analysis::kSampleRate));
}

// The live output for `input`, its latency removed: sample n answers input sample n.
std::vector<float> alignedOutput(models::LiveVoice& live, const std::vector<float>& input) {
    std::vector<float> padded = input;
    padded.resize(input.size() + std::size_t(live.latencyFrames()), 0.0f);
    std::vector<float> out = runLive(live, padded, 0);
    out.erase(out.begin(), out.begin() + live.latencyFrames());
    return out;
}

} // namespace

class TestLiveVoice : public QObject {
    Q_OBJECT

    std::unique_ptr<models::VoiceModel> model_;
    std::string voicePath_, otherPath_;
    std::vector<float> voice_; // the recording at 48 kHz, as the engine plays it

    Project project() const {
        Project p;
        p.sampleRate = kRate;
        Track sung;
        sung.id = "t1";
        sung.name = "Sung";
        sung.model = "voice.accordvoice"; // marks the track for processorFor
        Clip clip;
        clip.id = "c1";
        clip.file = voicePath_;
        clip.position = 4800;
        clip.length = std::int64_t(voice_.size());
        sung.clips.push_back(clip);
        Track plain;
        plain.id = "t2";
        plain.name = "Plain";
        plain.gainDb = -6;
        plain.pan = 0.5;
        Clip other = clip;
        other.id = "c2";
        other.file = otherPath_;
        other.position = 24000;
        other.length = 48000;
        plain.clips.push_back(other);
        p.tracks = {sung, plain};
        return p;
    }

private Q_SLOTS:
    void initTestCase() {
        ACCORD_REQUIRE_MATERIAL(voice, kVoice);
        ACCORD_REQUIRE_MATERIAL(other, kOther);
        voicePath_ = voice.toStdString();
        otherPath_ = other.toStdString();
        model_ = std::make_unique<models::VoiceModel>(models::VoiceModel::untrained(3, 32));
        const auto media = audio::loadMedia(voicePath_, kRate);
        voice_.assign(media->channels[0].begin(), media->channels[0].end());
    }

    void latencyIsReportedAndWithinTwentyMilliseconds() {
        models::LiveVoice live(*model_);
        live.prepare(kRate, kMaxBlock);
        const int own = live.latencyFrames();
        qInfo("live voice: %d frames (%.2f ms) of its own at 48 kHz", own, 1000.0 * own / kRate);
        QVERIFY(own > 0);

        audio::Engine engine;
        engine.setProject(project());
        engine.setLiveBlockSize(128);
        QCOMPARE(engine.trackLatencyFrames("t1"), 0);
        engine.setTrackProcessor("t1", std::make_shared<models::LiveVoice>(*model_));
        QCOMPARE(engine.trackLatencyFrames("t1"), own + kRate * 8 / 1000); // 8 ms > 1 block
        QVERIFY2(engine.trackLatencyFrames("t1") <= kRate / 50,
                 qPrintable(QString::number(engine.trackLatencyFrames("t1"))));
        QCOMPARE(engine.trackLatencyFrames("t2"), 0);
        QVERIFY_THROWS_EXCEPTION(BadInput, engine.setTrackProcessor("nope", nullptr));

        // Other rates: the same few milliseconds.
        for (const int rate : {44100, 96000}) {
            models::LiveVoice other(*model_);
            other.prepare(rate, kMaxBlock);
            QVERIFY(other.latencyFrames() < rate * 14 / 1000);
        }
    }

    void blockSizesDoNotChangeTheOutput() {
        models::LiveVoice whole(*model_), cut(*model_);
        whole.prepare(kRate, kMaxBlock);
        cut.prepare(kRate, kMaxBlock);
        const std::vector<float> a = runLive(whole, voice_, 0);
        const std::vector<float> b = runLive(cut, voice_, 7);
        QVERIFY(a == b);
        double energy = 0;
        for (const float v : a)
            energy += double(v) * v;
        QVERIFY(energy > 1.0);
    }

    void aCloneGivesTheSameOutput() {
        // The engine's standby: same weights and transposition, a fresh stream.
        models::LiveVoice original(*model_, 3.0);
        const std::shared_ptr<dsp::StreamProcessor> twin = original.clone();
        original.prepare(kRate, kMaxBlock);
        twin->prepare(kRate, kMaxBlock);
        QCOMPARE(twin->latencyFrames(), original.latencyFrames());
        const std::vector<float> a = runLive(original, voice_, 0);
        QVERIFY(runLive(*twin, voice_, 11) == a);
        models::LiveVoice untransposed(*model_);
        untransposed.prepare(kRate, kMaxBlock);
        QVERIFY(runLive(untransposed, voice_, 0) != a);
    }

    void outputFollowsThePitchAndLevel() {
        models::LiveVoice live(*model_);
        live.prepare(kRate, kMaxBlock);
        const dsp::VoiceFeatures in = analyse(voice_);
        const dsp::VoiceFeatures sung = analyse(alignedOutput(live, voice_));
        const double cents = dsp::medianCentsError(in, sung);
        const double correlation = test::levelCorrelation(in, sung);
        qInfo("live output vs input: median pitch error %.1f cents, level correlation %.3f", cents,
              correlation);
        QVERIFY(cents >= 0 && cents < 30);
        QVERIFY(correlation > 0.9);
    }

    // A high voice's speech glides: the live output follows them instead of lagging them
    // (docs/ARCHITECTURE.md "Voice model", "Live voicing"). The untrained model sings the f0 it
    // is given, so this measures the live analysis' f0 through the synthesis, without a network's
    // own errors. Median cents over frames voiced in both, mean over four of bench_live_voice's
    // held-out clips: 9.7 when the f0 sung was the followed measurement, 7.4 carried forward to
    // its placement (each clip 8.4 / 9.6 / 10.2 / 10.6 -> 7.4 / 7.2 / 7.6 / 7.4). No timing: the
    // figures are deterministic.
    void aHighVoicesGlidesAreKeptLive() {
        const char* const clips[] = {
            "fillets-cs/wreck/cs/pot-m-zima.ogg",
            "fillets-cs/share/blackjokes/cs/smrt-m-6.ogg",
            "fillets-cs/hardware/cs/pz-m-pocitace.ogg",
            "fillets-cs/corals/cs/re-m-rozveselit.ogg",
        };
        double sum = 0;
        for (const char* clip : clips) {
            ACCORD_REQUIRE_MATERIAL(path, clip);
            const auto media = audio::loadMedia(path.toStdString(), kRate);
            const std::vector<float> input(media->channels[0].begin(), media->channels[0].end());
            models::LiveVoice live(*model_);
            live.prepare(kRate, kMaxBlock);
            const double cents =
                dsp::medianCentsError(analyse(input), analyse(alignedOutput(live, input)));
            qInfo("%s: live pitch kept within %.1f cents (median)", clip, cents);
            QVERIFY2(cents >= 0, clip);
            sum += cents;
        }
        const double mean = sum / std::size(clips);
        qInfo("mean over the clips: %.1f cents", mean);
        QVERIFY2(mean < 8.5, qPrintable(QString::number(mean)));
    }

    // Render == playback: the engine's worker and the render's inline run give the same samples.
    void renderEqualsPlayback() {
        const Project p = project();
        QTemporaryDir scratch;
        audio::RenderRequest request;
        request.mixPath = scratch.filePath("mix.wav").toStdString();
        request.format = audio::RenderFormat::WavFloat32;
        request.blockSize = 500;
        request.liveBlockSize = kReserve;
        request.processorFor = [&](const Track& track) -> std::shared_ptr<dsp::StreamProcessor> {
            if (track.model.empty())
                return nullptr;
            return std::make_shared<models::LiveVoice>(*model_);
        };
        const auto files = audio::renderProject(p, request);
        const audio::MonoAudio rendered = audio::readMonoAudio(files.at(0).path);

        audio::Engine engine;
        engine.setProject(p);
        engine.setLiveBlockSize(kReserve);
        engine.setTrackProcessor("t1", std::make_shared<models::LiveVoice>(*model_));
        engine.play();
        std::vector<float> left(kMaxBlock), right(kMaxBlock);
        float* outputs[2] = {left.data(), right.data()};
        std::vector<float> played;
        std::mt19937 random(5);
        std::uniform_int_distribution<int> sizes(1, kMaxBlock);
        const std::int64_t length = p.length();
        for (std::int64_t done = 0; done < length;) {
            const int count = int(std::min<std::int64_t>(sizes(random), length - done));
            engine.process(outputs, 2, count);
            for (int i = 0; i < count; ++i)
                played.push_back((left[std::size_t(i)] + right[std::size_t(i)]) * 0.5f);
            done += count;
            // Slower than real time: the worker is never late, so the comparison is exact.
            std::this_thread::sleep_for(std::chrono::microseconds(1500));
        }
        QCOMPARE(engine.stats().liveUnderruns, std::uint64_t(0));
        QCOMPARE(rendered.samples.size(), played.size());
        std::size_t differing = 0;
        double energy = 0;
        for (std::size_t i = 0; i < played.size(); ++i) {
            differing += rendered.samples[i] != played[i];
            energy += double(played[i]) * played[i];
        }
        QCOMPARE(differing, std::size_t(0));
        QVERIFY(energy > 1.0);
    }
};

QTEST_GUILESS_MAIN(TestLiveVoice)
#include "test_live_voice.moc"

// Recording in the engine (docs/ARCHITECTURE.md "Recording path"): a known signal (deterministic
// noise on a clip) is played, fed back as the input after a simulated round trip, and recorded
// on an armed track; the take must hold, sample for sample, what was played at the timeline
// position it is placed at (0 samples of error) over block sizes and latencies. Without the
// compensation the same take is off by the latency (the check can fail). Punch in/out keeps only
// the loop, each pass its own take; the offline clock's loopback records aligned too; monitoring
// adds the input through the track's fader, ramped, and follows solo; a full disk keeps what was
// written.

#include "accord/audio/audio_io.h"
#include "accord/audio/engine.h"
#include "accord/core/errors.h"

#include <QTemporaryDir>
#include <QtTest>

#include <sys/resource.h>

#include <cmath>
#include <csignal>
#include <random>
#include <thread>
#include <vector>

using accord::audio::Engine;
using accord::audio::RecordArm;
using accord::audio::RecordingResult;

namespace {

constexpr int kRate = 48000;
constexpr std::int64_t kClipAt = 700;
constexpr std::int64_t kClipLength = 3 * kRate;

// Drives the engine like a device whose output comes back as its input `latency` frames later.
class LoopbackDriver {
public:
    LoopbackDriver(Engine& engine, int block, int latency)
        : engine_(engine), block_(block), latency_(latency) {}
    void run(std::int64_t frames) {
        const auto size = static_cast<std::size_t>(block_);
        std::vector<float> left(size), right(size), inLeft(size), inRight(size);
        float* outputs[2] = {left.data(), right.data()};
        const float* inputs[2] = {inLeft.data(), inRight.data()};
        for (std::int64_t done = 0; done < frames; done += block_) {
            for (int i = 0; i < block_; ++i) {
                const std::int64_t at = std::int64_t(played_.size()) + i - latency_;
                inLeft[std::size_t(i)] = at >= 0 ? played_[std::size_t(at)] : 0.0f;
                inRight[std::size_t(i)] = inLeft[std::size_t(i)];
            }
            engine_.process(inputs, 2, outputs, 2, block_);
            played_.insert(played_.end(), left.begin(), left.end());
        }
    }

private:
    Engine& engine_;
    int block_;
    int latency_;
    std::vector<float> played_; // the left output, as the device played it
};

} // namespace

class TestEngineRecording : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    accord::Project project_;
    std::vector<float> signal_; // the clip's samples

    // What the timeline plays at `position` (the clip alone, unity gain, centred).
    float playedAt(std::int64_t position) const {
        const std::int64_t k = position - kClipAt;
        return k >= 0 && k < kClipLength ? signal_[std::size_t(k)] : 0.0f;
    }

    // The first frame of `take` that differs from what the timeline played at `position` + k;
    // -1 when every frame matches exactly.
    std::int64_t firstMismatch(const std::vector<float>& take, std::int64_t position) const {
        for (std::size_t k = 0; k < take.size(); ++k)
            if (take[k] != playedAt(position + std::int64_t(k)))
                return std::int64_t(k);
        return -1;
    }

    std::vector<float> readTake(const std::string& file) {
        const auto audio = accord::audio::readAudio(file);
        if (audio.sampleRate != kRate || audio.channels.empty())
            return {};
        return audio.channels[0];
    }

    std::string freshFolder(const QString& name) { return dir_.filePath(name).toStdString(); }

    void armRecordTrack(Engine& engine, bool monitor = false) {
        RecordArm arm;
        arm.trackId = "rec";
        arm.takeName = "Vocal";
        arm.firstInput = 0;
        arm.channels = 1;
        arm.monitor = monitor;
        engine.setRecordArms({arm});
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        std::mt19937 random(19);
        std::uniform_real_distribution<float> noise(-0.5f, 0.5f);
        signal_.resize(std::size_t(kClipLength));
        for (float& sample : signal_) // 24-bit values: the clip file holds them exactly
            sample = std::round(noise(random) * 8388608.0f) / 8388608.0f;
        const std::string file = dir_.filePath("noise.wav").toStdString();
        accord::audio::writeMonoAudio(file, signal_, kRate);
        project_.sampleRate = kRate;
        accord::Track played;
        played.id = "played";
        played.name = "Played";
        accord::Clip clip;
        clip.id = "c1";
        clip.file = file;
        clip.position = kClipAt;
        clip.length = kClipLength;
        played.clips.push_back(clip);
        accord::Track recorded;
        recorded.id = "rec";
        recorded.name = "Vocal";
        project_.tracks = {played, recorded};
    }

    void takeLinesUpWithWhatWasHeard_data() {
        QTest::addColumn<int>("block");
        QTest::addColumn<int>("latency");
        QTest::newRow("64 frames, 64 latency") << 64 << 64;
        QTest::newRow("128 frames, 301 latency") << 128 << 301;
        QTest::newRow("480 frames, 1777 latency") << 480 << 1777;
        QTest::newRow("1024 frames, 2048 latency") << 1024 << 2048;
        QTest::newRow("2048 frames, 5000 latency") << 2048 << 5000;
    }

    void takeLinesUpWithWhatWasHeard() {
        QFETCH(int, block);
        QFETCH(int, latency);
        Engine engine;
        engine.setProject(project_);
        armRecordTrack(engine);
        engine.setRecordingOffset(latency); // no device: the whole round trip is the offset
        QCOMPARE(engine.recordingLatencyFrames(), latency);
        const std::int64_t start = 12345;
        engine.seek(start);
        engine.play();
        engine.startRecording(freshFolder(QStringLiteral("aligned-%1").arg(block)), false);
        LoopbackDriver driver(engine, block, latency);
        const std::int64_t frames = kRate;
        driver.run(frames);
        const RecordingResult result = engine.stopRecording();
        QVERIFY(result.errors.empty());
        QCOMPARE(result.takes.size(), std::size_t(1));
        const auto& take = result.takes[0];
        QCOMPARE(take.trackId, std::string("rec"));
        QCOMPARE(take.position, start);
        const std::int64_t pulled = (frames + block - 1) / block * block;
        QCOMPARE(take.frames, pulled - latency);
        QVERIFY(take.file.find("Vocal take 1.wav") != std::string::npos);
        const std::vector<float> samples = readTake(take.file);
        QCOMPARE(std::int64_t(samples.size()), take.frames);
        QCOMPARE(firstMismatch(samples, take.position), std::int64_t(-1));
    }

    void withoutCompensationTheTakeIsLate() {
        const int latency = 301;
        Engine engine;
        engine.setProject(project_);
        armRecordTrack(engine);
        engine.seek(kClipAt);
        engine.play();
        engine.startRecording(freshFolder("late"), false);
        LoopbackDriver driver(engine, 128, latency);
        driver.run(kRate / 2);
        const RecordingResult result = engine.stopRecording();
        QCOMPARE(result.takes.size(), std::size_t(1));
        const std::vector<float> samples = readTake(result.takes[0].file);
        QCOMPARE(result.takes[0].position, kClipAt);
        QCOMPARE(firstMismatch(samples, kClipAt), std::int64_t(0));
        // It holds the performance `latency` frames later than it was heard.
        QCOMPARE(firstMismatch(samples, kClipAt - latency), std::int64_t(-1));
    }

    void punchKeepsOnlyTheLoopEachPassATake() {
        const int latency = 700;
        const std::int64_t loopStart = 20000, loopEnd = 30000;
        Engine engine;
        engine.setProject(project_);
        armRecordTrack(engine);
        engine.setRecordingOffset(latency);
        engine.setLoop(std::make_pair(loopStart, loopEnd));
        engine.seek(15000); // pre-roll before the punch-in
        engine.play();
        engine.startRecording(freshFolder("punch"), true);
        LoopbackDriver driver(engine, 256, latency);
        // The pre-roll, two whole passes, half a third one.
        driver.run((loopStart - 15000) + 2 * (loopEnd - loopStart) + 5000 + latency);
        const RecordingResult result = engine.stopRecording();
        QVERIFY(result.errors.empty());
        QCOMPARE(result.takes.size(), std::size_t(3));
        for (std::size_t pass = 0; pass < result.takes.size(); ++pass) {
            const auto& take = result.takes[pass];
            QCOMPARE(take.pass, int(pass));
            QCOMPARE(take.position, loopStart);
            QVERIFY(take.position + take.frames <= loopEnd);
            const std::vector<float> samples = readTake(take.file);
            QCOMPARE(std::int64_t(samples.size()), take.frames);
            QCOMPARE(firstMismatch(samples, loopStart), std::int64_t(-1));
        }
        QCOMPARE(result.takes[0].frames, loopEnd - loopStart);
        QCOMPARE(result.takes[1].frames, loopEnd - loopStart);
        QVERIFY(result.takes[2].frames >= 4000 && result.takes[2].frames <= 5256);
        QVERIFY(result.takes[1].file.find("Vocal take 2.wav") != std::string::npos);
    }

    // Punch in/out on a range of its own (the window's time selection), no loop: one pass, one
    // take of exactly the range, holding what was heard there.
    void punchOnARangeWithoutALoop() {
        const int latency = 700;
        const std::int64_t punchIn = 20000, punchOut = 30000;
        Engine engine;
        engine.setProject(project_);
        armRecordTrack(engine);
        engine.setRecordingOffset(latency);
        engine.seek(15000);
        engine.play();
        engine.startRecording(freshFolder("range"), std::make_pair(punchIn, punchOut));
        LoopbackDriver driver(engine, 256, latency);
        driver.run(punchOut + 5000 - 15000 + latency);
        const RecordingResult result = engine.stopRecording();
        QVERIFY(result.errors.empty());
        QCOMPARE(result.takes.size(), std::size_t(1));
        QCOMPARE(result.takes[0].position, punchIn);
        QCOMPARE(result.takes[0].frames, punchOut - punchIn);
        QCOMPARE(firstMismatch(readTake(result.takes[0].file), punchIn), std::int64_t(-1));
        QVERIFY_THROWS_EXCEPTION(
            accord::BadInput,
            engine.startRecording(freshFolder("empty"), std::make_pair(punchOut, punchIn)));
    }

    // A full disk (simulated by a file size limit: writes past it fail with EFBIG) fails the
    // long first pass clearly, naming the folder; the frames written before the failure stay a
    // readable take, sample-exact, and the track records nothing more until the recording ends.
    void aFullDiskKeepsWhatWasWritten() {
        const std::int64_t loopStart = 60000, loopEnd = 70000;
        Engine engine;
        engine.setProject(project_);
        armRecordTrack(engine);
        engine.setRecordingOffset(512);
        engine.setLoop(std::make_pair(loopStart, loopEnd));
        engine.seek(0);
        engine.play();
        const std::string folder = freshFolder("full");
        engine.startRecording(folder, false);
        // 150 000 bytes: 37 000-odd float frames of a take, while a pass of the loop needs 40 044.
        rlimit before{};
        QCOMPARE(getrlimit(RLIMIT_FSIZE, &before), 0);
        const rlimit limited{150000, before.rlim_max};
        const auto previous = std::signal(SIGXFSZ, SIG_IGN);
        QCOMPARE(setrlimit(RLIMIT_FSIZE, &limited), 0);
        LoopbackDriver driver(engine, 256, 512);
        driver.run(loopEnd + 2 * (loopEnd - loopStart) + 512);
        const RecordingResult result = engine.stopRecording();
        setrlimit(RLIMIT_FSIZE, &before);
        std::signal(SIGXFSZ, previous);
        QCOMPARE(result.errors.size(), std::size_t(1));
        QVERIFY2(
            QString::fromStdString(result.errors[0]).contains("disk full") &&
                QString::fromStdString(result.errors[0]).contains(QString::fromStdString(folder)),
            result.errors[0].c_str());
        QCOMPARE(result.takes.size(), std::size_t(1));
        const auto& partial = result.takes[0];
        QCOMPARE(partial.position, std::int64_t(0));
        QVERIFY(partial.frames > 30000 && partial.frames < loopEnd);
        const std::vector<float> samples = readTake(partial.file);
        QCOMPARE(std::int64_t(samples.size()), partial.frames);
        QCOMPARE(firstMismatch(samples, 0), std::int64_t(-1));
    }

    // With a count-in (Engine::play(bars)) the playhead waits while the metronome counts: nothing
    // is recorded then, and the take starts exactly at the playhead, sample-exact.
    void countInRecordsFromThePlayhead() {
        const int latency = 640;
        Engine engine;
        engine.setProject(project_);
        armRecordTrack(engine);
        engine.setRecordingOffset(latency);
        engine.setMetronome(false, -12.0);
        const std::int64_t start = 3000;
        engine.seek(start);
        engine.play(1); // one bar of 4/4 at 120 bpm: 96 000 frames
        engine.startRecording(freshFolder("countin"), false);
        LoopbackDriver driver(engine, 256, latency);
        const std::int64_t frames = 96000 + kRate;
        driver.run(frames);
        const RecordingResult result = engine.stopRecording();
        QCOMPARE(result.takes.size(), std::size_t(1));
        const auto& take = result.takes[0];
        QCOMPARE(take.position, start);
        const std::int64_t pulled = (frames + 255) / 256 * 256;
        QCOMPARE(take.frames, pulled - 96000 - latency);
        QCOMPARE(firstMismatch(readTake(take.file), start), std::int64_t(-1));
    }

    void punchNeedsALoop() {
        Engine engine;
        engine.setProject(project_);
        armRecordTrack(engine);
        QVERIFY_THROWS_EXCEPTION(accord::BadInput,
                                 engine.startRecording(freshFolder("noloop"), true));
        QVERIFY(!engine.isRecording());
        // A folder that cannot be made: a clear error naming it, and still not recording.
        try {
            engine.startRecording("/proc/no-such-folder/Recordings", false);
            QFAIL("recording into /proc started");
        } catch (const accord::BadInput& error) {
            QVERIFY2(QString(error.what()).contains("/proc/no-such-folder"), error.what());
        }
        QVERIFY(!engine.isRecording());
        engine.setRecordArms({});
        QVERIFY_THROWS_EXCEPTION(accord::BadInput, engine.startRecording(freshFolder("x"), false));
    }

    void offlineClockLoopbackRecordsAligned() {
        Engine engine;
        engine.setProject(project_);
        armRecordTrack(engine);
        engine.setOfflineLoopback(1500);
        engine.startOfflineClock(256);
        QCOMPARE(engine.recordingLatencyFrames(), 1500);
        engine.seek(kClipAt + 100);
        engine.play();
        engine.startRecording(freshFolder("clock"), false);
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        engine.stop();
        const RecordingResult result = engine.stopRecording();
        engine.stopOfflineClock();
        QVERIFY(result.errors.empty());
        QCOMPARE(result.takes.size(), std::size_t(1));
        const auto& take = result.takes[0];
        QVERIFY(take.position >= kClipAt + 100); // recording may start a few blocks in
        QVERIFY(take.frames > kRate / 10);
        QCOMPARE(firstMismatch(readTake(take.file), take.position), std::int64_t(-1));
    }

    // Monitoring goes through the track's fader and pan; switching it on or off, muting the
    // track, or soloing another ramps it over 10 ms (480 frames at 48 kHz) from one level to the
    // other, never a jump, recording or not; a soloed track keeps its own monitoring.
    void monitoringRampsThroughTheFaderAndFollowsSolo() {
        Engine engine;
        engine.setProject(project_);
        engine.setTrackGain("rec", -6.0);
        engine.setTrackPan("rec", -1.0); // hard left: nothing on the right
        const float full = 0.25f * float(std::pow(10.0, -6.0 / 20.0));
        const int frames = 1024, ramp = kRate / 100;
        std::vector<float> in(frames, 0.25f), left(frames), right(frames);
        const float* inputs[1] = {in.data()};
        float* outputs[2] = {left.data(), right.data()};
        // One block (the engine stopped: only the input sounds): a ramp from `from` to `to` over
        // `ramp` frames in equal steps, then `to` held exactly.
        const auto expectRamp = [&](float from, float to) {
            engine.process(inputs, 1, outputs, 2, frames);
            const float step = (to - from) / float(ramp);
            for (int i = 0; i < frames; ++i) {
                const float expected = i + 1 >= ramp ? to : from + step * float(i + 1);
                if (std::abs(left[std::size_t(i)] - expected) > 1e-5f ||
                    std::abs(right[std::size_t(i)]) > 1e-6f) // hard left: cos(pi/2) on the right
                    return QStringLiteral("frame %1: %2 (right %3), expected %4 (right 0)")
                        .arg(i)
                        .arg(double(left[std::size_t(i)]), 0, 'g', 9)
                        .arg(double(right[std::size_t(i)]))
                        .arg(double(expected), 0, 'g', 9);
            }
            return QString();
        };
        armRecordTrack(engine, true);
        QCOMPARE(expectRamp(0, full), QString()); // armed monitoring: in from silence
        QCOMPARE(expectRamp(full, full), QString());
        engine.setTrackMute("rec", true);
        QCOMPARE(expectRamp(full, 0), QString());
        engine.setTrackMute("rec", false);
        QCOMPARE(expectRamp(0, full), QString());
        // Another track soloed silences the monitored one, as playback does; soloed too, it sounds.
        engine.setTrackSolo("played", true);
        QCOMPARE(expectRamp(full, 0), QString());
        QCOMPARE(expectRamp(0, 0), QString());
        engine.setTrackSolo("rec", true);
        QCOMPARE(expectRamp(0, full), QString());
        engine.setTrackSolo("played", false);
        engine.setTrackSolo("rec", false);
        QCOMPARE(expectRamp(full, full), QString());
        // The monitor switch, while recording too (no rebuild of the arms).
        engine.startRecording(freshFolder("monitor"), false);
        engine.setTrackMonitor("rec", false);
        QCOMPARE(expectRamp(full, 0), QString());
        engine.setTrackMonitor("rec", true);
        QCOMPARE(expectRamp(0, full), QString());
        QVERIFY(engine.stopRecording().errors.empty());
        // Disarmed while monitored, it fades out; armed again without monitoring: silent; then
        // switched on, it ramps in.
        engine.setRecordArms({});
        QCOMPARE(expectRamp(full, 0), QString());
        QVERIFY_THROWS_EXCEPTION(accord::BadInput, engine.setTrackMonitor("rec", true));
        armRecordTrack(engine, false);
        QCOMPARE(expectRamp(0, 0), QString());
        engine.setTrackMonitor("rec", true);
        QCOMPARE(expectRamp(0, full), QString());
        QVERIFY_THROWS_EXCEPTION(accord::BadInput, engine.setTrackMonitor("played", true));
    }
};

QTEST_GUILESS_MAIN(TestEngineRecording)
#include "test_engine_recording.moc"

// Real-time safety of Engine::process: while a thread drives it as the audio callback, the
// message thread rebuilds the graph (setProject) and moves every control hundreds of times.
// Inside the callback (a thread_local flag) this executable counts every operator new/delete
// (replaced globally) and every pthread mutex/rwlock acquisition (interposed: the executable's
// definitions win over libc's for every caller); all must stay zero. A control case shows the
// counters do count inside the flag. Every track has an EQ and most a reverb send, all moved
// while playing, and the master fader too. The same again with live tracks (a delay-line
// processor on the engine's worker), their processors switched and removed while playing. The
// metronome and count-ins run throughout. And with recording (docs/ARCHITECTURE.md "Recording
// path"): armed tracks monitoring and recording the input, the monitor switched (ramped) and
// solos moved, arms changed and recordings started
// and stopped (with and without punch) while playing. And a LiveStream (the plugin's) while
// streams are handed over, half of them watermarked as the plugin's voice is.

#include "accord/audio/engine.h"
#include "accord/audio/live_stream.h"
#include "accord/audio/marked_stream.h"
#include "accord/audio/media.h"

#include "delay_gain.h"
#include "realtime_counters.h"
#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

using accord::test::g_allocations;
using accord::test::g_frees;
using accord::test::g_locks;
using accord::test::t_inCallback;

namespace {

void resetCounters() {
    g_allocations = 0;
    g_frees = 0;
    g_locks = 0;
}

// A random EQ: `bands` bands of every kind, gains within +-12 dB, now and then switched off.
accord::TrackEq randomEq(std::mt19937& random) {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    accord::TrackEq eq = accord::TrackEq::standard();
    for (accord::EqBand& band : eq.bands) {
        band.gainDb = 24.0 * unit(random) - 12.0;
        band.frequencyHz = 20.0 * std::pow(1000.0, unit(random));
        band.q = 0.3 + 5.0 * unit(random);
    }
    eq.on = unit(random) > 0.1;
    return eq;
}

// A project of real recordings with effects (every track an EQ, most a reverb send, a master
// fader, mostly a master limiter); `variant` moves clips, changes fades and drops/adds a track so
// every rebuild is a different graph.
accord::Project makeProject(int variant) {
    const QString root = accord::test::materialRoot() + "/";
    const QStringList files = {"alsa/Front_Left.wav", "alsa/Front_Right.wav",
                               "npm/piano-velocity10/audio/A1v10.ogg", "npm/audio-lena/lena.flac",
                               "alsa/Noise.wav"};
    accord::Project project;
    project.sampleRate = 48000;
    project.masterGainDb = -3.0 - variant % 4;
    project.reverb.roomSize = 0.3 + 0.1 * (variant % 5);
    project.limiter = {variant % 3 != 0, -1.0 - variant % 6};
    std::mt19937 random(unsigned(variant) + 100);
    const int tracks = 6 + variant % 3;
    for (int t = 0; t < tracks; ++t) {
        accord::Track track;
        track.id = "t" + std::to_string(t + 1);
        track.name = "Track " + std::to_string(t + 1);
        track.gainDb = -6.0;
        track.pan = (t % 5 - 2) * 0.4;
        for (int c = 0; c < 3; ++c) {
            accord::Clip clip;
            clip.id = "c" + std::to_string(t * 3 + c + 1);
            clip.file = (root + files[(t + c) % files.size()]).toStdString();
            clip.position = std::int64_t(c) * 40000 + (variant * 137 + t * 1000) % 20000;
            clip.offset = (variant * 31) % 5000;
            clip.length = 60000 + (variant * 53) % 10000;
            clip.fadeIn = (variant * 7) % 3000;
            clip.fadeOut = 2000;
            clip.gainDb = -1.0 * (c % 3);
            track.clips.push_back(clip);
        }
        track.eq = randomEq(random);
        if (t % 4 != 3)
            track.reverbSendDb = -6.0 - t;
        project.tracks.push_back(track);
    }
    return project;
}

using accord::test::DelayGain;

} // namespace

class TestEngineRealtime : public QObject {
    Q_OBJECT

    void playWhileEditing(bool live, bool recording = false) {
        const QStringList files = {"alsa/Front_Left.wav", "alsa/Front_Right.wav", "alsa/Noise.wav",
                                   "npm/piano-velocity10/audio/A1v10.ogg",
                                   "npm/audio-lena/lena.flac"};
        for (const QString& file : files) {
            ACCORD_REQUIRE_MATERIAL(path, file);
            Q_UNUSED(path);
        }
        accord::audio::Engine engine;
        engine.setProject(makeProject(0));
        engine.setLiveBlockSize(2048);
        if (live)
            for (const char* id : {"t1", "t2"})
                engine.setTrackProcessor(id, std::make_shared<DelayGain>(300, 0.8f));
        QTemporaryDir takes;
        // t2 records mono and monitors, t3 records a stereo pair.
        const auto arm = [&engine](bool monitor) {
            accord::audio::RecordArm mono{"t2", "Mono", 0, 1, true, monitor};
            accord::audio::RecordArm stereo{"t3", "Stereo", 0, 2, true, false};
            engine.setRecordArms({mono, stereo});
        };
        if (recording) {
            arm(true);
            engine.startRecording(takes.path().toStdString(), false);
        }
        engine.play();

        std::atomic<bool> running{true};
        std::atomic<long> blocks{0};
        std::atomic<float> loudest{0.0f};
        resetCounters();
        std::size_t takesWritten = 0;
        std::thread audio([&] {
            std::vector<float> left(2048), right(2048), input(2048);
            for (std::size_t i = 0; i < input.size(); ++i)
                input[i] = 0.1f * float(std::sin(0.05 * double(i)));
            float* outputs[2] = {left.data(), right.data()};
            const float* inputs[2] = {input.data(), input.data()};
            std::mt19937 random(1);
            std::uniform_int_distribution<int> sizes(1, 2048);
            float peak = 0.0f;
            while (running.load(std::memory_order_relaxed)) {
                const int frames = sizes(random);
                t_inCallback = true;
                if (recording)
                    engine.process(inputs, 2, outputs, 2, frames);
                else
                    engine.process(outputs, 2, frames);
                t_inCallback = false;
                for (int i = 0; i < frames; ++i)
                    peak = std::max(peak, std::abs(left[std::size_t(i)]));
                ++blocks;
                if (blocks % 8 == 0)
                    std::this_thread::yield(); // let the message thread interleave on 2 cores
            }
            loudest = peak;
        });

        // The message thread: rebuilds and every control, hundreds of times each.
        std::mt19937 random(2);
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        const int rounds = 600;
        for (int round = 0; round < rounds; ++round) {
            const accord::Project project = makeProject(round);
            if (round % 2 == 0)
                engine.setProject(project);
            if (live && round % 5 == 0)
                engine.setTrackProcessor(
                    "t" + std::to_string(1 + round % 3),
                    round % 4 == 0 ? nullptr
                                   : std::make_shared<DelayGain>(100 + round % 700, 0.5f));
            for (const auto& track : project.tracks) {
                engine.setTrackGain(track.id, -30.0 * unit(random));
                engine.setTrackPan(track.id, 2.0 * unit(random) - 1.0);
                engine.setTrackMute(track.id, unit(random) < 0.2);
                engine.setTrackSolo(track.id, unit(random) < 0.1);
                std::mt19937 eqRandom(unsigned(round * 31 + track.clips.size()));
                engine.setTrackEq(track.id, unit(random) < 0.2 ? std::nullopt
                                                               : std::optional(randomEq(eqRandom)));
                engine.setTrackReverbSend(track.id, unit(random) < 0.2
                                                        ? std::nullopt
                                                        : std::optional(-40.0 * unit(random)));
                engine.trackMeter(track.id);
            }
            engine.setMasterGain(-20.0 * unit(random));
            engine.setReverb({unit(random), unit(random), unit(random), -12.0 * unit(random)});
            engine.setMasterLimiter({unit(random) < 0.7, -12.0 * unit(random)});
            engine.masterMeter();
            engine.seek(std::int64_t(unit(random) * 150000));
            if (round % 3 == 0)
                engine.setLoop(
                    std::make_pair(std::int64_t(1000 + round), std::int64_t(5000 + 100 * round)));
            else if (round % 3 == 1)
                engine.setLoop(std::nullopt);
            engine.setMetronome(round % 4 != 0, -24.0 * unit(random));
            if (round % 10 == 0)
                engine.stop();
            else
                engine.play(round % 3); // a count-in of 0, 1 or 2 bars
            engine.playhead();
            if (recording && round % 50 == 25) {
                const accord::audio::RecordingResult result = engine.stopRecording();
                takesWritten += result.takes.size();
                arm(round % 100 == 25); // monitoring on and off
                // Punch whenever a loop is set (every third round sets one, the next clears it).
                engine.startRecording(takes.path().toStdString(), round % 3 == 0);
            }
            if (recording) // the monitor switch, ramped on the audio thread
                engine.setTrackMonitor("t2", unit(random) < 0.5);
            engine.collectGarbage();
            if (round % 2 == 0)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        engine.play();
        // On a loaded machine the callback thread may have had little CPU during the rounds:
        // let it run until it has done enough callbacks to mean something (bounded in time).
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        do
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        while (blocks.load() <= 2000 && std::chrono::steady_clock::now() < deadline);
        running = false;
        audio.join();
        if (recording)
            takesWritten += engine.stopRecording().takes.size();
        const long allocations = g_allocations.load();
        const long frees = g_frees.load();
        const long locks = g_locks.load();
        engine.collectGarbage();

        const accord::audio::EngineStats stats = engine.stats();
        qInfo("%ld callbacks, %llu graphs published, %llu adopted by the audio thread, %llu freed "
              "on the message thread; %llu live processors freed there",
              blocks.load(), static_cast<unsigned long long>(stats.graphsPublished),
              static_cast<unsigned long long>(stats.graphsAdopted),
              static_cast<unsigned long long>(stats.graphsFreed),
              static_cast<unsigned long long>(stats.liveChainsFreed));
        QCOMPARE(allocations, 0L);
        QCOMPARE(frees, 0L);
        QCOMPARE(locks, 0L);
        QVERIFY2(blocks.load() > 2000, "the callback thread hardly ran");
        QVERIFY(loudest.load() > 0.01f); // it really played the recordings
        QCOMPARE(stats.graphsPublished, std::uint64_t(rounds / 2 + 1));
        QVERIFY2(stats.graphsAdopted >= 50, "the audio thread saw too few rebuilds");
        // Every graph but the current one was freed, all of them here.
        QCOMPARE(stats.graphsFreed + 1, stats.graphsPublished);
        if (live)
            QVERIFY2(stats.liveChainsFreed >= 20, "the audio thread saw too few switches");
        if (recording)
            QVERIFY2(takesWritten >= 10, "the recordings wrote too few takes");
    }

private slots:
    void countersCountInsideTheFlag() {
        resetCounters();
        static int* volatile sink = nullptr; // keeps the compiler from eliding new/delete
        t_inCallback = true;
        sink = new int(42);
        delete sink;
        std::vector<float> grows;
        grows.resize(1000);
        std::mutex mutex;
        mutex.lock();
        mutex.unlock();
        pthread_mutex_t plain = PTHREAD_MUTEX_INITIALIZER;
        pthread_mutex_lock(&plain);
        pthread_mutex_unlock(&plain);
        t_inCallback = false;
        QVERIFY(g_allocations.load() >= 2);
        QVERIFY(g_frees.load() >= 1);
        QVERIFY(g_locks.load() >= 2);

        // And only inside it.
        resetCounters();
        int* outside = new int(1);
        delete outside;
        std::mutex other;
        other.lock();
        other.unlock();
        QCOMPARE(g_allocations.load(), 0L);
        QCOMPARE(g_locks.load(), 0L);
    }

    // The counters also catch what another thread's callback does (the flag is per thread).
    void countersSeeTheCallbackThread() {
        resetCounters();
        std::thread callback([] {
            t_inCallback = true;
            std::vector<int> allocates(10);
            std::mutex mutex;
            std::lock_guard<std::mutex> locks(mutex);
            t_inCallback = false;
        });
        callback.join();
        QVERIFY(g_allocations.load() >= 1);
        QVERIFY(g_locks.load() >= 1);
    }

    void processNeverAllocatesOrLocks() { playWhileEditing(false); }

    void liveTracksNeverAllocateOrLock() { playWhileEditing(true); }

    void recordingAndMonitoringNeverAllocateOrLock() { playWhileEditing(false, true); }

    // A live stream (the Accord Voice plugin's, docs/PLUGIN.md) played by a callback thread while
    // the message thread hands it new streams and none: the callback takes them, plays them and
    // hands the old ones back without allocating, freeing or locking. Half the streams carry the
    // watermark (audio/marked_stream.h), whose work is the worker's.
    void liveStreamsNeverAllocateOrLock() {
        constexpr int kRate = 48000, kBlock = 128;
        accord::audio::LiveStreamSlot slot;
        slot.prepare(kRate, kBlock);
        slot.publish(std::make_unique<accord::audio::LiveStream>(
            std::make_shared<DelayGain>(300, 0.5f), kRate, kBlock));
        std::atomic<bool> running{true};
        std::atomic<long> blocks{0};
        std::atomic<float> loudest{0.0f};
        resetCounters();
        std::thread audio([&] {
            std::vector<float> in(kBlock), out(kBlock);
            for (long n = 0; running.load(); ++n) {
                for (int i = 0; i < kBlock; ++i)
                    in[std::size_t(i)] = float(((n * kBlock + i) % 96) - 48) / 96.0f;
                t_inCallback = true;
                slot.process(in.data(), out.data(), kBlock, true);
                t_inCallback = false;
                loudest = std::max(loudest.load(), *std::max_element(out.begin(), out.end()));
                ++blocks;
                std::this_thread::sleep_for(std::chrono::microseconds(500));
            }
        });
        for (int round = 0; round < 60; ++round) {
            std::shared_ptr<accord::dsp::StreamProcessor> node =
                std::make_shared<DelayGain>(100 + round, 0.5f);
            if (round % 2 == 0)
                node = accord::audio::markedStreamProcessor(std::move(node), std::uint32_t(round));
            slot.publish(round % 4 == 3 ? nullptr
                                        : std::make_unique<accord::audio::LiveStream>(
                                              std::move(node), kRate, kBlock));
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        running = false;
        audio.join();
        qInfo("%ld callbacks", blocks.load());
        QCOMPARE(g_allocations.load(), 0L);
        QCOMPARE(g_frees.load(), 0L);
        QCOMPARE(g_locks.load(), 0L);
        QVERIFY2(blocks.load() > 500, "the callback thread hardly ran");
        QVERIFY(loudest.load() > 0.1f); // the streams really played
    }
};

QTEST_GUILESS_MAIN(TestEngineRealtime)
#include "test_engine_realtime.moc"

// The media cache on real recordings (revalidation and eviction), waveform overviews, and the
// engine's device handling on a machine without a sound card. Import itself (registration,
// resampling against sox, bad media) is tested with its workflow in tests/workflows.

#include "accord/audio/audio_file.h"
#include "accord/audio/engine.h"
#include "accord/audio/media.h"
#include "accord/core/errors.h"

#include "test_support.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>

#include <chrono>
#include <cmath>
#include <cstring>
#include <thread>

namespace {

using accord::audio::loadMedia;

const QString kWords = "alsa/Front_Center.wav";                // 48 kHz mono 16-bit
const QString kLena = "npm/audio-lena/lena.flac";              // 44.1 kHz mono FLAC
const QString kPiano = "npm/piano-velocity10/audio/A1v10.ogg"; // 48 kHz stereo Vorbis

} // namespace

class TestMedia : public QObject {
    Q_OBJECT

private slots:
    // One pass gives the identity (as identifyAudioFile computes it) and warms the cache.
    void decodeForImportIdentifiesAndWarmsTheCache() {
        ACCORD_REQUIRE_MATERIAL(words, kWords);
        accord::audio::clearMediaCache();
        std::vector<double> progress;
        const accord::audio::IdentifiedMedia decoded = accord::audio::decodeForImport(
            words.toStdString(), 44100, [&](double done) { progress.push_back(done); });
        const accord::AudioIdentity identity =
            accord::audio::identifyAudioFile(words.toStdString());
        QCOMPARE(decoded.identity.pcmSha256, identity.pcmSha256);
        QCOMPARE(decoded.identity.fileSha256, identity.fileSha256);
        QCOMPARE(decoded.identity.durationSeconds, identity.durationSeconds);
        QVERIFY(!progress.empty() && std::is_sorted(progress.begin(), progress.end()));
        const auto stats = accord::audio::mediaCacheStats();
        QCOMPARE(loadMedia(words.toStdString(), 44100), decoded.media);
        QCOMPARE(accord::audio::mediaCacheStats().hits, stats.hits + 1);
        std::atomic<bool> cancel{true};
        QVERIFY_THROWS_EXCEPTION(accord::Cancelled, accord::audio::decodeForImport(
                                                        words.toStdString(), 48000, {}, &cancel));
    }

    void cacheRevalidatesAndEvicts() {
        ACCORD_REQUIRE_MATERIAL(words, kWords);
        ACCORD_REQUIRE_MATERIAL(lena, kLena);
        QTemporaryDir scratch;
        const QString file = scratch.filePath("take.wav");
        QVERIFY(QFile::copy(words, file));
        const auto first = loadMedia(file.toStdString(), 48000);
        QCOMPARE(loadMedia(file.toStdString(), 48000), first);  // a hit: the same buffers
        QVERIFY(loadMedia(file.toStdString(), 44100) != first); // another rate: another entry

        // The file changes: decoded again.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        QVERIFY(QFile::remove(file));
        QVERIFY(accord::test::runTool("sox", {lena, "-r", "48000", file, "trim", "0", "2"}));
        const auto second = loadMedia(file.toStdString(), 48000);
        QVERIFY(second != first);
        QCOMPARE(second->frames, std::int64_t(96000));

        // Over budget: unused entries go, those in use stay.
        const std::size_t budget = accord::audio::mediaCacheStats().budgetBytes;
        accord::audio::setMediaCacheBudget(0);
        const auto stats = accord::audio::mediaCacheStats();
        QVERIFY(stats.bytes >= second->bytes());
        QCOMPARE(loadMedia(file.toStdString(), 48000), second); // still cached: in use
        accord::audio::setMediaCacheBudget(budget);
        QVERIFY(second->bytes() >= std::size_t(96000) * sizeof(float));
    }

    // prepareProjectMedia decodes a project's files on one thread per core: every file once,
    // progress on the calling thread up to 1, a missing file named (not a cancel), and a cancel
    // set before it starts thrown as Cancelled.
    void preparingAProjectDecodesEachFileOnce() {
        ACCORD_REQUIRE_MATERIAL(words, kWords);
        ACCORD_REQUIRE_MATERIAL(lena, kLena);
        ACCORD_REQUIRE_MATERIAL(piano, kPiano);
        accord::audio::clearMediaCache();
        accord::Project project;
        project.sampleRate = 44100;
        accord::Track track;
        for (const QString& file : {words, lena, piano, words}) {
            accord::Clip clip;
            clip.file = file.toStdString();
            track.clips.push_back(clip);
        }
        project.tracks.push_back(track);

        const std::thread::id caller = std::this_thread::get_id();
        std::vector<double> progress;
        bool onCaller = true;
        accord::audio::prepareProjectMedia(project, [&](double done) {
            onCaller = onCaller && std::this_thread::get_id() == caller;
            progress.push_back(done);
        });
        QVERIFY(onCaller);
        QVERIFY(!progress.empty() && std::is_sorted(progress.begin(), progress.end()));
        QCOMPARE(progress.back(), 1.0);
        QCOMPARE(accord::audio::mediaCacheStats().entries, std::size_t(3)); // words once
        const auto stats = accord::audio::mediaCacheStats();
        for (const QString& file : {words, lena, piano})
            QVERIFY(loadMedia(file.toStdString(), 44100) != nullptr);
        QCOMPARE(accord::audio::mediaCacheStats().hits, stats.hits + 3);

        accord::audio::clearMediaCache();
        accord::Clip missing;
        missing.file = "/nonexistent/accord-missing-take.wav";
        project.tracks.front().clips.push_back(missing);
        try {
            accord::audio::prepareProjectMedia(project);
            QFAIL("a missing file must be reported");
        } catch (const accord::BadInput& e) {
            QVERIFY2(QString(e.what()).contains("accord-missing-take.wav"), e.what());
        }

        project.tracks.front().clips.pop_back();
        std::atomic<bool> cancel{true};
        QVERIFY_THROWS_EXCEPTION(accord::Cancelled,
                                 accord::audio::prepareProjectMedia(project, {}, &cancel));
    }

    void waveformOverview() {
        ACCORD_REQUIRE_MATERIAL(piano, kPiano);
        const auto overview = accord::audio::computeWaveformOverview(piano.toStdString());
        QCOMPARE(overview.sampleRate, 48000);
        QCOMPARE(overview.samplesPerBucket, 256);
        const std::vector<float> stereo =
            accord::test::soxFloats(piano, {"remix", "1,2"}); // sox's mono mix
        const std::size_t frames = stereo.size();
        QCOMPARE(overview.minimum.size(), (frames + 255) / 256);
        QCOMPARE(overview.maximum.size(), overview.minimum.size());
        double worst = 0;
        for (std::size_t b = 0; b < overview.maximum.size(); ++b) {
            float low = stereo[b * 256], high = low;
            for (std::size_t i = b * 256; i < std::min(frames, b * 256 + 256); ++i) {
                low = std::min(low, stereo[i]);
                high = std::max(high, stereo[i]);
            }
            // sox mixes with 0.5 * (l + r) and decodes Vorbis to 16-bit: compare loosely.
            worst = std::max({worst, std::abs(double(high) - overview.maximum[b]),
                              std::abs(double(low) - overview.minimum[b])});
        }
        QVERIFY2(worst < 1e-3, qPrintable(QString::number(worst)));
        QVERIFY(*std::max_element(overview.maximum.begin(), overview.maximum.end()) > 0.05f);
        std::atomic<bool> cancel{true};
        // Cached per content: no decoding (so no cancel) the second time.
        QCOMPARE(accord::audio::computeWaveformOverview(piano.toStdString(), &cancel).maximum,
                 overview.maximum);
    }

    // This machine has no sound card: openDevice fails with a clear message and the offline
    // clock drives playback at real-time pace instead.
    void noDeviceFallsBackToTheOfflineClock() {
        ACCORD_REQUIRE_MATERIAL(words, kWords);
        accord::audio::Engine engine;
        std::string error;
        if (engine.openDevice(std::nullopt, error)) {
            QVERIFY(engine.currentDevice().has_value());
            engine.closeDevice();
            QSKIP("this machine has an audio device: the no-device path is not exercised");
        }
        qInfo("openDevice: %s", error.c_str());
        QVERIFY(QString::fromStdString(error).contains("no audio output device"));
        QVERIFY(!engine.currentDevice().has_value());
        std::string typeError;
        accord::audio::DeviceSetup noSuchType;
        noSuchType.type = "NoSuchAPI";
        QVERIFY(!engine.openDevice(noSuchType, typeError));
        QVERIFY2(QString::fromStdString(typeError).contains("NoSuchAPI"), typeError.c_str());

        accord::Project project;
        accord::Track track;
        track.id = "t1";
        accord::Clip clip;
        clip.id = "c1";
        clip.file = words.toStdString();
        clip.length = 48000;
        track.clips.push_back(clip);
        project.tracks.push_back(track);
        engine.setProject(project);
        engine.play();
        const auto start = std::chrono::steady_clock::now();
        engine.startOfflineClock(256);
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        const std::int64_t playhead = engine.playhead();
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        engine.stopOfflineClock();
        const double expected = elapsed * 48000;
        qInfo("offline clock: playhead %lld after %.3f s (real time: %.0f)",
              static_cast<long long>(playhead), elapsed, expected);
        // The pace of real time: never ahead of it, and moving (generous: a loaded machine may
        // hold the clock's thread back for a while).
        QVERIFY(playhead > 0.3 * expected && playhead < 1.2 * expected + 512);
        QVERIFY(engine.masterMeter().left > 0.0f);
    }
};

QTEST_GUILESS_MAIN(TestMedia)
#include "test_media.moc"

// The import use case on real recordings: registration by content (same content = one asset),
// every format, resampling with libsoxr checked against sox, 1 and 8 channels, bad media
// (truncated, not audio, zero length, broken headers) registering nothing, and cancel. A take
// the engine recorded registers as a *recorded* asset of its performer by the same rules.

#include "accord/audio/audio_file.h"
#include "accord/audio/engine.h"
#include "accord/audio/media.h"
#include "accord/core/cancelled.h"
#include "accord/core/errors.h"
#include "accord/core/policy.h"
#include "accord/core/registry.h"
#include "accord/core/time.h"
#include "accord/workflows/import.h"
#include "accord/workflows/own_uses.h"

#include "registered_recordings.h"
#include "test_support.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>

#include <cmath>

namespace {

using accord::audio::loadMedia;
using accord::workflows::importRecording;

const QString kWords = "alsa/Front_Center.wav";                     // 48 kHz mono 16-bit
const QString kCzechVoice = "fillets-cs/airplane/cs/let-v-oko.ogg"; // 22.05 kHz mono Vorbis
const QString kLena = "npm/audio-lena/lena.flac";                   // 44.1 kHz mono FLAC
const QString kPiano = "npm/piano-velocity10/audio/A1v10.ogg";      // 48 kHz stereo Vorbis

using Scratch = accord::test::ScratchRegistry;
using accord::test::readAll;
using accord::test::writeAll;

} // namespace

class TestImport : public QObject {
    Q_OBJECT

private slots:
    void importRegistersOnceBySameContent() {
        ACCORD_REQUIRE_MATERIAL(words, kWords);
        Scratch scratch;
        const auto first =
            importRecording(*scratch.registry, words.toStdString(), scratch.owner, 48000);
        QVERIFY(!first.alreadyKnown);
        QCOMPARE(first.asset.origin, accord::AssetOrigin::Imported);
        QCOMPARE(first.asset.owner, scratch.owner);
        QCOMPARE(first.asset.sampleRate, 48000);
        QCOMPARE(first.asset.channels, 1);
        QCOMPARE(QString::fromStdString(first.file), QFileInfo(words).absoluteFilePath());
        QVERIFY(first.notes.empty());
        // Import decodes once for both the cache and the identity: the same as identifyAudioFile.
        const accord::AudioIdentity identity =
            accord::audio::identifyAudioFile(words.toStdString());
        QCOMPARE(first.asset.pcmSha256, identity.pcmSha256);
        QCOMPARE(first.asset.fileSha256, identity.fileSha256);
        QCOMPARE(first.asset.durationSeconds, identity.durationSeconds);

        const auto again =
            importRecording(*scratch.registry, words.toStdString(), scratch.owner, 48000);
        QVERIFY(again.alreadyKnown);
        QCOMPARE(again.asset.id, first.asset.id);

        // A lossless re-encode is the same recording: same asset.
        const QString flac = scratch.path("take.flac");
        QVERIFY(accord::test::runTool("sox", {words, flac}));
        const auto reencoded =
            importRecording(*scratch.registry, flac.toStdString(), scratch.owner, 48000);
        QVERIFY(reencoded.alreadyKnown);
        QCOMPARE(reencoded.asset.id, first.asset.id);
        QCOMPARE(scratch.registry->assets().size(), std::size_t(1));

        // The import warmed the cache: the engine finds it decoded at the project rate.
        const auto stats = accord::audio::mediaCacheStats();
        const auto media = loadMedia(words.toStdString(), 48000);
        QCOMPARE(accord::audio::mediaCacheStats().hits, stats.hits + 1);
        QCOMPARE(media->frames, first.lengthAtProjectRate);
        const std::vector<float> reference = accord::test::soxFloats(words);
        QCOMPARE(std::size_t(media->frames), reference.size());
        QVERIFY(std::equal(reference.begin(), reference.end(), media->channels[0].begin()));
    }

    // Every readable format imports (into a 44.1 kHz project: resampled from 48 kHz).
    void importsEveryFormat_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("wav") << "take.wav";
        QTest::newRow("aiff") << "take.aiff";
        QTest::newRow("flac") << "take.flac";
        QTest::newRow("ogg") << "take.ogg";
        QTest::newRow("mp3") << "take.mp3";
    }

    void importsEveryFormat() {
        QFETCH(QString, name);
        ACCORD_REQUIRE_MATERIAL(words, kWords);
        Scratch scratch;
        const QString file = scratch.path(name);
        if (name.endsWith(".mp3"))
            QVERIFY(accord::test::runTool("lame", {"--quiet", "-b", "192", words, file}));
        else
            QVERIFY(accord::test::runTool("sox", {words, file}));
        const auto imported =
            importRecording(*scratch.registry, file.toStdString(), scratch.owner, 44100);
        QCOMPARE(imported.asset.sampleRate, 48000);
        const std::vector<float> original = accord::test::soxFloats(words);
        const auto expected = std::int64_t(std::llround(double(original.size()) * 44100 / 48000));
        // MP3 adds encoder delay and padding (a few frames of 1152 samples).
        QVERIFY2(imported.lengthAtProjectRate >= expected &&
                     imported.lengthAtProjectRate <= expected + (name.endsWith(".mp3") ? 4000 : 0),
                 qPrintable(QString::number(imported.lengthAtProjectRate)));
        if (name.endsWith(".mp3"))
            return; // lossy and delayed: its content is checked by the identity tests
        const auto media = loadMedia(file.toStdString(), 44100);
        const std::vector<float> sox = accord::test::soxFloats(file, {"rate", "-v", "44100"});
        const std::size_t common = std::min(sox.size(), std::size_t(media->frames));
        const double r = accord::test::correlation(media->channels[0].data(), sox.data(), common);
        QVERIFY2(r > 0.999, qPrintable(QString::number(r, 'f', 7)));
    }

    // 22.05 kHz Vorbis into a 48 kHz project: right length, same content as sox's resampler.
    void resampledImportMatchesSox() {
        ACCORD_REQUIRE_MATERIAL(voice, kCzechVoice);
        Scratch scratch;
        std::vector<double> progress;
        const auto imported =
            importRecording(*scratch.registry, voice.toStdString(), scratch.owner, 48000,
                            [&](double done) { progress.push_back(done); });
        QCOMPARE(imported.asset.pcmSha256,
                 accord::audio::identifyAudioFile(voice.toStdString()).pcmSha256);
        const std::vector<float> source = accord::test::soxFloats(voice);
        QVERIFY(source.size() > 22050);
        const auto expected = std::int64_t(std::llround(double(source.size()) * 48000 / 22050));
        QCOMPARE(imported.lengthAtProjectRate, expected);
        QCOMPARE(imported.notes.size(), std::size_t(1));
        QVERIFY(QString::fromStdString(imported.notes[0]).contains("22050 Hz to 48000 Hz"));
        QVERIFY(!progress.empty() && progress.back() == 1.0);
        QVERIFY(std::is_sorted(progress.begin(), progress.end()));

        const auto media = loadMedia(voice.toStdString(), 48000);
        QCOMPARE(media->frames, expected);
        QCOMPARE(media->sourceRate, 22050);
        QCOMPARE(media->channels.size(), std::size_t(1));
        const std::vector<float> sox = accord::test::soxFloats(voice, {"rate", "-v", "48000"});
        QVERIFY(std::abs(std::int64_t(sox.size()) - expected) <= 1);
        const std::size_t common = std::min(sox.size(), std::size_t(expected));
        const double r = accord::test::correlation(media->channels[0].data(), sox.data(), common);
        qInfo("correlation with sox's resampling: %.7f over %zu samples", r, common);
        QVERIFY2(r > 0.999, qPrintable(QString::number(r, 'f', 7)));
        // Aligned (no resampler delay): shifted by a few samples the match is worse.
        QVERIFY(accord::test::correlation(media->channels[0].data() + 3, sox.data(), common - 3) <
                r);
    }

    void monoImportPlaysInBothSides() {
        ACCORD_REQUIRE_MATERIAL(lena, kLena);
        Scratch scratch;
        const auto imported =
            importRecording(*scratch.registry, lena.toStdString(), scratch.owner, 44100);
        QCOMPARE(imported.asset.channels, 1);
        accord::Project project;
        project.sampleRate = 44100;
        accord::Track track;
        track.id = "t1";
        track.name = "Lena";
        accord::Clip clip;
        clip.id = "c1";
        clip.file = imported.file;
        clip.length = imported.lengthAtProjectRate;
        track.clips.push_back(clip);
        project.tracks.push_back(track);
        accord::audio::Engine engine;
        engine.setProject(project);
        engine.play();
        std::vector<float> left(44100), right(44100);
        float* outputs[2] = {left.data(), right.data()};
        engine.process(outputs, 2, 44100);
        QVERIFY(left == right);
        const auto media = loadMedia(imported.file, 44100);
        QVERIFY(std::equal(left.begin(), left.end(), media->channels[0].begin()));
    }

    // 8 channels: imported (identity over all 8), the first two play as left and right.
    void eightChannelsPlayTheirFirstTwo() {
        ACCORD_REQUIRE_MATERIAL(words, "alsa/Front_Center.wav");
        Scratch scratch;
        const QString eight = accord::test::eightChannelWav(scratch.dir.path());
        QVERIFY(!eight.isEmpty());
        const auto imported =
            importRecording(*scratch.registry, eight.toStdString(), scratch.owner, 48000);
        QCOMPARE(imported.asset.channels, 8);
        QCOMPARE(imported.asset.pcmSha256,
                 accord::audio::identifyAudioFile(eight.toStdString()).pcmSha256);
        QCOMPARE(imported.notes.size(), std::size_t(1));
        QVERIFY(QString::fromStdString(imported.notes[0]).contains("8 channels"));
        const auto media = loadMedia(eight.toStdString(), 48000);
        QCOMPARE(media->sourceChannels, 8);
        QCOMPARE(media->channels.size(), std::size_t(2));
        const std::vector<float> firstTwo = accord::test::soxFloats(eight, {"remix", "1", "2"});
        QCOMPARE(firstTwo.size(), std::size_t(media->frames) * 2);
        for (std::size_t i = 0; i < std::size_t(media->frames); ++i) {
            QCOMPARE(media->channels[0][i], firstTwo[2 * i]);
            QCOMPARE(media->channels[1][i], firstTwo[2 * i + 1]);
        }
    }

    void badMediaIsAClearErrorAndRegistersNothing_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("expected");
        QTest::newRow("truncated wav") << "cut.wav"
                                       << "truncated WAV";
        QTest::newRow("truncated ogg") << "cut.ogg"
                                       << "truncated Ogg";
        QTest::newRow("text named .wav") << "notes.wav"
                                         << "not an audio file";
        QTest::newRow("empty file") << "empty.flac"
                                    << "empty file";
        QTest::newRow("header only") << "nothing.wav"
                                     << "no samples";
        QTest::newRow("zero channels") << "nochannels.wav"
                                       << ": ";
        QTest::newRow("zero sample rate") << "norate.wav"
                                          << ": ";
        QTest::newRow("7-bit samples") << "sevenbit.wav"
                                       << ": ";
        QTest::newRow("missing") << "never-recorded.wav"
                                 << "no such file";
    }

    void badMediaIsAClearErrorAndRegistersNothing() {
        QFETCH(QString, name);
        QFETCH(QString, expected);
        ACCORD_REQUIRE_MATERIAL(words, kWords);
        ACCORD_REQUIRE_MATERIAL(voice, kCzechVoice);
        Scratch scratch;
        const QString file = scratch.path(name);
        const QByteArray wav = readAll(words);
        QByteArray header = wav.left(44);
        if (name == "cut.wav") {
            QVERIFY(writeAll(file, wav.left(wav.size() / 2)));
        } else if (name == "cut.ogg") {
            const QByteArray ogg = readAll(voice);
            QVERIFY(writeAll(file, ogg.left(ogg.size() / 2)));
        } else if (name == "notes.wav") {
            QVERIFY(writeAll(file, "Verse 1: la la la\nChorus: oh oh oh\n"));
        } else if (name == "empty.flac") {
            QVERIFY(writeAll(file, {}));
        } else if (name == "nothing.wav") {
            qToLittleEndian<quint32>(36, header.data() + 4);
            qToLittleEndian<quint32>(0, header.data() + 40);
            QVERIFY(writeAll(file, header));
        } else if (name == "nochannels.wav") {
            QByteArray broken = wav;
            qToLittleEndian<quint16>(0, broken.data() + 22);
            QVERIFY(writeAll(file, broken));
        } else if (name == "norate.wav") {
            QByteArray broken = wav;
            qToLittleEndian<quint32>(0, broken.data() + 24);
            QVERIFY(writeAll(file, broken));
        } else if (name == "sevenbit.wav") {
            QByteArray broken = wav;
            qToLittleEndian<quint16>(7, broken.data() + 34);
            QVERIFY(writeAll(file, broken));
        }
        const QString message = accord::test::errorOf<accord::BadInput>(
            [&] { importRecording(*scratch.registry, file.toStdString(), scratch.owner, 48000); });
        QVERIFY2(message.startsWith(file + ": "), qPrintable(message));
        QVERIFY2(message.contains(expected), qPrintable(message));
        QVERIFY2(!message.contains('\n'), qPrintable(message));
        QVERIFY(scratch.registry->assets().empty());

        // The engine names the file too, and keeps what it had.
        accord::Project project;
        accord::Track track;
        track.id = "t1";
        accord::Clip clip;
        clip.id = "c1";
        clip.file = file.toStdString();
        clip.length = 1000;
        track.clips.push_back(clip);
        project.tracks.push_back(track);
        accord::audio::Engine engine;
        engine.seek(123);
        try {
            engine.setProject(project);
            QFAIL("setProject accepted bad media");
        } catch (const accord::BadInput& error) {
            QVERIFY2(QString(error.what()).startsWith(file + ": "), error.what());
        }
        QCOMPARE(engine.playhead(), std::int64_t(123));
        // An offline clip (media missing at load) is simply silent.
        project.tracks[0].clips[0].offline = true;
        engine.setProject(project);
    }

    void cancelRegistersNothing() {
        ACCORD_REQUIRE_MATERIAL(piano, kPiano);
        Scratch scratch;
        std::atomic<bool> cancel{true};
        QVERIFY_THROWS_EXCEPTION(accord::Cancelled,
                                 importRecording(*scratch.registry, piano.toStdString(),
                                                 scratch.owner, 44100, {}, &cancel));
        cancel = false;
        bool sawProgress = false;
        QVERIFY_THROWS_EXCEPTION(accord::Cancelled,
                                 importRecording(
                                     *scratch.registry, piano.toStdString(), scratch.owner, 44100,
                                     [&](double done) {
                                         sawProgress = true;
                                         if (done > 0.2)
                                             cancel = true;
                                     },
                                     &cancel));
        QVERIFY(sawProgress);
        QVERIFY(scratch.registry->assets().empty());
    }

    void recordedTakeIsARecordedAssetOfItsPerformer() {
        ACCORD_REQUIRE_MATERIAL(words, kWords);
        Scratch scratch;
        const std::string performer = scratch.registry->addHolder("Bea Singer", "").id;
        // The engine records a real recording played on one track into another (a loopback
        // with 512 frames of round trip, compensated).
        accord::Project project;
        project.sampleRate = 48000;
        accord::Track played;
        played.id = "played";
        accord::Clip clip;
        clip.id = "c1";
        clip.file = words.toStdString();
        clip.length = 48000;
        played.clips.push_back(clip);
        accord::Track vocal;
        vocal.id = "vocal";
        project.tracks = {played, vocal};
        accord::audio::Engine engine;
        engine.setProject(project);
        engine.setRecordArms({{"vocal", "Vocal", 0, 1, true, false}});
        engine.setRecordingOffset(512);
        engine.play();
        engine.startRecording(scratch.path("Recordings").toStdString(), false);
        std::vector<float> left(256), right(256), input(256);
        std::vector<float> history;
        float* outputs[2] = {left.data(), right.data()};
        const float* inputs[1] = {input.data()};
        for (int block = 0; block < 150; ++block) {
            for (std::size_t i = 0; i < input.size(); ++i) {
                const std::size_t at = history.size() + i;
                input[i] = at >= 512 ? history[at - 512] : 0.0f;
            }
            engine.process(inputs, 1, outputs, 2, 256);
            history.insert(history.end(), left.begin(), left.end());
        }
        const auto result = engine.stopRecording();
        QCOMPARE(result.takes.size(), std::size_t(1));
        const std::string take = result.takes[0].file;

        const auto first =
            accord::workflows::registerRecordedTake(*scratch.registry, take, performer, 48000);
        QVERIFY(!first.alreadyKnown);
        QVERIFY(!first.render);
        QCOMPARE(first.asset.owner, performer);
        QVERIFY(first.asset.origin == accord::AssetOrigin::Recorded);
        QCOMPARE(first.asset.path, take);
        QCOMPARE(first.lengthAtProjectRate, result.takes[0].frames);
        // The same content again (a copy) is the same asset.
        const QString copy = scratch.path("copy.wav");
        QVERIFY(QFile::copy(QString::fromStdString(take), copy));
        const auto again = accord::workflows::registerRecordedTake(
            *scratch.registry, copy.toStdString(), performer, 48000);
        QVERIFY(again.alreadyKnown);
        QCOMPARE(again.asset.id, first.asset.id);
        QCOMPARE(scratch.registry->assets().size(), std::size_t(1));
        // Another holder cannot claim it; an unknown performer is refused by name.
        QVERIFY_THROWS_EXCEPTION(
            accord::BadInput,
            accord::workflows::registerRecordedTake(*scratch.registry, take, scratch.owner, 48000));
        try {
            accord::workflows::registerRecordedTake(*scratch.registry, take, "h-999", 48000);
            QFAIL("an unknown performer was accepted");
        } catch (const accord::BadInput& error) {
            QVERIFY(QString(error.what()).contains("h-999"));
        }
    }
};

QTEST_GUILESS_MAIN(TestImport)
#include "test_import.moc"

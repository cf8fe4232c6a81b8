// Offline render on real recordings: the files sox/soxi read (rate, bits, length), the
// canonical PCM hash (identifyAudioFile on the written file), loudness and true peak against an
// independent measurement (libebur128 over sox's decoding, and over the engine's in-memory
// playback), stem names, cancel, failing writes (no file, not even a temporary one, is left).

#include "accord/audio/audio_file.h"
#include "accord/audio/audio_io.h"
#include "accord/audio/engine.h"
#include "accord/audio/render.h"
#include "accord/core/crypto.h"
#include "accord/core/errors.h"

#include "test_support.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <ebur128.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstring>
#include <random>

namespace {

using accord::audio::RenderFormat;
using accord::audio::RenderRequest;

const QString kWords = "alsa/Front_Left.wav";
const QString kPiano = "npm/piano-velocity10/audio/A1v10.ogg";
const QString kLena = "npm/audio-lena/lena.flac";

accord::Project makeProject() {
    const QString root = accord::test::materialRoot() + "/";
    accord::Project project;
    project.sampleRate = 48000;
    auto add = [&](const std::string& name, const QString& file, double gainDb, double pan,
                   std::int64_t position, std::int64_t offset, std::int64_t length) {
        accord::Track track;
        track.id = project.nextTrackId();
        track.name = name;
        track.gainDb = gainDb;
        track.pan = pan;
        accord::Clip clip;
        clip.id = project.nextClipId();
        clip.file = (root + file).toStdString();
        clip.position = position;
        clip.offset = offset;
        clip.length = length;
        clip.fadeIn = 480;
        clip.fadeOut = 4800;
        track.clips.push_back(clip);
        project.tracks.push_back(track);
    };
    add("Vocals", kLena, -3.0, 0.2, 0, 48000, 4 * 48000);
    add("Piano/Keys: \"grand\"", kPiano, -6.0, -0.5, 12000, 24000, 3 * 48000);
    add("  .words ", kWords, 0.0, 0.0, 96000, 0, 70000);
    add("", kWords, -10.0, 1.0, 0, 0, 20000);
    project.tracks.back().mute = true;
    return project;
}

QString soxi(const QString& option, const QString& file) {
    QProcess process;
    process.start("soxi", {option, file});
    process.waitForFinished(accord::test::kSafetyNetMs);
    return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
}

struct Loudness {
    double lufs = 0;
    double truePeakDb = 0;
};

// libebur128 over interleaved stereo samples (the independent measurement).
Loudness measure(const std::vector<float>& interleaved, int rate) {
    ebur128_state* state = ebur128_init(2, unsigned(rate), EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
    ebur128_add_frames_float(state, interleaved.data(), interleaved.size() / 2);
    Loudness result;
    ebur128_loudness_global(state, &result.lufs);
    double left = 0, right = 0;
    ebur128_true_peak(state, 0, &left);
    ebur128_true_peak(state, 1, &right);
    result.truePeakDb = 20 * std::log10(std::max(left, right));
    ebur128_destroy(&state);
    return result;
}

QStringList filesIn(const QString& folder) {
    return QDir(folder).entryList(QDir::Files | QDir::Hidden | QDir::System);
}

} // namespace

#define REQUIRE_MATERIAL()                                                                         \
    for (const QString& relative : QStringList{kWords, kPiano, kLena}) {                           \
        ACCORD_REQUIRE_MATERIAL(file, relative);                                                   \
        Q_UNUSED(file);                                                                            \
    }

class TestRender : public QObject {
    Q_OBJECT

private slots:
    void formatFromFileName() {
        using accord::audio::renderFormatFor;
        QCOMPARE(renderFormatFor("/x/mix.wav", false), RenderFormat::Wav24);
        QCOMPARE(renderFormatFor("/x/MIX.WAV", true), RenderFormat::WavFloat32);
        QCOMPARE(renderFormatFor("/x/mix.flac", false), RenderFormat::Flac24);
        QVERIFY_THROWS_EXCEPTION(accord::BadInput, renderFormatFor("/x/mix.flac", true));
        QVERIFY_THROWS_EXCEPTION(accord::BadInput, renderFormatFor("/x/mix.mp3", false));
        QVERIFY_THROWS_EXCEPTION(accord::BadInput, renderFormatFor("/x/mix", false));
        try {
            renderFormatFor("/x/mix.ogg", false);
        } catch (const accord::BadInput& error) {
            QVERIFY(QString(error.what()).startsWith("/x/mix.ogg: "));
        }
    }

    void filesPlayInSoxAndReportTheirContent_data() {
        QTest::addColumn<int>("format");
        QTest::addColumn<QString>("mixName");
        QTest::addColumn<QString>("bits");
        QTest::addColumn<QString>("encoding");
        QTest::newRow("wav 24-bit") << int(RenderFormat::Wav24) << "mix.wav"
                                    << "24"
                                    << "Signed Integer PCM";
        QTest::newRow("wav 32-bit float") << int(RenderFormat::WavFloat32) << "mix.wav"
                                          << "32"
                                          << "Floating Point PCM";
        QTest::newRow("flac 24-bit") << int(RenderFormat::Flac24) << "mix.flac"
                                     << "24"
                                     << "FLAC";
    }

    void filesPlayInSoxAndReportTheirContent() {
        QFETCH(int, format);
        QFETCH(QString, mixName);
        QFETCH(QString, bits);
        QFETCH(QString, encoding);
        REQUIRE_MATERIAL();
        const accord::Project project = makeProject();
        QTemporaryDir scratch;
        const QString stems = scratch.filePath("stems");
        QVERIFY(QDir().mkpath(stems));
        RenderRequest request;
        request.mixPath = scratch.filePath(mixName).toStdString();
        request.stemsDir = stems.toStdString();
        request.format = RenderFormat(format);
        std::vector<double> progress;
        const auto files = accord::audio::renderProject(
            project, request, [&](double done) { progress.push_back(done); });
        QCOMPARE(files.size(), std::size_t(5));
        QVERIFY(!progress.empty() && progress.back() == 1.0);
        QVERIFY(std::is_sorted(progress.begin(), progress.end()));

        // Stem names: position and sanitised name.
        const QString extension = format == int(RenderFormat::Flac24) ? ".flac" : ".wav";
        QStringList expectedStems = {"01 Vocals", "02 Piano_Keys_ _grand_", "03 words", "04 Track"};
        for (QString& name : expectedStems)
            name += extension;
        QCOMPARE(filesIn(stems), expectedStems);
        QCOMPARE(QString::fromStdString(files[0].path), scratch.filePath(mixName));
        QVERIFY(files[0].trackId.empty());
        QCOMPARE(QString::fromStdString(files[2].path), stems + "/" + expectedStems[1]);
        QCOMPARE(files[2].trackId, project.tracks[1].id);
        QCOMPARE(QString::fromStdString(accord::audio::stemFileName(project, 1, request.format)),
                 expectedStems[1]);

        for (const auto& file : files) {
            const QString path = QString::fromStdString(file.path);
            QCOMPARE(soxi("-r", path), QString("48000"));
            QCOMPARE(soxi("-c", path), QString("2"));
            QCOMPARE(soxi("-b", path), bits);
            QCOMPARE(soxi("-e", path), encoding);
            QCOMPARE(soxi("-s", path).toLongLong(), project.length());
            QCOMPARE(file.durationSeconds, double(project.length()) / 48000);
            // The reported hash is the one identifyAudioFile computes from the file.
            const accord::AudioIdentity identity = accord::audio::identifyAudioFile(file.path);
            QCOMPARE(file.pcmSha256, identity.pcmSha256);

            // Loudness and true peak: libebur128 over sox's decoding of the file.
            const Loudness independent = measure(accord::test::soxFloats(path), 48000);
            QVERIFY2(
                std::abs(file.lufs - independent.lufs) < 0.1,
                qPrintable(
                    QString("%1: %2 LUFS vs %3").arg(path).arg(file.lufs).arg(independent.lufs)));
            QVERIFY2(std::abs(file.truePeakDb - independent.truePeakDb) < 0.1,
                     qPrintable(QString("%1: %2 dBTP vs %3")
                                    .arg(path)
                                    .arg(file.truePeakDb)
                                    .arg(independent.truePeakDb)));
            QVERIFY(file.lufs > -60 && file.lufs < 0);
        }
        // The muted track still has its stem; the mix does not contain it.
        QVERIFY(files[4].lufs > -60);

        // And against the engine's playback held in memory.
        accord::audio::Engine engine;
        engine.setProject(project);
        engine.play();
        std::vector<float> left(std::size_t(project.length())), right(left.size());
        float* outputs[2] = {left.data(), right.data()};
        engine.process(outputs, 2, int(left.size()));
        std::vector<float> interleaved(left.size() * 2);
        for (std::size_t i = 0; i < left.size(); ++i) {
            interleaved[2 * i] = left[i];
            interleaved[2 * i + 1] = right[i];
        }
        const Loudness played = measure(interleaved, 48000);
        QVERIFY(std::abs(files[0].lufs - played.lufs) < 0.1);
        QVERIFY(std::abs(files[0].truePeakDb - played.truePeakDb) < 0.1);
    }

    // The render measures loudness and true peak itself (libebur128 for the loudness, its own
    // interpolator for the true peak): the figures are libebur128's to the bit, at every rate
    // (4x, 2x and no oversampling) and for lengths shorter than the interpolator's delay line.
    void loudnessAndTruePeakAreLibebur128s_data() {
        QTest::addColumn<int>("rate");
        QTest::addColumn<int>("frames");
        QTest::addColumn<int>("format");
        for (int rate : {44100, 48000, 88200, 96000, 192000})
            QTest::addRow("%d Hz, float", rate)
                << rate << rate * 3 / 2 + 5 << int(RenderFormat::WavFloat32);
        QTest::newRow("48000 Hz, 24-bit") << 48000 << 70001 << int(RenderFormat::Wav24);
        QTest::newRow("10 frames") << 44100 << 10 << int(RenderFormat::WavFloat32);
    }

    void loudnessAndTruePeakAreLibebur128s() {
        QFETCH(int, rate);
        QFETCH(int, frames);
        QFETCH(int, format);
        QTemporaryDir scratch;
        // Left: a tone near a quarter of the rate whose samples miss its crests (the true peak
        // lies between samples); right: noise with sparse full-scale clicks.
        std::vector<std::vector<float>> media(2, std::vector<float>(std::size_t(frames)));
        std::mt19937 random(std::uint32_t(rate + frames));
        std::uniform_real_distribution<float> noise(-0.3f, 0.3f);
        for (int i = 0; i < frames; ++i) {
            media[0][std::size_t(i)] =
                float(0.97 * std::sin(2 * M_PI * (0.25 * rate + 31.0) * i / rate + M_PI / 4));
            media[1][std::size_t(i)] = i % 997 == 500 ? (i % 2 ? -0.99f : 0.99f) : noise(random);
        }
        const std::string file = scratch.filePath("media.wav").toStdString();
        accord::audio::writeAudio(file, media, rate);
        accord::Project project;
        project.sampleRate = rate;
        for (double pan : {0.0, -0.4}) {
            accord::Track track;
            track.id = project.nextTrackId();
            track.name = track.id;
            track.gainDb = pan == 0.0 ? 0.0 : -7.0;
            track.pan = pan;
            accord::Clip clip;
            clip.id = project.nextClipId();
            clip.file = file;
            clip.length = frames;
            track.clips.push_back(clip);
            project.tracks.push_back(track);
        }
        RenderRequest request;
        request.mixPath = scratch.filePath("mix.wav").toStdString();
        request.format = RenderFormat(format);
        const auto files = accord::audio::renderProject(project, request);

        const accord::audio::MultichannelAudio written = accord::audio::readAudio(request.mixPath);
        QCOMPARE(written.channels.size(), std::size_t(2));
        QCOMPARE(written.channels[0].size(), std::size_t(frames));
        std::vector<float> interleaved(2 * std::size_t(frames));
        for (std::size_t i = 0; i < std::size_t(frames); ++i) {
            interleaved[2 * i] = written.channels[0][i];
            interleaved[2 * i + 1] = written.channels[1][i];
        }
        const Loudness reference = measure(interleaved, rate);
        QVERIFY2(files[0].truePeakDb == reference.truePeakDb,
                 qPrintable(QString("%1 dBTP vs libebur128's %2")
                                .arg(files[0].truePeakDb, 0, 'g', 17)
                                .arg(reference.truePeakDb, 0, 'g', 17)));
        QVERIFY2(files[0].lufs == reference.lufs ||
                     (std::isnan(files[0].lufs) && std::isnan(reference.lufs)),
                 qPrintable(QString("%1 LUFS vs libebur128's %2")
                                .arg(files[0].lufs, 0, 'g', 17)
                                .arg(reference.lufs, 0, 'g', 17)));
        QVERIFY(files[0].truePeakDb > -1.0); // the tone's crests, not a silent measurement

        // The PCM hash, computed here sample by sample (full-scale crests are clamped).
        std::string canonical;
        auto put = [&](std::uint32_t value) {
            for (int byte = 0; byte < 4; ++byte)
                canonical += char((value >> (8 * byte)) & 0xff);
        };
        put(std::uint32_t(rate));
        put(2);
        for (float sample : interleaved) {
            const double scaled = std::round(double(sample) * 8388608.0);
            put(std::uint32_t(std::int32_t(std::clamp(scaled, -8388608.0, 8388607.0))));
        }
        QCOMPARE(files[0].pcmSha256, accord::sha256Hex(canonical));
    }

    void silenceIsMinusInfinity() {
        REQUIRE_MATERIAL();
        accord::Project project = makeProject();
        for (auto& track : project.tracks)
            track.mute = true;
        QTemporaryDir scratch;
        RenderRequest request;
        request.mixPath = scratch.filePath("silent.wav").toStdString();
        const auto files = accord::audio::renderProject(project, request);
        QVERIFY(std::isinf(files[0].lufs) && files[0].lufs < 0);
        QVERIFY(std::isinf(files[0].truePeakDb) && files[0].truePeakDb < 0);
    }

    void cancelWritesNothing() {
        REQUIRE_MATERIAL();
        const accord::Project project = makeProject();
        QTemporaryDir scratch;
        const QString mix = scratch.filePath("mix.wav");
        QFile previous(mix);
        QVERIFY(previous.open(QIODevice::WriteOnly) && previous.write("the previous mix") > 0);
        previous.close();
        RenderRequest request;
        request.mixPath = mix.toStdString();
        request.stemsDir = scratch.path().toStdString();
        request.blockSize = 256;
        std::atomic<bool> cancel{false};
        QVERIFY_THROWS_EXCEPTION(accord::Cancelled, accord::audio::renderProject(
                                                        project, request,
                                                        [&](double done) {
                                                            if (done > 0.7)
                                                                cancel = true;
                                                        },
                                                        &cancel));
        QCOMPARE(filesIn(scratch.path()), QStringList{"mix.wav"});
        QFile kept(mix);
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), QByteArray("the previous mix"));
    }

    void missingFolderLeavesNoTemporaryFiles() {
        REQUIRE_MATERIAL();
        const accord::Project project = makeProject();
        QTemporaryDir scratch;
        RenderRequest request;
        request.stemsDir = scratch.path().toStdString();
        request.mixPath = scratch.filePath("gone/mix.wav").toStdString(); // after the stems
        try {
            accord::audio::renderProject(project, request);
            QFAIL("rendered into a missing folder");
        } catch (const accord::BadInput& error) {
            QVERIFY2(QString(error.what()).startsWith(scratch.filePath("gone/mix.wav") + ": "),
                     error.what());
        }
        QCOMPARE(filesIn(scratch.path()), QStringList{});

        request.mixPath.clear();
        request.stemsDir = scratch.filePath("no-stems-here").toStdString();
        QVERIFY_THROWS_EXCEPTION(accord::BadInput, accord::audio::renderProject(project, request));
    }

    // A write that fails half-way (file size limit, as a full disk would): a clear error
    // naming the file, and nothing left behind.
    void failingWriteLeavesNothing() {
        REQUIRE_MATERIAL();
        const accord::Project project = makeProject();
        QTemporaryDir scratch;
        RenderRequest request;
        request.mixPath = scratch.filePath("mix.wav").toStdString();
        request.stemsDir = scratch.path().toStdString();
        rlimit old{};
        QVERIFY(getrlimit(RLIMIT_FSIZE, &old) == 0);
        const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit small = old;
        small.rlim_cur = 300 * 1024; // the mix needs ~1.5 MB
        QVERIFY(setrlimit(RLIMIT_FSIZE, &small) == 0);
        QString message;
        try {
            accord::audio::renderProject(project, request);
        } catch (const accord::BadInput& error) {
            message = error.what();
        }
        setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, oldHandler);
        QVERIFY2(message.contains(": cannot write: File too large"), qPrintable(message));
        QVERIFY2(message.startsWith(scratch.path() + "/"), qPrintable(message));
        QCOMPARE(filesIn(scratch.path()), QStringList{});
    }

    void badMediaNamesTheFileAndWritesNothing() {
        REQUIRE_MATERIAL();
        accord::Project project = makeProject();
        QTemporaryDir scratch;
        const QString cut = scratch.filePath("cut.wav");
        QFile whole(accord::test::materialFile(kWords));
        QVERIFY(whole.open(QIODevice::ReadOnly));
        QFile out(cut);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(whole.read(whole.size() / 2));
        out.close();
        project.tracks[2].clips[0].file = cut.toStdString();
        const QString renders = scratch.filePath("out");
        QVERIFY(QDir().mkpath(renders));
        RenderRequest request;
        request.mixPath = (renders + "/mix.flac").toStdString();
        request.format = RenderFormat::Flac24;
        try {
            accord::audio::renderProject(project, request);
            QFAIL("rendered a truncated recording");
        } catch (const accord::BadInput& error) {
            QVERIFY2(QString(error.what()).startsWith(cut + ": truncated WAV"), error.what());
        }
        QCOMPARE(filesIn(renders), QStringList{});
    }

    void mismatchedRequestIsRefused() {
        const accord::Project project = makeProject();
        RenderRequest request;
        QVERIFY_THROWS_EXCEPTION(accord::BadInput, accord::audio::renderProject(project, request));
        request.mixPath = "/tmp/mix.flac";
        request.format = RenderFormat::Wav24;
        QVERIFY_THROWS_EXCEPTION(accord::BadInput, accord::audio::renderProject(project, request));
        accord::Project empty;
        request.format = RenderFormat::Flac24;
        QVERIFY_THROWS_EXCEPTION(accord::BadInput, accord::audio::renderProject(empty, request));
    }

    void audibleFollowsMuteAndSolo() {
        accord::Project project = makeProject();
        QVERIFY(accord::trackAudible(project, project.tracks[0]));
        QVERIFY(!accord::trackAudible(project, project.tracks[3])); // muted
        project.tracks[1].solo = true;
        project.tracks[3].solo = true; // muted and soloed: mute wins
        QVERIFY(!accord::trackAudible(project, project.tracks[0]));
        QVERIFY(accord::trackAudible(project, project.tracks[1]));
        QVERIFY(!accord::trackAudible(project, project.tracks[3]));
    }
};

QTEST_GUILESS_MAIN(TestRender)
#include "test_render.moc"

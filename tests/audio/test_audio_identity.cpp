// accord::audio::identifyAudioFile on real recordings (scripts/fetch-material.sh), with sox and
// lame as independent tools: sox makes the re-encodes and decodes the reference PCM.

#include "accord/audio/audio_file.h"
#include "accord/audio/audio_io.h"
#include "accord/audio/media.h"
#include "accord/core/errors.h"

#include "test_support.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <thread>
#include <vector>

namespace {

const QString kWords = "alsa/Front_Center.wav";                     // 48 kHz mono 16-bit, spoken
const QString kCzechVoice = "fillets-cs/airplane/cs/let-v-oko.ogg"; // 22.05 kHz mono Vorbis

accord::AudioIdentity identify(const QString& path) {
    return accord::audio::identifyAudioFile(path.toStdString());
}

// Calls identifyAudioFile expecting accord::BadInput; returns its message, or a description of
// what happened instead (never empty) so the caller's checks fail with it.
QString badInputMessage(const QString& path) {
    try {
        const accord::AudioIdentity identity = identify(path);
        return QString("NO ERROR: decoded %1 s at %2 Hz")
            .arg(identity.durationSeconds)
            .arg(identity.sampleRate);
    } catch (const accord::BadInput& error) {
        return QString::fromUtf8(error.what());
    } catch (const std::exception& error) {
        return QString("WRONG EXCEPTION: ") + error.what();
    }
}

QString tool(const QString& name) {
    return QStandardPaths::findExecutable(name);
}

// Runs a tool and returns its standard output; fails the test (returns empty) when it cannot.
QByteArray toolOutput(const QString& program, const QStringList& arguments) {
    QProcess process;
    process.start(program, arguments);
    if (!process.waitForFinished(accord::test::kSafetyNetMs) ||
        process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        qWarning() << program << arguments << "failed:" << process.readAllStandardError();
        return {};
    }
    return process.readAllStandardOutput();
}

// The canonical PCM hash computed independently of JUCE: sox decodes to 32-bit integers, which
// become 24-bit values (exact for sources of 24 bits or fewer) after a header of the sample rate
// and channel count, all little-endian.
QString referencePcmSha256(const QString& sox, const QString& path, int sampleRate, int channels) {
    const QByteArray raw =
        toolOutput(sox, {path, "-t", "raw", "-e", "signed-integer", "-b", "32", "-L", "-"});
    if (raw.isEmpty())
        return {};
    QByteArray canonical(8, '\0');
    qToLittleEndian<quint32>(static_cast<quint32>(sampleRate), canonical.data());
    qToLittleEndian<quint32>(static_cast<quint32>(channels), canonical.data() + 4);
    const qsizetype samples = raw.size() / 4;
    QByteArray body(samples * 4, '\0');
    for (qsizetype i = 0; i < samples; ++i) {
        const qint64 wide = qFromLittleEndian<qint32>(raw.constData() + 4 * i);
        const qint64 value = std::min<qint64>((wide + 128) >> 8, 8388607);
        qToLittleEndian<qint32>(static_cast<qint32>(value), body.data() + 4 * i);
    }
    canonical += body;
    return QString::fromLatin1(
        QCryptographicHash::hash(canonical, QCryptographicHash::Sha256).toHex());
}

qint64 soxiSamples(const QString& path) {
    return toolOutput(tool("soxi"), {"-s", path}).trimmed().toLongLong();
}

QString fileSha256(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return QString::fromLatin1(hash.result().toHex());
}

bool copyPrefix(const QString& from, const QString& to, qint64 bytes) {
    QFile in(from);
    QFile out(to);
    if (!in.open(QIODevice::ReadOnly) || !out.open(QIODevice::WriteOnly))
        return false;
    return out.write(in.read(bytes)) == bytes;
}

bool writeFile(const QString& path, const QByteArray& bytes) {
    QFile out(path);
    return out.open(QIODevice::WriteOnly) && out.write(bytes) == bytes.size();
}

} // namespace

#define REQUIRE_TOOL(var, name)                                                                    \
    const QString var = tool(name);                                                                \
    if (var.isEmpty())                                                                             \
        QFAIL(name " is not installed: run scripts/install-deps.sh");

class TestAudioIdentity : public QObject {
    Q_OBJECT

private slots:
    void realWavIdentity() {
        ACCORD_REQUIRE_MATERIAL(words, kWords);
        REQUIRE_TOOL(sox, "sox");
        const accord::AudioIdentity identity = identify(words);
        QCOMPARE(identity.sampleRate, 48000);
        QCOMPARE(identity.channels, 1);
        const qint64 samples = soxiSamples(words);
        QVERIFY(samples > 48000); // "Front center" is about 1.4 s long
        QCOMPARE(identity.durationSeconds, double(samples) / 48000.0);
        QCOMPARE(QString::fromStdString(identity.fileSha256), fileSha256(words));
        QCOMPARE(QString::fromStdString(identity.pcmSha256),
                 referencePcmSha256(sox, words, 48000, 1));
        QVERIFY(identity.pcmSha256 != identity.fileSha256);
    }

    void sameTakeReencodedLosslesslyHasSamePcm_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QStringList>("soxOptions");
        QTest::newRow("flac") << "take.flac" << QStringList{};
        QTest::newRow("24-bit wav") << "take24.wav" << QStringList{"-b", "24"};
        QTest::newRow("aiff") << "take.aiff" << QStringList{};
        QTest::newRow("flac 24-bit") << "take24.flac" << QStringList{"-b", "24"};
    }

    void sameTakeReencodedLosslesslyHasSamePcm() {
        QFETCH(QString, name);
        QFETCH(QStringList, soxOptions);
        ACCORD_REQUIRE_MATERIAL(words, kWords);
        REQUIRE_TOOL(sox, "sox");
        QTemporaryDir scratch;
        QVERIFY(scratch.isValid());
        const QString converted = scratch.filePath(name);
        QVERIFY(
            accord::test::runTool(sox, QStringList{words} + soxOptions + QStringList{converted}));

        const accord::AudioIdentity original = identify(words);
        const accord::AudioIdentity reencoded = identify(converted);
        QCOMPARE(reencoded.pcmSha256, original.pcmSha256);
        QVERIFY(reencoded.fileSha256 != original.fileSha256);
        QCOMPARE(QString::fromStdString(reencoded.fileSha256), fileSha256(converted));
        QCOMPARE(reencoded.sampleRate, original.sampleRate);
        QCOMPARE(reencoded.channels, original.channels);
        QCOMPARE(reencoded.durationSeconds, original.durationSeconds);
    }

    void editedTakeHasDifferentPcm() {
        ACCORD_REQUIRE_MATERIAL(words, kWords);
        REQUIRE_TOOL(sox, "sox");
        QTemporaryDir scratch;
        const QString quieter = scratch.filePath("quieter.wav");
        QVERIFY(accord::test::runTool(sox, {words, quieter, "gain", "-1"}));
        QVERIFY(identify(quieter).pcmSha256 != identify(words).pcmSha256);
    }

    void oggVorbisFromFilletsDecodes() {
        ACCORD_REQUIRE_MATERIAL(voice, kCzechVoice);
        const accord::AudioIdentity identity = identify(voice);
        QCOMPARE(identity.sampleRate, 22050);
        QCOMPARE(identity.channels, 1);
        const qint64 samples = soxiSamples(voice);
        QVERIFY(samples > 0);
        QCOMPARE(identity.durationSeconds, double(samples) / 22050.0);
        QCOMPARE(QString::fromStdString(identity.fileSha256), fileSha256(voice));
        QCOMPARE(identity.pcmSha256.size(), std::size_t(64));
        QCOMPARE(identify(voice).pcmSha256, identity.pcmSha256); // decoding is deterministic
    }

    void mp3MadeWithLameDecodes() {
        ACCORD_REQUIRE_MATERIAL(words, kWords);
        REQUIRE_TOOL(lame, "lame");
        QTemporaryDir scratch;
        const QString mp3 = scratch.filePath("take.mp3");
        QVERIFY(accord::test::runTool(lame, {"--quiet", "-b", "128", words, mp3}));
        const accord::AudioIdentity original = identify(words);
        const accord::AudioIdentity identity = identify(mp3);
        QCOMPARE(identity.sampleRate, 48000);
        QCOMPARE(identity.channels, 1);
        // MP3 adds encoder delay and padding: at most a few frames of 1152 samples.
        QVERIFY2(identity.durationSeconds >= original.durationSeconds &&
                     identity.durationSeconds < original.durationSeconds + 0.1,
                 qPrintable(QString::number(identity.durationSeconds)));
        QVERIFY(identity.pcmSha256 != original.pcmSha256); // lossy: not the same PCM
    }

    // MPEG-1, -2 and -2.5 layer III (lame picks the version by rate): every rate decodes with the
    // take's own length, as lame itself decodes it (the LAME tag gives the encoder's delay and
    // padding), the same samples, and a stable identity. A frame too small for the tag (a low
    // bit rate) leaves them unknown: then every frame's samples count, as mpg123 decodes it.
    void mp3AtEveryRate_data() {
        QTest::addColumn<int>("rate");
        QTest::addColumn<int>("kbps"); // frames of 240 bytes or more: room for the LAME tag
        for (const auto& [rate, kbps] : std::vector<std::pair<int, int>>{{8000, 32},
                                                                         {11025, 40},
                                                                         {12000, 40},
                                                                         {16000, 56},
                                                                         {22050, 80},
                                                                         {24000, 80},
                                                                         {32000, 64},
                                                                         {44100, 80},
                                                                         {48000, 80}})
            QTest::newRow(qPrintable(QString("%1 Hz").arg(rate))) << rate << kbps;
    }

    void mp3AtEveryRate() {
        QFETCH(int, rate);
        QFETCH(int, kbps);
        ACCORD_REQUIRE_MATERIAL(words, kWords);
        REQUIRE_TOOL(sox, "sox");
        REQUIRE_TOOL(lame, "lame");
        QTemporaryDir scratch;
        const QString wav = scratch.filePath("take.wav"), mp3 = scratch.filePath("take.mp3"),
                      back = scratch.filePath("back.wav");
        const QString khz = QString::number(rate / 1000.0);
        QVERIFY(accord::test::runTool(sox, {words, "-r", QString::number(rate), wav}));
        QVERIFY(accord::test::runTool(
            lame, {"--quiet", "-b", QString::number(kbps), "--resample", khz, wav, mp3}));
        QVERIFY(accord::test::runTool(lame, {"--quiet", "--decode", mp3, back}));

        const accord::AudioIdentity identity = identify(mp3);
        QCOMPARE(identity.sampleRate, rate);
        QCOMPARE(identity.channels, 1);
        const qint64 frames = std::llround(identity.durationSeconds * rate);
        QCOMPARE(frames, soxiSamples(back)); // lame's own decoder
        QCOMPARE(frames, soxiSamples(wav));  // the take that was encoded
        QCOMPARE(identify(mp3).pcmSha256, identity.pcmSha256);

        // The same sound as lame decodes it (two decoders of one stream: equal up to rounding).
        const accord::audio::MonoAudio decoded = accord::audio::readMonoAudio(mp3.toStdString());
        const std::vector<float> reference = accord::test::soxFloats(back);
        QCOMPARE(decoded.samples.size(), reference.size());
        double worst = 0;
        for (std::size_t i = 0; i < reference.size(); ++i)
            worst = std::max(worst, std::abs(double(decoded.samples[i]) - reference[i]));
        QVERIFY2(worst < 2e-3, qPrintable(QString::number(worst)));

        // Without the tag: mpg123's own length.
        const QString mpg123 = tool("mpg123");
        if (mpg123.isEmpty())
            return;
        const QString bare = scratch.filePath("bare.mp3"), bareBack = scratch.filePath("bare.wav");
        QVERIFY(accord::test::runTool(
            lame, {"--quiet", "-b", rate >= 32000 ? "32" : "8", "--resample", khz, wav, bare}));
        QVERIFY(accord::test::runTool(mpg123, {"-q", "-w", bareBack, bare}));
        const accord::AudioIdentity untagged = identify(bare);
        QCOMPARE(untagged.sampleRate, rate);
        QCOMPARE(std::llround(untagged.durationSeconds * rate), soxiSamples(bareBack));
    }

    // The format is told by the content, never the name.
    void formatsByContentNotName() {
        ACCORD_REQUIRE_MATERIAL(words, kWords);
        REQUIRE_TOOL(sox, "sox");
        REQUIRE_TOOL(lame, "lame");
        QTemporaryDir scratch;
        const QString wavAsMp3 = scratch.filePath("take.mp3");
        QVERIFY(QFile::copy(words, wavAsMp3));
        const accord::AudioIdentity original = identify(words);
        const accord::AudioIdentity renamed = identify(wavAsMp3);
        QCOMPARE(renamed.pcmSha256, original.pcmSha256);
        QCOMPARE(renamed.fileSha256, original.fileSha256);

        const QString mp3 = scratch.filePath("real.mp3"), mp3AsWav = scratch.filePath("real.wav");
        QVERIFY(accord::test::runTool(lame, {"--quiet", words, mp3}));
        QVERIFY(QFile::copy(mp3, mp3AsWav));
        QCOMPARE(identify(mp3AsWav).pcmSha256, identify(mp3).pcmSha256);

        const QString flacAsOgg = scratch.filePath("take.ogg");
        QVERIFY(accord::test::runTool(sox, {words, "-t", "flac", flacAsOgg}));
        QCOMPARE(identify(flacAsOgg).pcmSha256, original.pcmSha256);
    }

    // A pipe or a device is refused at once, naming the file, by every way the audio library
    // reads a file (a FIFO without a writer would block a reader; /dev/zero never ends).
    void notRegularFilesAreRefusedAtOnce() {
        QTemporaryDir scratch;
        const QString fifo = scratch.filePath("take.wav"), zero = scratch.filePath("zero.wav");
        QCOMPARE(::mkfifo(fifo.toLocal8Bit().constData(), 0600), 0);
        QCOMPARE(::symlink("/dev/zero", zero.toLocal8Bit().constData()), 0);
        using Read = std::function<void(const std::string&)>;
        const std::vector<std::pair<const char*, Read>> readers = {
            {"identifyAudioFile",
             [](const std::string& p) { accord::audio::identifyAudioFile(p); }},
            {"detectWatermarkInFile",
             [](const std::string& p) { accord::audio::detectWatermarkInFile(p); }},
            {"readAudio", [](const std::string& p) { accord::audio::readAudio(p); }},
            {"loadMedia", [](const std::string& p) { accord::audio::loadMedia(p, 48000); }},
            {"decodeForImport",
             [](const std::string& p) { accord::audio::decodeForImport(p, 48000); }},
            {"computeWaveformOverview",
             [](const std::string& p) { accord::audio::computeWaveformOverview(p); }},
        };
        for (const QString& file : {fifo, zero})
            for (const auto& [name, read] : readers) {
                QString message = "NO ERROR";
                try {
                    read(file.toStdString());
                } catch (const accord::BadInput& error) {
                    message = QString::fromUtf8(error.what());
                }
                QVERIFY2(message.startsWith(file + ": ") && message.contains("not a regular file"),
                         qPrintable(QString(name) + ": " + message));
            }
    }

    // Sample rates no recording has are refused when the file is read, naming it (not later,
    // by the watermark or a resampler, in their words).
    void absurdSampleRatesAreRefused() {
        QTemporaryDir scratch;
        for (const int rate : {1, 4000, 7999}) {
            const QString file = scratch.filePath(QString("at-%1.wav").arg(rate));
            accord::audio::writeMonoAudio(file.toStdString(), std::vector<float>(100, 0.1f), rate);
            const QString message = badInputMessage(file);
            QVERIFY2(message.startsWith(file + ": ") &&
                         message.contains(QString("sampled at %1 Hz").arg(rate)) &&
                         message.contains("8000 Hz"),
                     qPrintable(message));
        }
        const QString lowest = scratch.filePath("at-8000.wav");
        accord::audio::writeMonoAudio(lowest.toStdString(), std::vector<float>(8000, 0.1f), 8000);
        QCOMPARE(identify(lowest).sampleRate, 8000);
    }

    void truncatedFileIsRejected_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("kind");
        QTest::newRow("wav") << "take.wav"
                             << "truncated WAV: header promises 137090 bytes";
        QTest::newRow("aiff") << "take.aiff"
                              << "truncated AIFF: header promises 137090 bytes";
        QTest::newRow("flac") << "take.flac"
                              << "truncated FLAC: header promises 68545 samples";
        QTest::newRow("ogg") << "take.ogg"
                             << "truncated Ogg";
        QTest::newRow("mp3") << "take.mp3"
                             << "truncated or corrupt MP3";
    }

    // A real take cut in half with its header unchanged: JUCE alone would read a silent tail.
    void truncatedFileIsRejected() {
        QFETCH(QString, name);
        QFETCH(QString, kind);
        ACCORD_REQUIRE_MATERIAL(words, kWords);
        REQUIRE_TOOL(sox, "sox");
        REQUIRE_TOOL(lame, "lame");
        QTemporaryDir scratch;
        const QString whole = scratch.filePath("whole-" + name);
        if (name.endsWith(".mp3"))
            QVERIFY(accord::test::runTool(lame, {"--quiet", words, whole}));
        else
            QVERIFY(accord::test::runTool(sox, {words, whole}));
        identify(whole); // the whole file is fine

        const QString cut = scratch.filePath(name);
        QVERIFY(copyPrefix(whole, cut, QFileInfo(whole).size() / 2));
        const QString message = badInputMessage(cut);
        QVERIFY2(message.startsWith(cut + ": "), qPrintable(message));
        QVERIFY2(message.contains(kind), qPrintable(message));
        QVERIFY2(!message.contains('\n'), qPrintable(message));
    }

    void truncatedWavMessageGivesBothSizes() {
        ACCORD_REQUIRE_MATERIAL(words, kWords);
        QTemporaryDir scratch;
        const QString cut = scratch.filePath("take.wav");
        const qint64 size = QFileInfo(words).size();
        QVERIFY(copyPrefix(words, cut, size / 2));
        // 44-byte canonical header: the data chunk starts at byte 44.
        const QString expected = QString("%1: truncated WAV: header promises %2 bytes of audio, "
                                         "file holds %3")
                                     .arg(cut)
                                     .arg(size - 44)
                                     .arg(size / 2 - 44);
        QCOMPARE(badInputMessage(cut), expected);
    }

    void flacCutInsideItsLastFrameIsRejected() {
        ACCORD_REQUIRE_MATERIAL(words, kWords);
        REQUIRE_TOOL(sox, "sox");
        QTemporaryDir scratch;
        const QString whole = scratch.filePath("whole.flac");
        QVERIFY(accord::test::runTool(sox, {words, whole}));
        const QString cut = scratch.filePath("cut.flac");
        QVERIFY(copyPrefix(whole, cut, QFileInfo(whole).size() - 1));
        const QString message = badInputMessage(cut);
        QVERIFY2(message.contains("truncated FLAC") && message.contains("last frame is cut off"),
                 qPrintable(message));
    }

    void textFileNamedWavIsNotAudio() {
        QTemporaryDir scratch;
        const QString fake = scratch.filePath("notes.wav");
        QVERIFY(writeFile(fake, "Verse 1: la la la\nChorus: oh oh oh\n"));
        const QString message = badInputMessage(fake);
        QVERIFY2(message.startsWith(fake + ": "), qPrintable(message));
        QVERIFY2(message.contains("not an audio file"), qPrintable(message));
    }

    void missingFileIsBadInput() {
        QTemporaryDir scratch;
        const QString missing = scratch.filePath("never-recorded.wav");
        QCOMPARE(badInputMessage(missing), missing + ": no such file");
    }

    void directoryIsBadInput() {
        QTemporaryDir scratch;
        const QString message = badInputMessage(scratch.path());
        QVERIFY2(message.startsWith(scratch.path() + ": ") && message.contains("directory"),
                 qPrintable(message));
    }

    void emptyFileIsBadInput() {
        QTemporaryDir scratch;
        const QString empty = scratch.filePath("empty.flac");
        QVERIFY(writeFile(empty, {}));
        const QString message = badInputMessage(empty);
        QVERIFY2(message.startsWith(empty + ": ") && message.contains("empty"),
                 qPrintable(message));
    }

    void zeroLengthDataWavIsBadInput() {
        // A valid 44-byte header, 48 kHz mono 16-bit, whose data chunk is empty.
        QByteArray wav("RIFF");
        const auto u32 = [&wav](quint32 v) {
            char b[4];
            qToLittleEndian(v, b);
            wav.append(b, 4);
        };
        const auto u16 = [&wav](quint16 v) {
            char b[2];
            qToLittleEndian(v, b);
            wav.append(b, 2);
        };
        u32(36);
        wav += "WAVEfmt ";
        u32(16);
        u16(1);
        u16(1);
        u32(48000);
        u32(96000);
        u16(2);
        u16(16);
        wav += "data";
        u32(0);
        QCOMPARE(wav.size(), 44);
        QTemporaryDir scratch;
        const QString silent = scratch.filePath("nothing.wav");
        QVERIFY(writeFile(silent, wav));
        const QString message = badInputMessage(silent);
        QVERIFY2(message.startsWith(silent + ": ") && message.contains("no samples"),
                 qPrintable(message));
    }

    void eightChannelWav() {
        ACCORD_REQUIRE_MATERIAL(words, kWords);
        REQUIRE_TOOL(sox, "sox");
        QTemporaryDir scratch;
        const QString eight = accord::test::eightChannelWav(scratch.path());
        QVERIFY(!eight.isEmpty());

        const accord::AudioIdentity identity = identify(eight);
        QCOMPARE(identity.channels, 8);
        QCOMPARE(identity.sampleRate, 48000);
        QCOMPARE(identity.durationSeconds, double(soxiSamples(eight)) / 48000.0);
        QCOMPARE(QString::fromStdString(identity.pcmSha256),
                 referencePcmSha256(sox, eight, 48000, 8));
    }

    void concurrentCallsAgreeWithSerialOnes() {
        ACCORD_REQUIRE_MATERIAL(words, kWords);
        ACCORD_REQUIRE_MATERIAL(voice, kCzechVoice);
        ACCORD_REQUIRE_MATERIAL(lena, "npm/audio-lena/lena.flac");
        const QStringList files = {words, voice, lena};
        std::vector<std::string> expected;
        for (const QString& file : files)
            expected.push_back(identify(file).pcmSha256);

        std::atomic<int> mismatches{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int round = 0; round < 3; ++round) {
                    const int index = (t + round) % 3;
                    try {
                        if (identify(files[index]).pcmSha256 != expected[std::size_t(index)])
                            ++mismatches;
                    } catch (...) {
                        ++mismatches;
                    }
                }
            });
        for (std::thread& thread : threads)
            thread.join();
        QCOMPARE(mismatches.load(), 0);
    }
};

QTEST_GUILESS_MAIN(TestAudioIdentity)
#include "test_audio_identity.moc"

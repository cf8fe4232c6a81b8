// Audio coming in through accord-cli (docs/CLI.md, docs/WATERMARK.md), through the real binary:
// a conversion resampled below 16 kHz (or to an 8 kHz MP3) stays generated audio (asset add
// refuses it, add-clip keeps its render, verify names it); files hours long are added, clipped
// and verified in bounded memory (the peak resident memory of the accord-cli process); MP3s at
// 8 to 24 kHz are recordings like any other; a pipe or a device is refused at once; a file at an
// absurd sample rate is refused naming it.

#include "measured_child.h"
#include "test_support.h"

#include <QJsonArray>
#include <QTemporaryDir>

#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <string>
#include <vector>

using accord::test::addHolder;
using accord::test::grantAllAssets;
using accord::test::MeasuredChild;
using accord::test::runCli;
using accord::test::runTool;

namespace {

// What accord-cli's peak resident memory on the long files may exceed that of a command that
// reads no audio (its libraries alone): a generous bound (they are 110 MiB of 16-bit samples, 230
// MiB as float; decoding one whole took 2 GiB and more before it was streamed). Measured above
// that baseline, so a library linked in does not count as memory the audio takes. `asset add` of
// the 2 h file judges whether the lookup file is too old without reading the index's changes
// into memory (docs/IDENTIFY.md "The lookup file"): reading them took it to 52 MiB over.
constexpr long kGrowthBoundKiB = 40 * 1024;

// A 16-bit mono WAV of `frames` frames of a quiet ramp, at any rate (sox refuses absurd ones).
bool writeWav16(const QString& path, quint32 rate, quint32 frames) {
    QByteArray wav("RIFF");
    const auto u32 = [&wav](quint32 v) { wav.append(reinterpret_cast<const char*>(&v), 4); };
    const auto u16 = [&wav](quint16 v) { wav.append(reinterpret_cast<const char*>(&v), 2); };
    u32(36 + 2 * frames);
    wav += "WAVEfmt ";
    u32(16);
    u16(1);
    u16(1);
    u32(rate);
    u32(2 * rate);
    u16(2);
    u16(16);
    wav += "data";
    u32(2 * frames);
    for (quint32 i = 0; i < frames; ++i)
        u16(quint16(i * 37 % 1000));
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(wav) == wav.size();
}

// Runs accord-cli as a child of this process; wait4 gives its peak resident set size.
MeasuredChild runMeasured(const QStringList& arguments, const QString& registry,
                          const QString& scratch) {
    std::vector<std::string> command{qgetenv("ACCORD_CLI").toStdString(), "--registry",
                                     registry.toStdString()};
    for (const QString& argument : arguments)
        command.push_back(argument.toStdString());
    return accord::test::runMeasuredChild(command, (scratch + "/child.out").toStdString(),
                                          (scratch + "/child.err").toStdString());
}

} // namespace

class AudioInputTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir;
    QString registry;
    QString ada, bo;
    QString sung;   // a conversion of Bo's take with Ada's voice model
    QString render; // its render

    // `file` at `rate`, made by sox (its own resampler: an independent tool, as an attacker
    // would use).
    QString resampled(const QString& file, int rate, const QString& name) {
        const QString out = dir.filePath(name);
        return runTool("sox", {file, "-r", QString::number(rate), out}) ? out : QString();
    }

private slots:
    void initTestCase() {
        ACCORD_REQUIRE_MATERIAL(lena, "npm/audio-lena/lena.flac");
        // Lena's 12 s twice: at 8 kHz through MP3 at 24 kbit/s the mark of a 12 s conversion
        // is read for most payloads but not all (docs/WATERMARK.md "Rates": the measured clips
        // are 20 s); the laundering rows must not depend on the payload drawn.
        const QString take = dir.filePath("lena-twice.wav");
        QVERIFY(runTool("sox", {lena, lena, take}));
        registry = dir.filePath("registry.sqlite");
        ada = addHolder(registry, "Ada");
        bo = addHolder(registry, "Bo");
        ACCORD_ADD_TRAINING_VOICES(voices, registry, ada);
        QCOMPARE(runCli({"asset", "add", take, "--owner", bo}, registry).exitCode, 0);
        grantAllAssets(registry, ada, "train-voice");
        grantAllAssets(registry, ada, "generate");
        QVERIFY(accord::test::trainSmallVoiceModel(registry, ada, voices,
                                                   dir.filePath("ada.accordvoice"), 20));
        sung = dir.filePath("sung.wav");
        auto r =
            runCli({"--json", "convert", "--model", dir.filePath("ada.accordvoice"), take, sung},
                   registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        render = r.field("render");
        QVERIFY(!render.isEmpty());
    }

    // The laundering: a re-sung vocal resampled to 15, 12, 11.025 or 8 kHz (or made an
    // 8 kHz MP3) registered as Bo's recording. It is the render, whatever the rate.
    void resamplingDoesNotLaunder_data() {
        QTest::addColumn<int>("rate");
        QTest::addColumn<bool>("mp3");
        for (const int rate : {15000, 12000, 11025, 8000})
            QTest::newRow(qPrintable(QString("%1 Hz").arg(rate))) << rate << false;
        QTest::newRow("MP3 8 kHz 24 kbit/s") << 8000 << true;
    }

    void resamplingDoesNotLaunder() {
        QFETCH(int, rate);
        QFETCH(bool, mp3);
        QString file = resampled(sung, rate, QString("sung-%1.wav").arg(rate));
        QVERIFY(!file.isEmpty());
        if (mp3) {
            const QString coded = dir.filePath("sung-8k.mp3");
            QVERIFY(runTool("lame", {"--quiet", "-b", "24", "--resample", "8", file, coded}));
            file = coded;
        }
        auto r = runCli({"asset", "add", file, "--owner", bo}, registry);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(QString(r.err).contains(render) && QString(r.err).contains("watermark"),
                 r.err.constData());
        r = runCli({"--json", "verify", file}, registry);
        const QJsonObject mark = r.json().value("watermark").toObject();
        QVERIFY2(mark.value("found").toBool(), r.out.constData());
        QCOMPARE(mark.value("render").toString(), render);
        const QString song = dir.filePath(QString("song-%1-%2.accord").arg(rate).arg(mp3));
        runCli({"project", "new", song, "--rate", "44100"}, registry);
        runCli({"project", "add-track", song, "--name", "Vocals"}, registry);
        r = runCli({"--json", "project", "add-clip", song, "--track", "t-1", file, "--owner", bo},
                   registry);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.field("render"), render);
        QVERIFY(r.json().value("asset").isNull());
    }

    // Two hours at 8 kHz (110 MiB of 16-bit samples): a marked one (the conversion repeated,
    // whole periods of the mark each time) and an unmarked one. Each command's peak memory stays
    // far under the file decoded to float, and the mark is read from all of it.
    void longFilesInBoundedMemory() {
        const QString narrow = resampled(sung, 8000, "sung-8000-whole.wav");
        // Whole periods of the mark (0.512 s: 4096 samples at 8 kHz), so every repetition folds
        // in phase with the others.
        const qint64 samples =
            QString(accord::test::runToolOutput("soxi", {"-s", narrow})).trimmed().toLongLong();
        const qint64 periods = samples / 4096;
        QVERIFY(periods > 10);
        const QString marked = dir.filePath("long-marked.wav"),
                      clean = dir.filePath("long-clean.wav");
        const double seconds = double(periods * 4096) / 8000;
        const int repeats = int(std::ceil(7200 / seconds)) - 1;
        QVERIFY(runTool("sox",
                        {narrow, "-b", "16", marked, "trim", "0",
                         QString("%1s").arg(periods * 4096), "repeat", QString::number(repeats)}));
        QVERIFY(runTool("sox", {"-n", "-r", "8000", "-b", "16", "-c", "1", clean, "synth", "7200",
                                "pinknoise", "vol", "0.1"}));

        const QString song = dir.filePath("long.accord");
        runCli({"project", "new", song, "--rate", "8000"}, registry);
        runCli({"project", "add-track", song, "--name", "Long"}, registry);
        struct Step {
            QStringList arguments;
            int exitCode;
        };
        const std::vector<Step> steps = {
            {{"--json", "asset", "add", clean, "--owner", bo}, 0},
            {{"asset", "add", marked, "--owner", bo}, 2},
            {{"--json", "project", "add-clip", song, "--track", "t-1", marked, "--owner", bo}, 0},
            {{"--json", "verify", marked}, 0},
        };
        const MeasuredChild baseline =
            runMeasured({"--json", "holder", "list"}, registry, dir.path());
        QCOMPARE(baseline.exitCode, 0);
        for (const Step& step : steps) {
            const MeasuredChild run = runMeasured(step.arguments, registry, dir.path());
            qInfo(
                "accord-cli %s: exit %d, peak %.1f MiB (%.1f MiB over a command reading no audio)",
                qPrintable(step.arguments.join(' ')), run.exitCode, run.peakKiB / 1024.0,
                (run.peakKiB - baseline.peakKiB) / 1024.0);
            QVERIFY2(run.exitCode == step.exitCode, run.err.c_str());
            QVERIFY2(run.peakKiB - baseline.peakKiB < kGrowthBoundKiB,
                     qPrintable(QString("peak %1 MiB, %2 MiB over a command reading no audio")
                                    .arg(run.peakKiB / 1024.0)
                                    .arg((run.peakKiB - baseline.peakKiB) / 1024.0)));
            if (step.exitCode == 2)
                QVERIFY2(QString::fromStdString(run.err).contains(render), run.err.c_str());
        }
        const MeasuredChild verify =
            runMeasured({"--json", "verify", marked}, registry, dir.path());
        QCOMPARE(QJsonDocument::fromJson(QByteArray::fromStdString(verify.out))
                     .object()
                     .value("watermark")
                     .toObject()
                     .value("render")
                     .toString(),
                 render);
        QFile::remove(marked);
        QFile::remove(clean);
    }

    // MPEG-2 and 2.5 MP3s (8 to 24 kHz) are recordings with their own length.
    void lowRateMp3IsARecording() {
        ACCORD_REQUIRE_MATERIAL(words, "alsa/Front_Center.wav");
        // Bit rates whose frames hold the LAME tag (the encoder's delay and padding).
        for (const auto& [rate, kbps] :
             std::vector<std::pair<int, int>>{{8000, 32}, {11025, 40}, {22050, 80}, {24000, 80}}) {
            const QString wav = resampled(words, rate, QString("words-%1.wav").arg(rate));
            const QString mp3 = dir.filePath(QString("words-%1.mp3").arg(rate));
            QVERIFY(runTool("lame", {"--quiet", "-b", QString::number(kbps), "--resample",
                                     QString::number(rate / 1000.0), wav, mp3}));
            const auto r = runCli({"--json", "asset", "add", mp3, "--owner", bo}, registry);
            QVERIFY2(r.exitCode == 0, r.err.constData());
            QCOMPARE(r.json().value("sample_rate").toInt(), rate);
            const double seconds =
                QString(accord::test::runToolOutput("soxi", {"-s", wav})).trimmed().toDouble() /
                rate;
            QVERIFY2(std::abs(r.json().value("duration").toDouble() - seconds) < 1e-6,
                     r.out.constData());
        }
    }

    // A pipe without a writer and a link to /dev/zero: refused at once (no wait, no endless
    // read), naming the file.
    void pipesAndDevicesAreRefused() {
        const QString fifo = dir.filePath("pipe.wav"), zero = dir.filePath("zero.wav");
        QCOMPARE(::mkfifo(fifo.toLocal8Bit().constData(), 0600), 0);
        QCOMPARE(::symlink("/dev/zero", zero.toLocal8Bit().constData()), 0);
        for (const QString& file : {fifo, zero})
            for (const QStringList& command :
                 {QStringList{"asset", "add", file, "--owner", bo}, QStringList{"verify", file}}) {
                const auto r = runCli(command, registry);
                QCOMPARE(r.exitCode, 2);
                QVERIFY2(QString(r.err).contains(file) &&
                             QString(r.err).contains("not a regular file"),
                         r.err.constData());
            }
    }

    // A WAV at 1 Hz: refused when read, naming the file; no internal names.
    void absurdRateIsRefusedNamingTheFile() {
        const QString file = dir.filePath("one-hertz.wav");
        QVERIFY(writeWav16(file, 1, 100));
        for (const QStringList& command :
             {QStringList{"asset", "add", file, "--owner", bo},
              QStringList{"convert", "--model", dir.filePath("ada.accordvoice"), file,
                          dir.filePath("out.wav")}}) {
            const auto r = runCli(command, registry);
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(QString(r.err).contains(file) && QString(r.err).contains("1 Hz") &&
                         !QString(r.err).contains("Watermark"),
                     r.err.constData());
        }
    }
};

QTEST_GUILESS_MAIN(AudioInputTest)
#include "test_audio_input.moc"

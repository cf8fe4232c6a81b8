// The manifest inside a WAV or FLAC (accord/audio/embedded_manifest.h): written and read back,
// replaced rather than added, the audio untouched, malformed containers named, and a file
// larger than anything Accord reads whole handled in bounded memory.

#include "accord/audio/audio_io.h"
#include "accord/audio/embedded_manifest.h"
#include "accord/core/errors.h"

#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

using accord::BadInput;
namespace audio = accord::audio;

namespace {

std::vector<std::vector<float>> tone(int channels, int frames) {
    std::vector<std::vector<float>> samples(static_cast<std::size_t>(channels),
                                            std::vector<float>(static_cast<std::size_t>(frames)));
    for (int c = 0; c < channels; ++c)
        for (int i = 0; i < frames; ++i)
            samples[std::size_t(c)][std::size_t(i)] = 0.25f * float(std::sin(0.05 * i * (c + 1)));
    return samples;
}

std::string bytesOf(const QString& path) {
    std::ifstream in(path.toStdString(), std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void append(const QString& path, const std::string& bytes) {
    std::ofstream out(path.toStdString(), std::ios::binary | std::ios::app);
    out << bytes;
}

std::string le32(std::uint32_t v) {
    return {char(v & 0xff), char((v >> 8) & 0xff), char((v >> 16) & 0xff), char(v >> 24)};
}

// A 16-bit mono 8 kHz WAV header for `dataBytes` of samples.
std::string wavHeader(std::uint32_t dataBytes) {
    std::string fmt = le32(16) + std::string("\x01\x00\x01\x00", 4) + le32(8000) + le32(16000) +
                      std::string("\x02\x00\x10\x00", 4);
    return "RIFF" + le32(4 + 8 + 16 + 8 + dataBytes) + "WAVE" + "fmt " + fmt + "data" +
           le32(dataBytes);
}

// A RIFF chunk's size on disk: odd payloads are padded to an even length.
std::size_t padded(const std::string& payload) {
    return payload.size() + payload.size() % 2;
}

const std::string kManifest = R"({"format":"accord-manifest","n":1})";
const std::string kOtherManifest = R"({"format":"accord-manifest","n":22})";

} // namespace

class TestEmbeddedManifest : public QObject {
    Q_OBJECT

    QTemporaryDir dir;

    QString path(const QString& name) const { return dir.filePath(name); }

private slots:
    void writtenReadBackAndReplaced_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("WAV") << "mix.wav";
        QTest::newRow("FLAC") << "mix.flac";
    }

    void writtenReadBackAndReplaced() {
        QFETCH(QString, name);
        const QString file = path(name);
        audio::writeAudio(file.toStdString(), tone(2, 44101), 44100);
        const std::string before = file.toStdString();
        QVERIFY(audio::readEmbeddedManifests(before).empty());

        audio::embedManifest(before, kManifest);
        QCOMPARE(audio::readEmbeddedManifests(before), std::vector<std::string>{kManifest});
        audio::embedManifest(before, kOtherManifest); // replaces, never adds a second
        QCOMPARE(audio::readEmbeddedManifests(before), std::vector<std::string>{kOtherManifest});

        const auto decoded = audio::readAudio(before);
        QCOMPARE(decoded.channels.size(), std::size_t(2));
        QCOMPARE(decoded.channels[0].size(), std::size_t(44101));
        const auto written = tone(2, 44101);
        for (std::size_t c = 0; c < 2; ++c)
            for (std::size_t i = 0; i < written[c].size(); i += 997)
                QVERIFY(std::abs(decoded.channels[c][i] - written[c][i]) < 1.0f / (1 << 22));
    }

    // Bytes after the RIFF end are not part of the WAV: ignored when read, dropped on embedding.
    void bytesAfterTheRiffEndAreNotTheWav() {
        const QString file = path("trailing.wav");
        audio::writeAudio(file.toStdString(), tone(1, 1001), 48000);
        audio::embedManifest(file.toStdString(), kManifest);
        const std::size_t size = bytesOf(file).size();
        append(file, "acrd\x10\x00\x00\x00garbage!");
        QCOMPARE(audio::readEmbeddedManifests(file.toStdString()),
                 std::vector<std::string>{kManifest});
        audio::embedManifest(file.toStdString(), kOtherManifest);
        QCOMPARE(bytesOf(file).size(), size - padded(kManifest) + padded(kOtherManifest));
    }

    // A second manifest chunk (an edit after export) is listed, so verify can call it tampering.
    void twoManifestsAreBothListed() {
        const QString file = path("two.wav");
        audio::writeAudio(file.toStdString(), tone(1, 1000), 48000);
        audio::embedManifest(file.toStdString(), kManifest);
        std::string bytes = bytesOf(file);
        const std::string second = "acrd" + le32(std::uint32_t(kOtherManifest.size())) +
                                   kOtherManifest + (kOtherManifest.size() % 2 ? "\0" : "");
        bytes += second;
        const std::string riffSize = le32(std::uint32_t(bytes.size() - 8));
        bytes.replace(4, 4, riffSize);
        std::ofstream(file.toStdString(), std::ios::binary | std::ios::trunc) << bytes;
        QCOMPARE(audio::readEmbeddedManifests(file.toStdString()),
                 (std::vector<std::string>{kManifest, kOtherManifest}));
    }

    void malformedContainersAreNamed() {
        const QString cut = path("cut.wav");
        audio::writeAudio(cut.toStdString(), tone(1, 4000), 48000);
        const std::string bytes = bytesOf(cut);
        std::ofstream(cut.toStdString(), std::ios::binary | std::ios::trunc)
            << bytes.substr(0, bytes.size() / 2);
        for (const auto& attempt :
             {std::function<void()>([&] { audio::readEmbeddedManifests(cut.toStdString()); }),
              std::function<void()>([&] { audio::embedManifest(cut.toStdString(), kManifest); })}) {
            try {
                attempt();
                QFAIL("a cut WAV was accepted");
            } catch (const BadInput& e) {
                QVERIFY2(QString(e.what()).contains(cut) &&
                             QString(e.what()).contains("past the end"),
                         e.what());
            }
        }
        QCOMPARE(bytesOf(cut), bytes.substr(0, bytes.size() / 2)); // nothing written

        const QString text = path("notes.mp3");
        std::ofstream(text.toStdString()) << "not audio at all";
        QVERIFY(audio::readEmbeddedManifests(text.toStdString()).empty());
        QVERIFY_EXCEPTION_THROWN(audio::embedManifest(text.toStdString(), kManifest), BadInput);
        QVERIFY_EXCEPTION_THROWN(audio::readEmbeddedManifests(dir.path().toStdString()),
                                 BadInput); // a folder
    }

    // 300 MiB of samples (more than any file Accord reads whole): embedded and read back by a
    // child process whose peak memory stays far under the file's size.
    void largeFilesInBoundedMemory() {
        const QString file = path("long.wav");
        const std::uint32_t dataBytes = 300u << 20;
        { std::ofstream(file.toStdString(), std::ios::binary) << wavHeader(dataBytes); }
        QCOMPARE(::truncate(file.toLocal8Bit().constData(), off_t(44 + dataBytes)), 0);
        const pid_t child = ::fork();
        if (child == 0) {
            try {
                audio::embedManifest(file.toStdString(), kManifest);
                const bool read = audio::readEmbeddedManifests(file.toStdString()) ==
                                  std::vector<std::string>{kManifest};
                ::_exit(read ? 0 : 1);
            } catch (...) {
                ::_exit(2);
            }
        }
        QVERIFY(child > 0);
        int status = 0;
        rusage usage{};
        QCOMPARE(::wait4(child, &status, 0, &usage), child);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);
        qInfo("embedding into and reading a %u MiB WAV: child's peak %.1f MiB", dataBytes >> 20,
              usage.ru_maxrss / 1024.0);
        QVERIFY2(usage.ru_maxrss < 200 * 1024, qPrintable(QString::number(usage.ru_maxrss)));
        QCOMPARE(QFileInfo(file).size(),
                 qint64(44 + dataBytes + 8 + kManifest.size() + kManifest.size() % 2));
    }
};

QTEST_GUILESS_MAIN(TestEmbeddedManifest)
#include "test_embedded_manifest.moc"

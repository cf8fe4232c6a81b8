// The proof inside a WAV or FLAC (accord/audio/embedded_manifest.h): C2PA Content Credentials
// written and read back with their hard binding holding, replaced rather than added, the audio
// untouched, the manifest chunks of older exports still read, malformed containers named, and a
// file larger than anything Accord reads whole handled in bounded memory.

#include "accord/audio/audio_io.h"
#include "accord/audio/embedded_manifest.h"
#include "accord/core/c2pa.h"
#include "accord/core/errors.h"
#include "accord/core/registry.h"

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
#include <memory>
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

const std::string kManifest = R"({"format":"accord-manifest","n":1})";
const std::string kOtherManifest = R"({"format":"accord-manifest","n":22})";

// An old export's manifest chunk, as Accord wrote them before C2PA.
std::string manifestChunk(const std::string& manifest) {
    return "acrd" + le32(std::uint32_t(manifest.size())) + manifest +
           (manifest.size() % 2 ? std::string(1, '\0') : std::string());
}

} // namespace

class TestEmbeddedManifest : public QObject {
    Q_OBJECT

    QTemporaryDir dir;
    std::unique_ptr<accord::Registry> registry;
    accord::c2pa::Signer signer; // made once: the forked child below never touches SQLite

    QString path(const QString& name) const { return dir.filePath(name); }

    // Content Credentials carrying `manifest`, signed by this test's studio.
    void embed(const QString& file, const std::string& manifest) {
        accord::c2pa::ManifestRequest request;
        request.title = "mix";
        request.generatorVersion = "test";
        request.assertions = {
            {"io.accord.manifest", accord::c2pa::Assertion::Kind::Json, manifest}};
        request.signer = signer;
        accord::c2pa::StoreBuilder store(request);
        audio::embedContentCredentials(file.toStdString(), store);
    }

    // The manifest in the file's Content Credentials, when their signature and hard binding hold.
    std::string embedded(const QString& file) {
        const auto credentials = audio::readContentCredentials(file.toStdString());
        if (!credentials)
            return "NONE";
        const auto read = accord::c2pa::readStore(credentials->store, file.toStdString());
        if (!read.claimSignatureValid || read.dataHash != credentials->sha256Outside ||
            !read.exclusion || read.exclusion->start != credentials->location.start ||
            read.exclusion->length != credentials->location.length)
            return "BROKEN";
        return read.assertion("io.accord.manifest")->content;
    }

private slots:
    void initTestCase() {
        QVERIFY(dir.isValid());
        registry = accord::Registry::open(path("registry.sqlite").toStdString());
        signer = registry->c2paSigner("");
        signer.sign("the studio key, read once"); // kept in memory from now on
    }

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

        QVERIFY(!audio::readContentCredentials(before));

        const std::size_t audioOnly = bytesOf(file).size();
        embed(file, kManifest);
        QCOMPARE(embedded(file), kManifest);
        embed(file, kOtherManifest); // replaces, never adds a second
        QCOMPARE(embedded(file), kOtherManifest);
        // What the file holds now: the audio and one store (in a WAV its chunk header and pad
        // byte, in a FLAC the ID3 tag's 63 bytes around it).
        const std::string store = audio::readContentCredentials(before)->store;
        QCOMPARE(bytesOf(file).size(),
                 audioOnly + store.size() + (name.endsWith(".wav") ? 8 + store.size() % 2 : 63));
        QVERIFY(audio::readEmbeddedManifests(before).empty()); // no manifest beside them

        const auto decoded = audio::readAudio(before);
        QCOMPARE(decoded.channels.size(), std::size_t(2));
        QCOMPARE(decoded.channels[0].size(), std::size_t(44101));
        const auto written = tone(2, 44101);
        for (std::size_t c = 0; c < 2; ++c)
            for (std::size_t i = 0; i < written[c].size(); i += 997)
                QVERIFY(std::abs(decoded.channels[c][i] - written[c][i]) < 1.0f / (1 << 22));
    }

    // Bytes after the RIFF end are not part of the WAV: dropped on embedding; added later, they
    // break the hard binding (every byte of the file is hashed).
    void bytesAfterTheRiffEndAreNotTheWav() {
        const QString file = path("trailing.wav");
        audio::writeAudio(file.toStdString(), tone(1, 1001), 48000);
        embed(file, kManifest);
        const std::size_t size = bytesOf(file).size();
        append(file, "acrd\x10\x00\x00\x00garbage!");
        QCOMPARE(embedded(file), std::string("BROKEN"));
        QVERIFY(audio::readEmbeddedManifests(file.toStdString()).empty());
        embed(file, kManifest);
        QCOMPARE(bytesOf(file).size(), size);
        QCOMPARE(embedded(file), kManifest);
    }

    // The manifest chunk of an older export is still read, and embedding replaces it.
    void olderManifestChunksAreReadAndReplaced() {
        const QString file = path("older.wav");
        audio::writeAudio(file.toStdString(), tone(1, 1000), 48000);
        std::string bytes = bytesOf(file) + manifestChunk(kManifest);
        bytes.replace(4, 4, le32(std::uint32_t(bytes.size() - 8)));
        std::ofstream(file.toStdString(), std::ios::binary | std::ios::trunc) << bytes;
        QCOMPARE(audio::readEmbeddedManifests(file.toStdString()),
                 std::vector<std::string>{kManifest});
        embed(file, kOtherManifest);
        QVERIFY(audio::readEmbeddedManifests(file.toStdString()).empty());
        QCOMPARE(embedded(file), kOtherManifest);
    }

    // A second manifest chunk (an edit after export) is listed, so verify can call it tampering.
    void twoManifestsAreBothListed() {
        const QString file = path("two.wav");
        audio::writeAudio(file.toStdString(), tone(1, 1000), 48000);
        std::string bytes =
            bytesOf(file) + manifestChunk(kManifest) + manifestChunk(kOtherManifest);
        bytes.replace(4, 4, le32(std::uint32_t(bytes.size() - 8)));
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
              std::function<void()>([&] { embed(cut, kManifest); })}) {
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
        QVERIFY(!audio::readContentCredentials(text.toStdString()));
        QVERIFY_EXCEPTION_THROWN(embed(text, kManifest), BadInput);
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
                embed(file, kManifest);
                ::_exit(embedded(file) == kManifest ? 0 : 1);
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
        qInfo("embedding into and reading a %u MiB WAV (hashed twice): child's peak %.1f MiB",
              dataBytes >> 20, usage.ru_maxrss / 1024.0);
        QVERIFY2(usage.ru_maxrss < 200 * 1024, qPrintable(QString::number(usage.ru_maxrss)));
        const auto credentials = audio::readContentCredentials(file.toStdString());
        QVERIFY(credentials);
        QCOMPARE(QFileInfo(file).size(), qint64(44 + dataBytes + credentials->location.length +
                                                credentials->store.size() % 2));
    }
};

QTEST_GUILESS_MAIN(TestEmbeddedManifest)
#include "test_embedded_manifest.moc"

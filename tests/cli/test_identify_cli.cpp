// `accord-cli identify` (docs/CLI.md "identify") through the real binary: the JSON shape of a
// match in an excerpt of a registered recording, nothing found in unrelated audio (exit 0), an
// unreadable file named with exit 2, and --reindex; `asset add` of a mix holding another holder's
// recording says so, and exporting it is refused naming that holder. A query leaves a lookup
// file it finds too old to the indexing path, which makes it again before its command exits.

#include "test_support.h"

#include "accord/core/registry.h"
#include "accord/workflows/identify.h"

#include <sys/stat.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

namespace {

const QString kTrack = "hyperrogue/hr3-jungle.ogg";
const QString kOther = "hyperrogue/hr3-mirror.ogg"; // never registered

// Ana, a new holder in `registry`, registers `track`: her id and what `asset add` answered.
struct AnasTrack {
    QString holder;
    accord::test::CliResult added;
};
AnasTrack registerAnasTrack(const QString& registry, const QString& track) {
    const QString holder = accord::test::addHolder(registry, "Ana");
    return {holder,
            accord::test::runCli({"--json", "asset", "add", track, "--owner", holder}, registry)};
}

} // namespace

class TestIdentifyCli : public QObject {
    Q_OBJECT

private slots:
    void identifyThroughTheBinary() {
        ACCORD_REQUIRE_MATERIAL(track, kTrack);
        ACCORD_REQUIRE_MATERIAL(other, kOther);
        QTemporaryDir dir;
        const QString registry = dir.filePath("registry.sqlite");
        const auto [holder, added] = registerAnasTrack(registry, track);
        QCOMPARE(added.exitCode, 0);
        const QString asset = added.field("asset");

        const QString excerpt = dir.filePath("excerpt.wav");
        QVERIFY(accord::test::runTool("sox", {track, excerpt, "trim", "20", "6", "speed", "1.05"}));
        const auto found = accord::test::runCli({"--json", "identify", excerpt}, registry);
        QCOMPARE(found.exitCode, 0);
        const QJsonArray matches = found.json().value("matches").toArray();
        QCOMPARE(matches.size(), 1);
        const QJsonObject match = matches.first().toObject();
        QCOMPARE(match.value("asset").toString(), asset);
        QCOMPARE(match.value("owner").toString(), holder);
        QCOMPARE(match.value("owner_name").toString(), QString("Ana"));
        QVERIFY(std::abs(match.value("recording_offset").toDouble() - 20) < 0.6);
        QVERIFY(match.value("file_offset").toDouble() < 0.6);
        QVERIFY(match.value("seconds").toDouble() > 4);
        QVERIFY(std::abs(match.value("speed").toDouble() - 1.05) < 0.02);
        QVERIFY(std::abs(match.value("pitch_semitones").toDouble() - 0.845) < 0.25);
        QVERIFY(match.value("confidence").toDouble() > 0.5);
        QVERIFY(QFile::exists(registry + ".fingerprints"));

        const QString unrelated = dir.filePath("unrelated.wav");
        QVERIFY(accord::test::runTool("sox", {other, unrelated, "trim", "30", "5"}));
        const auto none = accord::test::runCli({"--json", "identify", unrelated}, registry);
        QCOMPARE(none.exitCode, 0);
        QCOMPARE(none.json().value("matches").toArray().size(), 0);

        const QString missing = dir.filePath("missing.wav");
        const auto bad = accord::test::runCli({"identify", missing}, registry);
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains(missing.toUtf8()), bad.err.constData());
        QVERIFY(bad.out.isEmpty());

        const auto reindex = accord::test::runCli({"--json", "identify", "--reindex"}, registry);
        QCOMPARE(reindex.exitCode, 0);
        QCOMPARE(reindex.json().value("indexed").toInt(), 1);
        QCOMPARE(accord::test::runCli({"identify"}, registry).exitCode, 1);

        // Ben's beat holds 8 s of Ana's track under another at equal level.
        const QString ben = accord::test::addHolder(registry, "Ben");
        const QString beat = dir.filePath("beat.wav"), sample = dir.filePath("sample.wav"),
                      mix = dir.filePath("beat-with-sample.wav");
        QVERIFY(accord::test::runTool(
            "sox", {other, "-r", "44100", "-c", "2", beat, "trim", "10", "16", "norm", "-6"}));
        QVERIFY(accord::test::runTool("sox", {track, "-r", "44100", "-c", "2", sample, "trim", "30",
                                              "8", "norm", "-6", "pad", "4", "4"}));
        QVERIFY(accord::test::runTool("sox", {"-m", beat, sample, mix}));
        const auto scanned =
            accord::test::runCli({"--json", "asset", "add", mix, "--owner", ben}, registry);
        QCOMPARE(scanned.exitCode, 0);
        const QJsonObject scan = scanned.json().value("scan").toObject();
        QCOMPARE(scan.value("recordings_indexed").toInt(), 1);
        QCOMPARE(scan.value("found").toArray().size(), 1);
        QCOMPARE(scan.value("found").toArray().first().toObject().value("id").toString(), asset);
        const QJsonArray inside = scanned.json().value("found_inside").toArray();
        QCOMPARE(inside.size(), 1);
        QVERIFY(inside.first().toObject().value("flagged").toBool());
        QVERIFY2(
            inside.first().toObject().value("note").toString().contains("Ana (" + holder + ")"),
            scanned.out.constData());
        const auto text = accord::test::runCli({"asset", "list"}, registry);
        QCOMPARE(text.exitCode, 0);

        // Exporting a project that plays it asks Ana, even with Ben's own grant.
        const QString mixAsset = scanned.field("asset");
        QCOMPARE(accord::test::runCli(
                     {"grant", "add", "--holder", ben, "--scope", "export", "--asset", mixAsset},
                     registry)
                     .exitCode,
                 0);
        const QString song = dir.filePath("song.accord");
        QCOMPARE(accord::test::runCli({"project", "new", song}, registry).exitCode, 0);
        QCOMPARE(accord::test::runCli({"project", "add-track", song, "--name", "Beat"}, registry)
                     .exitCode,
                 0);
        QCOMPARE(
            accord::test::runCli({"project", "add-clip", song, "--track", "t-1", mix}, registry)
                .exitCode,
            0);
        const auto refused = accord::test::runCli(
            {"--json", "export", song, "--out", dir.filePath("out"), "--as", ben}, registry);
        QCOMPARE(refused.exitCode, 4);
        const QJsonArray denied = refused.json().value("denied").toArray();
        QCOMPARE(denied.size(), 1);
        QCOMPARE(denied.first().toObject().value("asset").toString(), asset);
        QCOMPARE(denied.first().toObject().value("owner").toString(), holder);

        // Once Ana allows Ben, the export's manifest carries what the scan found, and its split
        // sheet credits Ana for the 8 s of her track in the 16 s beat.
        QCOMPARE(accord::test::runCli({"grant", "add", "--holder", holder, "--scope", "export",
                                       "--asset", asset, "--to", ben},
                                      registry)
                     .exitCode,
                 0);
        const auto exported = accord::test::runCli(
            {"--json", "export", song, "--out", dir.filePath("out"), "--as", ben}, registry);
        QVERIFY2(exported.exitCode == 0, exported.err.constData());
        const QJsonObject mixExport = exported.json().value("exports").toArray().first().toObject();
        QFile sidecar(mixExport.value("sidecar").toString());
        QVERIFY(sidecar.open(QIODevice::ReadOnly));
        const QJsonObject manifest = QJsonDocument::fromJson(sidecar.readAll()).object();
        bool foundInManifest = false;
        for (const auto& entry : manifest.value("lineage").toObject().value("assets").toArray()) {
            const QJsonObject a = entry.toObject();
            if (a.value("asset").toString() == mixAsset)
                foundInManifest = a.value("scan")
                                      .toObject()
                                      .value("found")
                                      .toArray()
                                      .first()
                                      .toObject()
                                      .value("id")
                                      .toString() == asset;
        }
        QVERIFY2(foundInManifest, sidecar.fileName().toUtf8().constData());
        double anaPercent = 0;
        for (const auto& share : mixExport.value("split").toObject().value("shares").toArray())
            if (share.toObject().value("holder").toString() == holder)
                anaPercent = share.toObject().value("percent").toDouble();
        QVERIFY2(anaPercent > 25 && anaPercent < 38, qPrintable(QString::number(anaPercent)));

        // Ana's royalty statement names that export with her share, as CSV and as PDF.
        const QString csvPath = dir.filePath("ana.csv"), pdfPath = dir.filePath("ana.pdf");
        QCOMPARE(
            accord::test::runCli(
                {"statement", "--holder", holder, "--format", "csv", "--out", csvPath}, registry)
                .exitCode,
            0);
        QFile csv(csvPath);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList rows = QString(csv.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(rows.size(), 3); // header, the mix, the total
        QVERIFY2(rows[1].startsWith(mixExport.value("export").toString() + ","),
                 qPrintable(rows[1]));
        QVERIFY2(rows[1].contains(QString::number(anaPercent, 'f', 2)), qPrintable(rows[1]));
        QVERIFY(rows[2].startsWith("total,"));
        const auto pdf = accord::test::runCli(
            {"--json", "statement", "--holder", holder, "--format", "pdf", "--out", pdfPath},
            registry);
        QCOMPARE(pdf.exitCode, 0);
        QCOMPARE(pdf.json().value("exports").toInt(), 1);
        const QString pdfText = accord::test::runToolOutput("pdftotext", {pdfPath, "-"});
        QVERIFY2(pdfText.contains("Royalty statement: Ana") && pdfText.contains("song") &&
                     pdfText.contains(QString::number(anaPercent, 'f', 2)),
                 qPrintable(pdfText));
        // An unknown holder is bad input.
        QCOMPARE(
            accord::test::runCli(
                {"statement", "--holder", "h-99", "--format", "csv", "--out", csvPath}, registry)
                .exitCode,
            2);
    }

    void queryLeavesAStaleLookupFileToIndexing() {
        // docs/IDENTIFY.md "The lookup file": a one-shot query does not make the lookup file
        // again (nor wait for it at exit) when it finds it too old; the next command that indexes
        // a recording does, and leaves it made.
        ACCORD_REQUIRE_MATERIAL(track, kTrack);
        ACCORD_REQUIRE_MATERIAL(other, kOther);
        QTemporaryDir dir;
        const QString registry = dir.filePath("registry.sqlite");
        const auto [holder, added] = registerAnasTrack(registry, track);
        QCOMPARE(added.exitCode, 0);
        const std::string indexPath = accord::FingerprintIndex::pathBeside(registry.toStdString());
        const std::string lookupFile = accord::FingerprintIndex::lookupFilePath(indexPath);
        auto fileIdentity = [&] {
            struct stat info {};
            return ::stat(lookupFile.c_str(), &info) == 0 ? info.st_ino : ino_t(0);
        };
        const ino_t made = fileIdentity();
        QVERIFY(made != 0); // the indexing command left it made

        // Rows written past the file's share of changes (and the 65 536 changed hashes a small
        // index keeps), as a studio's index on another machine or an interrupted indexing could
        // leave them, without the indexing path's renewal.
        {
            const auto index = accord::workflows::openFingerprintIndex(
                *accord::Registry::open(registry.toStdString()));
            std::vector<accord::IndexedLandmark> landmarks;
            for (std::uint32_t i = 0; i < 70000; ++i)
                landmarks.push_back({i * 2654435761u, i, 20, 0});
            index->add(accord::IndexedKind::Asset, "not-registered", "", 30, landmarks);
        }
        const QString excerpt = dir.filePath("excerpt.wav");
        QVERIFY(accord::test::runTool("sox", {track, excerpt, "trim", "20", "5"}));
        const auto found = accord::test::runCli({"--json", "identify", excerpt}, registry);
        QCOMPARE(found.exitCode, 0);
        QCOMPARE(found.json().value("matches").toArray().size(), 1);
        QCOMPARE(fileIdentity(), made); // answered from the old file and the changes
        QCOMPARE(QDir(dir.path()).entryList({"*.tmp-*"}).size(), 0);

        const auto indexing =
            accord::test::runCli({"--json", "asset", "add", other, "--owner", holder}, registry);
        QCOMPARE(indexing.exitCode, 0);
        QVERIFY(fileIdentity() != made); // made again before `asset add` exited
        QCOMPARE(QDir(dir.path()).entryList({"*.tmp-*"}).size(), 0);
        const auto again = accord::test::runCli({"--json", "identify", excerpt}, registry);
        QCOMPARE(again.json().value("matches").toArray().size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestIdentifyCli)
#include "test_identify_cli.moc"

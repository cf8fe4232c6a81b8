// `accord-cli identify` (docs/CLI.md "identify") through the real binary: the JSON shape of a
// match in an excerpt of a registered recording, nothing found in unrelated audio (exit 0), an
// unreadable file named with exit 2, and --reindex.

#include "test_support.h"

#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

namespace {

const QString kTrack = "hyperrogue/hr3-jungle.ogg";
const QString kOther = "hyperrogue/hr3-mirror.ogg"; // never registered

} // namespace

class TestIdentifyCli : public QObject {
    Q_OBJECT

private slots:
    void identifyThroughTheBinary() {
        ACCORD_REQUIRE_MATERIAL(track, kTrack);
        ACCORD_REQUIRE_MATERIAL(other, kOther);
        QTemporaryDir dir;
        const QString registry = dir.filePath("registry.sqlite");
        const QString holder =
            accord::test::runCli({"--json", "holder", "add", "--name", "Ana"}, registry)
                .json()
                .value("holder")
                .toString();
        const auto added =
            accord::test::runCli({"--json", "asset", "add", track, "--owner", holder}, registry);
        QCOMPARE(added.exitCode, 0);
        const QString asset = added.json().value("asset").toString();

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
    }
};

QTEST_GUILESS_MAIN(TestIdentifyCli)
#include "test_identify_cli.moc"
